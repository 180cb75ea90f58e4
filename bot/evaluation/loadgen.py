"""Closed-loop conversation load through a REST channel (asyncio + aiohttp).

K virtual customers each repeat whole conversations until the time is up: a conversation
is a script (a list of turns) under a new sender id, so every conversation starts fresh
(new REST session token, new verification, as a new customer would); a customer sends
its next message when the previous one is answered, after an optional pause (think
time; with a pause, each customer starts at a random moment within the first pause, so
the K customers do not send in step). Only turns *started* after the warm-up and
*finished* before the end are counted.

Every answer is checked: an HTTP status other than 200, a timeout or a refused
connection, one of the apologies, or an answer without the text the script expects for
that turn counts as an error (a fast wrong answer is not a result).

Used by ``python -m bot.evaluation.bench_load`` against our stack and the stock
``rasa init`` bot, and on its own against any running REST endpoint::

    python -m bot.evaluation.loadgen --url http://127.0.0.1:5005 -k 20 --duration 30 --pause 2

(our scripts need the demo data: `make run`'s database; customers are read from
``DATABASE_URL`` unless ``--customers FILE`` gives ``code,digits`` lines.)
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import re
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import aiohttp

from bot.evaluation.report import percentile

TOKEN_HEADER = "X-Session-Token"
REQUEST_TIMEOUT_S = 30.0
WRONG_ANSWERS_KEPT = 5
# Fragments of the answers that mean "something failed" (bot.faults.technical_apology,
# bot.wording.common.database_unavailable, bot.channels.replies.system_busy).
APOLOGIES = ("gặp sự cố tạm thời", "tạm gián đoạn", "hệ thống đang bận", "nhắn hơi nhanh")


@dataclass(frozen=True)
class Customer:
    """A demo customer: the code and the answer to the verification question."""

    code: str
    digits: str


@dataclass(frozen=True)
class Turn:
    message: str  # may contain {code} and {digits}
    expect: str  # a regular expression the joined answer must match ("" = any answer)
    done: str = ""  # an answer matching this ends the conversation there (correctly)


@dataclass(frozen=True)
class Script:
    name: str
    turns: tuple[Turn, ...]
    weight: int = 1


def _t(message: str, expect: str, done: str = "") -> Turn:
    return Turn(message, expect, done)


# Our conversations over the demo data (clock frozen at 27/11/2026 by the bench). The
# expectations are fragments every correct answer has, whatever the customer.
OUR_SCRIPTS: tuple[Script, ...] = (
    Script(  # the six-turn conversation
        "bill",
        (
            _t("xin chào", r"chào"),
            _t("cho tôi xem hóa đơn tiền điện tháng 10, mã {code}", r"4 số cuối"),
            _t("{digits}", r"\d[\d.]* đ"),
            _t("sao tháng này tiền điện cao vậy", r"kWh"),
            _t("sắp tới nhà tôi có lịch cúp điện không", r"(?i)lịch|cúp điện|ngừng cung cấp"),
            _t("cảm ơn em", r"(?i)dạ|cảm ơn"),
        ),
        weight=3,
    ),
    Script(
        "debt",
        (
            _t("tui còn nợ tiền điện không, mã {code}", r"4 số cuối"),
            _t("{digits}", r"(?i)đ\b|không còn nợ|đã thanh toán|chưa có"),
            _t("cảm ơn nha", r"(?i)dạ|cảm ơn"),
        ),
        weight=2,
    ),
    Script(
        "schedule",
        (
            _t("lịch cúp điện sắp tới ở nhà tôi", r"mã khách hàng"),
            _t("{code}", r"(?i)lịch|ngừng cung cấp|cúp điện"),
        ),
        weight=2,
    ),
    Script(  # a report a crew can act on (no code: an address, a number, since when)
        "report",
        (
            _t("mất điện rồi em ơi", r"mã khách hàng"),
            # once a crew knows of it (other customers' reports made it an incident, maybe
            # while this one was being taken), the bot says so and links the report: done
            _t("123 Nguyễn Trãi, phường 2, quận 5", r"ghi nhận", done=r"đã ghi nhận mất điện"),
            _t("sđt 0909 123 456", r"hàng xóm|đã ghi nhận mất điện", done=r"đã ghi nhận mất điện"),
            _t("cả xóm luôn", r"từ lúc nào|đã ghi nhận mất điện", done=r"đã ghi nhận mất điện"),
            _t("mất từ 2 giờ chiều", r"(?i)phiếu|sự cố|ghi nhận"),
        ),
    ),
    Script(
        "tariff",
        (
            _t("giá điện sinh hoạt bậc thang bây giờ bao nhiêu", r"(?i)bậc"),
            _t("xài 300 kWh thì hết bao nhiêu tiền", r"\d[\d.]* đ"),
        ),
    ),
    Script(
        "smalltalk",
        (
            _t("chào em", r"chào"),
            _t("em là người thật hay máy vậy", r"(?i)trợ lý|máy|tự động"),
            _t("cảm ơn em nhiều", r"(?i)dạ|cảm ơn"),
            _t("tạm biệt", r"(?i)dạ|chào|cảm ơn"),
        ),
    ),
)

# The stock `rasa init` bot's own five-turn conversation (its English demo data).
STOCK_SCRIPTS: tuple[Script, ...] = (
    Script(
        "stock",
        (
            _t("hello", r"Hey! How are you\?"),
            _t("I am sad", r"Did that help you\?"),
            _t("yes", r"Great, carry on!"),
            _t("are you a bot?", r"I am a bot, powered by Rasa\."),
            _t("bye", r"Bye"),
        ),
    ),
)


@dataclass
class TurnResult:
    script: str
    index: int  # turn number in the script, from 0
    started: float  # monotonic
    seconds: float
    error: str | None  # None: a correct answer


@dataclass
class LoadResult:
    """What one load run measured (turns counted inside the window only)."""

    k: int
    pause_s: float
    window_s: float
    turns: list[TurnResult] = field(default_factory=list)
    conversations: int = 0
    # The first wrong answers, to see why: script, turn, message sent, answer (shortened).
    wrong_answers: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> list[TurnResult]:
        return [t for t in self.turns if t.error is None]

    @property
    def errors(self) -> int:
        return sum(1 for t in self.turns if t.error is not None)

    def latencies_ms(self, script: str | None = None) -> list[float]:
        return [t.seconds * 1000 for t in self.turns if script is None or t.script == script]

    def summary(self) -> dict:
        latencies = self.latencies_ms()
        return {
            "k": self.k,
            "pause_s": self.pause_s,
            "window_s": round(self.window_s, 2),
            "turns": len(self.turns),
            "turns_per_s": round(len(self.ok) / self.window_s, 2) if self.window_s else 0.0,
            "p50_ms": round(percentile(latencies, 0.50), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "max_ms": round(max(latencies, default=0.0), 1),
            "errors": self.errors,
            "error_kinds": dict(Counter(t.error for t in self.turns if t.error).most_common(5)),
            "conversations": self.conversations,
            "wrong_answers": self.wrong_answers,
        }


def answer_text(body: object) -> str:
    if not isinstance(body, list):
        return ""
    return "\n".join(str(m.get("text") or "") for m in body if isinstance(m, dict))


def judge(status: int, body: object, expect: str) -> str | None:
    """None for a correct answer, else a short reason."""
    if status != 200:
        return f"HTTP {status}"
    if not isinstance(body, list):
        return "not a list of messages"
    text = answer_text(body)
    if not text:
        return "no answer"
    if any(fragment in text for fragment in APOLOGIES):
        return "apology"
    if expect and not re.search(expect, text):
        return "unexpected answer"
    return None


class Conversation:
    """One sender id talking to the REST channel (session token kept)."""

    def __init__(self, http: aiohttp.ClientSession, url: str, sender: str) -> None:
        self.http = http
        self.webhook = url.rstrip("/") + "/webhooks/rest/webhook"
        self.sender = sender
        self.token: str | None = None

    async def say(self, text: str) -> tuple[int, object]:
        headers = {TOKEN_HEADER: self.token} if self.token else {}
        async with self.http.post(
            self.webhook, json={"sender": self.sender, "message": text}, headers=headers
        ) as response:
            if response.headers.get(TOKEN_HEADER):
                self.token = response.headers[TOKEN_HEADER]
            raw = await response.read()
            try:
                return response.status, json.loads(raw or b"null")
            except ValueError:
                return response.status, None


def _weighted(scripts: Sequence[Script]) -> list[Script]:
    return [script for script in scripts for _ in range(max(1, script.weight))]


async def run_load(
    url: str,
    k: int,
    duration_s: float,
    *,
    scripts: Sequence[Script],
    customers: Sequence[Customer] = (),
    pause_s: float = 0.0,
    warmup_s: float = 3.0,
    timeout_s: float = REQUEST_TIMEOUT_S,
    sender_prefix: str = "bench",
    on_turn: Callable[[TurnResult], None] | None = None,
) -> LoadResult:
    """K closed-loop customers for warm-up + duration seconds; see the module doc."""
    order = _weighted(scripts)
    picks = itertools.count()
    people = itertools.cycle(customers or [Customer("PB05010000001", "1321")])
    start = time.monotonic()
    begin, end = start + warmup_s, start + warmup_s + duration_s
    result = LoadResult(k=k, pause_s=pause_s, window_s=duration_s)
    run_id = uuid.uuid4().hex[:6]
    starts = random.Random(k)
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def customer(number: int) -> None:
        if pause_s:  # customers who pause do not all start at the same instant (no bursts of K)
            await asyncio.sleep(starts.uniform(0, pause_s))
        async with aiohttp.ClientSession(connector=connector, connector_owner=False, timeout=timeout) as http:
            while time.monotonic() < end:
                script = order[next(picks) % len(order)]
                person = next(people)
                talk = Conversation(http, url, f"{sender_prefix}-{run_id}-{number}-{uuid.uuid4().hex[:8]}")
                if time.monotonic() >= begin:
                    result.conversations += 1
                for index, turn in enumerate(script.turns):
                    if time.monotonic() >= end:
                        return
                    text = turn.message.format(code=person.code, digits=person.digits)
                    sent = time.monotonic()
                    finished = False
                    try:
                        status, body = await talk.say(text)
                        error = judge(status, body, turn.expect)
                        if error == "unexpected answer" and len(result.wrong_answers) < WRONG_ANSWERS_KEPT:
                            result.wrong_answers.append({
                                "script": script.name, "turn": str(index), "sent": text,
                                "answer": answer_text(body)[:300],
                            })
                        finished = bool(turn.done) and re.search(turn.done, answer_text(body)) is not None
                    except TimeoutError:
                        error = "timeout"
                    except aiohttp.ClientError as failure:
                        error = type(failure).__name__
                        await asyncio.sleep(0.2)  # a refused connection must not spin
                    done = time.monotonic()
                    measured = TurnResult(script.name, index, sent, done - sent, error)
                    if begin <= sent and done <= end:
                        result.turns.append(measured)
                        if on_turn:
                            on_turn(measured)
                    if error is not None or finished:
                        break  # a broken (or finished) conversation is not continued
                    if pause_s and index + 1 < len(script.turns):
                        await asyncio.sleep(pause_s)
                if pause_s:
                    await asyncio.sleep(pause_s)

    try:
        await asyncio.gather(*(customer(n) for n in range(k)))
    finally:
        await connector.close()
    return result


async def timed_message(
    url: str, text: str, sender: str, timeout_s: float = 60.0
) -> tuple[float, int, object]:
    """One message from a new sender: (seconds, status, body)."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s)) as http:
        talk = Conversation(http, url, sender)
        started = time.monotonic()
        status, body = await talk.say(text)
        return time.monotonic() - started, status, body


