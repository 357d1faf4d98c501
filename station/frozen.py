"""What the executables of a frozen bundle (PyInstaller, packaging/) do before anything else.

A bundle has no Python interpreter to start, so the station's isolated child processes (today:
the WSQ decoder, see station/biometrics/formats/wsq.py) are started as the bundle's own
executable with a child flag: `rekam --rekam-wsq-child`. Each entry script in packaging/ calls
`run_child_if_asked()` first; it costs one comparison when no flag is given. Outside a bundle
the children are started as `python <child script>` instead (`child_argv`).
"""

from __future__ import annotations

import importlib
import sys

WSQ_CHILD_FLAG = "--rekam-wsq-child"

# flag -> module whose main() is the child; only these modules, never a name from the command line
CHILDREN = {WSQ_CHILD_FLAG: "station.biometrics.formats.wsq_child"}


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def child_argv(flag: str, script: str) -> list[str]:
    """How to start a child: the bundle's executable with `flag`, else Python on `script`
    (isolated mode: no PYTHON* variables, no script directory or user site on the path)."""
    if is_frozen():
        return [sys.executable, flag]
    return [sys.executable, "-I", script]


def run_child_if_asked(argv: list[str] | None = None) -> None:
    """Be the child the flag names, and exit with its status; return if there is no flag."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in CHILDREN:
        module = importlib.import_module(CHILDREN[args[0]])
        sys.exit(module.main())
