"""Who may see a customer's account data: verification, locks, channel links.

(About 430 lines on purpose: who is asking (requesters, from the channels' identity)
and what proves them stay in one module; the lock replay is in verification_locks.)

Rules (issue 5 and issue 9, DESIGN.md "Security rules"):

* Account data is shown only to a requester verified for that customer code, and the
  proof lives in the database, never only in a conversation slot. Every service that
  discloses account data calls :func:`require_verified` itself.
* The proof is the last 4 digits of the phone number registered for the code (or the
  whole number), or a one-time code sent to that phone
  (:mod:`bot.services.one_time_codes`).
* Locks, so that nobody can guess and nobody can lock a customer out cheaply:
  - three wrong answers of one requester on one code within 15 minutes lock that
    code *for that requester* for 15 minutes (:data:`MAX_FAILURES`,
    :data:`LOCK_DURATION`); others can still verify;
  - :data:`~bot.config.Settings.verify_code_ceiling_per_hour` (10) wrong answers on
    one code from everyone within an hour lock the code for everyone for an hour
    (:data:`CEILING_LOCK`); the customer can still get a one-time code on the
    registered phone, or call the hotline; operators get an alert;
  - the rate limits of :mod:`bot.services.rate_limits` (wrong answers per requester
    over all codes, per client network, from everyone).
  During a lock no answer is checked or recorded. A correct answer starts the
  requester's count afresh (not the code's ceiling).
* Check-and-record is atomic per customer code: :func:`verify` first takes the code's
  guard row (``uow.security.lock_code``: ``SELECT ... FOR UPDATE`` on PostgreSQL, the
  write lock on SQLite), then reads the attempts, checks, records, and the unit of
  work's commit releases the guard. Concurrent answers (threads, processes, several
  action servers) are therefore judged one after the other: no more failures are
  recorded than the locks allow, and no success is accepted inside a lock window.
* Unknown codes look exactly like known ones until the answer is judged: a well-formed
  code that no customer has is asked for the digits, its wrong answers are counted and
  lock it the same way, the same statements run (:func:`status` and :func:`verify`
  cost the same for both), and only "the code and the digits do not match" is ever
  said. A known code without a registered phone behaves the same (it can only be
  verified through the hotline or an office). Codes are sequential, so an answer
  that told them apart would let anyone list the customers.
* Zalo and Messenger user ids are issued by the platform, and a web user with a token
  signed by our web app is known too: a verified requester of that kind is linked to
  the code (``channel_links``) until they say "hủy liên kết", so later conversations
  do not ask again. A REST, callback or widget session without a signed token is
  verified for :data:`SESSION_TTL` (30 minutes) only: the successful attempt row of
  its identity key (derived by the channel from the server-issued session credential,
  never the client-chosen sender id) is the proof, and it expires on its own. 30
  minutes covers a conversation (Rasa's session expires after 60 idle minutes) while
  keeping short the window in which a leaked credential could reuse a verification.
* Who is asking comes from ``metadata["identity"]``, which only our channels write
  (:func:`requester_for`); a message without it can never be verified.
* Names are only ever shown masked (:func:`mask_name`); the phone number never. A
  status carries the customer only once verified.

For the dialogue engine: :func:`status` (where the requester stands, nothing
recorded), :func:`verify` (judge an answer), :func:`explain_lock` (why it is locked
and what help to offer: the hotline, or a one-time code), :func:`verified_codes`,
:func:`unlink`; answers in :mod:`bot.wording.security`.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot import clock
from bot.config import load_settings
from bot.db.models import Customer
from bot.db.uow import UnitOfWork
from bot.domain.codes import format_problem, normalize_code
from bot.services import rate_limits, security_alerts
from bot.services.security_alerts import AlertKind
from bot.services.verification_locks import (  # noqa: F401 (LockWindow, lock_window: re-exported)
    CEILING_LOCK,
    LOCK_DURATION,
    MAX_FAILURES,
    LockReason,
    LockWindow,
    code_locks,
    lock_window,
)

SESSION_TTL = timedelta(minutes=30)
ANSWER_DIGITS = 4
_NEVER_MATCHES = "no phone"  # compared when there is nothing to compare with (same work)


LINKING_CHANNELS = frozenset({"zalo", "facebook"})
WEB_CHANNEL = "webchat"  # requesters identified by a signed web token
WEB_TOKEN_METADATA_KEY = "web_token"
WEB_TOKEN_SECRET_ENV = "WEB_IDENTITY_SECRET"
_SUBJECT_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_USER_ID = 128  # channel_links.channel_user_id


# --------------------------------------------------------------------- requesters


@dataclass(frozen=True)
class Requester:
    """The channel user asking: ``persistent`` ids may be linked to a code; a requester
    that is not ``verifiable`` (no server-derived identity) can never be verified.
    ``network`` is the client network's key (:func:`rate_limits.network_key`), when
    the channel knows it: rate limits only, not part of the identity."""

    channel: str
    user_id: str
    persistent: bool = False
    verifiable: bool = True
    network: str | None = field(default=None, compare=False)


# Message metadata key under which our input channels (bot/channels) put the identity they
# derived themselves: {"kind": "platform"|"session"|"anonymous", "key": "<opaque id>"}.
# Channels drop a client-sent value of this key, so only the server writes it.
IDENTITY_METADATA_KEY = "identity"
IDENTITY_KINDS = frozenset({"platform", "session", "anonymous"})


def identity(kind: str, key: str) -> dict[str, str]:
    """The ``metadata["identity"]`` value a channel attaches to a message."""
    if kind not in IDENTITY_KINDS or not isinstance(key, str) or not 0 < len(key) <= _MAX_USER_ID:
        raise ValueError(f"bad identity {kind!r}")
    return {"kind": kind, "key": key}


def _identity_of(metadata: Mapping[str, Any] | None) -> tuple[str, str] | None:
    value = metadata.get(IDENTITY_METADATA_KEY) if isinstance(metadata, Mapping) else None
    if not isinstance(value, Mapping):
        return None
    kind, key = value.get("kind"), value.get("key")
    if kind not in IDENTITY_KINDS or not isinstance(key, str) or not 0 < len(key) <= _MAX_USER_ID:
        return None
    return kind, key


def requester_for(
    channel: str | None,
    sender_id: str | None,
    metadata: Mapping[str, Any] | None = None,
    secret: str | None = None,
) -> Requester:
    """The requester behind a message, from the identity its channel derived.

    The channel name is the endpoint that received the message (never a body field).
    Zalo/Messenger platform ids (signature-checked webhooks) are persistent and may be
    linked; a web user with a token signed by our web app too. REST, callback and
    widget sessions are identified by their server-issued credential (the identity
    key), verified per conversation only. A message without an identity (not from one
    of our channels) is anonymous and can never be verified. The client network
    (:data:`rate_limits.NETWORK_METADATA_KEY`, a server fact) rides along for rate limits.
    """
    name = (channel or "unknown").strip().lower()[:20] or "unknown"
    network = rate_limits.network_of(metadata)
    kind, key = _identity_of(metadata) or ("anonymous", "")
    if kind == "platform" and name in LINKING_CHANNELS:
        return Requester(name, key, persistent=True, network=network)
    if kind == "session" and name not in LINKING_CHANNELS:
        token = metadata.get(WEB_TOKEN_METADATA_KEY)
        subject = verify_web_token(token, secret) if isinstance(token, str) else None
        if subject is not None:
            return Requester(WEB_CHANNEL, subject, persistent=True, network=network)
        return Requester(name, key, persistent=False, network=network)
    anonymous = "anonymous:" + hashlib.sha256(str(sender_id or "").encode("utf-8", "replace")).hexdigest()
    return Requester(name, anonymous[:_MAX_USER_ID], persistent=False, verifiable=False, network=network)


def _secret(secret: str | None) -> bytes | None:
    value = secret if secret is not None else load_settings().web_identity_secret
    return value.encode() if value else None


def sign_web_token(subject: str, expires_at: int, secret: str | None = None) -> str:
    """``subject.expires.signature``: what the web app gives a signed-in widget user."""
    key = _secret(secret)
    if key is None:
        raise ValueError(f"no secret: set {WEB_TOKEN_SECRET_ENV}")
    if not _SUBJECT_RE.match(subject):
        raise ValueError("a token subject is 1-64 letters, digits, '_' or '-'")
    payload = f"{subject}.{int(expires_at)}"
    signature = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{signature}"


def verify_web_token(token: str, secret: str | None = None, now: float | None = None) -> str | None:
    """The token's subject when its signature is ours and it has not expired; else None."""
    key = _secret(secret)
    if key is None or not isinstance(token, str) or len(token) > 200:
        return None
    parts = token.split(".")
    if len(parts) != 3 or not _SUBJECT_RE.match(parts[0]) or not parts[1].isdecimal():
        return None
    expected = hmac.new(key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, parts[2]):
        return None
    if int(parts[1]) < (time.time() if now is None else now):
        return None
    return parts[0]


