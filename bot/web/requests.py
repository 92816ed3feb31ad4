"""Request helpers shared by the handlers: JSON errors naming the field, body parsing, the Origin check."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from aiohttp import web

MAX_TEXT = 2000


def json_error(status: int, message: str, field: Optional[str] = None) -> web.Response:
    """``{"error": message, "field": field}`` with ``status``."""
    return web.json_response({"error": message, "field": field}, status=status)


class BadRequest(Exception):
    """The request body is wrong; becomes a 400 naming the field."""

    def __init__(self, message: str, field: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def response(self) -> web.Response:
        return json_error(400, self.message, self.field)


async def read_json(request: web.Request) -> Dict[str, Any]:
    """The body as a JSON object, or BadRequest."""
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadRequest("body must be JSON 请求内容必须是 JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object 请求内容必须是 JSON 对象")
    return body


def message_text(body: Dict[str, Any], field: str = "text") -> str:
    """A message's text, stripped: required, a string, 1..MAX_TEXT characters."""
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{field} is required 消息不能为空", field)
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise BadRequest(f"{field} is longer than {MAX_TEXT} characters 消息太长（最多{MAX_TEXT}字）", field)
    return value


def origin_allowed(request: web.Request) -> bool:
    """True unless a browser says the request comes from another site.

    Browsers always send Origin on WebSocket handshakes and cross-site POSTs; a page on another site
    must not open a buyer's socket or act with an agent's cookie. Clients without Origin are not
    browsers and still need the token or cookie.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin == f"{request.scheme}://{request.host}"
