"""What makes `rekam` and `rekam-receiver` behave like command-line tools: global options that
work before or after the subcommand, and list commands that say how many there are.

Global options
--------------
A program declares its global options once, on its `CommandParser`:

    parser = CommandParser(prog="rekam", global_options=[
        GlobalOption("--data-dir", type=Path, help="..."),
        GlobalOption("--json", action="store_true", help="print JSON"),
    ])

Every parser created under it with `add_subparsers().add_parser(...)`, at any depth, gets the same
options, so `rekam --data-dir D records list` and `rekam records list --data-dir D` mean the same.
How a new command registers: in its module's `register(sub)`, call `sub.add_parser(NAME, ...)`
and add the command's own arguments; the global options arrive by themselves (do not add them).
A command that prints JSON says so with `declare_json(parser)`; `--json` on any other command is
refused with a clear message instead of silently printing text to a script. Re-declaring a global
option on a subcommand (`add_argument("--json", ...)`, `parents=[...]`) is harmless: the global
option stands, and for `--json` it counts as `declare_json`.

Only the top-level parser holds defaults. Under a subcommand the options default to
`argparse.SUPPRESS`, because argparse copies a subparser's defaults over values the top level
already parsed; so the value given last on the command line wins, and one given nowhere is the
top-level default.

Listings
--------
`add_paging(parser)` gives a list command `--limit` / `--offset`; `Page` carries the rows with
the total, and `emit_page` prints either JSON (`{KEY: [...], "total", "offset", "limit",
"next_offset"}`) or one line per row and, when rows are left out, how many and how to see them.

This module imports only the standard library: the station and the receiver both use it, and the
start-up path of the GUI parses its options through it before anything heavy is loaded.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

JSON_CAPABLE = "_json_capable"  # namespace attribute set by declare_json
COMMAND_PATH = "_command_path"  # "records list": which (sub)command was parsed


@dataclass(frozen=True)
class GlobalOption:
    """An option every (sub)command accepts; `kwargs` as for `add_argument`."""

    flags: tuple[str, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __init__(self, *flags: str, **kwargs: Any):
        object.__setattr__(self, "flags", flags)
        object.__setattr__(self, "kwargs", kwargs)


class CommandParser(argparse.ArgumentParser):
    """An ArgumentParser whose subcommands (at every depth) accept the global options."""

    def __init__(self, *args: Any, global_options: Sequence[GlobalOption] = (),
                 _nested: bool = False, **kwargs: Any):
        self._global_options = tuple(global_options)
        self._global_flags = {f for opt in self._global_options for f in opt.flags}
        self._adding_globals = True
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _SubCommands)
        for opt in self._global_options:
            extra = {"default": argparse.SUPPRESS} if _nested else {}
            self.add_argument(*opt.flags, **{**opt.kwargs, **extra})
        self._adding_globals = False

    def _add_action(self, action: argparse.Action) -> argparse.Action:
        strings = set(action.option_strings)
        if strings & self._global_flags and not self._adding_globals:
            # A command re-declaring a global option: the global one stands.
            if "--json" in strings:
                declare_json(self)
            return self._option_string_actions[next(iter(strings & self._global_flags))]
        return super()._add_action(action)

    def _add_container_actions(self, container: argparse._ActionsContainer) -> None:
        # `parents=[...]` carrying a global option: take the parent's other options only.
        clashing = [a for a in container._actions if set(a.option_strings) & self._global_flags]
        if not clashing:
            super()._add_container_actions(container)
            return
        if any("--json" in a.option_strings for a in clashing):
            declare_json(self)
        rest = argparse.ArgumentParser(add_help=False)
        for action in container._actions:
            if action not in clashing:
                rest._add_action(action)
        super()._add_container_actions(rest)

    def add_subparsers(self, **kwargs: Any) -> argparse._SubParsersAction:
        kwargs.setdefault("parser_class", _subcommand_factory(self._global_options))
        return super().add_subparsers(**kwargs)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        ns = super().parse_args(args, namespace)
        if getattr(ns, "json", False) and not getattr(ns, JSON_CAPABLE, False):
            command = " ".join(filter(None, (self.prog, getattr(ns, COMMAND_PATH, None))))
            self.error(f"{command} tidak punya keluaran JSON / has no JSON output (--json)")
        return ns


def _subcommand_factory(options: tuple[GlobalOption, ...]) -> Callable[..., CommandParser]:
    def make(**kwargs: Any) -> CommandParser:
        return CommandParser(global_options=options, _nested=True, **kwargs)

    return make


class _SubCommands(argparse._SubParsersAction):
    """Records which subcommand was chosen (`records list`) for messages and --json checks."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        # argparse parses the subcommand into a fresh namespace and copies it over this one, so
        # a nested subcommand's own path ("list") arrives here after super() returns.
        outer = getattr(namespace, COMMAND_PATH, None)
        setattr(namespace, COMMAND_PATH, None)
        super().__call__(parser, namespace, values, option_string)
        inner = getattr(namespace, COMMAND_PATH, None)
        setattr(namespace, COMMAND_PATH, " ".join(p for p in (outer, values[0], inner) if p))


