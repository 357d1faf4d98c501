"""Pure domain models and rules. Imports nothing else of the project (import-linter enforces)."""

from station.domain.applicant import (
    Address,
    Applicant,
    BloodType,
    Citizenship,
    MaritalStatus,
    Religion,
    card_issue_date,
    eligibility_problems,
    is_domicile_recording,
    parse_applicant,
)
from station.domain.enrollment import (
    CAPTURE_ORDER,
    FINGER_MAX_RETRIES,
    FINGER_QUALITY_THRESHOLD,
    Capture,
    Enrollment,
    ExceptionReason,
    FingerCapture,
    FingerException,
    FingerPosition,
)
from station.domain.nik import NikVerdict, Sex, make_nik, validate_kk, validate_nik
from station.domain.operators import OperatorInfo, Permission, Role, can
from station.domain.problems import Problem, RuleViolation
from station.domain.status import RecordStatus, ServerOutcome, TransitionError, check_transition

__all__ = [
    "CAPTURE_ORDER",
    "FINGER_MAX_RETRIES",
    "FINGER_QUALITY_THRESHOLD",
    "Address",
    "Applicant",
    "BloodType",
    "Capture",
    "Citizenship",
    "Enrollment",
    "ExceptionReason",
    "FingerCapture",
    "FingerException",
    "FingerPosition",
    "MaritalStatus",
    "NikVerdict",
    "OperatorInfo",
    "Permission",
    "Problem",
    "RecordStatus",
    "Religion",
    "Role",
    "RuleViolation",
    "ServerOutcome",
    "Sex",
    "TransitionError",
    "can",
    "card_issue_date",
    "check_transition",
    "eligibility_problems",
    "is_domicile_recording",
    "make_nik",
    "parse_applicant",
    "validate_kk",
    "validate_nik",
]
