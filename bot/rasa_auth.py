"""The credential the web service shows Rasa: a short-lived JWT, in the ``Authorization`` header only.

Rasa's HTTP API (tracker reads, event appends, /model/parse, /status) checks it with Rasa's own JWT
support (``--jwt-secret``, given by ``bot.stack`` from ``XIAODIAN_RASA_JWT_SECRET``, never on a command
line), and the shop page's channel (``bot.rasa_channel``) checks the same token, so nobody on the machine
can read a buyer's chat, write into it or talk as a buyer without the secret. The claims follow Rasa's
format: ``{"user": {"username": ..., "role": "admin"}}``.
"""

from __future__ import annotations

import time
from typing import Any, Mapping, Optional

import jwt

SECRET_ENV = "XIAODIAN_RASA_JWT_SECRET"
ALGORITHM = "HS256"
#: Minted per few minutes by the web service; a leaked one is useless soon after.
LIFETIME_S = 300
CALLER = "xiaodian-web"
MIN_SECRET_BYTES = 32


class RasaAuthError(ValueError):
    """The JWT secret is missing or too short (a set-up error, said at start-up)."""


def _key(secret: bytes | str) -> bytes:
    key = secret.encode() if isinstance(secret, str) else bytes(secret)
    if len(key) < MIN_SECRET_BYTES:
        raise RasaAuthError(f"{SECRET_ENV} needs at least {MIN_SECRET_BYTES} characters")
    return key


def secret_from_env(env: Mapping[str, str]) -> bytes:
    """The shared secret from the environment.

    Raises:
        RasaAuthError: it is missing or too short, so the service refuses to start open.
    """
    value = env.get(SECRET_ENV, "")
    if not value:
        raise RasaAuthError(f"{SECRET_ENV} is not set: Rasa's API and the shop page channel need it "
                            "(start the stack with `make run`, which makes one per start)")
    return _key(value)


def api_token(secret: bytes | str, now: Optional[float] = None) -> str:
    """An admin token for Rasa's API and the shop page channel, valid LIFETIME_S seconds from ``now``."""
    issued = int(now if now is not None else time.time())
    claims = {"user": {"username": CALLER, "role": "admin"}, "iat": issued, "exp": issued + LIFETIME_S}
    return jwt.encode(claims, _key(secret), algorithm=ALGORITHM)


def bearer_is_valid(secret: bytes | str, authorization: Any) -> bool:
    """True for ``Authorization: Bearer <token>`` with a valid, unexpired admin token."""
    if not isinstance(authorization, str) or not authorization.startswith("Bearer "):
        return False
    try:
        claims = jwt.decode(authorization[len("Bearer "):].strip(), _key(secret), algorithms=[ALGORITHM],
                            options={"require": ["exp"]})
    except jwt.PyJWTError:
        return False
    user = claims.get("user")
    return isinstance(user, dict) and user.get("role") == "admin"
