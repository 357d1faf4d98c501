"""Logging to a rotating file that never holds personal data.

The rule is that code never logs personal data (log record ids, codes and counts instead). This
module is the safety net: a filter masks anything that looks like a NIK or KK number (16 digits),
a long run of digits, an e-mail address, or a long base64/hex blob (image or key material) before a
record reaches any handler.
"""

from __future__ import annotations

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


def configure_logging(log_dir: Path, level: str = "INFO", *, stderr: bool = False) -> Path:
    """Send the project's logs to log_dir/rekam.log (5 x 2 MB, rotated). Returns the file path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "rekam.log"
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_rekam", False):
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
    return path
