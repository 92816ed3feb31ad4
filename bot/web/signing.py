"""HMAC signing for agents' session cookies and buyers' tokens (aiohttp has no sessions built in).

Both expire, and both are compared as bytes in constant time, so any header text (non-ASCII included)
is simply a wrong token. A session cookie also names its session, which the agent-session store can
revoke (sign-out), so a copied cookie is useless once its agent has signed out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, Dict, Optional, Tuple

#: Longer than any token this module makes; anything longer is not even looked at.
MAX_SIGNED = 1024


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii"))


class Signer:
    """Signs values with one secret; each use has its own purpose so a token for one is useless for another.

    Args:
        secret: the app's secret (Settings.secret).
    """

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, purpose: str, value: str) -> str:
        data = f"{purpose}\n{value}".encode("utf-8", "surrogatepass")  # any text, even a lone surrogate
        return _b64(hmac.new(self._secret, data, hashlib.sha256).digest())

    def _sign(self, purpose: str, claims: Dict[str, Any]) -> str:
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{self._mac(purpose, body)}"

    def _open(self, purpose: str, value: Any, now: Optional[float]) -> Optional[Dict[str, Any]]:
        """The claims of a value signed for ``purpose``, if the signature holds and it has not expired."""
        if not isinstance(value, str) or "." not in value or len(value) > MAX_SIGNED:
            return None
        body, mac = value.rsplit(".", 1)
        expected = self._mac(purpose, body).encode()
        if not hmac.compare_digest(expected, mac.encode("utf-8", "surrogateescape")):
            return None
        try:
            data = json.loads(_unb64(body))
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict):
            return None
        expires = data.get("exp")
        if not isinstance(expires, (int, float)) or expires < (now if now is not None else time.time()):
            return None
        return data

    def buyer_token(self, buyer_id: str, max_age: int, now: Optional[float] = None) -> str:
        """The token that lets a widget read and write buyer ``buyer_id``'s chat for ``max_age`` seconds."""
        expires = int((now if now is not None else time.time()) + max_age)
        return self._sign("buyer", {"b": buyer_id, "exp": expires})

    def check_buyer_token(self, buyer_id: str, token: Any, now: Optional[float] = None) -> bool:
        """True for an unexpired token made for ``buyer_id``."""
        claims = self._open("buyer", token, now)
        return claims is not None and claims.get("b") == buyer_id

    def session_cookie(self, agent: str, session_id: str, max_age: int, now: Optional[float] = None) -> str:
        """A signed cookie value naming ``agent`` and its session, valid for ``max_age`` seconds."""
        expires = int((now if now is not None else time.time()) + max_age)
        return self._sign("session", {"agent": agent, "sid": session_id, "exp": expires})

    def session_from_cookie(self, value: Any, now: Optional[float] = None) -> Optional[Tuple[str, str]]:
        """(agent, session id) of a valid, unexpired session cookie, else None."""
        claims = self._open("session", value, now)
        if claims is None:
            return None
        agent, session_id = claims.get("agent"), claims.get("sid")
        if not isinstance(agent, str) or not isinstance(session_id, str):
            return None
        return agent, session_id
