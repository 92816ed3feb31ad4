"""The shop page's channel into Rasa: Rasa's REST webhook, but only for callers holding the web service's token.

Rasa protects its HTTP API with ``--jwt-secret`` but never its channels: with the stock ``rest`` channel
anyone on the machine could post as any buyer (``sender``) and write into that buyer's conversation. This
channel is the same REST webhook (``POST /webhooks/shop_page/webhook``, body ``{sender, message,
metadata?, message_id?}``, answer: the bot's messages) behind ``Authorization: Bearer <JWT>`` (see
bot.rasa_auth). The web service, the buyer's only way in, is its one caller.

``message_id`` is the web service's idempotency key for the buyer's message: it becomes the tracker
event's ``message_id``, so after a crash the web service can tell whether Rasa already handled it.

credentials.yml::

    bot.rasa_channel.ShopPageInput:
"""

from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_auth

logger = logging.getLogger(__name__)

MAX_SENDER = 128
#: Far above what the web service lets through (2,000); MessageGuard cuts what the model sees anyway.
MAX_MESSAGE = 20_000
MAX_MESSAGE_ID = 128


def _error(status: int, message: str, field: Optional[str] = None) -> HTTPResponse:
    return response.json({"error": message, "field": field}, status=status)


class ShopPageInput(InputChannel):
    """Authenticated REST webhook for the web service.

    Args:
        secret: the JWT secret shared with the web service (``XIAODIAN_RASA_JWT_SECRET``).
    """

    @classmethod
    def name(cls) -> Text:
        return "shop_page"

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "ShopPageInput":
        # Raises at start-up when the secret is missing: the channel never runs open.
        return cls(rasa_auth.secret_from_env(os.environ))

    def _parse(self, request: Request) -> Dict[str, Any]:
        try:
            body = request.json
        except Exception:  # noqa: BLE001 - Sanic raises its own error types for bad JSON
            raise ValueError("body must be JSON", "body") from None
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object", "body")
        sender, text = body.get("sender"), body.get("message")
        metadata, message_id = body.get("metadata"), body.get("message_id")
        if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER:
            raise ValueError(f"sender must be a string of 1-{MAX_SENDER} characters", "sender")
        if not isinstance(text, str) or len(text) > MAX_MESSAGE:
            raise ValueError(f"message must be a string of at most {MAX_MESSAGE} characters", "message")
        if metadata is not None and not isinstance(metadata, dict):
            raise ValueError("metadata must be a JSON object", "metadata")
        if message_id is not None and (not isinstance(message_id, str) or not 0 < len(message_id) <= MAX_MESSAGE_ID):
            raise ValueError(f"message_id must be a string of 1-{MAX_MESSAGE_ID} characters", "message_id")
        return {"sender": sender, "text": text, "metadata": metadata or {}, "message_id": message_id}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("shop_page_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            if not rasa_auth.bearer_is_valid(self._secret, request.headers.get("Authorization")):
                return _error(401, "Authorization: Bearer <token> required", "Authorization")
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not rasa_auth.bearer_is_valid(self._secret, request.headers.get("Authorization")):
                return _error(401, "Authorization: Bearer <token> required", "Authorization")
            try:
                parsed = self._parse(request)
            except ValueError as error:
                message, field = error.args
                return _error(400, message, field)
            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage(
                    parsed["text"], collector, parsed["sender"], input_channel=self.name(),
                    metadata=parsed["metadata"], message_id=parsed["message_id"],
                )
            )
            return response.json(collector.messages)

        return webhook
