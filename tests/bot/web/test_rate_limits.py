"""Rate limits: per buyer and per address on messages, per address on new buyers, read from settings."""

from __future__ import annotations

import pytest

from bot.web.rate_limits import RateLimiter, parse_limits
from bot.web.settings import settings_from_env
from tests.bot.web.conftest import SERVICE_ENV, TEST_LIMITS, TOKEN_HEADER, buyer_says, new_buyer


async def _say(client, buyer, text="在吗"):
    return await client.post("/api/buyer/messages", json={"buyer_id": buyer["buyer_id"], "text": text},
                             headers={TOKEN_HEADER: buyer["token"]})


async def test_one_buyer_sending_too_fast_is_told_to_wait(make_client, fake_rasa):
    client = await make_client(fake_rasa.url, limits={**TEST_LIMITS, "buyer_messages": "3/minute"})
    buyer = await new_buyer(client)
    for _ in range(3):
        assert (await _say(client, buyer)).status == 200
    refused = await _say(client, buyer)
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
    assert "buyer_messages" in (await refused.json())["error"]
    assert len(fake_rasa.received) == 3
    # Another buyer is not held up by the first one.
    assert (await buyer_says(client, "在吗"))["replies"]


async def test_one_address_sending_too_fast_is_told_to_wait(make_client, fake_rasa):
    client = await make_client(fake_rasa.url, limits={**TEST_LIMITS, "address_messages": "4/minute"})
    buyers = [await new_buyer(client) for _ in range(3)]
    statuses = [(await _say(client, buyer)).status for buyer in buyers + buyers]
    assert statuses == [200] * 4 + [429] * 2


async def test_new_buyers_from_one_address_are_limited(make_client, fake_rasa):
    client = await make_client(fake_rasa.url, limits={**TEST_LIMITS, "new_buyers": "5/minute"})
    statuses = [(await client.post("/api/buyer/session", json={})).status for _ in range(8)]
    assert statuses == [201] * 5 + [429] * 3


def test_limits_come_from_the_environment_and_bad_ones_are_named():
    settings = settings_from_env({**SERVICE_ENV, "XIAODIAN_LIMIT_NEW_BUYERS": "2/minute"})
    assert settings.limits["new_buyers"] == "2/minute"
    with pytest.raises(ValueError, match="XIAODIAN_LIMIT_BUYER_MESSAGES"):
        settings_from_env({**SERVICE_ENV, "XIAODIAN_LIMIT_BUYER_MESSAGES": "lots"})


def test_a_limiter_counts_per_key_and_forgets_on_clear():
    limiter = RateLimiter(parse_limits({"XIAODIAN_LIMIT_LOGIN_NAME": "2/minute"}))
    assert limiter.hit("login_name", "alice") is None and limiter.hit("login_name", "alice") is None
    assert limiter.hit("login_name", "alice").limit == "login_name"
    assert limiter.over("login_name", "bob") is None
    limiter.clear("login_name", "alice")
    assert limiter.over("login_name", "alice") is None
