"""One-time codes sent to the registered phone: the way out of a lock (issue 9, item 5).

Anyone can lock a code for themselves, and enough people can lock it for everyone
(:mod:`bot.services.verification`). The customer then either calls the hotline or
asks for a 6-digit code sent by SMS to the phone registered for the customer code;
typing it back verifies them, lock or not, since only the phone's owner reads it.

* :func:`issue`: a new code for (customer code, requester), valid :data:`TTL`
  (10 minutes), replacing that requester's earlier unused ones; at most
  :data:`ISSUES_PER_CODE` per customer code and :data:`ISSUES_PER_REQUESTER` per
  requester in :data:`ISSUE_WINDOW` (nobody can flood a customer's phone).
* :func:`verify`: :data:`MAX_ATTEMPTS` tries per code, then it is burned; wrong codes
  count towards the requester's failure rate limits (:mod:`bot.services.rate_limits`).
  :func:`expire` voids a requester's waiting codes at once (otherwise after :data:`TTL`).
* Codes are hashed at rest (argon2id); the clear code exists only in the SMS text.
  No SMS gateway exists here: messages go to ``security_sms_outbox``, which the agent
  desk shows (:func:`outbox`); the privacy purge blanks their text once expired.
* Uniform answers: asking for a code for a customer code nobody has (or one without a
  registered phone) gives the same result, costs the same hashing and counts towards
  the same limits, but sends nothing.
"""

from __future__ import annotations

import enum
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot import clock
from bot.config import load_settings
from bot.db.models import OneTimeCode, SmsOutbox
from bot.db.uow import UnitOfWork
from bot.domain.codes import format_problem, normalize_code
from bot.domain.text import strip_diacritics
from bot.services import rate_limits, verification
from bot.services.verification import Requester, State, Status

DIGITS = 6
TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 3
ISSUE_WINDOW = timedelta(hours=1)
ISSUES_PER_CODE = 3
ISSUES_PER_REQUESTER = 3
DESK_WINDOW = timedelta(days=2)
EXPIRED_BODY = "(đã hết hạn, nội dung đã xóa)"
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_CODE_RE = re.compile(r"(?<!\d)\d(?:[ .-]?\d){5}(?!\d)")


class IssueState(enum.StrEnum):
    SENT = "sent"  # sent to the registered phone (if the customer code has one)
    LIMITED = "limited"  # too many codes asked: retry_at
    REFUSED = "refused"  # not a well-formed customer code, or a requester that cannot verify


