"""Desk accounts: argon2 password hashes, lockout after repeated failures, server-side sessions,
and presence (who is online).

Rules:
* Passwords are hashed with argon2id (argon2-cffi's defaults); at least 10 characters.
* Five failed logins for a username within 15 minutes lock it for 15 minutes from the
  fifth, whether the username exists or not (nobody learns which usernames exist), and no
  password is checked during a lock. A success clears the count.
* A session is a random 256-bit token in an HttpOnly cookie; the database keeps only its
  SHA-256, the agent, a CSRF token, and when it expires: 12 hours after login (a shift) or
  2 hours without any request. Logging out deletes it; deactivating an agent deletes theirs.
* An agent is *online* while their desk page holds a live connection: the web app moves
  ``present_until`` forward on every ping (:func:`mark_present`) and back to now when the
  page closes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot import clock
from bot.db.models import AgentRole, DeskAgent, DeskSession
from bot.db.uow import UnitOfWork

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
SESSION_IDLE = timedelta(hours=2)
MIN_PASSWORD = 10
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why."""


@dataclass(frozen=True)
class AgentInfo:
    id: int
    username: str
    display_name: str
    role: str
    active: bool

    @property
    def is_supervisor(self) -> bool:
        return self.role == AgentRole.SUPERVISOR.value


def _info(agent: DeskAgent) -> AgentInfo:
    return AgentInfo(agent.id, agent.username, agent.display_name, agent.role, bool(agent.active))


def normalize_username(username: str | None) -> str:
    return str(username or "").strip().lower()[:64]


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def create_agent(
    uow: UnitOfWork, username: str, display_name: str, password: str, role: str = AgentRole.AGENT.value
) -> AgentInfo:
    name = normalize_username(username)
    if not USERNAME_RE.match(name):
        raise AccountError("a username is 3-32 letters, digits, '.', '_' or '-' (first a letter or digit)")
    if role not in {r.value for r in AgentRole}:
        raise AccountError(f"role must be one of {', '.join(r.value for r in AgentRole)}")
    shown = " ".join(str(display_name or "").split())
    if not 1 <= len(shown) <= 60:
        raise AccountError("a display name is 1-60 characters (customers read it)")
    if uow.desk.agent_named(name) is not None:
        raise AccountError(f"the username {name!r} is taken")
    agent = DeskAgent(username=name, display_name=shown, role=role, password_hash=hash_password(password))
    return _info(uow.desk.add_agent(agent))


def set_password(uow: UnitOfWork, username: str, password: str) -> AgentInfo:
    agent = _agent_by_name(uow, username)
    agent.password_hash = hash_password(password)
    agent.password_changed_at = clock.now()
    uow.desk.drop_sessions_of(agent.id)
    uow.flush()
    return _info(agent)


def set_active(uow: UnitOfWork, username: str, active: bool) -> AgentInfo:
    agent = _agent_by_name(uow, username)
    agent.active = active
    if not active:
        uow.desk.drop_sessions_of(agent.id)
    uow.flush()
    return _info(agent)


def _agent_by_name(uow: UnitOfWork, username: str) -> DeskAgent:
    agent = uow.desk.agent_named(normalize_username(username))
    if agent is None:
        raise AccountError(f"no agent {normalize_username(username)!r}")
    return agent


def list_agents(uow: UnitOfWork) -> list[AgentInfo]:
    return [_info(a) for a in uow.desk.agents()]


def get_agent(uow: UnitOfWork, agent_id: int) -> AgentInfo | None:
    agent = uow.desk.agent(agent_id)
    return _info(agent) if agent is not None else None


# -------------------------------------------------------------------------- login


@dataclass(frozen=True)
class LoginResult:
    agent: AgentInfo | None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.agent is not None