def demo_customers(database_url: str, limit: int = 2000) -> list[Customer]:
    """Demo customers with a phone and an invoice, and their verification answers (the
    last four digits of the phone, as the tests use them), in a fixed order."""
    from sqlalchemy import select

    from bot.db.models import Customer as CustomerRow
    from bot.db.models import Invoice
    from bot.db.session import session_scope

    with session_scope(database_url) as session:
        rows = session.execute(
            select(CustomerRow.code, CustomerRow.phone)
            .where(CustomerRow.phone.is_not(None), CustomerRow.id.in_(select(Invoice.customer_id)))
            .order_by(CustomerRow.code)
            .limit(limit)
        ).all()
    digits = ((code, re.sub(r"\D", "", phone)) for code, phone in rows)
    return [Customer(code, number[-4:]) for code, number in digits if len(number) >= 4]


def read_customers(path: str) -> list[Customer]:
    customers = []
    for line in open(path, encoding="utf-8"):  # noqa: SIM115 - a short read
        if line.strip() and not line.startswith("#"):
            code, digits = (part.strip() for part in line.split(",")[:2])
            customers.append(Customer(code, digits))
    return customers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.evaluation.loadgen", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--url", required=True, help="the REST endpoint's base URL (Rasa's channel port)")
    parser.add_argument(
        "-k", type=int, nargs="+", default=[10], help="concurrent customers (several: one run each)"
    )
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between a customer's messages")
    parser.add_argument("--stock", action="store_true", help="the stock rasa init conversation")
    parser.add_argument(
        "--customers", help="file of code,digits lines (default: demo customers of DATABASE_URL)"
    )
    args = parser.parse_args(argv)
    if args.stock:
        scripts, customers = STOCK_SCRIPTS, []
    else:
        scripts = OUR_SCRIPTS
        if args.customers:
            customers = read_customers(args.customers)
        else:
            from bot.config import load_settings

            customers = demo_customers(load_settings().database_url)
    for k in args.k:
        result = asyncio.run(
            run_load(
                args.url,
                k,
                args.duration,
                scripts=scripts,
                customers=customers,
                pause_s=args.pause,
                warmup_s=args.warmup,
            )
        )
        print(json.dumps(result.summary(), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
