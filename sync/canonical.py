"""Canonical JSON: the one deterministic encoding every signed or hashed JSON document uses.

Keys sorted, no insignificant whitespace, UTF-8 without escaping non-ASCII, no NaN/Infinity.
"""

from __future__ import annotations

import json
from typing import Any


def dumps(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def loads(data: bytes) -> Any:
    def _no_constants(name: str) -> Any:
        raise ValueError(f"non-finite number {name} is not allowed")

    return json.loads(data.decode("utf-8"), parse_constant=_no_constants)
