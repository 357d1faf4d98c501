"""Entry point of the bundle's executables: `rekam`, `rekam-receiver` (on Linux a symbolic link
to `rekam`, on Windows its own .exe) and, on Windows, the windowed `rekam-gui`.

Which program runs is decided by the name it was started as; the isolated child processes of
station/frozen.py come first, before anything is imported.
"""

import sys
from pathlib import Path

from station.frozen import run_child_if_asked

run_child_if_asked()  # `rekam --rekam-wsq-child`: the isolated WSQ decoder, then exit

# After the child check, which must be first:
if Path(sys.argv[0]).name.lower().startswith("rekam-receiver"):
    from sync.receiver.cli import main  # noqa: E402
else:
    from station.cli.main import main  # noqa: E402

sys.exit(main())
