"""Settings from the environment and `.env` (see INTERFACES.md); the token stays a SecretStr everywhere."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIN_SECRET = 16
SECRET_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{{MIN_SECRET},256}}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    seeds_dir: Path = Path("seeds")
    db_path: Path = Path("data/citebot.sqlite3")
    follows_path: Path | None = None  # what users follow; default `<DB_PATH>.follows.sqlite3` (none if read-only)
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    webhook_url: str | None = None
    webhook_port: int = Field(8443, ge=1, le=65535)
    webhook_listen: str = "0.0.0.0"
    webhook_secret: SecretStr | None = None
    webhook_max_body: int = Field(1_048_576, ge=4096, le=100 * 1_048_576)  # bytes of one webhook request
    log_level: str = "INFO"
    build_memory_mb: int = Field(4096, ge=0)  # address space of an index build's each process, in MB; 0: no limit
    citebot_build_workers: int | None = Field(None, ge=1)  # processes extracting new files (default: the cores, ≤ 4)
    index_check_interval: float = Field(3.0, gt=0, le=3600)  # seconds between looks at DB_PATH (and the seeds)
    watch_seeds: bool = False  # rebuild when the seed files change
    watch_seeds_debounce: float = Field(5.0, ge=0, le=3600)  # seconds the seeds must stay unchanged first
    index_read_only: bool = False  # serve an index built elsewhere: never build, follow the file
    drop_pending_updates: bool = False  # drop what users sent while the bot was down
    heartbeat_file: Path | None = None  # refreshed by the running bot; default <DB_PATH>.heartbeat
    heartbeat_interval: float = Field(10.0, gt=0, le=3600)  # seconds between heartbeats

    @property
    def heartbeat_path(self) -> Path:
        return self.heartbeat_file or self.db_path.with_name(self.db_path.name + ".heartbeat")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """`ADMIN_IDS=1,2 3` → {1, 2, 3}; an empty value means nobody. Anything else (`me`, `@alice`) is named as
        what it is not, with what is wanted."""
        if isinstance(value, str):
            parts = value.replace(",", " ").split()
            wrong = [part for part in parts if not re.fullmatch(r"-?\d{1,20}", part)]
            if wrong:
                shown = wrong[0] if len(wrong[0]) <= 20 else wrong[0][:19] + "…"
                raise ValueError(
                    f"ADMIN_IDS must be numeric Telegram user ids, comma-separated ({shown!r} is not one; "
                    "a user learns theirs from @userinfobot)"
                )
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("bot_token", "webhook_secret", "webhook_url", "citebot_build_workers", "heartbeat_file",
                     "follows_path", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret")
    @classmethod
    def _usable_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """What Telegram accepts as a secret token, and long enough to be one: the secret is redacted wherever it
        occurs in a log line, so a short one (`abc`) would also blank out ordinary words."""
        if value is not None and not SECRET_TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError(f"must be {MIN_SECRET}-256 characters of A-Z a-z 0-9 _ - (e.g. `openssl rand -hex 32`)")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value


# Settings whose value must never be echoed back in an error message.
_SECRET_SETTINGS = {"bot_token", "webhook_secret"}


class ConfigError(Exception):
    """Settings that cannot work; the message is one line for the operator."""


def settings_error_message(error: ValidationError) -> str:
    """One line naming each environment variable that does not parse, e.g. `ADMIN_IDS: invalid literal ... 'me'`."""
    problems = []
    for item in error.errors():
        field = str(item["loc"][0]) if item.get("loc") else "settings"
        reason = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        if field in _SECRET_SETTINGS and item.get("type") != "value_error":  # our own checks never quote the value
            reason = "invalid value"
        # a reason that is a whole sentence about the variable reads as one: "ADMIN_IDS — ADMIN_IDS must be …"
        problems.append(f"{field.upper()} — {reason}" if reason.startswith(field.upper() + " ") else f"{field.upper()}: {reason}")
    return "bad setting " + "; ".join(problems) + " (see .env.example)"


def load_settings() -> Settings:
    """Settings from the environment and .env; raises ConfigError with a one-line message when one does not parse."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigError(settings_error_message(error)) from None
