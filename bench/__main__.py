"""python -m bench [NAME...] [--quick] [--json]

NAME selects benchmark modules (e.g. `nik`) or single results by name prefix. Exit 1 when a
target does not hold, so the runner can gate a release; the ratio to the floor is the figure to
compare across machines.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from bench import MODULES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[2])
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, smaller data")
    parser.add_argument("--json", action="store_true", help="print results as JSON lines")
    args = parser.parse_args(argv)

    wanted = set(args.names)
    modules = [m for m in MODULES if not wanted or m.rsplit(".", 1)[1] in wanted]
    unknown = wanted - {m.rsplit(".", 1)[1] for m in MODULES}
    if unknown:
        parser.error(
            f"unknown benchmark(s): {', '.join(sorted(unknown))}; "
            f"known: {', '.join(m.rsplit('.', 1)[1] for m in MODULES)}"
        )
    failed = False
    for name in modules:
        for result in importlib.import_module(name).run(args.quick):
            failed |= result.ok is False
            if args.json:
                print(json.dumps(result.as_dict()), flush=True)
            else:
                ratio = "" if result.ratio is None else f"  ratio {result.ratio:6.2f}x"
                floor = "" if result.floor is None else f"  floor {result.floor:10.3f}"
                verdict = {True: "OK  ", False: "FAIL", None: "    "}[result.ok]
                print(
                    f"{verdict} {result.name:<40} {result.value:10.3f} {result.unit:<10}"
                    f"{floor}{ratio}  target {result.target}"
                    + (f"  ({result.note})" if result.note else ""),
                    flush=True,
                )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
