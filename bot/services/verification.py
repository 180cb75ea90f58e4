"""Who may see a customer's account data: verification, lockout, channel links.

Rules (issue 5, DESIGN.md "Security rules"):

* Account data is shown only to a requester verified for that customer code, and the
  proof lives in the database, never only in a conversation slot. Every service that
  discloses account data calls :func:`require_verified` itself.
* The proof is the last 4 digits of the phone number registered for the code.
* Three wrong answers within 15 minutes lock the code for 15 minutes from the third
  one, whatever the channel user: failures are counted per customer code, so a new
  REST or socket.io sender id (chosen by the client) buys no new guesses. During a
  lock no answer is checked or recorded. A correct answer starts the count afresh.
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
* Names are only ever shown masked (:func:`mask_name`); the phone number never.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot import clock
from bot.config import load_settings
from bot.db.models import Customer
from bot.db.uow import UnitOfWork
from bot.domain.codes import normalize_code

MAX_FAILURES = 3
LOCK_DURATION = timedelta(minutes=15)
SESSION_TTL = timedelta(minutes=30)
ANSWER_DIGITS = 4

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
    that is not ``verifiable`` (no server-derived identity) can never be verified."""

    channel: str
    user_id: str
    persistent: bool = False
    verifiable: bool = True


def _bounded_user_id(user_id: str) -> str:
    user_id = str(user_id or "")
    if len(user_id) <= _MAX_USER_ID:
        return user_id
    return "sha256:" + hashlib.sha256(user_id.encode("utf-8", "replace")).hexdigest()


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
    of our channels) is anonymous and can never be verified.
    """
    name = (channel or "unknown").strip().lower()[:20] or "unknown"
    kind, key = _identity_of(metadata) or ("anonymous", "")
    if kind == "platform" and name in LINKING_CHANNELS:
        return Requester(name, key, persistent=True)
    if kind == "session" and name not in LINKING_CHANNELS:
        token = metadata.get(WEB_TOKEN_METADATA_KEY)
        subject = verify_web_token(token, secret) if isinstance(token, str) else None
        if subject is not None:
            return Requester(WEB_CHANNEL, subject, persistent=True)
        return Requester(name, key, persistent=False)
    anonymous = "anonymous:" + hashlib.sha256(str(sender_id or "").encode("utf-8", "replace")).hexdigest()
    return Requester(name, anonymous[:_MAX_USER_ID], persistent=False, verifiable=False)


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
    if len(parts) != 3 or not _SUBJECT_RE.match(parts[0]) or not parts[1].isdigit():
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
    NEEDS_ANSWER = "needs_answer"
    LOCKED = "locked"
    NO_PHONE = "no_phone"  # nothing to verify against: the customer must call or visit
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Status:
    state: State
    code: str
    locked_until: datetime | None = None
    remaining_tries: int = MAX_FAILURES
    customer: Customer | None = None
    just_linked: bool = False  # a persistent requester was linked by this answer

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
class LockWindow:
    locked_until: datetime | None
    failures: int  # failures still counting towards the next lock


def lock_window(attempts: Iterable[tuple[datetime, bool]], now: datetime) -> LockWindow:
    """Replay a code's attempts (oldest first) and say whether it is locked at ``now``.

    Three failures within :data:`LOCK_DURATION` lock the code for :data:`LOCK_DURATION`
    from the third; a success or the end of a lock starts the count afresh.
    """
    failures: list[datetime] = []
    lock_end: datetime | None = None
    for at, success in attempts:
        if lock_end is not None and at < lock_end:
            continue  # not checked during a lock (a concurrent request may slip in)
        if success:
            failures = []
            continue
        failures = [t for t in failures if at - t < LOCK_DURATION] + [at]
        if len(failures) >= MAX_FAILURES:
            lock_end, failures = at + LOCK_DURATION, []
    if lock_end is not None and now < lock_end:
        return LockWindow(lock_end, 0)
    return LockWindow(None, len([t for t in failures if now - t < LOCK_DURATION]))


def _code_window(uow: UnitOfWork, code: str, now: datetime) -> LockWindow:
    return lock_window(uow.identity.attempts_since(code, now - 2 * LOCK_DURATION), now)


def _is_linked(uow: UnitOfWork, code: str, requester: Requester) -> bool:
    if not requester.persistent:
        return False
    return code in uow.identity.linked_codes(requester.channel, requester.user_id)


def _session_verified_codes(uow: UnitOfWork, requester: Requester, now: datetime) -> list[str]:
    return uow.identity.verified_codes_since(requester.channel, requester.user_id, now - SESSION_TTL)


def verified_codes(uow: UnitOfWork, requester: Requester, now: datetime | None = None) -> list[str]:
    """Codes this requester may see now: linked ones, then this conversation's, in order."""
    now = now or clock.now()
    linked = uow.identity.linked_codes(requester.channel, requester.user_id) if requester.persistent else []
    return list(dict.fromkeys([*linked, *_session_verified_codes(uow, requester, now)]))


def status(uow: UnitOfWork, code: str, requester: Requester, now: datetime | None = None) -> Status:
    """Where this requester stands with this code (no attempt is recorded)."""
    now = now or clock.now()
    code = normalize_code(code or "")
    customer = uow.customers.get(code) if code else None
    if customer is None:
        return Status(State.NOT_FOUND, code)
    if requester.verifiable and (
        _is_linked(uow, code, requester) or code in _session_verified_codes(uow, requester, now)
    ):
        return Status(State.VERIFIED, code, customer=customer)
    window = _code_window(uow, code, now)
    if window.locked_until is not None:
        return Status(
            State.LOCKED, code, locked_until=window.locked_until, remaining_tries=0, customer=customer
        )
    if len(_phone_digits(customer.phone)) < ANSWER_DIGITS:
        return Status(State.NO_PHONE, code, customer=customer)
    return Status(State.NEEDS_ANSWER, code, remaining_tries=MAX_FAILURES - window.failures, customer=customer)


def _phone_digits(phone: str | None) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
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


def _answer_matches(answer: str, phone: str) -> bool:
    if len(answer) == ANSWER_DIGITS:
        return hmac.compare_digest(answer, phone[-ANSWER_DIGITS:])
    return hmac.compare_digest(answer, phone)


def verify(
    uow: UnitOfWork, code: str, requester: Requester, answer: str | None, now: datetime | None = None
) -> Status:
    """Check an answer (the last 4 phone digits), record the attempt, link if allowed.

    Nothing is recorded when the code is unknown, already verified for this requester,
    locked, or has no phone to check against; an answer that is not 4 digits is not an
    attempt either (the customer is asked again without losing a try).
    """
    now = now or clock.now()
    current = status(uow, code, requester, now)
    if current.state is not State.NEEDS_ANSWER or not requester.verifiable:
        return current
    digits = answer_digits(answer)
    if digits is None:
        return current
    success = _answer_matches(digits, _phone_digits(current.customer.phone))
    uow.identity.record_attempt(current.code, requester.channel, requester.user_id, success)
    if success:
        if requester.persistent:
            uow.identity.link(requester.channel, requester.user_id, current.code)
        return Status(
            State.VERIFIED, current.code, customer=current.customer, just_linked=requester.persistent
        )
    return status(uow, current.code, requester, now)


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
