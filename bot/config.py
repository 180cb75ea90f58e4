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
    # --- security (issue 9; bot/services/rate_limits.py, privacy.py, one_time_codes.py) ---
    rate_limit_url: str = ""  # redis://host:6379/2 shares rate counters in Redis; "": the database
    rate_messages_per_minute: int = 20  # messages of one requester per minute
    rate_sender_failures_per_hour: int = 6  # wrong verification answers of one requester, any code
    rate_network_failures_per_hour: int = 30  # wrong answers from one client network
    rate_global_failures_per_5min: int = 200  # wrong answers from everyone: verification pauses
    alert_global_failures_per_5min: int = 30  # a spike operators are told about
    verify_code_ceiling_per_hour: int = 10  # wrong answers on one code from everyone: code locked
    conversation_retention_days: int = 30  # Rasa's tracker events older than this are purged
    verification_retention_days: int = 30  # attempts, one-time codes, SMS, rate events
    alert_retention_days: int = 180  # operator alerts
    # edge: deployment mode, secrets, limits (see bot/tokens.py, docs/security.md)
    bot_env: str = "development"
    operator_token: str = ""
    action_timeout_s: float = 8.0
    web_max_body_bytes: int = 256 * 1024
    rasa_public_url: str = ""

    @property
    def is_production(self) -> bool:
        return self.bot_env == "production"

    @property
    def is_embedded_database(self) -> bool:
        """True for the default SQLite file under var/ (demo data may be loaded there)."""
        return self.database_url == default_database_url()


def default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'utility.db'}"


# ---- Agent desk and handoff (desk helper): Rasa's event stream.


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
        rasa_url=_env("RASA_URL", f"http://127.0.0.1:{_admin_port()}"),
        action_server_url=_env(
            "ACTION_SERVER_URL", f"http://127.0.0.1:{_env('ACTION_PORT', '5055')}/webhook"
        ),
        # No default token: `make run` generates one per start (bot/launch.py); a process
        # started without one cannot call Rasa's admin API.
        rasa_token=_env("RASA_TOKEN", ""),
        web_host=_env("WEB_HOST", "0.0.0.0"),
        web_port=int(_env("WEB_PORT", "8080")),
        hotline=_env("HOTLINE", "19001006"),
        hotline_alt=os.environ.get("HOTLINE_ALT", "19009000").strip(),
        utility_name=_env("UTILITY_NAME", "Điện lực miền Nam"),
        office_name=_env("OFFICE_NAME", "phòng giao dịch Điện lực"),
        web_identity_secret=os.environ.get("WEB_IDENTITY_SECRET", ""),
        outage_group_window_min=_positive_int(_env("OUTAGE_GROUP_WINDOW_MIN", ""), 30),
        bot_env=bot_env(),
        operator_token=_env("OPERATOR_TOKEN", ""),
        action_timeout_s=float(_env("ACTION_TIMEOUT_S", "8")),
        web_max_body_bytes=int(_env("WEB_MAX_BODY_BYTES", str(256 * 1024))),
        rasa_public_url=_env("RASA_PUBLIC_URL", f"http://localhost:{_env('RASA_PORT', '5005')}"),
        **_security_settings(),
    )


def _admin_port() -> str:
    """Rasa's admin API listener: RASA_ADMIN_PORT, else RASA_PORT + 100 (5105)."""
    return _env("RASA_ADMIN_PORT", str(int(_env("RASA_PORT", "5005")) + 100))


def _security_settings() -> dict[str, object]:
    """The security block of :class:`Settings` (each variable named after its field)."""
    numbers = {
        "rate_messages_per_minute": 20,
        "rate_sender_failures_per_hour": 6,
        "rate_network_failures_per_hour": 30,
        "rate_global_failures_per_5min": 200,
        "alert_global_failures_per_5min": 30,
        "verify_code_ceiling_per_hour": 10,
        "conversation_retention_days": 30,
        "verification_retention_days": 30,
        "alert_retention_days": 180,
    }
    values: dict[str, object] = {
        name: _positive_int(_env(name.upper(), ""), default) for name, default in numbers.items()
    }
    values["rate_limit_url"] = _env("RATE_LIMIT_URL", "")
    return values


def _positive_int(raw: str, default: int) -> int:
    return int(raw) if raw.isdecimal() and int(raw) > 0 else default


BOT_ENVS = ("development", "production")


