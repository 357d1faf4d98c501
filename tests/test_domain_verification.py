"""The chip fingers and their documented substitutes (station.domain.verification)."""

from __future__ import annotations

from station.domain import ExceptionReason, FingerCapture, FingerException
from station.domain import FingerPosition as F
from station.domain.verification import (
    NONE_LEFT,
    POOR,
    SUBSTITUTED,
    chip_fingers,
    print_quality,
)


def cap(pos: F, quality: float = 60.0, nfiq2: int | None = None,
        forced_by: str | None = None) -> FingerCapture:
    return FingerCapture(position=pos, data=b"x", format="wsq", device_id="sim",
                         quality=quality, nfiq2=nfiq2, forced_by=forced_by)


def ten(**overrides: FingerCapture | None) -> dict[F, FingerCapture]:
    out = {p: cap(p) for p in F}
    for name, value in overrides.items():
        if value is None:
            out.pop(F[name])
        else:
            out[F[name]] = value
    return out


def excepted(*positions: F) -> dict[F, FingerException]:
    return {p: FingerException(position=p, reason=ExceptionReason.MISSING, confirmed_by="sv")
            for p in positions}


def test_both_index_fingers_by_default():
    right, left = chip_fingers(ten())
    assert (right.finger, left.finger) == (F.RIGHT_INDEX, F.LEFT_INDEX)
    assert not right.substituted and right.problem is None and left.problem is None


def test_a_missing_index_is_replaced_by_the_middle_then_ring_then_thumb_of_that_hand():
    fingers = ten(RIGHT_INDEX=None)
    right, left = chip_fingers(fingers, excepted(F.RIGHT_INDEX))
    assert right.finger == F.RIGHT_MIDDLE and right.substituted and right.problem == SUBSTITUTED
    assert left.finger == F.LEFT_INDEX
    right, _ = chip_fingers(ten(RIGHT_INDEX=None, RIGHT_MIDDLE=None),
                            excepted(F.RIGHT_INDEX, F.RIGHT_MIDDLE))
    assert right.finger == F.RIGHT_RING
    right, _ = chip_fingers(ten(RIGHT_INDEX=None, RIGHT_MIDDLE=None, RIGHT_RING=None))
    assert right.finger == F.RIGHT_THUMB  # never the little finger


def test_a_poor_or_forced_index_is_replaced_too_and_nfiq2_decides_when_known():
    # live score fine, but NFIQ 2 below 40: poor
    right, _ = chip_fingers(ten(RIGHT_INDEX=cap(F.RIGHT_INDEX, quality=70, nfiq2=25)))
    assert right.finger == F.RIGHT_MIDDLE
    right, _ = chip_fingers(ten(RIGHT_INDEX=cap(F.RIGHT_INDEX, quality=30, nfiq2=55)))
    assert right.finger == F.RIGHT_INDEX and right.quality == 55
    right, _ = chip_fingers(ten(RIGHT_INDEX=cap(F.RIGHT_INDEX, forced_by="sv")))
    assert right.finger == F.RIGHT_MIDDLE
    assert print_quality(cap(F.RIGHT_RING, quality=48.5)) == 48.5


def test_a_hand_without_usable_fingers_borrows_from_the_other_hand_without_sharing():
    fingers = ten(RIGHT_INDEX=None, RIGHT_MIDDLE=None, RIGHT_RING=None, RIGHT_THUMB=None,
                  RIGHT_LITTLE=None)
    right, left = chip_fingers(fingers)
    assert right.finger == F.LEFT_MIDDLE and left.finger == F.LEFT_INDEX
    # the left index missing as well: the left slot does not take the finger the right took
    del fingers[F.LEFT_INDEX]
    right, left = chip_fingers(fingers)
    assert right.finger == F.LEFT_MIDDLE and left.finger == F.LEFT_RING


def test_when_nothing_is_good_the_best_print_is_taken_and_called_poor():
    fingers = {p: cap(p, quality=20 + int(p)) for p in F}  # all below 40
    right, left = chip_fingers(fingers)
    # the best of each hand's candidates (index, middle, ring, thumb), never the little finger
    assert (right.finger, right.problem, right.quality) == (F.RIGHT_RING, POOR, 24)
    assert (left.finger, left.problem, left.quality) == (F.LEFT_RING, POOR, 29)


def test_no_print_at_all_means_no_chip_finger():
    right, left = chip_fingers({}, excepted(*F))
    assert right.finger is None and right.problem == NONE_LEFT
    assert left.finger is None and left.problem == NONE_LEFT
