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


def check_length(fmt: str, declared: int, data: bytes) -> None:
    """The record's own length field must match the bytes present (truncated or padded)."""
    if declared != len(data):
        raise FormatError(
            fmt,
            f"panjang rekaman {declared} tetapi ada {len(data)} byte",
            f"record length says {declared} but {len(data)} bytes are present",
            code="FORMAT_TRUNCATED" if declared > len(data) else "FORMAT_INVALID",
        )


def refuse_certification(fmt: str, cert_flag: int) -> None:
    """ISO 19794 certification blocks are not read; say so rather than misparse what follows."""
    if cert_flag:
        raise FormatError(
            fmt, "blok sertifikasi tidak didukung", "certification blocks are not supported"
        )