def bot_env(environ: dict[str, str] | None = None) -> str:
    """`BOT_ENV`: `development` (default: `make run`, tests) or `production`.

    Production requires strong secrets (bot/tokens.py) and never logs below INFO."""
    value = (environ if environ is not None else os.environ).get("BOT_ENV", "").strip().lower()
    value = value or "development"
    if value not in BOT_ENVS:
        raise ValueError(f"BOT_ENV must be one of {', '.join(BOT_ENVS)}, not {value!r}")
    return value


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
    # Rasa listens twice: the channels on RASA_HOST:RASA_PORT (public), the admin HTTP
    # API on RASA_ADMIN_HOST:RASA_ADMIN_PORT (loopback). RASA_URL is where our own
    # processes (web app, desk, notices) reach the admin API.
    default("RASA_HOST", "0.0.0.0")
    default("RASA_ADMIN_HOST", "127.0.0.1")
    default("RASA_ADMIN_PORT", str(int(env["RASA_PORT"]) + 100))
    default("RASA_URL", f"http://127.0.0.1:{env['RASA_ADMIN_PORT']}")
    default("RASA_PUBLIC_URL", f"http://localhost:{env['RASA_PORT']}")
    default("ACTION_HOST", "127.0.0.1")
    default("ACTION_SERVER_URL", f"http://127.0.0.1:{env['ACTION_PORT']}/webhook")
    default("ACTION_TIMEOUT_S", "8")
    # RASA_TOKEN, ACTION_SERVER_SECRET and OPERATOR_TOKEN have no default here: `make run`
    # generates them per start in development (bot.launch), production must set them.
    default("WEB_ORIGIN", f"http://localhost:{env['WEB_PORT']}")
    default("DATABASE_URL", default_database_url())
    default("TRACKER_STORE_URL", f"sqlite:///{VAR_DIR / 'tracker.db'}")
    default("LOCK_STORE_URL", "memory://")
    default("EVENT_BROKER_URL", default_event_broker_url(env.get("BOT_VAR_DIR", "").strip() or None))
    default("RASA_TELEMETRY_ENABLED", "false")
    default("LOG_LEVEL", "INFO")
    return env


# --------------------------------------------------------------------------- channels
# Settings of bot/channels (Zalo OA, Messenger, REST/callback, website widget). Secrets
# come only from the environment; credentials.yml lists the channels and may override
# the non-secret values. See docs/channels.md.


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value not in ("0", "false", "no", "off")


def _int(name: str, default: int) -> int:
    try:
        return int(_env(name, str(default)))
    except ValueError:
        return default


@dataclass(frozen=True)
class ChannelSettings:
    max_text_chars: int  # longer messages get a polite answer without NLU
    max_body_bytes: int  # larger request bodies get 413
    max_event_age_s: int  # older webhook events are ignored (replays); 0 = no limit
    session_retention_days: int  # idle REST/callback credentials are forgotten after this
    database_url: str
    hotline: str
    # Zalo Official Account
    zalo_app_id: str
    zalo_oa_secret_key: str  # signs webhooks (X-ZEvent-Signature)
    zalo_app_secret: str  # refreshes access tokens
    zalo_access_token: str  # seeds the token table once; refreshed tokens live in the database
    zalo_refresh_token: str
    zalo_api_url: str
    zalo_oauth_url: str
    zalo_verify_signature: bool
    # Facebook Messenger
    facebook_verify_token: str
    facebook_app_secret: str
    facebook_page_access_token: str
    facebook_graph_url: str
    facebook_verify_signature: bool
    # Callback channel: where bot messages are POSTed
    callback_url: str
    # Website widget
    web_origins: tuple[str, ...]
    webchat_session_secret: str  # empty: a random key kept in var/webchat-session.key
    webchat_socket_url: str  # the Rasa server as the visitor's browser reaches it
    # Several Rasa instances: replies and agent messages for a widget conversation are
    # published here, so the instance holding the visitor's socket delivers them.
    webchat_pubsub_url: str = ""  # redis://host:6379/3; "": one instance (in-process rooms)
    webchat_pubsub_channel: str = "evncskh-webchat"  # the Redis pub/sub channel name


