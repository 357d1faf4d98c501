"""The one error every format reader raises."""

from __future__ import annotations

from station.domain.problems import Problem


class FormatError(ValueError):
    """Bytes that do not follow the format they claim. `.problem` is bilingual and coded."""

    def __init__(self, fmt: str, detail_id: str, detail_en: str, code: str = "FORMAT_INVALID"):
        self.format = fmt
        self.problem = Problem(
            code,
            f"Data {fmt} tidak valid: {detail_id}",
            f"Invalid {fmt} data: {detail_en}",
        )
        super().__init__(f"{self.problem.message_id} / {self.problem.message_en}")


def need(fmt: str, data: bytes, end: int, what: str) -> None:
    """Raise a truncation error when `data` is shorter than `end` bytes."""
    if end > len(data):
        raise FormatError(
            fmt,
            f"data terpotong di {what} (perlu {end} byte, ada {len(data)})",
            f"truncated at {what} (needs {end} bytes, has {len(data)})",
            code="FORMAT_TRUNCATED",
        )
