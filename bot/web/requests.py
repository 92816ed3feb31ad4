"""Request helpers shared by the handlers: JSON errors naming the field, body parsing, the Origin check.

Every malformed request gets a 4xx with a message saying what is wrong, never a 500: a body in
another character set or compression, JSON nested without end, a lone surrogate in the text.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from aiohttp import web

MAX_TEXT = 2000
#: Bodies are JSON objects a few levels deep; deeper nesting is refused before it reaches the parser.
MAX_NESTING = 32


def json_error(status: int, message: str, field: Optional[str] = None,
               headers: Optional[Dict[str, str]] = None) -> web.Response:
    """``{"error": message, "field": field}`` with ``status``."""
    return web.json_response({"error": message, "field": field}, status=status, headers=headers)


class BadRequest(Exception):
    """The request is wrong; becomes a 4xx (400 unless said otherwise) naming the field."""

    def __init__(self, message: str, field: Optional[str] = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status

    def response(self) -> web.Response:
        return json_error(self.status, self.message, self.field)


def _nesting(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings (a cheap scan, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


async def read_json(request: web.Request) -> Dict[str, Any]:
    """The body as a JSON object in UTF-8, or BadRequest saying what is wrong with it."""
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        # Compressed bodies are refused before anything is inflated (the server does not unzip them).
        raise BadRequest(f"Content-Encoding {encoding!r} is not accepted; send the JSON uncompressed", "Content-Encoding",
                         status=415)
    charset = (request.charset or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise BadRequest(f"charset {charset!r} is not accepted; send UTF-8 请用 UTF-8 编码", "Content-Type", status=415)
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise BadRequest("the body is too large 请求内容太大", "body", status=413) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the body is not valid UTF-8 请求内容不是 UTF-8", "body") from None
    if _nesting(text) > MAX_NESTING:
        raise BadRequest(f"JSON nested deeper than {MAX_NESTING} levels 请求内容层级太深", "body")
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        raise BadRequest("body must be JSON 请求内容必须是 JSON", "body") from None
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object 请求内容必须是 JSON 对象", "body")
    return body


def checked_text(value: Any, field: str, max_length: int) -> str:
    """A string field that can be stored and sent on (no lone surrogate), at most ``max_length`` long."""
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be a string", field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(f"{field} has a character that is not text (a lone surrogate) 消息里有无效字符", field) from None
    if len(value) > max_length:
        raise BadRequest(f"{field} is longer than {max_length} characters 内容太长（最多{max_length}字）", field)
    return value


def message_text(body: Dict[str, Any], field: str = "text") -> str:
    """A message's text, stripped: required, a string, 1..MAX_TEXT characters of real text."""
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{field} is required 消息不能为空", field)
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise BadRequest(f"{field} is longer than {MAX_TEXT} characters 消息太长（最多{MAX_TEXT}字）", field)
    return checked_text(value, field, MAX_TEXT)


def client_address(request: web.Request, trust_proxy: bool = False) -> str:
    """Who is asking: the peer's address, or behind a trusted proxy the address it saw (the last one it added)."""
    if trust_proxy:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1][:64]
    return request.remote or "unknown"


def origin_allowed(request: web.Request, public_url: Optional[str] = None) -> bool:
    """True unless a browser says the request comes from another site.

    Browsers always send Origin on WebSocket handshakes and cross-site POSTs; a page on another site
    must not open a buyer's socket or act with an agent's cookie. Clients without Origin are not
    browsers and still need the token or cookie. Behind a TLS proxy, the public address counts too.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin == f"{request.scheme}://{request.host}" or (public_url is not None and origin == public_url)
