#!/usr/bin/env python3
"""Set up and run Rekam from a checkout, on Linux or Windows, with nothing but Python 3.11+.

    python3 dev.py demo    create/reuse .venv, install Rekam, launch the station in demo mode
    python3 dev.py test    create/reuse .venv, install Rekam with test tools, run every check
    python3 dev.py bench   run the benchmarks (extra arguments go to `python -m bench`)

The virtual environment lives in `.venv` beside this file and is reused; it is refreshed when
pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*argv: str | os.PathLike[str], env: dict[str, str] | None = None) -> int:
    print("+", " ".join(str(a) for a in argv), flush=True)
    return subprocess.call([str(a) for a in argv], cwd=ROOT, env=env)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Rekam needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        print(f"Creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    # Reinstall only when the project's declared dependencies (or the extras) change.
    stamp = VENV / f".rekam-installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    for argv in (
        (PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip"),
        (PY, "-m", "pip", "install", "--quiet", "-e", target),
    ):
        if run(*argv) != 0:
            sys.exit("Installing Rekam failed; see the pip output above.")
    stamp.write_text(digest)


def test_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("REKAM_TEST_DATA", str((ROOT.parent / "shared" / "data").resolve()))
    env.setdefault("PYTHONFAULTHANDLER", "1")
    return env


def cmd_test(args: list[str]) -> int:
    ensure_venv("test")
    env = test_env()
    # The layering of ARCHITECTURE.md, then style errors, then the suite itself.
    if run(BIN / "lint-imports", env=env) != 0:
        return 1
    if run(PY, "-m", "ruff", "check", ".", env=env) != 0:
        return 1
    code = run(PY, "-m", "pytest", *args, env=env)
    if code == 5:
        print("pytest collected no tests: that is a failure here", file=sys.stderr)
        return 1
    return code


def cmd_demo(args: list[str]) -> int:
    ensure_venv("")
    return run(PY, "-m", "station", "demo", *args)


def cmd_bench(args: list[str]) -> int:
    ensure_venv("test")
    return run(PY, "-m", "bench", *args, env=test_env())


def main() -> int:
    commands = {"demo": cmd_demo, "test": cmd_test, "bench": cmd_bench}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
