"""Customer codes: format rules, existence, and the reason a customer reads."""

from __future__ import annotations

import pytest

from bot.services import customers, unit_of_work
from bot.services.customers import CodeProblem
from bot.wording.customers import code_problem_text
from tests.support.demo import BICH


@pytest.mark.parametrize(
    ("raw", "code", "problem"),
    [
        ("PB05010000001", "PB05010000001", None),
        ("pb 0501 000 0001", "PB05010000001", None),
        ("PB-0501-0000001", "PB05010000001", None),
        ("pk01000234567", "PK01000234567", None),
        ("PE04000123456", "PE04000123456", None),
        ("", "", CodeProblem.EMPTY),
        (None, "", CodeProblem.EMPTY),
        ("   ", "", CodeProblem.EMPTY),
        ("PB0501000001", "PB0501000001", CodeProblem.BAD_FORMAT),  # 10 digits
        ("PB050100000011", "PB050100000011", CodeProblem.BAD_FORMAT),
        ("0908111321", "0908111321", CodeProblem.BAD_FORMAT),  # a phone number
        ("'; DROP TABLE customers; --", "';DROPTABLECUSTOMERS;", CodeProblem.BAD_FORMAT),
        ("PA05010000001", "PA05010000001", CodeProblem.UNKNOWN_PREFIX),
        ("XY05010000001", "XY05010000001", CodeProblem.UNKNOWN_PREFIX),
    ],
)
def test_check_format(raw: str | None, code: str, problem: CodeProblem | None) -> None:
    check = customers.check_format(raw)
    assert (check.code, check.problem) == (code, problem)
    assert check.ok == (problem is None)
    if problem:
        assert code_problem_text(check.problem).startswith("Dạ,")


def test_reasons_say_what_a_code_looks_like() -> None:
    assert "13 ký tự" in code_problem_text(customers.check_format("PB123").problem)
    assert "PB" in code_problem_text(customers.check_format("AB05010000001").problem)


def test_check_code_finds_the_customer(demo_db: str) -> None:
    with unit_of_work(demo_db) as session:
        found = customers.check_code(session, "pb0501 0000001")
        missing = customers.check_code(session, "PB99990000001")
        bad = customers.check_code(session, "PB0501")
    assert found.ok and found.customer.code == BICH
    assert missing.problem is CodeProblem.NOT_FOUND and "không tìm thấy" in code_problem_text(missing.problem)
    assert bad.problem is CodeProblem.BAD_FORMAT and bad.customer is None


def test_long_and_odd_input_never_crashes(demo_db: str) -> None:
    with unit_of_work(demo_db) as session:
        for raw in ("x" * 10_000, "😀😀😀", "\u200b\u200b", "PB\x000501"):
            assert not customers.check_code(session, raw).ok
