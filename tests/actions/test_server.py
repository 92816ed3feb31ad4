"""The action server answers only Rasa: every route wants the token Rasa sends, and it never starts open."""

from __future__ import annotations

import aiohttp
import pytest

from actions.server import TOKEN_ENV, authorized, build_app, token_from_env
from tests.sanic_serving import serving

TOKEN = b"rasa-to-actions-token-0123456789abcdef"
MADE_UP_CALL = {"next_action": "action_answer_order_question", "sender_id": "anyone", "version": "3.6.21",
                "tracker": {"sender_id": "anyone", "slots": {}, "latest_message": {"text": "我的快递到哪了",
                            "metadata": {"buyer_id": "demo-buyer"}}, "events": []}, "domain": {}}


@pytest.mark.parametrize("header", [None, "", "Bearer wrong", "Bearer " + TOKEN.decode() + "x", TOKEN.decode(),
                                    "Bearer ñ", "Basic " + TOKEN.decode()])
def test_only_the_exact_bearer_token_is_authorized(header):
    assert authorized(TOKEN, header) is False


def test_the_right_token_is_authorized():
    assert authorized(TOKEN, "Bearer " + TOKEN.decode()) is True


async def test_without_the_token_no_route_answers_and_no_action_runs():
    async with serving(build_app(TOKEN)) as url, aiohttp.ClientSession() as http:
        for method, path, body in (("GET", "/health", None), ("GET", "/actions", None),
                                   ("POST", "/webhook", MADE_UP_CALL)):
            async with http.request(method, url + path, json=body) as response:
                assert response.status == 401, path
                assert "events" not in await response.text()
        headers = {"Authorization": "Bearer " + TOKEN.decode()}
        async with http.get(url + "/health", headers=headers) as response:
            assert response.status == 200
        async with http.get(url + "/actions", headers=headers) as response:
            assert {"name": "action_answer_order_question"} in await response.json()


def test_it_refuses_to_start_without_a_token(monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(SystemExit, match=TOKEN_ENV):
        token_from_env()
    monkeypatch.setenv(TOKEN_ENV, "short")
    with pytest.raises(SystemExit):
        token_from_env()
