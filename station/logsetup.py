"""Logging to a rotating file that never holds personal data.

The rule is that code never logs personal data (log record ids, codes and counts instead). This
module is the safety net: a filter masks anything that looks like a NIK or KK number (16 digits),
a long run of digits, an e-mail address, or a long base64/hex blob (image or key material) before a
record reaches any handler.
"""

from __future__ import annotations

import atexit
import collections
import logging
import logging.handlers
import re
from pathlib import Path

_PATTERNS = (
    (re.compile(r"(?<!\d)\d{16}(?!\d)"), "[NIK]"),
    (re.compile(r"(?<!\d)\d{9,15}(?!\d)"), "[NUMBER]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[EMAIL]"),
    (re.compile(r"[A-Za-z0-9+/=_-]{48,}"), "[BLOB]"),
)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def redact(text: str) -> str:
    for pattern, mask in _PATTERNS:
        text = pattern.sub(mask, text)
    return text


class RedactingFilter(logging.Filter):
    """Formats the message once, masks it, and drops the arguments so no handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not take the log down
            message = f"{record.msg!r} (unformattable arguments)"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class _EarlyRecords(logging.Handler):
    """What is logged before the log file is known (the GUI shows its window before it reads
    the settings that say where the data directory is): kept in memory, the newest 500, until
    `configure_logging` writes them to the file. Without it they would reach Python's
    last-resort handler, i.e. the operator's terminal."""

    def __init__(self, capacity: int = 500):
        super().__init__(logging.DEBUG)
        self.records: collections.deque[logging.LogRecord] = collections.deque(maxlen=capacity)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def to_stderr_if_never_configured(self) -> None:
        """At exit: the log file never came (e.g. the settings were invalid): warnings and
        errors go where they would have gone without us, redacted."""
        if self not in logging.getLogger().handlers:
            return
        out = logging.StreamHandler()
        out.addFilter(RedactingFilter())
        for record in self.records:
            if record.levelno >= logging.WARNING:
                out.handle(record)


def hold_until_configured() -> None:
    """Keep log records in memory until `configure_logging` (no-op once it ran)."""
    root = logging.getLogger()
    if not any(getattr(h, "_rekam", False) or isinstance(h, _EarlyRecords)
               for h in root.handlers):
        early = _EarlyRecords()
        root.addHandler(early)
        root.setLevel(logging.INFO)
        atexit.register(early.to_stderr_if_never_configured)


def configure_logging(log_dir: Path, level: str = "INFO", *, stderr: bool = False) -> Path:
    """Send the project's logs to log_dir/rekam.log (5 x 2 MB, rotated). Returns the file path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "rekam.log"
    root = logging.getLogger()
    early: list[logging.LogRecord] = []
    for handler in list(root.handlers):
        if isinstance(handler, _EarlyRecords):
            root.removeHandler(handler)
            early += handler.records
        elif getattr(handler, "_rekam", False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    ]
    if stderr:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.addFilter(RedactingFilter())
        handler._rekam = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level.upper())
    for record in early:
        if record.levelno >= root.level:
            for handler in handlers:
                handler.handle(record)
    return path
