"""An enrollment: one applicant's demographics plus face, signature and ten finger captures."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import IntEnum, StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from station.domain.applicant import Applicant
from station.domain.problems import Problem
from station.domain.status import RecordStatus

FINGER_QUALITY_THRESHOLD = 40  # NFIQ 2 scale, as in the MOSIP registration client
FINGER_MAX_RETRIES = 3


class FingerPosition(IntEnum):
    """ISO/IEC 19794-4 finger position codes (0 = unknown is not used by the station)."""

    RIGHT_THUMB = 1
    RIGHT_INDEX = 2
    RIGHT_MIDDLE = 3
    RIGHT_RING = 4
    RIGHT_LITTLE = 5
    LEFT_THUMB = 6
    LEFT_INDEX = 7
    LEFT_MIDDLE = 8
    LEFT_RING = 9
    LEFT_LITTLE = 10

    @property
    def label_id(self) -> str:
        return _FINGER_ID[self]

    @property
    def label_en(self) -> str:
        return self.name.replace("_", " ").lower()

    @property
    def is_right(self) -> bool:
        return self <= 5


_FINGER_ID = {
    FingerPosition.RIGHT_THUMB: "ibu jari kanan",
    FingerPosition.RIGHT_INDEX: "telunjuk kanan",
    FingerPosition.RIGHT_MIDDLE: "jari tengah kanan",
    FingerPosition.RIGHT_RING: "jari manis kanan",
    FingerPosition.RIGHT_LITTLE: "kelingking kanan",
    FingerPosition.LEFT_THUMB: "ibu jari kiri",
    FingerPosition.LEFT_INDEX: "telunjuk kiri",
    FingerPosition.LEFT_MIDDLE: "jari tengah kiri",
    FingerPosition.LEFT_RING: "jari manis kiri",
    FingerPosition.LEFT_LITTLE: "kelingking kiri",
}

# Capture order: right hand then left (BRIEF, step 4).
CAPTURE_ORDER = tuple(FingerPosition)


class ExceptionReason(StrEnum):
    MISSING = "MISSING"  # amputated / congenitally absent
    BANDAGED = "BANDAGED"  # temporarily injured or bandaged
    UNABLE = "UNABLE"  # present but cannot be captured (worn ridges, deformity)

    @property
    def label_id(self) -> str:
        return {
            "MISSING": "tidak ada",
            "BANDAGED": "diperban/terluka",
            "UNABLE": "tidak dapat direkam",
        }[self.value]


class FingerException(BaseModel):
    model_config = ConfigDict(frozen=True)

    position: FingerPosition
    reason: ExceptionReason
    note: str = ""
    confirmed_by: str | None = None  # supervisor username; required before the record is saved


class Capture(BaseModel):
    """One captured biometric sample and how it was obtained."""

    model_config = ConfigDict(frozen=True)

    data: bytes = Field(repr=False)  # encoded image (JPEG/PNG/WSQ) or serialized strokes
    format: str  # "jpeg", "png", "wsq", "iso19794-7+json"
    device_id: str
    captured_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    quality: float | None = None  # 0-100, the station's own score
    device_quality: float | None = None  # what the device itself reported (SBI), if any
    attempts: int = 1
    forced_by: str | None = None  # supervisor who approved keeping a below-threshold capture
    width: int | None = None
    height: int | None = None
    resolution_ppi: int | None = None


class FingerCapture(Capture):
    position: FingerPosition
    # NFIQ 2.3 unified quality score (0-100), computed after the capture (about a quarter of a
    # second, off the GUI thread); None until it is. `quality` is the station's live score.
    # Left out of serialisations while None, so records and packets without it stay as they
    # were byte for byte.
    nfiq2: int | None = Field(default=None, exclude_if=lambda v: v is None)


class Eye(StrEnum):
    """An eye, with its ISO/IEC 19794-6 eye label (1 right, 2 left). Captured right then left,
    as the fingers are."""

    RIGHT = "right"
    LEFT = "left"

    @property
    def iso_label(self) -> int:
        return 1 if self is Eye.RIGHT else 2

    @property
    def label_id(self) -> str:
        return "mata kanan" if self is Eye.RIGHT else "mata kiri"

    @property
    def label_en(self) -> str:
        return f"{self.value} eye"


IRIS_ORDER = (Eye.RIGHT, Eye.LEFT)


class IrisCapture(Capture):
    """One eye's iris image (format "iso19794-6" for the record, or the image's own)."""

    eye: Eye


class IrisException(BaseModel):
    """An eye that cannot be captured (missing, blind, injured), confirmed by a supervisor."""

    model_config = ConfigDict(frozen=True)

    eye: Eye
    reason: ExceptionReason
    note: str = ""
    confirmed_by: str | None = None


class Enrollment(BaseModel):
    """A record as the station works on it before sealing. Mutable only through `model_copy`."""

    model_config = ConfigDict(frozen=True)

    record_id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    station_id: str
    operator: str
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    status: RecordStatus = RecordStatus.DRAFT
    applicant: Applicant | None = None
    domicile_recording: bool = False
    face: Capture | None = None
    portrait: Capture | None = None  # the card-ratio crop of `face`
    signature: Capture | None = None  # strokes (ISO 19794-7 style channels)
    signature_image: Capture | None = None  # the rendered PNG
    fingers: dict[FingerPosition, FingerCapture] = Field(default_factory=dict)
    finger_exceptions: dict[FingerPosition, FingerException] = Field(default_factory=dict)
    supervisor: str | None = None
    rejection_reason: str | None = None

    @model_validator(mode="after")
    def _consistent_keys(self) -> Enrollment:
        for pos, cap in self.fingers.items():
            if cap.position != pos:
                raise ValueError(f"finger slot {pos} holds a capture of finger {cap.position}")
        both = set(self.fingers) & set(self.finger_exceptions)
        if both:
            raise ValueError(f"fingers both captured and excepted: {sorted(both)}")
        return self

    def completeness_problems(self) -> list[Problem]:
        """What is still missing before the record may be saved as CAPTURED."""
        problems: list[Problem] = []
        if self.applicant is None:
            problems.append(
                Problem(
                    "MISSING_DEMOGRAPHICS",
                    "Data kependudukan belum diisi.",
                    "Demographics are missing.",
                )
            )
        if self.face is None:
            problems.append(
                Problem("MISSING_FACE", "Foto wajah belum diambil.", "The face photo is missing.")
            )
        if self.signature is None:
            problems.append(
                Problem(
                    "MISSING_SIGNATURE", "Tanda tangan belum diambil.", "The signature is missing."
                )
            )
        for pos in CAPTURE_ORDER:
            if pos in self.fingers:
                continue
            exc = self.finger_exceptions.get(pos)
            if exc is None:
                problems.append(
                    Problem(
                        f"MISSING_FINGER_{int(pos)}",
                        f"Sidik jari {pos.label_id} belum diambil dan tidak ada pengecualian.",
                        f"The {pos.label_en} print is missing and has no exception.",
                    )
                )
            elif exc.confirmed_by is None:
                problems.append(
                    Problem(
                        f"EXCEPTION_UNCONFIRMED_{int(pos)}",
                        f"Pengecualian {pos.label_id} ({exc.reason.label_id}) belum "
                        "dikonfirmasi supervisor.",
                        f"The exception for the {pos.label_en} ({exc.reason.value}) needs a "
                        "supervisor's confirmation.",
                    )
                )
        for pos, cap in self.fingers.items():
            # good when either score reaches the threshold: the live score, or NFIQ 2 proper
            # (the centre's measure) where it has been computed
            best = max(cap.quality, cap.nfiq2 or 0) if cap.quality is not None else None
            if (
                best is not None
                and best < FINGER_QUALITY_THRESHOLD
                and cap.forced_by is None
            ):
                problems.append(
                    Problem(
                        f"FINGER_QUALITY_LOW_{int(pos)}",
                        f"Kualitas sidik jari {pos.label_id} {cap.quality:.0f} di bawah "
                        f"{FINGER_QUALITY_THRESHOLD}; ulangi atau minta persetujuan supervisor.",
                        f"The {pos.label_en} print scores {cap.quality:.0f}, below "
                        f"{FINGER_QUALITY_THRESHOLD}; retry or ask a supervisor to force it.",
                    )
                )
        return problems
