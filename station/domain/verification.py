"""Which fingers the card chip holds, and so which two fingers are placed again and verified 1:1
against the ten-print before a record may be saved.

The chip holds the right and the left index finger. When an index finger cannot serve - it is
an exception (missing, bandaged, unable), or its print is poor (below the quality threshold, or
kept below it by a supervisor) - it is replaced, on the same hand, by the first usable finger
in the order **middle, ring, thumb** (the order the EU applies to passport fingerprints,
Commission Decision C(2006) 2909; the little finger is never used: its print is too small).
When no finger of that hand can serve, the same order is tried on the other hand, skipping the
finger already chosen there. When even that fails, the best captured print of the candidates
is taken anyway and said to be poor; with no print at all there is no chip finger for that
slot, and the record needs a supervisor-confirmed verification exception.

A print's quality is its NFIQ 2 score when it has one, else the station's live score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from station.domain.enrollment import (
    FINGER_QUALITY_THRESHOLD,
    FingerCapture,
    FingerException,
    FingerPosition,
)
from station.domain.problems import Problem

F = FingerPosition
CHIP_FINGERS = (F.RIGHT_INDEX, F.LEFT_INDEX)
SUBSTITUTE_ORDER = {
    F.RIGHT_INDEX: (F.RIGHT_MIDDLE, F.RIGHT_RING, F.RIGHT_THUMB),
    F.LEFT_INDEX: (F.LEFT_MIDDLE, F.LEFT_RING, F.LEFT_THUMB),
}
OTHER_HAND = {F.RIGHT_INDEX: F.LEFT_INDEX, F.LEFT_INDEX: F.RIGHT_INDEX}

SUBSTITUTED = Problem(
    "CHIP_FINGER_SUBSTITUTED",
    "Jari telunjuk tidak dapat dipakai; chip memakai jari pengganti.",
    "The index finger cannot be used; the chip takes a substitute finger.",
)
POOR = Problem(
    "CHIP_FINGER_POOR",
    "Tidak ada jari pengganti berkualitas cukup; dipakai sidik jari terbaik yang ada.",
    "No substitute finger of sufficient quality; the best print there is is used.",
)
NONE_LEFT = Problem(
    "CHIP_FINGER_NONE",
    "Tidak ada jari yang dapat diverifikasi untuk chip; perlu pengecualian verifikasi yang "
    "dikonfirmasi supervisor.",
    "No finger can be verified for the chip; a verification exception confirmed by a "
    "supervisor is needed.",
)


@dataclass(frozen=True)
class ChipFinger:
    """The finger that stands in the chip for `slot` (an index finger), or None."""

    slot: FingerPosition
    finger: FingerPosition | None
    quality: float | None = None
    problem: Problem | None = None  # why it is not the index itself, or not a good print

    @property
    def substituted(self) -> bool:
        return self.finger is not None and self.finger != self.slot


def print_quality(capture: FingerCapture) -> float:
    """NFIQ 2 when computed, else the live score (0 when neither)."""
    if capture.nfiq2 is not None:
        return float(capture.nfiq2)
    return float(capture.quality or 0.0)


def usable(capture: FingerCapture | None, threshold: float = FINGER_QUALITY_THRESHOLD) -> bool:
    return (capture is not None and capture.forced_by is None
            and print_quality(capture) >= threshold)


def chip_fingers(fingers: Mapping[FingerPosition, FingerCapture],
                 exceptions: Mapping[FingerPosition, FingerException] | None = None, *,
                 threshold: float = FINGER_QUALITY_THRESHOLD) -> tuple[ChipFinger, ChipFinger]:
    """The chip fingers for the right and the left index slot (see the module's rule)."""
    excepted = set(exceptions or {})
    captured = {p: c for p, c in fingers.items() if p not in excepted}
    chosen: dict[FingerPosition, ChipFinger] = {}
    for slot in CHIP_FINGERS:
        taken = {c.finger for c in chosen.values()}
        own = (slot, *SUBSTITUTE_ORDER[slot])
        other = SUBSTITUTE_ORDER[OTHER_HAND[slot]]
        pick = next((p for p in (*own, *other) if p not in taken
                     and usable(captured.get(p), threshold)), None)
        if pick is not None:
            chosen[slot] = ChipFinger(slot, pick, print_quality(captured[pick]),
                                      None if pick == slot else SUBSTITUTED)
            continue
        # nothing good: the best print of this hand's candidates, else of the other hand's
        for group in (own, other):
            candidates = [p for p in group if p in captured and p not in taken]
            if candidates:
                best = max(candidates, key=lambda p: print_quality(captured[p]))
                chosen[slot] = ChipFinger(slot, best, print_quality(captured[best]), POOR)
                break
        else:
            chosen[slot] = ChipFinger(slot, None, None, NONE_LEFT)
    return chosen[F.RIGHT_INDEX], chosen[F.LEFT_INDEX]