@dataclass(frozen=True)
class Issued:
    state: IssueState
    code: str  # the customer code
    expires_at: datetime | None = None
    retry_at: datetime | None = None
    minutes: int = int(TTL.total_seconds() // 60)


class CheckOutcome(enum.StrEnum):
    VERIFIED = "verified"
    WRONG = "wrong"  # remaining_tries left on this code
    NO_CODE = "no_code"  # none pending (never asked, expired, used or burned): offer a new one
    NOT_A_CODE = "not_a_code"  # the answer holds no 6-digit code: asked again, no try lost
    LIMITED = "limited"  # the requester's failure rate limit: status says until when


@dataclass(frozen=True)
class Checked:
    outcome: CheckOutcome
    status: Status  # the verification status after the check
    remaining_tries: int = 0


@dataclass(frozen=True)
class OutboxMessage:
    """A simulated SMS as the desk shows it."""

    id: int
    created_at: datetime
    customer_code: str
    to_phone: str  # masked: "0908***321"
    body: str
    expires_at: datetime | None
    sent_at: datetime | None


# ------------------------------------------------------------------------ issuing


def _retry_at(uow: UnitOfWork, code: str, requester: Requester, now: datetime) -> datetime | None:
    """When another code may be asked (None: now)."""
    since = now - ISSUE_WINDOW
    per_code = uow.security.one_time_codes_issued(since, customer_code=code)
    per_requester = uow.security.one_time_codes_issued(
        since, channel=requester.channel, channel_user_id=requester.user_id
    )
    if per_code < ISSUES_PER_CODE and per_requester < ISSUES_PER_REQUESTER:
        return None
    return now + ISSUE_WINDOW  # conservative: the window's length from now


def can_issue(uow: UnitOfWork, code: str, requester: Requester, now: datetime | None = None) -> bool:
    """Whether :func:`issue` would send a code now (the offer is worth making)."""
    code = normalize_code(code or "")
    if format_problem(code) is not None or not requester.verifiable:
        return False
    return _retry_at(uow, code, requester, now or clock.now()) is None


def issue(uow: UnitOfWork, code: str, requester: Requester, now: datetime | None = None) -> Issued:
    """Send a new one-time code to the phone registered for ``code`` (see module docstring)."""
    now = now or clock.now()
    code = normalize_code(code or "")
    if format_problem(code) is not None or not requester.verifiable:
        return Issued(IssueState.REFUSED, code)
    uow.security.lock_code(code)  # issue limits are counted one request at a time
    retry_at = _retry_at(uow, code, requester, now)
    if retry_at is not None:
        return Issued(IssueState.LIMITED, code, retry_at=retry_at)
    for earlier in uow.security.pending_one_time_codes(code, requester.channel, requester.user_id, now):
        earlier.used_at = now  # replaced by the new one
    customer = uow.customers.get(code)
    phone = verification.phone_digits(customer.phone if customer is not None else None)
    secret = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    reachable = customer is not None and len(phone) >= 9
    # A code nobody will receive is replaced by one nobody can type (same hashing work).
    hashed = _HASHER.hash(secret if reachable else secrets.token_urlsafe(24))
    expires_at = now + TTL
    uow.security.add_one_time_code(
        OneTimeCode(
            customer_code=code,
            channel=requester.channel,
            channel_user_id=requester.user_id,
            code_hash=hashed,
            issued_at=now,
            expires_at=expires_at,
            attempts=0,
        )
    )
    if reachable:
        uow.security.add_sms(
            SmsOutbox(
                created_at=now,
                customer_code=code,
                to_phone=phone,
                body=_sms_text(secret, code),
                expires_at=expires_at,
            )
        )
    return Issued(IssueState.SENT, code, expires_at=expires_at)


def _sms_text(secret: str, code: str) -> str:
    """The SMS (unaccented, as brand-name SMS are sent, to fit one message)."""
    utility = strip_diacritics(load_settings().utility_name)
    minutes = int(TTL.total_seconds() // 60)
    return (
        f"{utility}: Ma xac thuc tra cuu ma KH {code} la {secret}, hieu luc {minutes} phut. "
        "Khong cung cap ma nay cho bat ky ai. Neu khong phai ban yeu cau, vui long bo qua."
    )


def pending(uow: UnitOfWork, code: str, requester: Requester, now: datetime | None = None) -> bool:
    """Whether a code sent for this requester is waiting to be typed back."""
    code = normalize_code(code or "")
    return bool(
        uow.security.pending_one_time_codes(code, requester.channel, requester.user_id, now or clock.now())
    )


def expire(uow: UnitOfWork, code: str, requester: Requester, now: datetime | None = None) -> int:
    """Void this requester's waiting codes for the customer code (the customer gave up,
    or verified another way); how many. Unused codes also expire on their own after TTL."""
    now = now or clock.now()
    waiting = uow.security.pending_one_time_codes(
        normalize_code(code or ""), requester.channel, requester.user_id, now
    )
    for row in waiting:
        row.used_at = now
    uow.flush()
    return len(waiting)


# ----------------------------------------------------------------------- checking


def code_in(text: str | None) -> str | None:
    """The 6-digit code in what the customer typed ("123456", "123 456"), if exactly one."""
    found = _CODE_RE.findall(str(text or "")[:200])
    return re.sub(r"\D", "", found[0]) if len(found) == 1 else None


def verify(
    uow: UnitOfWork, code: str, requester: Requester, answer: str | None, now: datetime | None = None
) -> Checked:
    """Check a typed one-time code; a right one verifies the requester (locks or not)."""
    now = now or clock.now()
    code = normalize_code(code or "")
    digits = code_in(answer)
    if digits is None or not requester.verifiable or format_problem(code) is not None:
        return Checked(CheckOutcome.NOT_A_CODE, verification.status(uow, code, requester, now))
    uow.security.lock_code(code)
    limited = rate_limits.failure_block(uow, requester, now)
    if limited is not None:
        return Checked(CheckOutcome.LIMITED, verification.status(uow, code, requester, now))
    waiting = uow.security.pending_one_time_codes(code, requester.channel, requester.user_id, now)
    if not waiting:
        return Checked(CheckOutcome.NO_CODE, verification.status(uow, code, requester, now))
    row = waiting[0]
    row.attempts += 1
    if _matches(row.code_hash, digits):
        row.used_at = now
        customer = uow.customers.get(code)
        if customer is not None:  # always: unreachable codes get hashes nobody can type
            uow.identity.record_attempt(code, requester.channel, requester.user_id, True)
            uow.flush()
            return Checked(CheckOutcome.VERIFIED, verification.accept(uow, code, requester, customer))
    if row.attempts >= MAX_ATTEMPTS:
        row.used_at = now  # burned
    uow.flush()
    rate_limits.record_failure(uow, requester, now)
    remaining = max(MAX_ATTEMPTS - row.attempts, 0)
    outcome = CheckOutcome.WRONG if remaining else CheckOutcome.NO_CODE
    return Checked(outcome, verification.status(uow, code, requester, now), remaining)


def _matches(hashed: str, digits: str) -> bool:
    try:
        return _HASHER.verify(hashed, digits)
    except (VerificationError, InvalidHashError):
        return False


# -------------------------------------------------------------------- the desk


def outbox(uow: UnitOfWork, since: datetime | None = None, limit: int = 50) -> list[OutboxMessage]:
    """The simulated SMS, newest first (default: the last 2 days)."""
    since = since or clock.now() - DESK_WINDOW
    return [
        OutboxMessage(
            id=row.id,
            created_at=row.created_at,
            customer_code=row.customer_code,
            to_phone=mask_phone(row.to_phone),
            body=row.body,
            expires_at=row.expires_at,
            sent_at=row.sent_at,
        )
        for row in uow.security.outbox(since, max(1, min(limit, 500)))
    ]


def mask_phone(phone: str | None) -> str:
    """``"0908111321"`` -> ``"0908***321"``."""
    digits = "".join(ch for ch in str(phone or "") if ch.isdecimal())
    return f"{digits[:4]}***{digits[-3:]}" if len(digits) >= 8 else "***"


__all__ = [
    "EXPIRED_BODY",
    "CheckOutcome",
    "Checked",
    "IssueState",
    "Issued",
    "OutboxMessage",
    "State",
    "can_issue",
    "code_in",
    "expire",
    "issue",
    "mask_phone",
    "outbox",
    "pending",
    "verify",
]
