"""Customer codes (mã khách hàng): normal form and format rules.

A customer code is 13 characters: 2 letters and 11 digits (``PB05010000001``).
Customers type it in lower case, with spaces, dots or dashes; :func:`normalize_code`
gives the one form stored and compared everywhere.
"""

from __future__ import annotations

import enum
import re

CODE_PATTERN = re.compile(r"^[A-Z]{2}\d{11}$")
KNOWN_PREFIXES = ("PB", "PK", "PE")


class CodeProblem(enum.Enum):
    EMPTY = "empty"
    BAD_FORMAT = "bad_format"
    UNKNOWN_PREFIX = "unknown_prefix"
    NOT_FOUND = "not_found"


def normalize_code(code: str) -> str:
    """``"pb 0501-0000001"`` -> ``"PB05010000001"``."""
    return "".join(code.split()).replace("-", "").replace(".", "").upper()


def format_problem(code: str) -> CodeProblem | None:
    """What is wrong with the form of a normalised code (None: well formed)."""
    if not code:
        return CodeProblem.EMPTY
    if not CODE_PATTERN.match(code):
        return CodeProblem.BAD_FORMAT
    if code[:2] not in KNOWN_PREFIXES:
        return CodeProblem.UNKNOWN_PREFIX
    return None
