"""Who the buyer is, as the web service vouches for it: a short-lived signed identity in each message's metadata.

The web service is the buyer's only way in and the only side that knows which buyer sent a message (it
issued the buyer id and checks the buyer's token). It signs ``{"sub": buyer_id}`` with a secret it shares
with the action server (``XIAODIAN_IDENTITY_SECRET``) and sends it to Rasa as ``metadata.identity``; the
actions verify it before reading that buyer's orders. Anything else (no identity, a made-up
``buyer_id``, an expired or forged signature) is an anonymous buyer with no orders.

The token is a JWT (PyJWT, HS256) with an audience and an expiry, so a token for the action server is
useless anywhere else and one copied out of a log stops working within minutes.
"""

from __future__ import annotations

import time
from typing import Any, Mapping, Optional

import jwt

from bot.message_metadata import IDENTITY as METADATA_KEY
AUDIENCE = "xiaodian-actions"
ISSUER = "xiaodian-web"
#: Long enough for Rasa and the actions to handle one message, short enough to be useless when leaked.
LIFETIME_S = 600
ALGORITHM = "HS256"
#: RFC 7518 asks HS256 keys of at least 32 bytes; the launcher makes 43 characters of 32 random bytes.
MIN_SECRET_BYTES = 32


class IdentityError(ValueError):
    """The identity secret is missing or too short (a set-up error, said at start-up)."""


def _key(secret: bytes | str) -> bytes:
    key = secret.encode() if isinstance(secret, str) else bytes(secret)
    if len(key) < MIN_SECRET_BYTES:
        raise IdentityError(f"the identity secret needs at least {MIN_SECRET_BYTES} bytes (XIAODIAN_IDENTITY_SECRET)")
    return key


def sign_identity(secret: bytes | str, buyer_id: str, now: Optional[float] = None) -> str:
    """A signed identity for ``buyer_id``, valid for LIFETIME_S seconds from ``now`` (default: the clock)."""
    issued = int(now if now is not None else time.time())
    claims = {"sub": buyer_id, "aud": AUDIENCE, "iss": ISSUER, "iat": issued, "exp": issued + LIFETIME_S}
    return jwt.encode(claims, _key(secret), algorithm=ALGORITHM)


def verified_buyer(secret: bytes | str, token: Any, now: Optional[float] = None) -> Optional[str]:
    """The buyer id a valid, unexpired identity token names, else None (never raises for a bad token)."""
    if not isinstance(token, str) or not token or len(token) > 2048:
        return None
    # With an explicit ``now`` (tests) the expiry is checked against it rather than the clock.
    options = {"require": ["sub", "exp", "aud", "iss"], "verify_exp": now is None}
    try:
        claims = jwt.decode(token, _key(secret), algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
                            options=options)
    except jwt.PyJWTError:
        return None
    if now is not None and not (isinstance(claims["exp"], (int, float)) and claims["exp"] >= now):
        return None
    buyer = claims.get("sub")
    return buyer if isinstance(buyer, str) and buyer else None


def buyer_from_metadata(secret: bytes | str, metadata: Any) -> Optional[str]:
    """The verified buyer of a message's metadata (``metadata.identity``), else None."""
    if not isinstance(metadata, Mapping):
        return None
    return verified_buyer(secret, metadata.get(METADATA_KEY))
