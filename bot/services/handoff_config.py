"""Desk and handoff settings: ``bot/services/resources/handoff.yml``, environment overrides,
and the supervisor's working-hours override stored in ``desk_settings``.

Environment: ``DESK_CONFIG_FILE`` (another YAML file), ``DESK_WORKING_HOURS``,
``DESK_MAX_WAIT_MIN``, ``DESK_HANDOFF_INTENTS`` (comma list: intents that always hand over,
reason ``rule``), ``DESK_LIVE_CHANNELS`` (comma list of the Rasa channels that can receive an
agent's messages). The file is read once per process (:func:`load_config`); the override in
the database is read at each use (:func:`working_hours`), so a supervisor's change applies
at once to the bot and the desk.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from bot import clock
from bot.db.models import HandoffReason, TicketPriority
from bot.db.uow import UnitOfWork
from bot.services.handoff_hours import HoursError, WorkingHours

DEFAULT_FILE = Path(__file__).resolve().parent / "resources" / "handoff.yml"
HOURS_SETTING = "working_hours"

_PRIORITY_NAMES = {p.name.lower(): int(p) for p in TicketPriority}


@dataclass(frozen=True)
class OperatorRule:
    intents: frozenset[str]
    reason: HandoffReason


@dataclass(frozen=True)
class CannedReply:
    title: str
    text: str


@dataclass(frozen=True)
class DeskConfig:
    hours: WorkingHours
    max_wait_minutes: int = 30
    default_handling_minutes: int = 6
    recent_handled: int = 20
    presence_seconds: int = 90
    callback_window_minutes: int = 120
    live_channels: frozenset[str] = frozenset()
    priorities: Mapping[str, int] = field(default_factory=dict)
    rules: tuple[OperatorRule, ...] = ()
    agent_joined: str = ""
    canned_replies: tuple[CannedReply, ...] = ()

    def priority_for(self, reason: HandoffReason | str) -> int:
        return self.priorities.get(str(reason), int(TicketPriority.NORMAL))

    def rule_for(self, intents: Iterable[str], skip: Iterable[HandoffReason] = ()) -> OperatorRule | None:
        """The first operator rule one of these intents triggers (combined intents such as
        ``ask_bill+complain`` count for each part), leaving out rules of the ``skip`` reasons."""
        names = {part for intent in intents if intent for part in str(intent).split("+")}
        skipped = set(skip)
        return next((r for r in self.rules if r.intents & names and r.reason not in skipped), None)


class ConfigError(ValueError):
    """The desk settings file or an override cannot be used; the message says why."""


def _int(raw: Mapping[str, Any], key: str, default: int, override: str = "") -> int:
    value: Any = override.strip() or raw.get(key, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{key} must be a whole number, not {value!r}") from None
    if number <= 0:
        raise ConfigError(f"{key} must be positive, not {number}")
    return number


def parse_config(raw: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> DeskConfig:
    env = os.environ if environ is None else environ
    try:
        hours = WorkingHours.parse(
            env.get("DESK_WORKING_HOURS", "").strip() or str(raw.get("working_hours", "")),
            raw.get("holidays") or (),
        )
    except HoursError as error:
        raise ConfigError(f"working_hours: {error}") from None
    priorities = {}
    for reason, name in (raw.get("priorities") or {}).items():
        if reason not in set(HandoffReason) or str(name).lower() not in _PRIORITY_NAMES:
            raise ConfigError(f"priorities: {reason}: {name} (reasons: {', '.join(HandoffReason)})")
        priorities[str(reason)] = _PRIORITY_NAMES[str(name).lower()]
    rules = [_rule(item) for item in raw.get("rules") or ()]
    extra = [i.strip() for i in env.get("DESK_HANDOFF_INTENTS", "").split(",") if i.strip()]
    if extra:
        rules.append(OperatorRule(frozenset(extra), HandoffReason.RULE))
    canned = tuple(
        CannedReply(str(item["title"]).strip(), " ".join(str(item["text"]).split()))
        for item in raw.get("canned_replies") or ()
    )
    return DeskConfig(
        hours=hours,
        max_wait_minutes=_int(raw, "max_wait_minutes", 30, env.get("DESK_MAX_WAIT_MIN", "")),
        default_handling_minutes=_int(raw, "default_handling_minutes", 6),
        recent_handled=_int(raw, "recent_handled", 20),
        presence_seconds=_int(raw, "presence_seconds", 90),
        callback_window_minutes=_int(raw, "callback_window_minutes", 120),
        live_channels=_names(env.get("DESK_LIVE_CHANNELS", ""), raw.get("live_channels") or ()),
        priorities=priorities,
        rules=tuple(rules),
        agent_joined=" ".join(str(raw.get("agent_joined", "")).split()),
        canned_replies=canned,
    )


def _names(override: str, configured: Iterable[Any]) -> frozenset[str]:
    items = override.split(",") if override.strip() else configured
    return frozenset(str(item).strip() for item in items if str(item).strip())


def _rule(item: Mapping[str, Any]) -> OperatorRule:
    intents = item.get("intents") or []
    reason = str(item.get("reason", HandoffReason.RULE.value))
    if not intents or reason not in set(HandoffReason):
        raise ConfigError(f"rules: {dict(item)} needs intents and a reason among {', '.join(HandoffReason)}")
    return OperatorRule(frozenset(str(i) for i in intents), HandoffReason(reason))


@functools.lru_cache(maxsize=4)
def _load(path: str, env_key: tuple) -> DeskConfig:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    return parse_config(raw, dict(env_key))


def load_config() -> DeskConfig:
    """The settings of this process (file + environment), read once."""
    path = os.environ.get("DESK_CONFIG_FILE", "").strip() or str(DEFAULT_FILE)
    names = ("DESK_WORKING_HOURS", "DESK_MAX_WAIT_MIN", "DESK_HANDOFF_INTENTS", "DESK_LIVE_CHANNELS")
    return _load(path, tuple((name, os.environ.get(name, "")) for name in names))


def working_hours(uow: UnitOfWork, config: DeskConfig | None = None) -> WorkingHours:
    """The supervisor's override when there is a valid one, else the configured hours."""
    config = config or load_config()
    setting = uow.desk.setting(HOURS_SETTING)
    if setting is None:
        return config.hours
    try:
        return WorkingHours.parse(setting.value, config.hours.holidays)
    except HoursError:
        return config.hours  # validated when saved; a hand-edited row never closes the desk


def set_working_hours(uow: UnitOfWork, spec: str | None, agent_id: int | None) -> WorkingHours:
    """Save a supervisor's override (``None`` or blank clears it). Raises HoursError."""
    if not spec or not spec.strip():
        uow.desk.drop_setting(HOURS_SETTING)
        return load_config().hours
    hours = WorkingHours.parse(spec, load_config().hours.holidays)
    uow.desk.put_setting(HOURS_SETTING, hours.spec, agent_id, clock.now())
    return hours


def hours_overridden(uow: UnitOfWork) -> bool:
    return uow.desk.setting(HOURS_SETTING) is not None


def now_open(uow: UnitOfWork, moment: datetime | None = None) -> bool:
    return working_hours(uow).is_open(moment or clock.now())
