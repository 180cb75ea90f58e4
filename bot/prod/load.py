"""A closed-loop conversation load through the REST channel: ``python -m bot.prod load``.

K customers at once, each running the six-turn utility conversation (greeting, bill with
the customer code, the 4 digits, why it is high, the outage schedule, thanks) again and
again under a new sender id, each sending its next message as soon as the previous one is
answered (``--pause`` adds a think time). Used to compare one Rasa instance with two
behind the production profile's balancer (docs/operations.md, "Sizing"); `make bench` is
the full benchmark.

    python -m bot.prod load --url http://127.0.0.1:7480 --customers 20 --seconds 60

Customers are real demo customers read from ``--database-url`` (default
``DATABASE_URL``), falling back to the three fixture customers. Prints one summary line
per run and, with ``--json``, the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field

import aiohttp

SCRIPT = (
    "xin chào",
    "cho em xem tiền điện tháng này, mã khách hàng {code}",
    "{digits}",
    "sao tháng này tiền điện cao vậy",
    "khu vực tôi có lịch cúp điện không",
    "cảm ơn em nhiều",
)
TOKEN_HEADER = "X-Session-Token"


@dataclass(frozen=True)
class Customer:
    code: str
    digits: str  # the last 4 digits of the registered phone


@dataclass
class Result:
    customers: int
    seconds: float = 0.0
    turns: int = 0
    conversations: int = 0
    errors: int = 0  # not HTTP 200, or no answer at all
    apologies: int = 0  # the technical / busy apology instead of an answer
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def turns_per_s(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]

    def summary(self) -> dict[str, float | int]:
        body = {k: v for k, v in asdict(self).items() if k != "latencies_ms"}
        return {
            **body,
            "seconds": round(self.seconds, 1),
            "turns_per_s": round(self.turns_per_s, 2),
            "p50_ms": round(self.percentile(50)),
            "p95_ms": round(self.percentile(95)),
            "p99_ms": round(self.percentile(99)),
            "mean_ms": round(statistics.fmean(self.latencies_ms)) if self.latencies_ms else 0,
        }

    def line(self) -> str:
        s = self.summary()
        return (
            f"{s['customers']} customers, {s['seconds']} s: {s['turns']} turns ({s['conversations']} "
            f"conversations), {s['turns_per_s']} turns/s, p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, "
            f"p99 {s['p99_ms']} ms, {s['errors']} errors, {s['apologies']} apologies"
        )


def is_apology(replies: object) -> bool:
    if not isinstance(replies, list):
        return False
    text = " ".join(str(reply.get("text") or "") for reply in replies if isinstance(reply, dict))
    return "xin lỗi" in text and any(words in text for words in ("sự cố", "tạm gián đoạn", "đang bận"))


def demo_customers(database_url: str | None, limit: int = 200) -> list[Customer]:
    """Demo customers with a registered phone (or the fixture customers)."""
    from bot.demo.fixtures import FIXTURES

    found: list[Customer] = []
    if database_url:
        try:
            from sqlalchemy import select

            from bot.db.models import Customer as Row
            from bot.db.session import dispose_engines, session_scope

            with session_scope(database_url) as session:
                rows = session.execute(
                    select(Row.code, Row.phone).where(Row.phone.is_not(None)).order_by(Row.code).limit(limit)
                ).all()
            dispose_engines()
            found = [Customer(code, phone[-4:]) for code, phone in rows if phone and len(phone) >= 4]
        except Exception as error:  # the database is elsewhere: the fixtures exist in every demo database
            print(f"(customers: {type(error).__name__}; using the fixture customers)", file=sys.stderr)
    return found or [Customer(f.code, f.phone[-4:]) for f in FIXTURES if f.phone]


async def _customer(
    number: int, url: str, customers: list[Customer], session: aiohttp.ClientSession,
    result: Result, deadline: float, pause: float,
) -> None:
    endpoint = f"{url.rstrip('/')}/webhooks/rest/webhook"
    conversation = 0
    while time.monotonic() < deadline:
        customer = customers[(number + conversation * 7) % len(customers)]
        sender = f"load-{number}-{uuid.uuid4().hex[:10]}"
        token: str | None = None
        for template in SCRIPT:
            if time.monotonic() >= deadline:
                return
            text = template.format(code=customer.code, digits=customer.digits)
            headers = {TOKEN_HEADER: token} if token else {}
            started = time.perf_counter()
            try:
                message = {"sender": sender, "message": text}
                async with session.post(endpoint, json=message, headers=headers) as answer:
                    body = await answer.json(content_type=None) if answer.status == 200 else None
                    token = answer.headers.get(TOKEN_HEADER) or token
                    status = answer.status
            except (aiohttp.ClientError, TimeoutError, ValueError):
                status, body = 0, None
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.turns += 1
            if status != 200 or not body:
                result.errors += 1
            elif is_apology(body):
                result.apologies += 1
            if pause:
                await asyncio.sleep(pause)
        conversation += 1
        result.conversations += 1


async def run_load(
    url: str, customers: int, seconds: float, pool: list[Customer], pause: float = 0.0
) -> Result:
    result = Result(customers=customers)
    timeout = aiohttp.ClientTimeout(total=180)
    connector = aiohttp.TCPConnector(limit=customers * 2)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(_customer(n, url, pool, session, result, deadline, pause) for n in range(customers))
        )
        result.seconds = time.monotonic() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.prod load", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="where the REST channel is (the balancer, or one Rasa)")
    parser.add_argument(
        "--customers", type=int, nargs="+", default=[20], help="concurrent customers (several: one run each)"
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each run")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of load first, not counted")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds a customer waits between messages")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL"), help="where to find demo customers"
    )
    parser.add_argument("--json", action="store_true", help="also print each run's figures as JSON")
    args = parser.parse_args(argv)
    pool = demo_customers(args.database_url)
    if args.warmup > 0:
        asyncio.run(run_load(args.url, max(args.customers), args.warmup, pool, args.pause))
    for customers in args.customers:
        result = asyncio.run(run_load(args.url, customers, args.seconds, pool, args.pause))
        print(result.line(), flush=True)
        if args.json:
            print(json.dumps(result.summary()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
