"""Settings from environment variables, each with a working default for `make run`.

Every variable is listed in the README. Nothing here reads files or opens connections.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BOT_VAR_DIR", PROJECT_ROOT / "var"))


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    database_url: str
    rasa_url: str
    action_server_url: str
    rasa_token: str
    web_host: str
    web_port: int
    hotline: str
    # --- the utility as customers know it (used by bot/wording) ---
    hotline_alt: str = "19009000"  # the second hotline number ("" when there is none)
    utility_name: str = "Điện lực miền Nam"
    office_name: str = "phòng giao dịch Điện lực"
    # --- services ---
    web_identity_secret: str = ""  # signs web identity tokens (empty: no signed web users)
    outage_group_window_min: int = 30  # reports on one station this close become one incident

    @property
    def is_embedded_database(self) -> bool:
        """True for the default SQLite file under var/ (demo data may be loaded there)."""
        return self.database_url == default_database_url()


def default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'utility.db'}"


# ---- Agent desk and handoff (desk helper): Rasa's event stream and the callback channel.


def default_event_broker_url(var_dir: Path | str | None = None) -> str:
    """Rasa's SQL event broker in its own SQLite file (its table is named ``events``, like the
    tracker store's, so it never shares the tracker database)."""
    return f"sqlite:///{Path(var_dir or VAR_DIR) / 'events.db'}"


def event_broker_url() -> str:
    """``EVENT_BROKER_URL``: sqlite:///..., postgresql://... (Rasa's SQL broker) or
    amqp://user:pw@host:5672/ (Rasa's Pika broker, RabbitMQ); see bot/rasa/event_broker.py."""
    return _env("EVENT_BROKER_URL", default_event_broker_url())


DEFAULT_DESK_EVENTS_QUEUE = "evn_desk_events"


def event_broker_kind(url: str | None) -> str:
    """``"sql"``, ``"pika"`` or ``"none"`` for an ``EVENT_BROKER_URL``."""
    from urllib.parse import urlsplit

    scheme = urlsplit((url or "").strip()).scheme.split("+")[0].lower()
    if scheme in ("sqlite", "postgresql", "postgres"):
        return "sql"
    if scheme in ("amqp", "amqps"):
        return "pika"
    if not scheme or scheme == "none":
        return "none"
    raise ValueError(f"EVENT_BROKER_URL must be sqlite://, postgresql:// or amqp://, not {scheme}://")


def desk_events_queue() -> str:
    """``DESK_EVENTS_QUEUE``: the durable RabbitMQ queue Rasa publishes to and the desk reads."""
    return _env("DESK_EVENTS_QUEUE", DEFAULT_DESK_EVENTS_QUEUE)


def load_settings() -> Settings:
    return Settings(
        database_url=_env("DATABASE_URL", default_database_url()),
        rasa_url=_env("RASA_URL", f"http://127.0.0.1:{_env('RASA_PORT', '5005')}"),
        action_server_url=_env(
            "ACTION_SERVER_URL", f"http://127.0.0.1:{_env('ACTION_PORT', '5055')}/webhook"
        ),
        rasa_token=_env("RASA_TOKEN", "dev-rasa-token-change-me"),
        web_host=_env("WEB_HOST", "0.0.0.0"),
        web_port=int(_env("WEB_PORT", "8080")),
        hotline=_env("HOTLINE", "19001006"),
        hotline_alt=os.environ.get("HOTLINE_ALT", "19009000").strip(),
        utility_name=_env("UTILITY_NAME", "Điện lực miền Nam"),
        office_name=_env("OFFICE_NAME", "phòng giao dịch Điện lực"),
        web_identity_secret=os.environ.get("WEB_IDENTITY_SECRET", ""),
        outage_group_window_min=_positive_int(_env("OUTAGE_GROUP_WINDOW_MIN", ""), 30),
    )


def _positive_int(raw: str, default: int) -> int:
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


def runtime_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """Every variable that endpoints.yml, the Procfile and our processes read, with the
    defaults of `make run` filled in where the environment leaves them unset or empty."""
    env = dict(os.environ if environ is None else environ)

    def default(name: str, value: str) -> None:
        if not env.get(name, "").strip():
            env[name] = value

    default("RASA_PORT", "5005")
    default("ACTION_PORT", "5055")
    default("WEB_PORT", "8080")
    default("RASA_URL", f"http://127.0.0.1:{env['RASA_PORT']}")
    default("ACTION_SERVER_URL", f"http://127.0.0.1:{env['ACTION_PORT']}/webhook")
    default("RASA_TOKEN", "dev-rasa-token-change-me")
    default("WEB_ORIGIN", f"http://localhost:{env['WEB_PORT']}")
    default("DATABASE_URL", default_database_url())
    default("TRACKER_STORE_URL", f"sqlite:///{VAR_DIR / 'tracker.db'}")
    default("LOCK_STORE_URL", "memory://")
    default("EVENT_BROKER_URL", default_event_broker_url(env.get("BOT_VAR_DIR", "").strip() or None))
    # Rasa's callback channel posts the bot's messages here (an integrator's endpoint).
    default("CALLBACK_URL", "http://127.0.0.1:5034/bot")
    default("RASA_TELEMETRY_ENABLED", "false")
    default("LOG_LEVEL", "INFO")
    return env