# ------------------------------------------------------------------------ states


class State(enum.Enum):
    VERIFIED = "verified"
    NEEDS_ANSWER = "needs_answer"  # known or not: ask for the digits
    LOCKED = "locked"  # see Status.lock for why, Status.locked_until for how long
    NOT_FOUND = "not_found"  # not a well-formed customer code (the format is public)


@dataclass(frozen=True)
class Status:
    state: State
    code: str
    locked_until: datetime | None = None
    remaining_tries: int = MAX_FAILURES
    customer: Customer | None = None  # only when verified
    just_linked: bool = False  # a persistent requester was linked by this answer
    lock: LockReason | None = None  # why it is locked (state LOCKED)

    @property
    def verified(self) -> bool:
        return self.state is State.VERIFIED

    @property
    def masked_name(self) -> str:
        """The customer's name as it may be shown (:func:`mask_name`); "" when unknown."""
        return mask_name(self.customer.name) if self.customer is not None else ""


class NotVerified(Exception):
    """Raised by services asked for account data the requester may not see."""

    def __init__(self, status: Status) -> None:
        super().__init__(f"{status.code}: {status.state.value}")
        self.status = status


@dataclass(frozen=True)
class LockExplanation:
    """Why a requester cannot verify now, and what help to offer."""

    reason: LockReason
    until: datetime
    # A one-time code may be sent to the registered phone now
    # (:func:`bot.services.one_time_codes.issue`): the way out of a lock caused by
    # others' wrong answers. Never offered for the abuse limits (sender, network, global).
    one_time_code: bool


