"""Station configuration: defaults < config file < environment (REKAM_*) < command line.

The data directory holds everything the station writes (database, keys, logs, outbox, exports).
It comes from platformdirs unless `--data-dir` or REKAM_DATA_DIR says otherwise.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from station.domain import regions

APP_NAME = "Rekam"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REKAM_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    # The regency the station records in; a NIK from elsewhere is a domicile recording.
    region_code: str = regions.DEFAULT_REGION_CODE
    locale: str = "id"
    log_level: str = "INFO"
    idle_lock_seconds: int = 300
    demo: bool = False

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, v: Path) -> Path:
        return v.expanduser().resolve()

    @field_validator("region_code")
    @classmethod
    def _known_region(cls, v: str) -> str:
        code = regions.normalize_code(v)
        regions.get(code)  # raises UnknownRegion with the code
        return code

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "station.sqlite"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit (command-line) values taking precedence."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
