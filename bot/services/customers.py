"""Customer codes: format rules and lookup, shared by every conversation.

The rules themselves are domain code (:mod:`bot.domain.codes`); this module adds the
lookup. Why a code is refused is a :class:`CodeProblem`; the sentence that tells the
customer is :func:`bot.wording.customers.code_problem_text`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.models import Customer
from bot.db.uow import UnitOfWork
from bot.domain.codes import CODE_PATTERN, KNOWN_PREFIXES, CodeProblem, format_problem, normalize_code

__all__ = ["CODE_PATTERN", "KNOWN_PREFIXES", "CodeCheck", "CodeProblem", "check_code", "check_format"]


@dataclass(frozen=True)
class CodeCheck:
    code: str
    problem: CodeProblem | None
    customer: Customer | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_format(raw: str | None) -> CodeCheck:
    code = normalize_code(raw or "")
    return CodeCheck(code, format_problem(code))


def check_code(uow: UnitOfWork, raw: str | None) -> CodeCheck:
    """Format first, then existence; the customer is attached when found."""
    formatted = check_format(raw)
    if not formatted.ok:
        return formatted
    customer = uow.customers.get(formatted.code)
    if customer is None:
        return CodeCheck(formatted.code, CodeProblem.NOT_FOUND)
    return CodeCheck(formatted.code, None, customer)
