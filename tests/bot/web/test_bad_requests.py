"""Every kind of malformed request gets a 4xx saying what is wrong, never a 500, and nothing is lost.

One test per class of bad input found by fuzzing the running service (the `fuzz` benchmark sends thousands
of them): other character sets, compressed bodies, JSON nested without end, lone surrogates, non-ASCII
credentials, wrong types, oversized bodies.
"""

from __future__ import annotations

import gzip
import json
import zlib

import pytest

from bot.web import keys
from tests.bot.web.conftest import TOKEN_HEADER, new_buyer, sign_in


async def _post_raw(client, path, data: bytes, content_type="application/json", **headers):
    return await client.post(path, data=data, headers={"Content-Type": content_type, **headers})


@pytest.fixture
async def buyer(client):
    return await new_buyer(client)


def _message(buyer, **fields) -> bytes:
    return json.dumps({"buyer_id": buyer["buyer_id"], "text": "在吗", **fields}).encode()


async def test_a_body_in_another_charset_is_415(client, buyer, fake_rasa):
    for charset in ("bogus-8", "gbk", "latin-1"):
        response = await _post_raw(client, "/api/buyer/messages", _message(buyer),
                                   f"application/json; charset={charset}", **{TOKEN_HEADER: buyer["token"]})
        assert response.status == 415, charset
        assert (await response.json())["field"] == "Content-Type"
    assert fake_rasa.received == []


async def test_a_body_that_is_not_utf8_is_400(client, buyer):
    response = await _post_raw(client, "/api/buyer/messages", "在吗".encode("gbk"), **{TOKEN_HEADER: buyer["token"]})
    assert response.status == 400


@pytest.mark.parametrize("encoding, compress", [("gzip", gzip.compress), ("deflate", zlib.compress)])
async def test_a_compressed_body_is_refused_before_it_is_inflated(client, buyer, encoding, compress):
    # 20 MB of spaces inside valid JSON, compressed to about 20 KB: never inflated, refused at once.
    bomb = compress(b'{"text": "' + b" " * 20_000_000 + b'"}')
    assert len(bomb) < 100_000
    response = await _post_raw(client, "/api/buyer/messages", bomb, **{"Content-Encoding": encoding,
                                                                       TOKEN_HEADER: buyer["token"]})
    assert response.status in (400, 413, 415)


async def test_json_nested_without_end_is_400(client, buyer):
    deep = b"[" * 50_000 + b"]" * 50_000
    response = await _post_raw(client, "/api/buyer/messages", deep, **{TOKEN_HEADER: buyer["token"]})
    assert response.status == 400 and "nested" in (await response.json())["error"]
    deep_object = b'{"text": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"}"
    response = await _post_raw(client, "/api/buyer/messages", deep_object, **{TOKEN_HEADER: buyer["token"]})
    assert response.status == 400


async def test_a_lone_surrogate_is_400_and_the_chat_is_untouched(client, buyer, fake_rasa):
    body = ('{"buyer_id": "%s", "text": "\\ud800 在吗"}' % buyer["buyer_id"]).encode()
    response = await _post_raw(client, "/api/buyer/messages", body, **{TOKEN_HEADER: buyer["token"]})
    assert response.status == 400 and (await response.json())["field"] == "text"
    assert fake_rasa.received == []
    # The service still works for this buyer afterwards, and nothing half-written remains.
    assert client.app[keys.chat_log_key].lines(buyer["buyer_id"]) == []


@pytest.mark.parametrize("header", ["Bearer ñ", "Bearer 令牌", "Basic \udcff", "Bearer " + "x" * 8000])
async def test_non_ascii_or_huge_credentials_are_401(client, header):
    response = await client.get("/api/tickets", headers={"Authorization": header.encode(
        "utf-8", "surrogateescape").decode("latin-1")})
    assert response.status == 401


@pytest.mark.parametrize("token", ["ñandú", "令牌.签名", "\udcff.x"])
async def test_non_ascii_buyer_tokens_are_401(client, buyer, token):
    raw = token.encode("utf-8", "surrogateescape").decode("latin-1")
    response = await _post_raw(client, "/api/buyer/messages", _message(buyer), **{TOKEN_HEADER: raw})
    assert response.status == 401


async def test_a_forged_session_cookie_of_any_shape_is_401(client):
    for cookie in ("x", "a.b.c", "ñ.ñ", "." * 3000, "eyJhZ2VudCI6ImFsaWNlIn0.AAAA"):
        response = await client.get("/api/tickets", headers={"Cookie": f"xiaodian_session={cookie}"})
        assert response.status == 401


@pytest.mark.parametrize("body", [b"", b"null", b"[]", b'"text"', b"{", b'{"text": 1e999}', b"\xff\xfe"])
async def test_bodies_that_are_not_a_message_are_4xx(client, buyer, body):
    response = await _post_raw(client, "/api/buyer/messages", body, **{TOKEN_HEADER: buyer["token"]})
    assert 400 <= response.status < 500


async def test_an_oversized_body_is_413(client, buyer):
    response = await _post_raw(client, "/api/buyer/messages", b'{"text": "' + b"a" * 2_000_000 + b'"}',
                               **{TOKEN_HEADER: buyer["token"]})
    assert response.status == 413


async def test_agent_writes_with_bad_bodies_are_4xx(client):
    agent = await sign_in(client, "alice")
    for path in ("/api/tickets/t-1/reply", "/api/tickets/t-1/note", "/api/tickets/t-1/resolve",
                 "/api/tickets/t-1/claim"):
        for body in (b"[" * 10_000, b"\xff", b'{"text": "\\ud800"}'):
            response = await client.post(path, data=body, headers={**agent, "Content-Type": "application/json"})
            assert 400 <= response.status < 500, (path, body[:10], response.status)


async def test_a_login_form_in_a_bogus_charset_is_refused_plainly(client):
    response = await client.post("/console/login", data=b"name=alice&password=x",
                                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=bogus-8"},
                                 allow_redirects=False)
    assert response.status == 401
