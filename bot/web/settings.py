"""The web service's settings: where Rasa, the ticket store, agents, shop data and review file are."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from bot import identity, rasa_auth
from bot.web.rate_limits import parse_limits
from bot.web.rasa_client import parse_rasa_urls

REPO_DIR = Path(__file__).resolve().parents[2]
DEFAULT_AGENTS_FILE = REPO_DIR / "var" / "agents.yml"
DEFAULT_SECRET_FILE = REPO_DIR / "var" / "web_secret"
#: Where `python -m bot.trainer mine` writes the review file by default.
DEFAULT_REVIEW_FILE = REPO_DIR / "var" / "trainer" / "review.csv"
DEFAULT_PORT = 8080


@dataclass(frozen=True)
class Settings:
    """Everything the app needs from outside.

    Attributes:
        secret: signs agents' session cookies and buyers' tokens (keep it across restarts, or buyers
            lose their history and agents are signed out).
        rasa_url: the Rasa server (with ``--enable-api``), or a comma-separated list of instances sharing
            one tracker store and lock store (``make run-scaled``), taken in turn, one request each.
        ticket_store_url: SQLAlchemy URL of the ticket store; None = the store's own default.
        agents_file: YAML file of agents who may sign in to the console.
        shop_dir: the shop's data directory; None = the repository's data/shop.
        rasa_timeout: seconds to wait for Rasa before telling the buyer it is busy.
        demo_orders: seed the demo orders for each new buyer id (``XIAODIAN_DEMO_ORDERS=1``; make run).
        review_file: the trainer's review file (CSV or YAML) labelled in /inbox.
        rasa_jwt_secret: signs the JWTs Rasa's API and the shop page channel want (bot.rasa_auth).
        identity_secret: signs the buyer identity the action server trusts (bot.identity).
        public_url: the address buyers and agents use, when a TLS proxy is in front (``https://...``):
            cookies are then ``Secure`` and that origin is accepted.
        trust_proxy: take the client's address from the proxy's ``X-Forwarded-For`` (only behind one).
        limits: the rate limits (bot.web.rate_limits.LIMIT_SETTINGS).
        max_sockets_per_buyer: open chat widgets (sockets) one buyer may have at once.
        buyer_token_s: how long a buyer's token lasts; each message renews it.
        tracker_store_url: SQLAlchemy URL of Rasa's SQL tracker store, read by the service report; None: the
            report has the tickets' figures only (``make run`` passes var/tracker.db, ``make run-scaled`` the
            shared PostgreSQL database, its password in ``PGPASSWORD``).
        recovery_interval_s: how soon waiting messages are retried while the assistant is unreachable;
            the pause doubles with each failed round up to ``recovery_max_pause_s``.
    """

    secret: bytes
    rasa_url: str = "http://127.0.0.1:5005"
    ticket_store_url: Optional[str] = None
    agents_file: Path = DEFAULT_AGENTS_FILE
    shop_dir: Optional[Path] = None
    rasa_timeout: float = 20.0
    #: Give every new buyer of the shop page the demo orders (a demo shop has no real orders).
    demo_orders: bool = False
    review_file: Path = DEFAULT_REVIEW_FILE
    rasa_jwt_secret: bytes = b""
    identity_secret: bytes = b""
    public_url: Optional[str] = None
    trust_proxy: bool = False
    limits: Mapping[str, str] = field(default_factory=lambda: parse_limits({}))
    max_sockets_per_buyer: int = 3
    buyer_token_s: int = 7 * 24 * 3600
    recovery_interval_s: float = 1.0
    recovery_max_pause_s: float = 5.0
    tracker_store_url: Optional[str] = None

    @property
    def secure_cookies(self) -> bool:
        return bool(self.public_url and self.public_url.startswith("https://"))


def load_secret(env: Mapping[str, str], secret_file: Path = DEFAULT_SECRET_FILE) -> bytes:
    """The signing secret: ``XIAODIAN_WEB_SECRET``, else one kept in var/web_secret (created once, 0600)."""
    if env.get("XIAODIAN_WEB_SECRET"):
        return env["XIAODIAN_WEB_SECRET"].encode()
    if secret_file.exists():
        return secret_file.read_bytes().strip()
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32).encode()
    fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(value)
    return value


def settings_from_env(env: Mapping[str, str] = os.environ) -> Settings:
    """Settings from the environment (XIAODIAN_RASA_URL, XIAODIAN_TICKETS_URL, XIAODIAN_AGENTS_FILE,
    XIAODIAN_SHOP_DIR, XIAODIAN_WEB_SECRET, XIAODIAN_REVIEW_FILE,
    XIAODIAN_RASA_JWT_SECRET, XIAODIAN_IDENTITY_SECRET, XIAODIAN_PUBLIC_URL, XIAODIAN_TRUST_PROXY,
    XIAODIAN_LIMIT_*, XIAODIAN_MAX_SOCKETS_PER_BUYER, XIAODIAN_TRACKER_URL), with local defaults where one is safe.

    Raises:
        ValueError: a setting that is missing or wrong, named (at start-up, rather than every buyer being
            handed to a person later): a bad ``XIAODIAN_RASA_URL``, a missing secret, a bad limit.
    """
    rasa_url = env.get("XIAODIAN_RASA_URL") or "http://127.0.0.1:5005"
    try:
        parse_rasa_urls(rasa_url)
    except ValueError as error:
        raise ValueError(f"XIAODIAN_RASA_URL: {error}") from None
    try:
        rasa_secret = rasa_auth.secret_from_env(env)
    except rasa_auth.RasaAuthError as error:
        raise ValueError(str(error)) from None
    identity_secret = (env.get("XIAODIAN_IDENTITY_SECRET") or "").encode()
    if len(identity_secret) < identity.MIN_SECRET_BYTES:
        raise ValueError(f"XIAODIAN_IDENTITY_SECRET must be set (at least {identity.MIN_SECRET_BYTES} characters): "
                         "the action server trusts only buyer identities signed with it (make run makes one)")
    public_url = (env.get("XIAODIAN_PUBLIC_URL") or "").rstrip("/") or None
    if public_url and not public_url.startswith(("http://", "https://")):
        raise ValueError(f"XIAODIAN_PUBLIC_URL must start with https:// or http:// (got {public_url!r})")
    sockets = env.get("XIAODIAN_MAX_SOCKETS_PER_BUYER") or "3"
    if not sockets.isdigit() or not 1 <= int(sockets) <= 50:
        raise ValueError(f"XIAODIAN_MAX_SOCKETS_PER_BUYER must be a number from 1 to 50 (got {sockets!r})")
    return Settings(
        secret=load_secret(env),
        rasa_url=rasa_url,
        ticket_store_url=env.get("XIAODIAN_TICKETS_URL") or None,
        agents_file=Path(env.get("XIAODIAN_AGENTS_FILE") or DEFAULT_AGENTS_FILE),
        shop_dir=Path(env["XIAODIAN_SHOP_DIR"]) if env.get("XIAODIAN_SHOP_DIR") else None,
        demo_orders=env.get("XIAODIAN_DEMO_ORDERS", "") in ("1", "true", "yes"),
        review_file=Path(env.get("XIAODIAN_REVIEW_FILE") or DEFAULT_REVIEW_FILE),
        rasa_jwt_secret=rasa_secret,
        identity_secret=identity_secret,
        public_url=public_url,
        trust_proxy=env.get("XIAODIAN_TRUST_PROXY", "") in ("1", "true", "yes"),
        limits=parse_limits(env),
        max_sockets_per_buyer=int(sockets),
        tracker_store_url=env.get("XIAODIAN_TRACKER_URL") or None,
    )
