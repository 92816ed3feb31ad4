"""Fuzz the running web service: thousands of malformed requests of every kind seen in the attack tests, and
a count of the answers by status; any 5xx is listed with the request that caused it.

The requests are generated from a fixed seed (the same run every time): random JSON of random types for
every field, bodies in other character sets, compressed, nested without end, with lone surrogates, huge;
credentials that are missing, forged, non-ASCII or huge; every route with the wrong method; the sign-in
form with junk. A few valid buyers are made first, so the requests also hit the checks behind the token.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import zlib
from collections import Counter
from typing import Any, Dict, List, Tuple

import aiohttp

from bench.processes import MODEL, BenchStack
from bot.web.buyer_client import TOKEN_HEADER

ROUTES = ["/api/buyer/session", "/api/buyer/messages", "/api/buyer/history", "/api/tickets", "/api/tickets/t-1",
          "/api/tickets/t-1/claim", "/api/tickets/t-1/reply", "/api/tickets/t-1/note", "/api/tickets/t-1/resolve",
          "/console/login", "/console/logout", "/api/inbox/next", "/api/inbox/r1/label", "/api/inbox/r1/undo",
          "/ws/buyer", "/ws/console", "/", "/product/hd-fleece-01", "/static/shop.js", "/static/../../etc/passwd"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
WEIRD_TEXT = ["", " ", "\ud800", "\udfff在吗", "a" * 3000, "在吗" * 1200, "<script>alert(1)</script>", "'; DROP TABLE x;--",
              "😀" * 50, "\x00\x01", "/restart", '/inform{"amount":1e999}', "\u202e反转", "%00", "../../etc/passwd"]


def _value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return rng.choice(WEIRD_TEXT)
    if kind == 1:
        return rng.choice([0, -1, 1e308, 2**70, 3.5])
    if kind == 2:
        return rng.choice([True, False, None])
    if kind == 3:
        return "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(0, 40)))
    if kind == 4:
        return f"b-{rng.getrandbits(128):032x}"
    if kind == 5:
        return "x" * rng.choice([1, 64, 5000])
    if kind == 6:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))]
    return {rng.choice(["text", "buyer_id", "payload", "product", "client_message_id", "outcome", "label"]):
            _value(rng, depth + 1) for _ in range(rng.randrange(0, 5))}


def _body(rng: random.Random, buyers: List[Dict[str, str]]) -> Tuple[bytes, Dict[str, str]]:
    headers: Dict[str, str] = {"Content-Type": "application/json"}
    kind = rng.randrange(10)
    if kind == 0:
        raw = b"[" * rng.choice([100, 5000, 50_000]) + b"]" * 10
    elif kind == 1:
        raw = json.dumps({"text": rng.choice(WEIRD_TEXT)}).encode()
        headers["Content-Encoding"] = rng.choice(["gzip", "deflate", "br", "x-bomb"])
        raw = gzip.compress(raw) if headers["Content-Encoding"] == "gzip" else zlib.compress(raw)
    elif kind == 2:
        headers["Content-Type"] = f"application/json; charset={rng.choice(['bogus-8', 'gbk', 'utf-16', ''])}"
        raw = json.dumps({"text": "在吗"}, ensure_ascii=False).encode(rng.choice(["utf-8", "gbk", "utf-16"]))
    elif kind == 3:
        raw = bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 200)))
    elif kind == 4:
        raw = b'{"text": "' + b"a" * rng.choice([10, 1_100_000]) + b'"}'
    elif kind == 5:
        headers["Content-Type"] = rng.choice(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"])
        raw = b"name=" + bytes(rng.getrandbits(8) for _ in range(20)) + b"&password=x"
    else:
        body = _value(rng)
        if isinstance(body, dict) and buyers and rng.random() < 0.6:
            buyer = rng.choice(buyers)
            body.setdefault("buyer_id", buyer["buyer_id"])
            if rng.random() < 0.7:
                headers[TOKEN_HEADER] = buyer["token"]
        raw = json.dumps(body).encode()  # ensure_ascii: lone surrogates travel as \\ud800
    return raw, headers


def _credentials(rng: random.Random, headers: Dict[str, str]) -> None:
    choice = rng.randrange(6)
    junk = rng.choice(["ñ", "令牌", "\udcff", "x" * 9000, "a.b", "", "Bearer", "Bearer " + "é" * 30])
    text = junk.encode("utf-8", "surrogateescape").decode("latin-1")
    if choice == 0:
        headers["Authorization"] = text
    elif choice == 1:
        headers[TOKEN_HEADER] = text
    elif choice == 2:
        headers["Cookie"] = f"xiaodian_session={text}"
    elif choice == 3:
        headers["Origin"] = rng.choice(["http://evil.example", "null", text])


async def _fire(session: aiohttp.ClientSession, base: str, rng: random.Random, buyers: List[Dict[str, str]],
                statuses: Counter, server_errors: List[str]) -> None:
    method, path = rng.choice(METHODS), rng.choice(ROUTES)
    if rng.random() < 0.5:
        method = "POST"
    raw, headers = _body(rng, buyers)
    _credentials(rng, headers)
    query = rng.choice(["", "?buyer_id=" + rng.choice(buyers)["buyer_id"] if buyers else "", "?token=x", "?a=%ff%fe",
                        "?buyer_id=" + "ñ" * 10])
    try:
        async with session.request(method, base + path + query, data=raw, headers=headers,
                                   skip_auto_headers=["Content-Type"]) as response:
            await response.read()
            statuses[response.status // 100 * 100] += 1
            if response.status >= 500:
                server_errors.append(f"{response.status} {method} {path}{query} {headers} {raw[:80]!r}")
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, UnicodeError) as error:
        statuses[f"client: {type(error).__name__}"] += 1


def measure(requests_count: int = 10_000, seed: int = 12, model=MODEL) -> Dict[str, Any]:
    """Fires ``requests_count`` requests at a fresh stack; the status counts and every 5xx."""
    statuses: Counter = Counter()
    server_errors: List[str] = []
    with BenchStack(model=model) as stack:
        stack.wait_ready()

        async def run() -> None:
            rng = random.Random(seed)
            timeout = aiohttp.ClientTimeout(total=60)
            async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=20)) as session:
                buyers = []
                for _ in range(5):
                    async with session.post(stack.web_url + "/api/buyer/session", json={}) as response:
                        buyers.append(await response.json())
                gate = asyncio.Semaphore(20)

                async def one() -> None:
                    async with gate:
                        await _fire(session, stack.web_url, rng, buyers, statuses, server_errors)

                await asyncio.gather(*(one() for _ in range(requests_count)))

        asyncio.run(run())
        alive = stack.service("web").running
    return {"requests": requests_count, "seed": seed, "statuses": {str(k): v for k, v in statuses.items()},
            "server_errors": len(server_errors), "examples": server_errors[:20], "web_alive_after": alive}


HEADER = ["requests", "2xx", "3xx", "4xx", "5xx", "client-side errors", "web service alive after"]


def rows(result: Dict[str, Any]) -> List[List[Any]]:
    statuses = result["statuses"]
    client = sum(v for k, v in statuses.items() if k.startswith("client"))
    return [[result["requests"], statuses.get("200", 0), statuses.get("300", 0), statuses.get("400", 0),
             statuses.get("500", 0), client, "yes" if result["web_alive_after"] else "NO"]]
