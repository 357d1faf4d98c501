"""Record statuses and the transitions between them (ARCHITECTURE.md, "Records and statuses")."""

from __future__ import annotations

from enum import StrEnum


class RecordStatus(StrEnum):
    DRAFT = "DRAFT"
    CAPTURED = "CAPTURED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    SEALED = "SEALED"
    SYNCED = "SYNCED"  # uploaded, receipt not yet received
    EXPORTED = "EXPORTED"  # written to removable media, receipt not yet received
    ACKNOWLEDGED = "ACKNOWLEDGED"  # signed receipt verified
    PURGED = "PURGED"  # personal data removed after the retention period


class ServerOutcome(StrEnum):
    """What the central server says of a packet on its signed receipt."""

    ACCEPTED = "ACCEPTED"
    DUPLICATE = "DUPLICATE"
    REJECTED = "REJECTED"


S = RecordStatus
TRANSITIONS: dict[RecordStatus, frozenset[RecordStatus]] = {
    S.DRAFT: frozenset({S.CAPTURED}),
    # Editing before approval keeps CAPTURED; a rejected record can be corrected and resubmitted.
    S.CAPTURED: frozenset({S.APPROVED, S.REJECTED, S.CAPTURED}),
    S.REJECTED: frozenset({S.CAPTURED}),
    S.APPROVED: frozenset({S.SEALED}),
    S.SEALED: frozenset({S.SYNCED, S.EXPORTED, S.ACKNOWLEDGED}),
    # An exported packet may still be uploaded (and vice versa) until a receipt arrives.
    S.SYNCED: frozenset({S.ACKNOWLEDGED, S.EXPORTED, S.SYNCED}),
    S.EXPORTED: frozenset({S.ACKNOWLEDGED, S.SYNCED, S.EXPORTED}),
    S.ACKNOWLEDGED: frozenset({S.PURGED}),
    S.PURGED: frozenset(),
}

# A NIK already recorded on this station in one of these statuses blocks a new record of it:
# a rejected record is recorded again, and a purged one was delivered and left the station.
NIK_BLOCKING = frozenset(RecordStatus) - {S.REJECTED, S.PURGED}

# Statuses in which the station can still read the record (before sealing).
READABLE = frozenset({S.DRAFT, S.CAPTURED, S.APPROVED, S.REJECTED})
EDITABLE = frozenset({S.DRAFT, S.CAPTURED, S.REJECTED})


class TransitionError(ValueError):
    def __init__(self, current: RecordStatus, target: RecordStatus):
        self.current, self.target = current, target
        super().__init__(
            f"Status {current} tidak dapat berubah menjadi {target} / "
            f"a record in status {current} cannot move to {target}"
        )


def check_transition(current: RecordStatus, target: RecordStatus) -> None:
    if target not in TRANSITIONS[current]:
        raise TransitionError(current, target)
