"""A client of the buyer API, speaking to the web service as the shop page's widget does.

Used by ``make chat``, the live tests and anyone scripting a buyer: it starts a session, keeps the
buyer's id and (renewed) token, sends each message with its own idempotency key (a retry of one call
reuses it) and clicks buttons by their payload.
"""

from __future__ import annotations

import secrets
from typing import Any, Dict, List, Optional

import requests

SESSION_PATH = "/api/buyer/session"
MESSAGES_PATH = "/api/buyer/messages"
HISTORY_PATH = "/api/buyer/history"
TOKEN_HEADER = "X-Buyer-Token"


class BuyerApiError(RuntimeError):
    """The web service refused a call; ``status`` and ``body`` say why."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


class BuyerClient:
    """One buyer of the shop page.

    Args:
        web_url: the web service, e.g. ``http://127.0.0.1:8080``.
        product: the product page the buyer is on (catalogue id), if any.
        timeout: seconds per call.
    """

    def __init__(self, web_url: str, product: Optional[str] = None, timeout: float = 60.0) -> None:
        self.web_url = web_url.rstrip("/")
        self.product = product
        self.timeout = timeout
        self.http = requests.Session()
        self.buyer_id: Optional[str] = None
        self.token: Optional[str] = None
        self.last: Dict[str, Any] = {}

    def _check(self, response: requests.Response, ok: int = 200) -> Dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.status_code != ok:
            raise BuyerApiError(response.status_code, body)
        return body

    def start(self) -> str:
        """Starts the chat (a new buyer id and token); returns the buyer id."""
        body = self._check(self.http.post(self.web_url + SESSION_PATH, json={}, timeout=self.timeout), ok=201)
        self.buyer_id, self.token = body["buyer_id"], body["token"]
        return self.buyer_id

    def send(self, text: str, *, payload: Optional[str] = None, key: Optional[str] = None,
             product: Optional[str] = None) -> Dict[str, Any]:
        """One message (or a button click: ``payload`` with the button's title as ``text``); the answer."""
        if self.buyer_id is None:
            self.start()
        body: Dict[str, Any] = {"buyer_id": self.buyer_id, "text": text,
                                "client_message_id": key or secrets.token_hex(16)}
        if payload is not None:
            body["payload"] = payload
        if product or self.product:
            body["product"] = product or self.product
        response = self.http.post(self.web_url + MESSAGES_PATH, json=body, headers={TOKEN_HEADER: self.token or ""},
                                  timeout=self.timeout)
        answer = self._check(response)
        self.token = answer.get("token") or self.token
        self.last = answer
        return answer

    def texts(self, text: str, **kwargs: Any) -> List[str]:
        """The text of each reply to one message."""
        return [reply["text"] for reply in self.send(text, **kwargs)["replies"]]

    def buttons(self) -> List[Dict[str, str]]:
        """The buttons of the last answer."""
        return [button for reply in self.last.get("replies", []) for button in reply.get("buttons", [])]

    def click(self, title_part: str) -> Dict[str, Any]:
        """Clicks the first button of the last answer whose title contains ``title_part``."""
        for button in self.buttons():
            if title_part in button["title"]:
                return self.send(button["title"], payload=button["payload"])
        raise LookupError(f"no button with {title_part!r} in {[b['title'] for b in self.buttons()]}")

    def history(self) -> List[Dict[str, Any]]:
        """Every line the buyer sent and was shown, oldest first."""
        response = self.http.get(self.web_url + HISTORY_PATH, params={"buyer_id": self.buyer_id},
                                 headers={TOKEN_HEADER: self.token or ""}, timeout=self.timeout)
        return self._check(response)["messages"]
