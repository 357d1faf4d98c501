"""Identifiers that travel inside packets: one rule for the store, the sync formats and the UI.

A station id (and a record id) that goes into a packet, a batch manifest or a station key file is
1-64 characters of `[A-Za-z0-9._-]`, starting with a letter or digit (docs/packet-format.md). A
station id is fixed at provisioning, so provisioning refuses any id the packets could not carry.
"""

from __future__ import annotations

import re

from station.domain.problems import Problem

ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
ID_MAX_LEN = 64
STATION_ID_RE = re.compile(ID_PATTERN)
ID_BYTES_RE = re.compile(ID_PATTERN.encode("ascii"))  # the same rule on raw header bytes


def is_packet_id_text(text: object) -> bool:
    """True when `text` may go into a packet as a station or record id."""
    return isinstance(text, str) and STATION_ID_RE.fullmatch(text) is not None


def station_id_problem(station_id: object) -> Problem | None:
    """None when the station id is valid; else the coded, bilingual reason."""
    if is_packet_id_text(station_id):
        return None
    return Problem(
        "STATION_ID_INVALID",
        f"ID stasiun {station_id!r} tidak sah: 1-{ID_MAX_LEN} karakter huruf/angka/titik/garis "
        "bawah/tanda hubung (A-Z a-z 0-9 . _ -), diawali huruf atau angka.",
        f"The station id {station_id!r} is invalid: 1-{ID_MAX_LEN} characters of letters, "
        "digits, dot, underscore or hyphen (A-Z a-z 0-9 . _ -), starting with a letter or digit.",
    )
