"""Load the conversation set and check every reply of a conversation.

Format (one file per theme, YAML)::

    conversations:
      - name: bill of October, then "thế tháng trước?" counted from the bill on screen
        tags: [follow-up-month, no-diacritics]
        turns:
          - say: tien dien thang 10/2026 ma PB05010000001
            expect: ["4 số cuối"]          # every phrase appears in the reply
            never: ["798.660"]             # no phrase appears
          - say: "1321"
            expect: ["798.660 đ"]
            any: ["10/2026", "tháng 10"]   # at least one appears
            buttons: ["/ask_bill_detail"]  # quick-reply payloads (substrings)

``{suspended_code}`` / ``{suspended_digits}`` in a message or a phrase stand for a demo
customer whose supply is suspended for debt, ``{estimated_code}`` / ``{estimated_digits}`` /
``{estimated_kwh}`` / ``{estimated_period}`` for one whose newest estimated reading is
among their last 12 (looked up in the stack's database).

Every reply is also checked for what must hold everywhere: something is said, it
opens politely, no nested brackets, no fixture customer's full name or phone.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.demo.fixtures import FIXTURES

HERE = Path(__file__).resolve().parent
NESTED_BRACKETS = re.compile(r"\([^()]*\(")
POLITE_OPENINGS = ("Dạ", "Anh/chị", "⚠️")
PRIVATE = tuple(f.name for f in FIXTURES) + tuple(f.phone for f in FIXTURES)

Send = Callable[[str, str], list[dict]]


@dataclass(frozen=True)
class Step:
    say: str
    expect: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    buttons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conversation:
    name: str
    file: str
    steps: tuple[Step, ...]
    tags: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.file}: {self.name}"


@dataclass
class Result:
    conversation: Conversation
    failures: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # each turn's round trip

    @property
    def passed(self) -> bool:
        return not self.failures


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[union-attr]


def load(directory: Path = HERE) -> list[Conversation]:
    found = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("conversations") or []:
            steps = tuple(
                Step(
                    say=str(turn.get("say", "")),
                    expect=_strings(turn.get("expect")),
                    any=_strings(turn.get("any")),
                    never=_strings(turn.get("never")),
                    buttons=_strings(turn.get("buttons")),
                )
                for turn in item["turns"]
            )
            found.append(Conversation(str(item["name"]), path.stem, steps, _strings(item.get("tags"))))
    return found


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def check_reply(step: Step, replies: list[dict], values: dict[str, str]) -> list[str]:
    """What is wrong with the bot's replies to one step (empty: all right)."""
    texts = [str(r.get("text") or "") for r in replies]
    said = "\n".join(texts)
    payloads = [str(b.get("payload")) for r in replies for b in r.get("buttons") or []]
    problems = []
    if not said.strip():
        return ["no reply"]
    for phrase in (_fill(p, values) for p in step.expect):
        if phrase not in said:
            problems.append(f"missing {phrase!r}")
    if step.any and not any(_fill(p, values) in said for p in step.any):
        problems.append(f"none of {list(step.any)!r}")
    for phrase in (_fill(p, values) for p in step.never):
        if phrase in said:
            problems.append(f"should not say {phrase!r}")
    for payload in step.buttons:
        if not any(payload in p for p in payloads):
            problems.append(f"no button {payload!r}")
    if not texts[0].startswith(POLITE_OPENINGS):
        problems.append(f"the reply opens impolitely: {texts[0][:40]!r}")
    for text in texts:
        if NESTED_BRACKETS.search(text):
            problems.append(f"nested brackets: {text[:80]!r}")
    if said.strip() == "Dạ vâng ạ.":
        problems.append("a bare 'Dạ vâng ạ.'")
    problems += [f"private data {p!r}" for p in PRIVATE if p in said]
    return problems


def run(conversation: Conversation, send: Send, values: dict[str, str] | None = None) -> Result:
    values = values or {}
    sender = f"conv-{uuid.uuid4().hex[:10]}"
    result = Result(conversation)
    for number, step in enumerate(conversation.steps, start=1):
        message = _fill(step.say, values)
        started = time.perf_counter()
        replies = send(sender, message)
        result.seconds.append(time.perf_counter() - started)
        said = " | ".join(str(r.get("text") or "") for r in replies)
        result.transcript += [f"  khách: {message}", f"  bot:   {said}"]
        for problem in check_reply(step, replies, values):
            result.failures.append(f"turn {number} ({message!r}): {problem}")
    return result


def demo_values(database_url: str) -> dict[str, str]:
    """Placeholders from the stack's demo data (a suspended customer and their digits)."""
    from sqlalchemy import select

    from bot.db.models import Customer
    from bot.db.session import session_scope
    from bot.demo.fixtures import FIXTURE_CODES

    with session_scope(database_url) as session:
        rows = session.execute(
            select(Customer.code, Customer.phone)
            .where(Customer.supply_status == "suspended")
            .order_by(Customer.code.desc())
        ).all()
    suspended = [(code, phone) for code, phone in rows if code not in FIXTURE_CODES and phone]
    values = _estimated(database_url)
    if not suspended:
        return values
    code, phone = suspended[0]
    return {**values, "suspended_code": code, "suspended_digits": _digits(phone)}


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())[-4:]


def _estimated(database_url: str) -> dict[str, str]:
    """A customer (with a phone) whose newest estimated reading is among their last 12."""
    from sqlalchemy import select

    from bot.db.models import Customer, MeterReading
    from bot.db.session import session_scope
    from bot.domain.formatting import format_kwh, format_period

    with session_scope(database_url) as session:
        customers = session.execute(
            select(Customer.id, Customer.code, Customer.phone)
            .where(Customer.phone.isnot(None))
            .order_by(Customer.code)
        ).all()
        for customer_id, code, phone in customers:
            recent = (
                session.execute(
                    select(MeterReading)
                    .where(MeterReading.customer_id == customer_id)
                    .order_by(MeterReading.reading_date.desc())
                    .limit(12)
                )
                .scalars()
                .all()
            )
            estimated = next((r for r in recent if r.source == "estimated"), None)
            if estimated is not None:
                return {
                    "estimated_code": code,
                    "estimated_digits": _digits(phone),
                    "estimated_kwh": format_kwh(estimated.kwh),
                    "estimated_period": format_period(estimated.period_start, estimated.period_end),
                }
    return {}


def summary(results: Iterable[Result]) -> str:
    results = list(results)
    passed = sum(r.passed for r in results)
    share = 100 * passed / len(results) if results else 0.0
    return f"Conversations handled: {passed}/{len(results)} ({share:.0f} %)"