def declare_json(parser: argparse.ArgumentParser) -> None:
    """This command prints JSON with --json (the option itself is global)."""
    parser.set_defaults(**{JSON_CAPABLE: True})


# --- listings ------------------------------------------------------------------------------------

DEFAULT_LIMIT = 50
MAX_LIMIT = 100_000


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bukan bilangan / not a number: {text!r}") from None
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"antara 1 dan {MAX_LIMIT} / between 1 and {MAX_LIMIT}")
    return value


def _offset(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bukan bilangan / not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("tidak boleh negatif / must not be negative")
    return value


def add_paging(parser: argparse.ArgumentParser, default_limit: int = DEFAULT_LIMIT) -> None:
    """--limit N (1..100000) and --offset N (>= 0) for a list command; it prints JSON too."""
    parser.add_argument("--limit", type=_limit, default=default_limit,
                        help=f"at most this many rows (default {default_limit})")
    parser.add_argument("--offset", type=_offset, default=0, help="skip this many rows first")
    declare_json(parser)


@dataclass(frozen=True)
class Page:
    """One page of a listing: the rows shown, where they start, and how many there are."""

    items: list[Any]
    total: int
    offset: int
    limit: int

    @classmethod
    def of(cls, rows: Iterable[Any], offset: int, limit: int) -> Page:
        """A page cut from a complete, in-memory list (small lists such as operators)."""
        rows = list(rows)
        return cls(rows[offset:offset + limit], len(rows), offset, limit)

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.items)
        return end if end < self.total else None

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.offset - len(self.items))

    def as_json(self, key: str, render: Callable[[Any], Any] = lambda r: r) -> dict[str, Any]:
        return {key: [render(r) for r in self.items], "total": self.total,
                "offset": self.offset, "limit": self.limit, "next_offset": self.next_offset}


def page_footer(page: Page) -> str | None:
    """The line a truncated human listing ends with, or None when every row was shown."""
    if not page.items:
        if page.total and page.offset >= page.total:
            return (f"Tidak ada baris setelah --offset {page.offset}; jumlah {page.total}. / "
                    f"No rows after --offset {page.offset}; {page.total} in all.")
        return None
    first, last = page.offset + 1, page.offset + len(page.items)
    if first == 1 and last == page.total:
        return None
    more = page.remaining
    text = (f"Baris {first}-{last} dari {page.total}. / Rows {first}-{last} of {page.total}.")
    if more:
        text += (f" {more} lagi: --offset {last} (atau --limit lebih besar). / {more} more: "
                 f"--offset {last} (or a larger --limit).")
    return text


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def emit_page(page: Page, *, as_json: bool, key: str, render_json: Callable[[Any], Any],
              render_line: Callable[[Any], str], empty: str) -> None:
    """Print a page as JSON or as lines with the footer; `empty` when there are no rows at all."""
    if as_json:
        print_json(page.as_json(key, render_json))
        return
    if page.total == 0:
        print(empty)
        return
    for row in page.items:
        print(render_line(row))
    footer = page_footer(page)
    if footer:
        print(footer)
