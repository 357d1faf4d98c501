"""Bilingual, coded problems: every rule violation the station reports to a person.

A problem carries a stable machine code (for JSON, tests and translations), a message in Bahasa
Indonesia (shown first to operators) and the same message in English.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message_id: str
    message_en: str

    def message(self, locale: str = "id") -> str:
        return self.message_en if locale.startswith("en") else self.message_id

    def as_dict(self, locale: str = "id") -> dict[str, str]:
        return {"code": self.code, "message": self.message(locale), "message_en": self.message_en}

    def __str__(self) -> str:
        return f"{self.code}: {self.message_id} / {self.message_en}"


class RuleViolation(ValueError):
    """Raised when input breaks one or more domain rules; carries every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]
