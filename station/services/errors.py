"""What the services refuse, each as its own exception class with a bilingual `Problem`.

The UI shows `exc.problem.message(locale)`; the CLI prints `str(exc)`; tests match the class.
"""

from __future__ import annotations

from datetime import datetime

from station.domain import Permission, Problem, Role, can


class ServiceError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(f"{problem.message_id} / {problem.message_en}")

    @property
    def code(self) -> str:
        return self.problem.code


class WrongPassword(ServiceError):
    def __init__(self, attempts_left: int | None = None):
        self.attempts_left = attempts_left
        left_id = f" Sisa percobaan: {attempts_left}." if attempts_left is not None else ""
        left_en = f" Attempts left: {attempts_left}." if attempts_left is not None else ""
        super().__init__(Problem(
            "WRONG_PASSWORD",
            "Nama pengguna atau kata sandi salah." + left_id,
            "Wrong username or password." + left_en,
        ))


class AccountLocked(ServiceError):
    """Locked after failed sign-ins (`until` set) or locked by an admin (`until` None)."""

    def __init__(self, username: str, until: datetime | None):
        self.username, self.until = username, until
        if until is None:
            problem = Problem(
                "ACCOUNT_LOCKED",
                f"Akun {username} dikunci oleh admin. Hubungi admin stasiun.",
                f"Account {username} was locked by an admin. Ask the station admin.",
            )
        else:
            at = until.astimezone().strftime("%H:%M:%S")
            problem = Problem(
                "ACCOUNT_LOCKED",
                f"Akun {username} terkunci karena terlalu banyak kata sandi salah; coba lagi "
                f"pukul {at}.",
                f"Account {username} is locked after too many wrong passwords; try again at {at}.",
            )
        super().__init__(problem)


class NotPermitted(ServiceError):
    def __init__(self, permission: Permission, username: str, role: str):
        self.permission = permission
        # Name the roles that do hold the right, so the operator knows whom to call.
        holders = "/".join(r.value for r in Role if can(r, permission))
        super().__init__(Problem(
            "NOT_PERMITTED",
            f"Peran {role} ({username}) tidak berhak: {permission.value}. Minta {holders}.",
            f"The {role} role ({username}) lacks the right: {permission.value}. Ask "
            f"{holders}.",
        ))


class NotSignedIn(ServiceError):
    def __init__(self) -> None:
        super().__init__(Problem(
            "NOT_SIGNED_IN", "Belum masuk. Masuk dulu sebagai operator.",
            "Not signed in. Sign in as an operator first.",
        ))


class StationLocked(ServiceError):
    def __init__(self, username: str | None = None):
        who = f" ({username})" if username else ""
        super().__init__(Problem(
            "STATION_LOCKED",
            f"Stasiun terkunci{who}. Masukkan kata sandi untuk membuka.",
            f"The station is locked{who}. Enter the password to unlock it.",
        ))


class UnknownOperator(ServiceError):
    def __init__(self, username: str):
        self.username = username
        super().__init__(Problem(
            "UNKNOWN_OPERATOR", f"Operator {username!r} tidak terdaftar di stasiun ini.",
            f"Operator {username!r} is not registered on this station.",
        ))


class IntegrityError(ServiceError):
    """A stored ciphertext failed authentication: altered on disk, or moved between records."""

    def __init__(self, record_id: str, field: str):
        self.record_id, self.field = record_id, field
        super().__init__(Problem(
            "INTEGRITY_ERROR",
            f"Data rusak atau diubah: rekaman {record_id}, bagian {field}. Rekaman lain tetap "
            "aman.",
            f"Data damaged or altered: record {record_id}, field {field}. Other records are "
            "unaffected.",
        ))


class StorageFull(ServiceError):
    def __init__(self, detail: str = ""):
        self.detail = detail
        super().__init__(Problem(
            "STORAGE_FULL",
            "Penyimpanan penuh: rekaman BELUM disimpan. Kosongkan ruang disk lalu simpan lagi; "
            "data di layar tetap ada.",
            "Storage is full: the record was NOT saved. Free disk space and save again; the data "
            "on screen is kept.",
        ))


class DuplicateNik(ServiceError):
    def __init__(self, existing: list) -> None:  # list[RecordSummary]
        self.existing = existing
        first = existing[0]
        day = first.created_at.astimezone().strftime("%Y-%m-%d")
        super().__init__(Problem(
            "DUPLICATE_NIK",
            f"NIK ini sudah direkam di stasiun ini pada {day}, status {first.status.value} "
            f"(rekaman {first.record_id}).",
            f"This NIK was recorded here on {day}, status {first.status.value} "
            f"(record {first.record_id}).",
        ))


class NotFound(ServiceError):
    def __init__(self, what: str):
        self.what = what
        super().__init__(Problem(
            "NOT_FOUND", f"Tidak ditemukan: {what}.", f"Not found: {what}.",
        ))


class NotReadable(ServiceError):
    """The record was sealed (or purged): the station itself can no longer read it."""

    def __init__(self, record_id: str, status: str):
        self.record_id, self.status = record_id, status
        super().__init__(Problem(
            "NOT_READABLE",
            f"Rekaman {record_id} berstatus {status}: sudah disegel, stasiun tidak dapat "
            "membacanya lagi.",
            f"Record {record_id} is {status}: it is sealed and the station can no longer read it.",
        ))


class InvalidTransition(ServiceError):
    def __init__(self, record_id: str, current: str, target: str):
        self.record_id, self.current, self.target = record_id, current, target
        super().__init__(Problem(
            "INVALID_TRANSITION",
            f"Rekaman {record_id} berstatus {current}; tidak dapat menjadi {target}.",
            f"Record {record_id} is {current}; it cannot become {target}.",
        ))


class NotProvisioned(ServiceError):
    def __init__(self) -> None:
        super().__init__(Problem(
            "NOT_PROVISIONED",
            "Stasiun belum disiapkan. Jalankan `rekam init` (atau `rekam demo`).",
            "The station is not provisioned yet. Run `rekam init` (or `rekam demo`).",
        ))


class AlreadyProvisioned(ServiceError):
    def __init__(self, station_id: str):
        super().__init__(Problem(
            "ALREADY_PROVISIONED",
            f"Stasiun sudah disiapkan sebagai {station_id}.",
            f"The station is already provisioned as {station_id}.",
        ))


class InvalidInput(ServiceError):
    def __init__(self, code: str, message_id: str, message_en: str):
        super().__init__(Problem(code, message_id, message_en))
