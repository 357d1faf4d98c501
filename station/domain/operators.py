"""Operators, roles and what each role may do."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, field_validator


class Role(StrEnum):
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Permission(StrEnum):
    ENROLL = "enroll"  # create, capture, edit and submit records
    VIEW_RECORDS = "view_records"  # open (decrypt) a record
    APPROVE = "approve"  # approve / reject records, confirm finger exceptions, forced captures
    SEAL = "seal"
    SYNC = "sync"
    EXPORT = "export"  # write batches to removable media, import receipts
    MANAGE_OPERATORS = "manage_operators"
    MANAGE_KEYS = "manage_keys"  # provisioning, station keys, recovery
    SETTINGS = "settings"
    PURGE = "purge"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: frozenset({P.ENROLL, P.VIEW_RECORDS, P.SYNC}),
    Role.SUPERVISOR: frozenset({P.ENROLL, P.VIEW_RECORDS, P.APPROVE, P.SEAL, P.SYNC}),
    Role.ADMIN: frozenset(Permission),
}

_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,31}")


def can(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


class OperatorInfo(BaseModel):
    """What the station knows of an operator, without any secret."""

    model_config = ConfigDict(frozen=True)

    username: str
    display_name: str
    role: Role
    locked: bool = False  # locked by an admin (not the temporary lockout after failed sign-ins)

    @field_validator("username")
    @classmethod
    def _username(cls, v: str) -> str:
        v = v.strip().lower()
        if not _USERNAME.fullmatch(v):
            raise ValueError(
                "nama pengguna: 2-32 huruf kecil/angka/._-, diawali huruf / "
                "username: 2-32 lowercase letters, digits or ._-, starting with a letter"
            )
        return v