def _is_linked(uow: UnitOfWork, code: str, requester: Requester) -> bool:
    if not requester.persistent:
        return False
    return code in uow.identity.linked_codes(requester.channel, requester.user_id)


def _session_verified_codes(uow: UnitOfWork, requester: Requester, now: datetime) -> list[str]:
    return uow.identity.verified_codes_since(requester.channel, requester.user_id, now - SESSION_TTL)


def verified_codes(uow: UnitOfWork, requester: Requester, now: datetime | None = None) -> list[str]:
    """Codes this requester may see now: linked ones, then this conversation's, in order."""
    if not requester.verifiable:
        return []
    now = now or clock.now()
    linked = uow.identity.linked_codes(requester.channel, requester.user_id) if requester.persistent else []
    return list(dict.fromkeys([*linked, *_session_verified_codes(uow, requester, now)]))


def status(uow: UnitOfWork, code: str, requester: Requester, now: datetime | None = None) -> Status:
    """Where this requester stands with this code (no attempt is recorded).

    A well-formed code nobody has gets the same answers as a known one (NEEDS_ANSWER,
    then LOCKED after wrong answers), after the same statements."""
    return _evaluate(uow, normalize_code(code or ""), requester, now or clock.now())[0]


def _evaluate(
    uow: UnitOfWork, code: str, requester: Requester, now: datetime
) -> tuple[Status, Customer | None]:
    """The status and the customer behind the code (None when nobody has it)."""
    if format_problem(code) is not None:
        return Status(State.NOT_FOUND, code), None
    customer = uow.customers.get(code)
    # Both questions are asked for every code, so a code nobody has costs the same.
    linked = _is_linked(uow, code, requester)
    proven = code in _session_verified_codes(uow, requester, now)
    if customer is not None and requester.verifiable and (linked or proven):
        return Status(State.VERIFIED, code, customer=customer), customer
    locks = code_locks(
        uow.identity.attempts_since(code, now - 2 * CEILING_LOCK),
        requester.channel,
        requester.user_id,
        now,
        ceiling=load_settings().verify_code_ceiling_per_hour,
    )
    if locks.reason is not None:
        return _locked(code, locks.reason, locks.locked_until), customer
    limited = rate_limits.failure_block(uow, requester, now)
    if limited is not None:
        return _locked(code, LockReason(limited.scope.value), limited.retry_at), customer
    return Status(State.NEEDS_ANSWER, code, remaining_tries=MAX_FAILURES - locks.failures), customer


def _locked(code: str, reason: LockReason, until: datetime | None) -> Status:
    return Status(State.LOCKED, code, locked_until=until, remaining_tries=0, lock=reason)


def phone_digits(phone: str | None) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdecimal())
    if len(digits) == 11 and digits.startswith("84"):
        digits = "0" + digits[2:]
    return digits


def answer_digits(text: str | None) -> str | None:
    """The answer in what the customer typed: 4 digits ("1321", "13 21", "4 số cuối
    1321"), or a whole 10-digit phone number ("0908 111 321", "+84908111321")."""
    runs = re.findall(r"\d[\d .-]*\d|\d", str(text or "")[:200])
    candidates = []
    for run in runs:
        digits = re.sub(r"\D", "", run)
        if len(digits) == 11 and digits.startswith("84"):
            digits = "0" + digits[2:]
        if len(digits) in (ANSWER_DIGITS, 10):
            candidates.append(digits)
    return candidates[0] if len(candidates) == 1 else None


