"""The one module that talks to Rasa: the REST webhook and the tracker HTTP API, on one or more instances."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Sequence, Union
from urllib.parse import quote, urlsplit

import aiohttp


class RasaUnavailable(Exception):
    """Rasa could not be reached, timed out or answered with an error."""


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
        timeout: seconds for each call.
    """

    def __init__(
        self, session: aiohttp.ClientSession, base_url: Union[str, Sequence[str]], timeout: float = 20.0
    ) -> None:
        self._session = session
        self._bases = parse_rasa_urls(base_url)
        self._turn = 0
        self._timeout = aiohttp.ClientTimeout(total=timeout)

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
        request = self._session.request(method, base + path, json=payload, timeout=self._timeout)
        async with request as response:
            if response.status >= 400:
                body = (await response.text())[:200]
                raise RasaUnavailable(f"Rasa at {base} answered {response.status} to {method} {path}: {body}")
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
                raise RasaUnavailable(message) from error
        raise RasaUnavailable(f"no Rasa instance could be reached ({method} {path}): {'; '.join(refused)}")

    async def send(self, conversation_id: str, text: str, metadata: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Send a buyer's message through the REST channel and return the bot's replies.

        Returns:
            Rasa's reply dicts (``text``, ``buttons``, ``image``...), in order.

        Raises:
            RasaUnavailable: no instance could be reached, or the one reached timed out or failed.
        """
        payload = {"sender": conversation_id, "message": text, "metadata": metadata}
        replies = await self._call("POST", "/webhooks/rest/webhook", payload)
        return replies if isinstance(replies, list) else []

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
