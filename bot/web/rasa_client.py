"""The one module that talks to Rasa: the REST webhook and the tracker HTTP API."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import aiohttp


class RasaUnavailable(Exception):
    """Rasa could not be reached, timed out or answered with an error."""


class RasaClient:
    """Async client for one Rasa server (started with ``--enable-api``).

    Args:
        session: the app's shared client session (opened and closed by the app's cleanup_ctx).
        base_url: e.g. ``http://127.0.0.1:5005``.
        timeout: seconds for each call.
    """

    def __init__(self, session: aiohttp.ClientSession, base_url: str, timeout: float = 20.0) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def _call(self, method: str, path: str, payload: Optional[dict] = None) -> Any:
        url = self._base + path
        try:
            async with self._session.request(method, url, json=payload, timeout=self._timeout) as response:
                if response.status >= 400:
                    body = (await response.text())[:200]
                    raise RasaUnavailable(f"Rasa answered {response.status} to {method} {path}: {body}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            message = f"Rasa at {self._base} is unavailable ({method} {path}): {error!r}"
            raise RasaUnavailable(message) from error

    async def send(self, conversation_id: str, text: str, metadata: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Send a buyer's message through the REST channel and return the bot's replies.

        Returns:
            Rasa's reply dicts (``text``, ``buttons``, ``image``...), in order.

        Raises:
            RasaUnavailable: Rasa is down, timed out or failed.
        """
        payload = {"sender": conversation_id, "message": text, "metadata": metadata}
        replies = await self._call("POST", "/webhooks/rest/webhook", payload)
        return replies if isinstance(replies, list) else []

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        """The conversation's tracker (slots, events...).

        Raises:
            RasaUnavailable: Rasa is down, timed out or failed.
        """
        return await self._call("GET", f"/conversations/{quote(conversation_id, safe='')}/tracker")

    async def append_event(self, conversation_id: str, event: Dict[str, Any]) -> None:
        """Append one event (e.g. a ``slot`` or ``bot`` event) to the conversation's tracker.

        Raises:
            RasaUnavailable: Rasa is down, timed out or failed.
        """
        path = f"/conversations/{quote(conversation_id, safe='')}/tracker/events?include_events=NONE"
        await self._call("POST", path, event)
