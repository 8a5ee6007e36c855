"""The one typed settings object; the only place environment variables are read.

Every variable is prefixed ``HUURHULP_`` and may also come from a ``.env`` file in the
working directory. Settings are validated when they are loaded, so a wrong value stops
the process at start-up with a clear message instead of failing on the first request.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseSettings, Field, SecretStr, root_validator, validator
from sqlalchemy.engine.url import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Telegram's own Bot API (the token is appended to it).
TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
#: What Telegram accepts as a webhook secret token.
_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
#: The PostgreSQL schema of Rasa's tracker store inside the gateway's database (its own
#: schema: the gateway's tables and Rasa's ``events`` never mix, one backup holds both).
TRACKER_SCHEMA = "rasa"


def tracker_store_url_for(database_url: str, schema: str = TRACKER_SCHEMA) -> str:
    """Rasa's tracker store in the gateway's database: the one derivation of its URL.

    SQLite: the same file (Rasa's table ``events`` beside the gateway's tables). PostgreSQL:
    the same database, schema ``schema``, chosen per connection with libpq's
    ``options=-csearch_path=<schema>`` in the URL, so any SQLAlchemy engine on that URL (the
    gateway's erasure and purge) and Rasa itself (``POSTGRESQL_SCHEMA``, set by ``huurhulp
    run`` from the same URL) see the same table. Other databases: the same URL.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return database_url
    with_schema = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return str(with_schema.render_as_string(hide_password=False))


