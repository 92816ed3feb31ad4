"""The one module that talks to Rasa: the shop page channel and the tracker HTTP API, on one or more instances.

Every call carries ``Authorization: Bearer <JWT>`` (bot.rasa_auth), minted here from the secret the
web service shares with Rasa and renewed before it expires; nothing secret goes into a URL.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List, Optional, Sequence, Union
from urllib.parse import quote, urlsplit

import aiohttp

from bot import rasa_auth

#: The shop page channel's webhook (bot.rasa_channel.ShopPageInput).
WEBHOOK_PATH = "/webhooks/shop_page/webhook"


class RasaUnavailable(Exception):
    """Rasa could not be reached, timed out or answered with an error.

    Attributes:
        maybe_handled: the request reached Rasa, which may have handled it (a timeout, a 5xx): check the
            tracker before sending it again. False when nothing was taken (refused connection, 4xx).
    """

    def __init__(self, message: str, maybe_handled: bool = False) -> None:
        super().__init__(message)
        self.maybe_handled = maybe_handled


def parse_rasa_urls(value: Union[str, Sequence[str]]) -> List[str]:
    """The Rasa instances named by ``XIAODIAN_RASA_URL``: one URL or a comma-separated list.

    Args:
        value: e.g. ``http://127.0.0.1:5005,http://127.0.0.1:5006`` (or a sequence of URLs).

    Returns:
        The URLs without trailing slashes, in the order given.

    Raises:
        ValueError: no URL, or one that is not ``http(s)://host[:port]``.
    """
    parts = value.split(",") if isinstance(value, str) else list(value)
    urls = [part.strip().rstrip("/") for part in parts if part.strip()]
    if not urls:
        raise ValueError("no Rasa URL given (e.g. http://127.0.0.1:5005)")
    for url in urls:
        split = urlsplit(url)
        if split.scheme not in ("http", "https") or not split.hostname:
            raise ValueError(f"not a Rasa URL: {url!r} (expected http://host:port)")
    return urls


class RasaClient:
    """Async client for one Rasa server, or several sharing one tracker store and lock store.

    With several instances each call goes to the next one in turn, whoever the buyer is: the shared
    tracker store and lock store (not this client) keep one conversation's turns in order. A call that
    cannot connect (instance down) is tried on the next instance; one that timed out or failed after
    being sent is not, since Rasa may have handled the message.

    Args:
        session: the app's shared client session (opened and closed by the app's cleanup_ctx).
        base_url: e.g. ``http://127.0.0.1:5005``, or a comma-separated list (or sequence) of such URLs.
        secret: the JWT secret shared with Rasa (``XIAODIAN_RASA_JWT_SECRET``).
        timeout: seconds for each call.
    """

    def __init__(
        self, session: aiohttp.ClientSession, base_url: Union[str, Sequence[str]], secret: bytes,
        timeout: float = 20.0,
    ) -> None:
        self._session = session
        self._bases = parse_rasa_urls(base_url)
        self._turn = 0
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._secret = secret
        self._token = ""
        self._token_made = 0.0

    def _headers(self) -> Dict[str, str]:
        # A fresh token well before the old one expires; minting one per call would cost a signature each.
        now = time.time()
        if not self._token or now - self._token_made > rasa_auth.LIFETIME_S / 3:
            self._token, self._token_made = rasa_auth.api_token(self._secret, now), now
        return {"Authorization": f"Bearer {self._token}"}

    @property
    def base_urls(self) -> List[str]:
        """The Rasa instances, in round-robin order."""
        return list(self._bases)

    def _rotation(self) -> List[str]:
        # One event loop, no await in here: the turn needs no lock.
        start = self._turn % len(self._bases)
        self._turn += 1
        return self._bases[start:] + self._bases[:start]

    async def _call_one(self, base: str, method: str, path: str, payload: Optional[dict]) -> Any:
        request = self._session.request(method, base + path, json=payload, timeout=self._timeout,
                                        headers=self._headers())
        async with request as response:
            if response.status >= 400:
                body = (await response.text())[:200]
                raise RasaUnavailable(f"Rasa at {base} answered {response.status} to {method} {path}: {body}",
                                      maybe_handled=response.status >= 500)
            return await response.json(content_type=None)

    async def _call(self, method: str, path: str, payload: Optional[dict] = None) -> Any:
        refused: List[str] = []
        for base in self._rotation():
            try:
                return await self._call_one(base, method, path, payload)
            except aiohttp.ClientConnectorError as error:
                # Nothing was sent: safe to hand the same call to the next instance.
                refused.append(f"{base}: {error.os_error!r}")
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                message = f"Rasa at {base} is unavailable ({method} {path}): {error!r}"
                raise RasaUnavailable(message, maybe_handled=True) from error
        raise RasaUnavailable(f"no Rasa instance could be reached ({method} {path}): {'; '.join(refused)}")

    async def send(
        self, conversation_id: str, text: str, metadata: Dict[str, Any], message_id: Optional[str] = None
    ) -> List[Dict[str, Any]]:
        """Send a buyer's message through the shop page channel and return the bot's replies.

        Args:
            message_id: the message's idempotency key; the tracker's user event keeps it, so after a crash
                ``handled`` can tell whether Rasa already took the message.

        Returns:
            Rasa's reply dicts (``text``, ``buttons``, ``custom``...), in order.

        Raises:
            RasaUnavailable: no instance could be reached, or the one reached timed out or failed.
        """
        payload: Dict[str, Any] = {"sender": conversation_id, "message": text, "metadata": metadata}
        if message_id:
            payload["message_id"] = message_id
        replies = await self._call("POST", WEBHOOK_PATH, payload)
        return replies if isinstance(replies, list) else []

    async def healthy(self) -> bool:
        """True when every instance answers ``/status`` with a loaded model."""
        for base in self._bases:
            try:
                status = await self._call_one(base, "GET", "/status", None)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, RasaUnavailable):
                return False
            if not isinstance(status, dict) or not status.get("model_id"):
                return False
        return True

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        """The conversation's tracker (slots, events...).

        Raises:
            RasaUnavailable: no instance could be reached, or the one reached timed out or failed.
        """
        return await self._call("GET", f"/conversations/{quote(conversation_id, safe='')}/tracker")

    async def append_event(self, conversation_id: str, event: Dict[str, Any]) -> None:
        """Append one event (e.g. a ``slot`` or ``bot`` event) to the conversation's tracker.

        Raises:
            RasaUnavailable: no instance could be reached, or the one reached timed out or failed.
        """
        path = f"/conversations/{quote(conversation_id, safe='')}/tracker/events?include_events=NONE"
        await self._call("POST", path, event)