def load_channel_settings() -> ChannelSettings:
    web_port = _env("WEB_PORT", "8080")
    origins = _env("WEB_ORIGIN", f"http://localhost:{web_port}")
    return ChannelSettings(
        max_text_chars=_int("CHANNEL_MAX_TEXT_CHARS", 2000),
        max_body_bytes=_int("CHANNEL_MAX_BODY_BYTES", 1024 * 1024),
        max_event_age_s=_int("CHANNEL_MAX_EVENT_AGE_S", 24 * 3600),
        session_retention_days=_int("CHANNEL_SESSION_RETENTION_DAYS", 30),
        database_url=_env("DATABASE_URL", default_database_url()),
        hotline=_env("HOTLINE", "19001006"),
        zalo_app_id=_env("ZALO_APP_ID", ""),
        zalo_oa_secret_key=_env("ZALO_OA_SECRET_KEY", ""),
        zalo_app_secret=_env("ZALO_APP_SECRET", ""),
        zalo_access_token=_env("ZALO_ACCESS_TOKEN", ""),
        zalo_refresh_token=_env("ZALO_REFRESH_TOKEN", ""),
        zalo_api_url=_env("ZALO_API_URL", "https://openapi.zalo.me").rstrip("/"),
        zalo_oauth_url=_env("ZALO_OAUTH_URL", "https://oauth.zaloapp.com").rstrip("/"),
        zalo_verify_signature=_flag("ZALO_VERIFY_SIGNATURE", True),
        facebook_verify_token=_env("FACEBOOK_VERIFY_TOKEN", ""),
        facebook_app_secret=_env("FACEBOOK_APP_SECRET", ""),
        facebook_page_access_token=_env("FACEBOOK_PAGE_ACCESS_TOKEN", ""),
        facebook_graph_url=_env("FACEBOOK_GRAPH_URL", "https://graph.facebook.com/v18.0").rstrip("/"),
        facebook_verify_signature=_flag("FACEBOOK_VERIFY_SIGNATURE", True),
        callback_url=_env("CALLBACK_URL", ""),
        web_origins=tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip()),
        webchat_session_secret=_env("WEBCHAT_SESSION_SECRET", ""),
        webchat_socket_url=_env("WEBCHAT_SOCKET_URL", f"http://localhost:{_env('RASA_PORT', '5005')}"),
        webchat_pubsub_url=_env("WEBCHAT_PUBSUB_URL", ""),
        webchat_pubsub_channel=_env("WEBCHAT_PUBSUB_CHANNEL", "evncskh-webchat"),
    )


# ---------------------------------------------------------------------------- notices
# Settings of the outage notices (bot/notify, docs/notices.md). Rasa's HTTP API (URL and
# token) comes from load_settings(), the one place our processes read it from; the Zalo
# and Messenger clients use the channel settings above.


@dataclass(frozen=True)
class NoticeSettings:
    database_url: str
    rasa_url: str  # Rasa's HTTP API (loopback): widget and callback notices go through it
    rasa_token: str
    lead_days: int  # planned outages announced this many days ahead (at least 5)
    send_at: str  # "HH:MM": when announcements and day-before reminders go
    quiet_hours: str  # "HH:MM-HH:MM": planned-work notices wait for the morning; "" = none
    scan_interval_s: float  # the notifier looks for new events and due notices this often
    batch_size: int  # notices claimed at once
    lease_s: int  # a claimed notice is taken over after this if its notifier went silent
    max_attempts: int  # transient failures retried this many times in all
    first_retry_s: int  # then 2x, 4x ... at most 30 min apart
    flush_interval_s: float  # sent notices are recorded at least this often
    concurrency: int  # notices in flight at once per channel
    rate_zalo: float  # messages per second, per notifier
    rate_facebook: float
    rate_web: float  # widget and callback (through Rasa)
    zalo_window_hours: int  # 0 = the OA has paid quota: no window check
    zalo_max_per_window: int  # 0 = no cap
    facebook_tag: str  # Messenger tag outside the 24 h window; "" = refuse there
    retention_days: int  # settled notices are forgotten after this


def _float(name: str, default: float) -> float:
    try:
        return float(_env(name, str(default)))
    except ValueError:
        return default


def load_notice_settings() -> NoticeSettings:
    main = load_settings()
    return NoticeSettings(
        database_url=main.database_url,
        rasa_url=main.rasa_url.rstrip("/"),
        rasa_token=main.rasa_token,
        lead_days=max(5, _int("NOTICE_LEAD_DAYS", 7)),
        send_at=_env("NOTICE_SEND_AT", "08:00"),
        quiet_hours=os.environ.get("NOTICE_QUIET_HOURS", "21:00-07:00").strip(),
        scan_interval_s=max(0.2, _float("NOTICE_SCAN_INTERVAL_S", 10.0)),
        batch_size=max(1, _int("NOTICE_BATCH_SIZE", 200)),
        lease_s=max(1, _int("NOTICE_LEASE_S", 300)),
        max_attempts=max(1, _int("NOTICE_MAX_ATTEMPTS", 8)),
        first_retry_s=max(1, _int("NOTICE_FIRST_RETRY_S", 30)),
        flush_interval_s=max(0.01, _float("NOTICE_FLUSH_INTERVAL_S", 0.2)),
        concurrency=max(1, _int("NOTICE_CONCURRENCY", 8)),
        rate_zalo=max(0.1, _float("NOTICE_RATE_ZALO", 10.0)),
        rate_facebook=max(0.1, _float("NOTICE_RATE_FACEBOOK", 20.0)),
        rate_web=max(0.1, _float("NOTICE_RATE_WEB", 20.0)),
        zalo_window_hours=max(0, _int("NOTICE_ZALO_WINDOW_HOURS", 48)),
        zalo_max_per_window=max(0, _int("NOTICE_ZALO_MAX_PER_WINDOW", 8)),
        facebook_tag=_env("NOTICE_FACEBOOK_TAG", ""),
        retention_days=max(1, _int("NOTICE_RETENTION_DAYS", 90)),
    )
