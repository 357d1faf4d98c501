"""Turning device images into the record's captures, with the station's checks.

Shared by the GUI capture steps (`ui.capture`) and `rekam enroll --from-dir`, so that both apply
the same rules: the face check (one frontal face, centred, sharp, exposed, the backdrop colour of
the birth year) and its 3:4 portrait; the fingerprint quality score (threshold 40) with the print
stored as WSQ; the signature checks with the ISO 19794-7-style channels and a rendered PNG; the
finger-sequence check (the same finger in two slots) before the record is saved; NFIQ 2 after
a finger capture; the iris check and its ISO/IEC 19794-6 record; the 1:1 verification of the
chip fingers.

No Qt, no database: plain functions on numpy images, safe to call on any worker thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from station.biometrics import face as face_checks
from station.biometrics import finger as finger_checks
from station.biometrics import iris as iris_checks
from station.biometrics import matcher, nfiq2
from station.biometrics import sequence as sequence_checks
from station.biometrics import signature as signature_checks
from station.biometrics.formats import iso19794_4, iso19794_6, wsq
from station.biometrics.images import encode_png
from station.domain import (
    CAPTURE_ORDER,
    FINGER_MAX_RETRIES,
    FINGER_QUALITY_THRESHOLD,
    Capture,
    Enrollment,
    Eye,
    FingerCapture,
    FingerPosition,
    IrisCapture,
    Problem,
)

__all__ = [
    "FINGER_MAX_RETRIES", "FINGER_QUALITY_THRESHOLD", "FaceOutcome", "FingerOutcome",
    "SignatureOutcome", "expected_backdrop", "face_capture", "finger_capture",
    "fewer_fingers_warning", "finger_iso_record", "finger_nfiq2", "iris_capture",
    "sequence_problems", "signature_capture", "strokes_from_lists", "verify_finger",
    "with_nfiq2",
]


def expected_backdrop(birth_year: int | None) -> str | None:
    """"red" (odd birth year) or "blue" (even), the KTP-el rule; None when unknown."""
    return None if birth_year is None else face_checks.expected_backdrop(birth_year)


# --- face -------------------------------------------------------------------------------------


@dataclass
class FaceOutcome:
    check: face_checks.FaceCheck
    face: Capture | None = None  # set when the check passed
    portrait: Capture | None = None

    @property
    def acceptable(self) -> bool:
        return self.check.acceptable and self.face is not None


def face_capture(bgr: np.ndarray, data: bytes, fmt: str, birth_year: int | None,
                 device_id: str, *, device_quality: float | None = None) -> FaceOutcome:
    """Check a captured frame; when it passes, the face capture (as the device sent it) and
    the cropped 3:4 portrait (PNG)."""
    check = face_checks.check(bgr, birth_year)
    if not check.acceptable:
        return FaceOutcome(check)
    h, w = bgr.shape[:2]
    face = Capture(data=data, format=fmt, device_id=device_id, width=w, height=h,
                   device_quality=device_quality)
    portrait = None
    if check.portrait is not None:
        ph, pw = check.portrait.shape[:2]
        portrait = Capture(data=encode_png(check.portrait), format="png", device_id=device_id,
                           width=pw, height=ph)
    return FaceOutcome(check, face, portrait)


# --- fingers ----------------------------------------------------------------------------------


# A print whose live score misses the threshold by less than this gets NFIQ 2 proper at once,
# and NFIQ 2 decides: the live score is an estimate (a few points off NFIQ 2 on average).
NFIQ2_SECOND_OPINION = 8.0


@dataclass
class FingerOutcome:
    quality: finger_checks.FingerQuality
    capture: FingerCapture
    template: sequence_checks.Template
    nfiq2: nfiq2.Nfiq2Score | None = None  # computed here only for a borderline print

    @property
    def acceptable(self) -> bool:
        return self.quality.acceptable or (
            self.nfiq2 is not None and self.nfiq2.score >= self.quality.threshold)


def finger_capture(gray: np.ndarray, ppi: int, position: FingerPosition | int, device_id: str,
                   *, attempts: int = 1, forced_by: str | None = None,
                   device_quality: float | None = None) -> FingerOutcome:
    """Score a print, store it as WSQ and extract its template for the sequence check. A
    borderline print (live score within NFIQ2_SECOND_OPINION below the threshold) is scored
    with NFIQ 2 proper at once, and passes when NFIQ 2 reaches the threshold.

    A print below the threshold is still returned (the caller decides: retry, or a
    supervisor-forced capture with `forced_by`)."""
    quality = finger_checks.assess(gray, ppi)
    second: nfiq2.Nfiq2Score | None = None
    if not quality.acceptable and quality.score >= quality.threshold - NFIQ2_SECOND_OPINION:
        try:
            second = nfiq2.compute(gray, ppi)
        except nfiq2.Nfiq2Error:
            second = None
    pos = FingerPosition(position)
    cap = FingerCapture(
        position=pos, data=wsq.encode(gray, ppi), format="wsq", device_id=device_id,
        quality=round(quality.score, 1), device_quality=device_quality, attempts=attempts,
        forced_by=forced_by, width=int(gray.shape[1]), height=int(gray.shape[0]),
        resolution_ppi=ppi, nfiq2=None if second is None else second.score,
    )
    return FingerOutcome(quality, cap, sequence_checks.extract(gray, ppi), second)


def finger_nfiq2(gray: np.ndarray, ppi: int = 500) -> nfiq2.Nfiq2Score:
    """NFIQ 2 proper of a captured print: about 250 ms, so run it on a worker (the GUI's task
    runner, `ui.tasks`), never on the GUI thread. Raises `nfiq2.Nfiq2Error` (coded, bilingual)
    for an image NFIQ 2 cannot take."""
    return nfiq2.compute(gray, ppi)


def with_nfiq2(capture: FingerCapture, score: nfiq2.Nfiq2Score) -> FingerCapture:
    """The capture with its NFIQ 2 score filled in."""
    return capture.model_copy(update={"nfiq2": score.score})


def finger_iso_record(gray: np.ndarray, capture: FingerCapture,
                      score: nfiq2.Nfiq2Score | None = None) -> bytes:
    """The print as an ISO/IEC 19794-4:2011 record (WSQ) whose quality block carries NFIQ 2
    (CBEFF vendor 0x0101, algorithm 0x39). NFIQ 2 is computed here when neither `score` nor the
    capture has it."""
    ppi = capture.resolution_ppi or 500
    if score is None:
        score = nfiq2.Nfiq2Score(capture.nfiq2, 0.0) if capture.nfiq2 is not None \
            else nfiq2.compute(gray, ppi)
    rep = iso19794_4.FingerImage(
        position=int(capture.position), image=np.ascontiguousarray(gray), ppi=ppi,
        compression="wsq", quality=[score.quality_block], captured_at=capture.captured_at,
        number=capture.attempts)
    return iso19794_4.write([rep])


def verify_finger(probe: np.ndarray, probe_ppi: int,
                  enrolled: matcher.Template | np.ndarray, enrolled_ppi: int = 500
                  ) -> matcher.MatchResult:
    """The index-finger verification: the print placed now against the enrolled one (its image,
    or a template made once with `matcher.extract`). Tens of milliseconds: run it on the check
    worker. Raises `matcher.TemplateError` (coded, bilingual) for a print with no usable
    minutiae; choose which fingers to verify with `station.domain.verification.chip_fingers`."""
    ref = enrolled if isinstance(enrolled, matcher.Template) else matcher.extract(
        enrolled, enrolled_ppi)
    return matcher.verify(probe, ref, ppi=probe_ppi)


def iris_capture(gray: np.ndarray, eye: str, device_id: str, *,
                 device_quality: float | None = None) -> tuple[iris_checks.IrisQuality,
                                                               IrisCapture | None]:
    """Check an iris image; when it passes, the capture as an ISO/IEC 19794-6 record (the
    station's iris score in its quality block, the iris circle it found)."""
    quality = iris_checks.check(gray)
    if not quality.acceptable:
        return quality, None
    circle = None if quality.iris is None else (quality.iris.x, quality.iris.y, quality.iris.r)
    record = iso19794_6.write([iso19794_6.from_gray(gray, eye, quality=round(quality.score),
                                                    iris_circle=circle)])
    h, w = gray.shape[:2]
    return quality, IrisCapture(data=record, format="iso19794-6", device_id=device_id,
                                eye=Eye(eye), quality=round(quality.score, 1),
                                device_quality=device_quality, width=w, height=h)


def sequence_problems(
    templates: Mapping[FingerPosition, sequence_checks.Template],
) -> list[sequence_checks.SequenceProblem]:
    """Pairs of slots holding the same finger (each names both slots)."""
    return sequence_checks.check({}, templates=dict(templates))


def fewer_fingers_warning(enrollment: Enrollment, expected: int = len(CAPTURE_ORDER)
                          ) -> Problem | None:
    """A warning (not a blocker) when fewer prints were captured than expected."""
    n = len(enrollment.fingers)
    if n >= expected:
        return None
    excepted = ", ".join(f"{int(p)} {p.label_id}" for p in sorted(enrollment.finger_exceptions))
    excepted_en = ", ".join(f"{int(p)} {p.label_en}" for p in sorted(enrollment.finger_exceptions))
    return Problem(
        "FEWER_FINGERS",
        f"Hanya {n} dari {expected} sidik jari yang direkam"
        + (f"; pengecualian: {excepted}." if excepted else "."),
        f"Only {n} of {expected} fingerprints were captured"
        + (f"; exceptions: {excepted_en}." if excepted_en else "."),
    )


# --- signature --------------------------------------------------------------------------------


@dataclass
class SignatureOutcome:
    check: signature_checks.SignatureCheck
    strokes: signature_checks.Strokes
    signature: Capture | None = None  # channels JSON, when acceptable
    image: Capture | None = None  # rendered PNG

    @property
    def acceptable(self) -> bool:
        return self.check.acceptable and self.signature is not None


def strokes_from_lists(strokes: Iterable[Iterable[Sequence[float | None]]], width: float,
                       height: float) -> signature_checks.Strokes:
    """[[(x, y, t_ms, pressure, tilt_x, tilt_y), ...], ...] -> Strokes (raises
    SignatureFormatError for bad points)."""
    return signature_checks.Strokes.from_lists(strokes, float(width), float(height))


def signature_capture(strokes: signature_checks.Strokes, device_id: str) -> SignatureOutcome:
    check = signature_checks.check(strokes)
    if not check.acceptable:
        return SignatureOutcome(check, strokes)
    png = signature_checks.render_png(strokes)
    return SignatureOutcome(
        check, strokes,
        Capture(data=signature_checks.to_json(strokes), format=signature_checks.FORMAT,
                device_id=device_id),
        Capture(data=png, format="png", device_id=device_id),
    )
