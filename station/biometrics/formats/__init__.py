"""Biometric interchange formats: WSQ, ISO/IEC 19794-4:2011 (finger images), ISO/IEC 19794-5
2005/2011 (face images), and read only: ISO/IEC 19794-6:2011 (iris images), ANSI/NIST-ITL
transactions and ISO/ANSI finger minutiae records.

Every reader raises `FormatError` (a ValueError carrying a bilingual `Problem`) on bad input; no
reader trusts a length field without checking it against the bytes actually present.
"""

from station.biometrics.formats.errors import FormatError

__all__ = ["FormatError"]
