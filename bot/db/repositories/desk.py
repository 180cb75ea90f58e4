"""The agent desk's people: accounts, login attempts, sessions (and presence), supervisors'
settings, the audit of what agents looked at, and how far the desk read Rasa's events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from bot.db.models import (
    DeskAgent,
    DeskBrokerCursor,
    DeskDisclosure,
    DeskLoginAttempt,
    DeskSession,
    DeskSetting,
)
from bot.db.repositories.base import Repository
from bot.domain.codes import normalize_code


class DeskRepository(Repository):
    # ------------------------------------------------------------------ accounts

    def agent(self, agent_id: int) -> DeskAgent | None:
        return self.session.get(DeskAgent, agent_id)

    def agent_named(self, username: str) -> DeskAgent | None:
        return self.session.execute(
            select(DeskAgent).where(DeskAgent.username == username)
        ).scalar_one_or_none()

    def agents(self) -> list[DeskAgent]:
        return list(self.session.execute(select(DeskAgent).order_by(DeskAgent.username)).scalars())

    def add_agent(self, agent: DeskAgent) -> DeskAgent:
        self.session.add(agent)
        self.session.flush()
        return agent

    def online_agents(self, now: datetime) -> list[DeskAgent]:
        """Active accounts with a live desk page (``present_until`` after ``now``)."""
        return list(
            self.session.execute(
                select(DeskAgent)
                .join(DeskSession, DeskSession.agent_id == DeskAgent.id)
                .where(
                    DeskSession.present_until > now, DeskSession.expires_at > now, DeskAgent.active.is_(True)
                )
                .distinct()
                .order_by(DeskAgent.display_name)
            ).scalars()
        )

    def online_count(self, now: datetime) -> int:
        return int(
            self.session.execute(
                select(func.count(func.distinct(DeskSession.agent_id)))
                .join(DeskAgent, DeskAgent.id == DeskSession.agent_id)
                .where(
                    DeskSession.present_until > now, DeskSession.expires_at > now, DeskAgent.active.is_(True)
                )
            ).scalar_one()
        )

    # --------------------------------------------------------------------- login

    def login_attempts_since(self, username: str, since: datetime) -> list[tuple[datetime, bool]]:
        rows = self.session.execute(
            select(DeskLoginAttempt.at, DeskLoginAttempt.success)
            .where(DeskLoginAttempt.username == username, DeskLoginAttempt.at >= since)
            .order_by(DeskLoginAttempt.at, DeskLoginAttempt.id)
        ).all()
        return [(at, bool(success)) for at, success in rows]

    def add_login_attempt(self, username: str, at: datetime, success: bool) -> None:
        self.session.add(DeskLoginAttempt(username=username, at=at, success=success))
        self.session.flush()

    # ------------------------------------------------------------------ sessions

    def add_session(self, row: DeskSession) -> DeskSession:
        self.session.add(row)
        self.session.flush()
        return row

    def session_by_token_hash(self, token_hash: str) -> DeskSession | None:
        return self.session.execute(
            select(DeskSession).where(DeskSession.token_hash == token_hash)
        ).scalar_one_or_none()

    def session_row(self, session_id: int) -> DeskSession | None:
        return self.session.get(DeskSession, session_id)

    def drop_session(self, row: DeskSession) -> None:
        self.session.delete(row)
        self.session.flush()

    def drop_session_by_token_hash(self, token_hash: str) -> int:
        return self.session.execute(delete(DeskSession).where(DeskSession.token_hash == token_hash)).rowcount

    def drop_sessions_of(self, agent_id: int) -> int:
        return self.session.execute(delete(DeskSession).where(DeskSession.agent_id == agent_id)).rowcount

    def drop_sessions_idle_or_expired(self, now: datetime, idle_since: datetime) -> int:
        return self.session.execute(
            delete(DeskSession).where(
                (DeskSession.expires_at <= now) | (DeskSession.last_seen_at <= idle_since)
            )
        ).rowcount

    # ------------------------------------------------------------------ settings

    def setting(self, key: str) -> DeskSetting | None:
        return self.session.get(DeskSetting, key)

    def put_setting(self, key: str, value: str, agent_id: int | None, now: datetime) -> DeskSetting:
        setting = self.setting(key)
        if setting is None:
            setting = DeskSetting(key=key, value=value)
            self.session.add(setting)
        setting.value, setting.updated_by, setting.updated_at = value, agent_id, now
        self.session.flush()
        return setting

    def drop_setting(self, key: str) -> None:
        setting = self.setting(key)
        if setting is not None:
            self.session.delete(setting)
            self.session.flush()

    # --------------------------------------------------------------------- audit

    def add_disclosure(
        self, agent_id: int, customer_code: str, handoff_id: int | None, disclosed: str, at: datetime
    ) -> DeskDisclosure:
        entry = DeskDisclosure(
            at=at, agent_id=agent_id, customer_code=customer_code, handoff_id=handoff_id, disclosed=disclosed
        )
        self.session.add(entry)
        self.session.flush()
        return entry

    def disclosures_for(self, customer_code: str, limit: int = 50) -> list[DeskDisclosure]:
        return list(
            self.session.execute(
                select(DeskDisclosure)
                .where(DeskDisclosure.customer_code == normalize_code(customer_code))
                .order_by(DeskDisclosure.at.desc(), DeskDisclosure.id.desc())
                .limit(limit)
            ).scalars()
        )

    # ------------------------------------------------------------ event stream

    def cursor(self, name: str) -> int:
        row = self.session.get(DeskBrokerCursor, name)
        return int(row.position) if row is not None else 0

    def save_cursor(self, name: str, position: int, now: datetime) -> None:
        row = self.session.get(DeskBrokerCursor, name)
        if row is None:
            self.session.add(DeskBrokerCursor(name=name, position=position, updated_at=now))
        else:
            row.position, row.updated_at = position, now
        self.session.flush()
