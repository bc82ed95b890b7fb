"""One settings class, built per entrypoint from FAIRBID_* variables and flags, and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_DATABASE_URL", "Settings"]

DEFAULT_DATABASE_URL = "sqlite:///fairbid.db"


class Settings(BaseSettings):
    """Where data lives and how the server behaves. Defaults: an SQLite file and a blob folder here."""

    model_config = SettingsConfigDict(env_prefix="FAIRBID_", extra="ignore")

    environment: str = Field("development", description="development | test | production")
    database_url: str = DEFAULT_DATABASE_URL
    data_dir: Path = Path("fairbid-data")
    platform_key_passphrase: SecretStr = SecretStr("development-only")
    token_hours: int = 8
    max_envelope_bytes: int = 600 * 1024 * 1024  # a 500 MB bid plus framing
    max_plaintext_bytes: int = 2 * 1024 * 1024 * 1024
    scheduler_interval_seconds: float = 1.0
    # the opening waits at most this long past the deadline for bids whose last byte arrived in time and whose
    # check is still running (电子招标投标办法 第二十七条); one still unchecked then is refused, with that reason
    opening_wait_seconds: float = Field(120.0, ge=0)
    # signed tree heads follow this fixed cadence (and the centre's demand), never an instant a participant picks
    head_interval_seconds: float = Field(600.0, gt=0)
    clock_speed: float = 1.0  # >1 runs an accelerated clock (demos)
    # sealed-bid uploads (docs/uploads.md): a client silent this long mid-body is cut and nothing is stored
    upload_idle_timeout_seconds: float = Field(30.0, gt=0)
    uploads_per_bidder: int = Field(2, ge=1)  # at once per organisation; one more is refused with 429
    uploads_in_flight: int = Field(256, ge=1)  # at once on the server; one more is refused with 503
    upload_workers: int = Field(8, ge=1)  # threads checking and storing complete bodies; the rest wait
    # temp files of the blob store untouched this long are leftovers of a crash, swept at start-up
    temp_sweep_age_seconds: float = Field(3600.0, gt=0)
    # notices (expert invitations): through SMTP when a host is set, else as .eml files in <data_dir>/outbox
    mail_sender: str = "noreply@fairbid.local"
    smtp_host: str | None = None
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> Settings:
        if self.environment == "production" and self.platform_key_passphrase.get_secret_value() == "development-only":
            raise ValueError(
                "set FAIRBID_PLATFORM_KEY_PASSPHRASE: the development placeholder is refused in production"
            )
        return self

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def platform_key_path(self) -> Path:
        return self.data_dir / "platform-key.json"
