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
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import AgentRole, DeskAgent, DeskLoginAttempt, DeskSession

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
    session: Session, username: str, display_name: str, password: str, role: str = AgentRole.AGENT.value
) -> AgentInfo:
    name = normalize_username(username)
    if not USERNAME_RE.match(name):
        raise AccountError("a username is 3-32 letters, digits, '.', '_' or '-' (first a letter or digit)")
    if role not in {r.value for r in AgentRole}:
        raise AccountError(f"role must be one of {', '.join(r.value for r in AgentRole)}")
    shown = " ".join(str(display_name or "").split())
    if not 1 <= len(shown) <= 60:
        raise AccountError("a display name is 1-60 characters (customers read it)")
    if session.execute(select(DeskAgent.id).where(DeskAgent.username == name)).first():
        raise AccountError(f"the username {name!r} is taken")
    agent = DeskAgent(username=name, display_name=shown, role=role, password_hash=hash_password(password))
    session.add(agent)
    session.flush()
    return _info(agent)


def set_password(session: Session, username: str, password: str) -> AgentInfo:
    agent = _agent_by_name(session, username)
    agent.password_hash = hash_password(password)
    agent.password_changed_at = clock.now()
    session.execute(delete(DeskSession).where(DeskSession.agent_id == agent.id))
    session.flush()
    return _info(agent)


def set_active(session: Session, username: str, active: bool) -> AgentInfo:
    agent = _agent_by_name(session, username)
    agent.active = active
    if not active:
        session.execute(delete(DeskSession).where(DeskSession.agent_id == agent.id))
    session.flush()
    return _info(agent)


def _agent_by_name(session: Session, username: str) -> DeskAgent:
    agent = session.execute(
        select(DeskAgent).where(DeskAgent.username == normalize_username(username))
    ).scalar_one_or_none()
    if agent is None:
        raise AccountError(f"no agent {normalize_username(username)!r}")
    return agent


def list_agents(session: Session) -> list[AgentInfo]:
    return [_info(a) for a in session.execute(select(DeskAgent).order_by(DeskAgent.username)).scalars()]


def get_agent(session: Session, agent_id: int) -> AgentInfo | None:
    agent = session.get(DeskAgent, agent_id)
    return _info(agent) if agent is not None else None


# -------------------------------------------------------------------------- login


@dataclass(frozen=True)
class LoginResult:
    agent: AgentInfo | None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.agent is not None


def locked_until(session: Session, username: str, now: datetime | None = None) -> datetime | None:
    """When the lock on this username ends, or None when it may try."""
    now = now or clock.now()
    rows = session.execute(
        select(DeskLoginAttempt.at, DeskLoginAttempt.success)
        .where(DeskLoginAttempt.username == normalize_username(username))
        .where(DeskLoginAttempt.at >= now - 2 * LOCK_DURATION)
        .order_by(DeskLoginAttempt.at, DeskLoginAttempt.id)
    ).all()
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


def authenticate(session: Session, username: str, password: str, now: datetime | None = None) -> LoginResult:
    """Check a login; every try is recorded (the password never is)."""
    now = now or clock.now()
    name = normalize_username(username)
    lock = locked_until(session, name, now)
    if lock is not None:
        return LoginResult(None, lock)
    agent = session.execute(select(DeskAgent).where(DeskAgent.username == name)).scalar_one_or_none()
    ok = False
    try:
        ok = _hasher.verify(agent.password_hash if agent is not None else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and agent is not None and bool(agent.active)
    session.add(DeskLoginAttempt(username=name, at=now, success=ok))
    session.flush()
    if not ok:
        return LoginResult(None, locked_until(session, name, now))
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


def start_session(session: Session, agent_id: int, now: datetime | None = None) -> tuple[str, SessionInfo]:
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
    session.add(row)
    session.flush()
    return token, SessionInfo(row.id, _info(session.get(DeskAgent, agent_id)), row.csrf_token, row.expires_at)


def session_for_token(session: Session, token: str | None, now: datetime | None = None) -> SessionInfo | None:
    """The live session behind a cookie token (and its last use moved to now), or None."""
    if not token or len(token) > 200:
        return None
    now = now or clock.now()
    row = session.execute(
        select(DeskSession).where(DeskSession.token_hash == _token_hash(token))
    ).scalar_one_or_none()
    if row is None:
        return None
    agent = session.get(DeskAgent, row.agent_id)
    if now >= row.expires_at or now - row.last_seen_at >= SESSION_IDLE or agent is None or not agent.active:
        session.delete(row)
        session.flush()
        return None
    row.last_seen_at = now
    session.flush()
    return SessionInfo(row.id, _info(agent), row.csrf_token, row.expires_at)


def end_session(session: Session, token: str | None) -> bool:
    if not token:
        return False
    result = session.execute(delete(DeskSession).where(DeskSession.token_hash == _token_hash(token)))
    return result.rowcount > 0


def purge_expired_sessions(session: Session, now: datetime | None = None) -> int:
    now = now or clock.now()
    result = session.execute(
        delete(DeskSession).where(
            (DeskSession.expires_at <= now) | (DeskSession.last_seen_at <= now - SESSION_IDLE)
        )
    )
    return result.rowcount


# ------------------------------------------------------------------------ presence


def mark_present(session: Session, session_id: int, seconds: int, now: datetime | None = None) -> None:
    """The desk page of this session is connected for ``seconds`` more (0: it just closed)."""
    now = now or clock.now()
    row = session.get(DeskSession, session_id)
    if row is not None:
        row.present_until = now + timedelta(seconds=seconds)
        row.last_seen_at = now
        session.flush()


def online_agents(session: Session, now: datetime | None = None) -> list[AgentInfo]:
    """Active accounts (agents and supervisors: both take chats) with a live desk page."""
    now = now or clock.now()
    rows = session.execute(
        select(DeskAgent)
        .join(DeskSession, DeskSession.agent_id == DeskAgent.id)
        .where(DeskSession.present_until > now, DeskSession.expires_at > now, DeskAgent.active.is_(True))
        .distinct()
        .order_by(DeskAgent.display_name)
    ).scalars()
    return [_info(a) for a in rows]


def online_count(session: Session, now: datetime | None = None) -> int:
    now = now or clock.now()
    return int(
        session.execute(
            select(func.count(func.distinct(DeskSession.agent_id)))
            .join(DeskAgent, DeskAgent.id == DeskSession.agent_id)
            .where(DeskSession.present_until > now, DeskSession.expires_at > now, DeskAgent.active.is_(True))
        ).scalar_one()
    )
