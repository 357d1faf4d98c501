"""What the window needs from the station (`station.app.Station`), as a typing Protocol.

The window talks to the station only through these names; anything slower than a few
milliseconds is called on the window's worker thread (see `ui.tasks`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # pydantic-settings is not on the start-up path
    from station.config import Settings


class OperatorLike(Protocol):
    username: str
    display_name: str
    role: object  # station.domain.Role (a StrEnum)


class SessionLike(Protocol):
    operator: OperatorLike


class AuthLike(Protocol):
    def sign_in(self, username: str, password: str) -> SessionLike: ...
    def sign_out(self) -> None: ...
    def lock(self) -> None: ...
    def unlock(self, password: str) -> SessionLike: ...


class RecordsLike(Protocol):
    def find_by_nik(self, nik: str) -> list[object]: ...  # list[RecordSummary]


class StationLike(Protocol):
    settings: Settings
    auth: AuthLike
    records: RecordsLike

    @property
    def station_id(self) -> str: ...

    @property
    def region_code(self) -> str: ...  # the provisioned regency, e.g. "35.05"
