"""Desk accounts: argon2 hashes, lockout, sessions, presence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import clock
from bot.db.models import DeskAgent, DeskLoginAttempt, DeskSession
from bot.services import UnitOfWork, desk_auth
from bot.services.desk_auth import AccountError
from tests.handoff.conftest import PASSWORD, Team, online


def test_passwords_are_stored_as_argon2id_hashes(uow: UnitOfWork) -> None:
    agent = desk_auth.create_agent(uow, "  Lan.Nguyen ", "Lan", PASSWORD)
    row = uow.session.get(DeskAgent, agent.id)
    assert agent.username == "lan.nguyen" and row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    assert desk_auth.authenticate(uow, "LAN.NGUYEN", PASSWORD).agent == agent
    assert not desk_auth.authenticate(uow, "lan.nguyen", PASSWORD + "x").ok


@pytest.mark.parametrize(
    ("username", "name", "password", "role"),
    [
        ("ab", "Lan", PASSWORD, "agent"),  # username too short
        ("lan nguyen", "Lan", PASSWORD, "agent"),
        ("lan'--", "Lan", PASSWORD, "agent"),
        ("lan", "", PASSWORD, "agent"),
        ("lan", "Lan", "ngắn", "agent"),
        ("lan", "Lan", PASSWORD, "admin"),
    ],
)
def test_bad_accounts_are_refused(
    uow: UnitOfWork, username: str, name: str, password: str, role: str
) -> None:
    with pytest.raises(AccountError):
        desk_auth.create_agent(uow, username, name, password, role)


def test_a_username_is_taken_once(uow: UnitOfWork) -> None:
    desk_auth.create_agent(uow, "lan", "Lan", PASSWORD)
    with pytest.raises(AccountError):
        desk_auth.create_agent(uow, "LAN", "Lan 2", PASSWORD)


def test_five_failures_lock_a_username_for_15_minutes_known_or_not(uow: UnitOfWork, agents: Team) -> None:
    start = clock.now()
    for name in ("lan", "no-such-user"):
        for _ in range(desk_auth.MAX_FAILURES - 1):
            result = desk_auth.authenticate(uow, name, "sai mật khẩu")
            assert not result.ok and result.locked_until is None
        locked = desk_auth.authenticate(uow, name, "sai mật khẩu")
        assert locked.locked_until == start + desk_auth.LOCK_DURATION
    # During the lock even the right password is not checked, and the try is not recorded.
    tries = len(uow.session.execute(select(DeskLoginAttempt)).all())
    assert desk_auth.authenticate(uow, "lan", PASSWORD).locked_until is not None
    assert len(uow.session.execute(select(DeskLoginAttempt)).all()) == tries
    assert desk_auth.authenticate(uow, "minh", PASSWORD).ok  # other users are not locked
    with clock.frozen(start + desk_auth.LOCK_DURATION + timedelta(seconds=1)):
        assert desk_auth.authenticate(uow, "lan", PASSWORD).ok


def test_a_success_clears_the_failures(uow: UnitOfWork, agents: Team) -> None:
    for _ in range(desk_auth.MAX_FAILURES - 1):
        desk_auth.authenticate(uow, "lan", "sai")
    assert desk_auth.authenticate(uow, "lan", PASSWORD).ok
    assert desk_auth.authenticate(uow, "lan", "sai").locked_until is None


def test_a_deactivated_agent_cannot_log_in_and_loses_its_sessions(uow: UnitOfWork, agents: Team) -> None:
    token, _info = desk_auth.start_session(uow, agents.lan.id)
    desk_auth.set_active(uow, "lan", False)
    assert desk_auth.session_for_token(uow, token) is None
    assert not desk_auth.authenticate(uow, "lan", PASSWORD).ok


def test_sessions_keep_only_a_hash_and_expire(uow: UnitOfWork, agents: Team) -> None:
    start = clock.now()
    token, info = desk_auth.start_session(uow, agents.lan.id)
    stored = uow.session.get(DeskSession, info.id)
    assert token not in stored.token_hash and len(stored.token_hash) == 64 and len(info.csrf_token) >= 40
    assert desk_auth.session_for_token(uow, token).agent.username == "lan"
    for bad in (None, "", "x" * 500, token + "x"):
        assert desk_auth.session_for_token(uow, bad) is None
    with clock.frozen(start + desk_auth.SESSION_IDLE - timedelta(minutes=1)):
        assert desk_auth.session_for_token(uow, token) is not None  # used: idle time starts again
    with clock.frozen(start + desk_auth.SESSION_LIFETIME):
        assert desk_auth.session_for_token(uow, token) is None
    other, _ = desk_auth.start_session(uow, agents.lan.id)
    assert desk_auth.end_session(uow, other) and desk_auth.session_for_token(uow, other) is None


def test_a_changed_password_ends_every_session(uow: UnitOfWork, agents: Team) -> None:
    token, _ = desk_auth.start_session(uow, agents.lan.id)
    desk_auth.set_password(uow, "lan", "mật khẩu mới thật dài")
    assert desk_auth.session_for_token(uow, token) is None
    assert desk_auth.authenticate(uow, "lan", "mật khẩu mới thật dài").ok


def test_online_means_a_live_desk_page(uow: UnitOfWork, agents: Team) -> None:
    assert [a.username for a in desk_auth.online_agents(uow)] == ["lan", "minh"]
    session_id = online(uow, agents.boss, seconds=90)
    assert desk_auth.online_count(uow) == 3
    desk_auth.mark_present(uow, session_id, 0)  # the page closed
    assert desk_auth.online_count(uow) == 2
    with clock.frozen(clock.now() + timedelta(hours=9)):
        assert desk_auth.online_count(uow) == 0
