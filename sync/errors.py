"""Errors of the sync layer, each carrying a bilingual, coded `Problem`.

Every failure names its real cause: a tampered byte, a bad signature, an unknown station, a
refused connection, a TLS failure ... never a blanket "no internet".
"""

from __future__ import annotations

from station.domain.problems import Problem


class SyncError(Exception):
    """A sync failure with a coded, bilingual problem. `retryable` says whether trying again later
    (the same bytes, unchanged) may succeed."""

    def __init__(self, code: str, message_id: str, message_en: str, *, retryable: bool = False):
        self.problem = Problem(code, message_id, message_en)
        self.retryable = retryable
        super().__init__(str(self.problem))

    @property
    def code(self) -> str:
        return self.problem.code


class FormatError(SyncError):
    """Bytes that are not a well-formed packet, batch, receipt or key file."""


class SignatureError(SyncError):
    """A signature that does not verify, or a signer that is not trusted."""


class BatchRejected(SyncError):
    """A batch file refused as a whole; nothing of it was imported."""


def format_error(code: str, what_id: str, what_en: str) -> FormatError:
    return FormatError(code, what_id, what_en)