class Settings(BaseSettings):
    """Configuration of the gateway and of the processes that ``huurhulp run`` starts."""

    var_dir: Path = Field(default=PROJECT_ROOT / "var", description="Runtime data: database, models, logs.")
    models_dir_override: Path | None = Field(
        default=None,
        env="HUURHULP_MODELS_DIR",
        description="Where trained models are kept. Empty: var/models.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL. Empty means SQLite at var/huurhulp.db.",
    )
    host: str = Field(default="127.0.0.1", description="Interface the gateway binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port of the gateway.")
    rasa_port: int = Field(default=5005, ge=1, le=65535, description="Port of the Rasa server (127.0.0.1).")
    action_port: int = Field(
        default=5055, ge=1, le=65535, description="Port of the action server (127.0.0.1)."
    )
    rasa_url: str = Field(
        default="", description="Base URL of the Rasa server. Empty: http://127.0.0.1:<rasa_port>."
    )
    action_url: str = Field(
        default="", description="Base URL of the action server. Empty: http://127.0.0.1:<action_port>."
    )
    rasa_token: SecretStr = Field(
        default=SecretStr(""),
        description="Auth token of Rasa's HTTP API. Empty: `huurhulp run` makes one per run.",
    )
    rasa_timeout: float = Field(default=15.0, gt=0, description="Seconds to wait for a Rasa reply.")
    max_message_chars: int = Field(
        default=2000, ge=1, le=100_000, description="Longest accepted tenant message."
    )
    default_language: str = Field(default="nl", description="Language of a new conversation.")
    log_level: str = Field(default="INFO", description="Python log level of the gateway.")
    office_hours: str = Field(
        default="mon-fri 09:00-17:00",
        description="When caseworkers work (Europe/Brussels), e.g. 'mon-thu 09:00-17:00; fri 09:00-12:00'.",
    )
    console_session_hours: float = Field(default=10.0, gt=0, le=24 * 7, description="Console login lifetime.")
    cookie_secure: bool = Field(
        default=False, description="Send the console cookie only over HTTPS (set true behind HTTPS)."
    )
    login_attempts_per_minute: int = Field(
        default=5, ge=1, le=1000, description="Failed console logins allowed per username and address."
    )
    login_attempts_per_address_per_minute: int = Field(
        default=20,
        ge=1,
        le=10000,
        description=(
            "Failed console logins allowed per address, whatever the usernames (slows one address "
            "trying many accounts). There is no limit per username alone: a stranger could then lock "
            "a caseworker out from anywhere."
        ),
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description=(
            "Addresses of reverse proxies (load balancers) whose X-Forwarded-For the gateway believes "
            "(uvicorn's --forwarded-allow-ips), comma-separated; the login limiter counts by the "
            "client's address, so behind a proxy it must be listed here."
        ),
    )
    redis_url: str = Field(
        default="",
        description=(
            "Redis URL (redis://[:password@]host:port/db, rediss:// for TLS). Set: Rasa's lock store, "
            "the gateway's live updates (pub/sub between gateway processes) and the console login "
            "limiter use it. Empty: in-process, which only suits one gateway and one Rasa server."
        ),
    )
    rasa_urls: str = Field(
        default="",
        description=(
            "Base URLs of several Rasa servers, comma-separated (`huurhulp run --rasa-servers` sets "
            "it). A conversation always goes to the same one (rendezvous hash of its id); another "
            "takes over while it is unreachable. Empty: HUURHULP_RASA_URL alone."
        ),
    )
    gateway_workers: int = Field(
        default=1, ge=1, le=64, description="`huurhulp run`: gateway processes (--gateway-workers)."
    )
    rasa_servers: int = Field(
        default=1, ge=1, le=16, description="`huurhulp run`: Rasa servers (--rasa-servers)."
    )
    telegram_token: SecretStr = Field(
        default=SecretStr(""),
        description="Bot token from BotFather. Empty: the gateway runs without Telegram.",
    )
    telegram_base_url: str = Field(
        default=TELEGRAM_BASE_URL,
        description="Bot API base URL (the token is appended); tests point it at a fake server.",
    )
    telegram_base_file_url: str = Field(
        default="",
        description="Bot API file download URL. Empty: derived from the base URL (.../bot -> .../file/bot).",
    )
    telegram_webhook_url: str = Field(
        default="",
        description="Public HTTPS URL of POST /telegram/webhook. Empty: long polling (with a token).",
    )
    telegram_secret: SecretStr = Field(
        default=SecretStr(""),
        description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; required with a webhook URL.",
    )
    telegram_poll_timeout: float = Field(
        default=10.0, ge=0, le=60, description="Seconds one getUpdates long poll may wait (polling mode)."
    )
    telegram_chat_interval: float = Field(
        default=1.0, ge=0, le=60, description="Least seconds between two messages to the same chat."
    )
    telegram_messages_per_second: float = Field(
        default=30.0, gt=0, le=1000, description="Most messages per second to Telegram in all."
    )
    telegram_polling: bool = Field(
        default=True,
        description=(
            "Whether this gateway process long-polls Telegram when there is no webhook URL. "
            "`huurhulp run --gateway-workers N` turns it off in every worker but the first: Telegram "
            "allows one getUpdates poller per bot. Every worker still delivers from the outbox."
        ),
    )
    restart_delay: float = Field(
        default=1.0,
        gt=0,
        le=600,
        description=(
            "`huurhulp run`: seconds before restarting a part that stopped; doubles with each "
            "failure in a row."
        ),
    )
    restart_delay_max: float = Field(
        default=60.0, gt=0, le=3600, description="`huurhulp run`: the longest wait before a restart."
    )
    restart_reset_after: float = Field(
        default=120.0,
        gt=0,
        le=86400,
        description=(
            "`huurhulp run`: seconds a restarted part must stay healthy before its delay starts over."
        ),
    )
    retention_days: int = Field(
        default=180,
        ge=1,
        le=3650,
        description=(
            "Days a conversation may stay closed or idle before its message texts are erased from the "
            "gateway's tables and Rasa's tracker store (`huurhulp purge`, and the gateway once a day). "
            "The clock restarts with every message, so a conversation in use is never purged. Why 180: "
            "an eviction procedure runs from formal notice and summons through the hearing, the "
            "judgment, its service, the one-month term (Ger.W. art. 1344quater) and the bailiff's "
            "notice to the eviction itself, and aftercare (rehousing, the Fonds, a payment plan) "
            "follows; a tenant who comes back after a quiet half year between two of those steps still "
            "finds the story (a procedure can last longer than 180 days in all, but the clock counts "
            "silence, not age). Longer would keep talk of debts, health and children for years, while "
            "what a caseworker needs beyond that belongs in their own organisation's file. Kept after "
            "the purge: the case record "
            "without text (stage, priority, outcome, dates, municipality) and the audit log."
        ),
    )
    purge_every_hours: float = Field(
        default=24.0,
        ge=0,
        le=24 * 31,
        description="How often the gateway runs the retention purge; 0 turns the gateway's own run off.",
    )
    tracker_store_url: str = Field(
        default="",
        description=(
            "SQLAlchemy URL of Rasa's SQL tracker store (its `events` table): `huurhulp run` gives it "
            "to Rasa, and erasure and the purge delete Rasa's copy of a conversation there. Empty: "
            "the gateway's own database (SQLite: the same file; PostgreSQL: the same database, "
            "schema `rasa`), so there is one place for personal data."
        ),
    )
    widget_origins: str = Field(
        default="*",
        description=(
            "Sites that may embed the web widget (CORS for /api/web), comma-separated origins such as "
            "'https://www.caw.be,https://ocmw.example'. '*' (default): any site, which is safe because "
            "/api/web uses per-conversation bearer tokens, never cookies."
        ),
    )

    class Config:
        env_prefix = "HUURHULP_"
        env_file = ".env"
        env_file_encoding = "utf-8"

    @validator("log_level")
    def _known_log_level(cls, value: str) -> str:  # noqa: N805 (pydantic validator)
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level {value!r}")
        return upper

    @validator("default_language")
    def _supported_language(cls, value: str) -> str:  # noqa: N805
        from bot.language import SUPPORTED_LANGUAGES

        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"{value!r} is not one of {sorted(SUPPORTED_LANGUAGES)}")
        return value

    @validator("office_hours")
    def _valid_office_hours(cls, value: str) -> str:  # noqa: N805
        from bot.office_hours import OfficeHours

        OfficeHours.parse(value)
        return value

    @validator("widget_origins")
    def _valid_widget_origins(cls, value: str) -> str:  # noqa: N805
        origins = [origin.strip() for origin in value.split(",") if origin.strip()]
        for origin in origins:
            if origin != "*" and not re.fullmatch(r"https?://[^/\s?#]+", origin):
                raise ValueError(f"{origin!r} is not an origin such as https://www.example.org (no path)")
        return ",".join(origins)

    @validator("restart_delay_max")
    def _max_not_below_delay(cls, value: float, values: dict[str, Any]) -> float:  # noqa: N805
        if "restart_delay" in values and value < values["restart_delay"]:
            raise ValueError("HUURHULP_RESTART_DELAY_MAX must not be below HUURHULP_RESTART_DELAY")
        return value

    @validator("database_url")
    def _valid_database_url(cls, value: str) -> str:  # noqa: N805
        if value and "://" not in value:
            raise ValueError("expected an SQLAlchemy URL such as postgresql://user@host/db")
        return value

    @validator("tracker_store_url")
    def _valid_tracker_store_url(cls, value: str) -> str:  # noqa: N805
        if value and "://" not in value:
            raise ValueError("expected an SQLAlchemy URL such as postgresql://user@host/db")
        return value

    @validator("redis_url")
    def _valid_redis_url(cls, value: str) -> str:  # noqa: N805
        value = value.strip()
        if value and not value.startswith(("redis://", "rediss://")):
            raise ValueError("expected a Redis URL such as redis://127.0.0.1:6379/0")
        return value

    @validator("rasa_urls")
    def _valid_rasa_urls(cls, value: str) -> str:  # noqa: N805
        urls = [url.strip().rstrip("/") for url in value.split(",") if url.strip()]
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"{url!r} is not an http(s):// URL")
        if len(set(urls)) != len(urls):
            raise ValueError("a Rasa server is listed twice")
        return ",".join(urls)

    @validator("telegram_base_url", "telegram_base_file_url", "telegram_webhook_url")
    def _http_url(cls, value: str) -> str:  # noqa: N805
        value = value.strip()
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("expected an http(s):// URL")
        return value

    @root_validator(skip_on_failure=True)
    def _telegram_complete(cls, values: dict[str, Any]) -> dict[str, Any]:  # noqa: N805
        token = values["telegram_token"].get_secret_value()
        secret = values["telegram_secret"].get_secret_value()
        if values["telegram_webhook_url"]:
            if not token:
                raise ValueError("HUURHULP_TELEGRAM_WEBHOOK_URL is set but HUURHULP_TELEGRAM_TOKEN is not")
            if not secret:
                raise ValueError(
                    "HUURHULP_TELEGRAM_WEBHOOK_URL needs HUURHULP_TELEGRAM_SECRET: without it anyone "
                    "could post fake updates to the webhook"
                )
        if secret and not _TELEGRAM_SECRET.fullmatch(secret):
            raise ValueError("HUURHULP_TELEGRAM_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return values

    @property
    def telegram_enabled(self) -> bool:
        """Whether the gateway runs the Telegram channel (a token is set)."""
        return bool(self.telegram_token.get_secret_value())

    @property
    def effective_telegram_base_file_url(self) -> str:
        """Where files are downloaded from: Telegram's .../file/bot beside the base URL's .../bot."""
        if self.telegram_base_file_url:
            return self.telegram_base_file_url
        base = self.telegram_base_url.rstrip("/")
        head, sep, tail = base.rpartition("/")
        return f"{head}/file/{tail}" if sep and tail.startswith("bot") else f"{base}/file/bot"

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to an SQLite file under ``var_dir``."""
        return self.database_url or f"sqlite:///{self.var_dir / 'huurhulp.db'}"

    @property
    def effective_tracker_store_url(self) -> str:
        """Rasa's tracker store: the one URL that ``huurhulp run`` gives Rasa and that erasure
        and the purge delete from (default: inside the gateway's database,
        :func:`tracker_store_url_for`)."""
        return self.tracker_store_url or tracker_store_url_for(self.effective_database_url)

    @property
    def rasa_server_urls(self) -> list[str]:
        """The Rasa servers the gateway talks to (one unless HUURHULP_RASA_URLS lists several)."""
        return self.rasa_urls.split(",") if self.rasa_urls else [self.effective_rasa_url]

    @property
    def effective_rasa_url(self) -> str:
        """Base URL of the Rasa server, without a trailing slash."""
        return (self.rasa_url or f"http://127.0.0.1:{self.rasa_port}").rstrip("/")

    @property
    def effective_action_url(self) -> str:
        """Base URL of the action server, without a trailing slash."""
        return (self.action_url or f"http://127.0.0.1:{self.action_port}").rstrip("/")

    @property
    def widget_origin_list(self) -> list[str]:
        """Origins allowed to call /api/web from a browser; ``["*"]`` means any."""
        origins = [origin for origin in self.widget_origins.split(",") if origin]
        return ["*"] if "*" in origins else origins

    @property
    def models_dir(self) -> Path:
        """Where trained Rasa models are kept."""
        return self.models_dir_override or self.var_dir / "models"

    @property
    def log_dir(self) -> Path:
        """Where the processes started by ``huurhulp run`` write their logs."""
        return self.var_dir / "logs"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Load and validate settings once per process."""
    return Settings()