def _answer_matches(answer: str, customer: Customer | None) -> bool:
    """Whether the answer proves the code; the same comparison runs whether the code
    has a customer with a phone or not."""
    phone = phone_digits(customer.phone if customer is not None else None)
    usable = len(phone) >= ANSWER_DIGITS
    expected = (
        (phone[-ANSWER_DIGITS:] if len(answer) == ANSWER_DIGITS else phone) if usable else _NEVER_MATCHES
    )
    return hmac.compare_digest(answer.encode(), expected.encode()) and usable


def verify(
    uow: UnitOfWork, code: str, requester: Requester, answer: str | None, now: datetime | None = None
) -> Status:
    """Judge an answer (the last 4 phone digits, or the whole number), record the
    attempt, link if allowed.

    Nothing is recorded when the code is malformed, already verified for this
    requester, or locked for them; an answer that is not 4 digits (or a phone number)
    is not an attempt either (the customer is asked again without losing a try).
    Otherwise the code's guard is taken first, so concurrent answers on one code are
    judged one after the other (module docstring).
    """
    now = now or clock.now()
    code = normalize_code(code or "")
    digits = answer_digits(answer)
    if digits is None or not requester.verifiable or format_problem(code) is not None:
        return status(uow, code, requester, now)
    uow.security.lock_code(code)
    current, customer = _evaluate(uow, code, requester, now)
    if current.state is not State.NEEDS_ANSWER:
        return current
    success = _answer_matches(digits, customer)
    uow.identity.record_attempt(code, requester.channel, requester.user_id, success)
    if success:
        return accept(uow, code, requester, customer)
    rate_limits.record_failure(uow, requester, now)
    after = status(uow, code, requester, now)
    if after.lock is LockReason.CODE:
        security_alerts.raise_alert(uow, AlertKind.CODE_LOCKED, code, now=now)
    return after


def accept(uow: UnitOfWork, code: str, requester: Requester, customer: Customer) -> Status:
    """The requester proved the code (the caller recorded the successful attempt):
    link a persistent requester; the verified status."""
    if requester.persistent:
        uow.identity.link(requester.channel, requester.user_id, code)
    return Status(State.VERIFIED, code, customer=customer, just_linked=requester.persistent)


def explain_lock(uow: UnitOfWork, current: Status, requester: Requester) -> LockExplanation | None:
    """Why ``current`` (a status of this requester) is locked and what help to offer;
    None when it is not locked. Says the same for codes with and without a customer."""
    if current.state is not State.LOCKED or current.lock is None:
        return None
    from bot.services import one_time_codes  # it builds on this module

    offer = current.lock in (LockReason.REQUESTER, LockReason.CODE) and one_time_codes.can_issue(
        uow, current.code, requester
    )
    return LockExplanation(current.lock, current.locked_until or clock.now(), offer)


def require_verified(uow: UnitOfWork, code: str, requester: Requester) -> Customer:
    """The customer, when this requester is verified for the code; else NotVerified.

    The one verification check of an account answer: services call it once and pass
    the customer on."""
    current = status(uow, code, requester)
    if not current.verified:
        raise NotVerified(current)
    return current.customer


def unlink(uow: UnitOfWork, code: str, requester: Requester) -> bool:
    """Forget this requester's verification of the code (link and/or conversation proof).

    Failed attempts are kept: they count towards the lock whoever made them.
    """
    code = normalize_code(code or "")
    removed = 0
    if requester.persistent:
        removed += uow.identity.unlink(requester.channel, requester.user_id, code)
    removed += uow.identity.forget_successes(requester.channel, requester.user_id, code)
    return removed > 0


def disclose(uow: UnitOfWork, customer: Customer, requester: Requester, what: str) -> None:
    """Audit that account data (``what``, e.g. "invoice 2026-10") was shown to the requester."""
    uow.identity.record_disclosure(customer.code, requester.channel, requester.user_id, what)


# ------------------------------------------------------------------------ display


def mask_name(name: str | None) -> str:
    """``"Trần Thị Bích"`` -> ``"Tr*** T*** B***"``: two letters of the family name, one
    of every other word."""
    words = str(name or "").split()
    masked = [
        (word[:2] if index == 0 and len(word) > 2 else word[:1]) + "***" for index, word in enumerate(words)
    ]
    return " ".join(masked)
