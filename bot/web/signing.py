"""HMAC signing for agents' session cookies and buyers' history tokens (aiohttp has no sessions built in)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Optional


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs values with one secret; each use has its own purpose so a token for one is useless for another.

    Args:
        secret: the app's secret (Settings.secret).
    """

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, purpose: str, value: str) -> str:
        return _b64(hmac.new(self._secret, f"{purpose}\n{value}".encode(), hashlib.sha256).digest())

    def buyer_token(self, buyer_id: str) -> str:
        """The token that lets a widget read and write buyer ``buyer_id``'s chat."""
        return self._mac("buyer", buyer_id)

    def check_buyer_token(self, buyer_id: str, token: str) -> bool:
        return hmac.compare_digest(self.buyer_token(buyer_id), token or "")

    def session_cookie(self, agent: str, max_age: int, now: Optional[float] = None) -> str:
        """A signed cookie value naming ``agent``, valid for ``max_age`` seconds."""
        expires = int((now if now is not None else time.time()) + max_age)
        body = _b64(json.dumps({"agent": agent, "exp": expires}).encode())
        return f"{body}.{self._mac('session', body)}"

    def agent_from_cookie(self, value: Optional[str], now: Optional[float] = None) -> Optional[str]:
        """The agent named by a valid, unexpired session cookie, else None."""
        if not value or "." not in value:
            return None
        body, mac = value.rsplit(".", 1)
        if not hmac.compare_digest(self._mac("session", body), mac):
            return None
        try:
            data = json.loads(_unb64(body))
        except ValueError:
            return None
        if data.get("exp", 0) < (now if now is not None else time.time()):
            return None
        agent = data.get("agent")
        return agent if isinstance(agent, str) else None