def locked_until(uow: UnitOfWork, username: str, now: datetime | None = None) -> datetime | None:
    """When the lock on this username ends, or None when it may try."""
    now = now or clock.now()
    rows = uow.desk.login_attempts_since(normalize_username(username), now - 2 * LOCK_DURATION)
    failures: list[datetime] = []
    lock_end: datetime | None = None
    for at, success in rows:
        if lock_end is not None and at < lock_end:
            continue
        if success:
            failures = []
            continue
        failures = [t for t in failures if at - t < LOCK_DURATION] + [at]
        if len(failures) >= MAX_FAILURES:
            lock_end, failures = at + LOCK_DURATION, []
    return lock_end if lock_end is not None and now < lock_end else None


def authenticate(uow: UnitOfWork, username: str, password: str, now: datetime | None = None) -> LoginResult:
    """Check a login; every try is recorded (the password never is)."""
    now = now or clock.now()
    name = normalize_username(username)
    lock = locked_until(uow, name, now)
    if lock is not None:
        return LoginResult(None, lock)
    agent = uow.desk.agent_named(name)
    ok = False
    try:
        ok = _hasher.verify(agent.password_hash if agent is not None else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and agent is not None and bool(agent.active)
    uow.desk.add_login_attempt(name, now, ok)
    if not ok:
        return LoginResult(None, locked_until(uow, name, now))
    if _hasher.check_needs_rehash(agent.password_hash):
        agent.password_hash = _hasher.hash(password)
    return LoginResult(_info(agent))


# ------------------------------------------------------------------------ sessions


@dataclass(frozen=True)
class SessionInfo:
    id: int
    agent: AgentInfo
    csrf_token: str
    expires_at: datetime


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start_session(uow: UnitOfWork, agent_id: int, now: datetime | None = None) -> tuple[str, SessionInfo]:
    """A new session for the agent: (the cookie token, the session)."""
    now = now or clock.now()
    token = secrets.token_urlsafe(32)
    row = DeskSession(
        token_hash=_token_hash(token),
        agent_id=agent_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    uow.desk.add_session(row)
    return token, SessionInfo(row.id, _info(uow.desk.agent(agent_id)), row.csrf_token, row.expires_at)


def session_for_token(uow: UnitOfWork, token: str | None, now: datetime | None = None) -> SessionInfo | None:
    """The live session behind a cookie token (and its last use moved to now), or None."""
    if not token or len(token) > 200:
        return None
    now = now or clock.now()
    row = uow.desk.session_by_token_hash(_token_hash(token))
    if row is None:
        return None
    agent = uow.desk.agent(row.agent_id)
    if now >= row.expires_at or now - row.last_seen_at >= SESSION_IDLE or agent is None or not agent.active:
        uow.desk.drop_session(row)
        return None
    row.last_seen_at = now
    uow.flush()
    return SessionInfo(row.id, _info(agent), row.csrf_token, row.expires_at)


def end_session(uow: UnitOfWork, token: str | None) -> bool:
    if not token:
        return False
    return uow.desk.drop_session_by_token_hash(_token_hash(token)) > 0


def purge_expired_sessions(uow: UnitOfWork, now: datetime | None = None) -> int:
    now = now or clock.now()
    return uow.desk.drop_sessions_idle_or_expired(now, now - SESSION_IDLE)


# ------------------------------------------------------------------------ presence


def mark_present(uow: UnitOfWork, session_id: int, seconds: int, now: datetime | None = None) -> None:
    """The desk page of this session is connected for ``seconds`` more (0: it just closed)."""
    now = now or clock.now()
    row = uow.desk.session_row(session_id)
    if row is not None:
        row.present_until = now + timedelta(seconds=seconds)
        row.last_seen_at = now
        uow.flush()


def online_agents(uow: UnitOfWork, now: datetime | None = None) -> list[AgentInfo]:
    """Active accounts (agents and supervisors: both take chats) with a live desk page."""
    return [_info(a) for a in uow.desk.online_agents(now or clock.now())]


def online_count(uow: UnitOfWork, now: datetime | None = None) -> int:
    return uow.desk.online_count(now or clock.now())
