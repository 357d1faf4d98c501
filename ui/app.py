"""The Rekam desktop application: `run_gui` is what `rekam`, `rekam demo` and `--smoke-test` call.

(First commit: the entry point exists so the import-linter contract that names `ui.app` holds;
the windows land in the next commits.)
"""

from __future__ import annotations

import sys
from typing import Any


def run_gui(station: Any, *, demo_credentials: Any = None, smoke_test: bool = False) -> int:
    """Show the main window for `station` and run the Qt event loop; return the exit code."""
    print("rekam: antarmuka belum tersedia / the GUI is not built yet", file=sys.stderr)
    return 1
