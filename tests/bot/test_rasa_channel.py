"""The shop page channel into Rasa: only the web service's token gets a message in, with its message id."""

from __future__ import annotations

import time

import aiohttp
import pytest
from sanic import Sanic

from bot import rasa_auth
from bot.rasa_channel import ShopPageInput
from tests.sanic_serving import serving

SECRET = b"channel-test-secret-0123456789abcdef"


def _app(received: list) -> Sanic:
    async def on_new_message(message):
        received.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"收到：{message.text}")

    app = Sanic(f"channel-test-{time.monotonic_ns()}")
    channel = ShopPageInput(SECRET)
    # As Rasa registers its channels (rasa.core.channels.channel.register).
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/" + channel.url_prefix())
    return app


def _bearer(secret: bytes = SECRET, now=None) -> dict:
    return {"Authorization": f"Bearer {rasa_auth.api_token(secret, now)}"}


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer nonsense"}, {"Authorization": rasa_auth.api_token(SECRET)},
    _bearer(b"another-secret-0123456789abcdefghij"), _bearer(now=time.time() - 3600),
])
async def test_without_the_web_services_token_nothing_gets_in(headers):
    received: list = []
    async with serving(_app(received)) as url, aiohttp.ClientSession() as http:
        async with http.post(f"{url}/webhooks/shop_page/webhook", json={"sender": "b-1", "message": "/restart"},
                             headers=headers) as response:
            assert response.status == 401
    assert received == []


async def test_the_web_service_gets_in_with_metadata_and_its_message_id():
    received: list = []
    async with serving(_app(received)) as url, aiohttp.ClientSession() as http:
        body = {"sender": "b-1", "message": "在吗", "metadata": {"product": "hd-fleece-01"}, "message_id": "k-0001"}
        async with http.post(f"{url}/webhooks/shop_page/webhook", json=body, headers=_bearer()) as response:
            assert response.status == 200
            assert await response.json() == [{"recipient_id": "b-1", "text": "收到：在吗"}]
    (message,) = received
    assert (message.sender_id, message.message_id, message.metadata, message.input_channel) == (
        "b-1", "k-0001", {"product": "hd-fleece-01"}, "shop_page")


@pytest.mark.parametrize("body, field", [
    ({"message": "在吗"}, "sender"), ({"sender": "", "message": "x"}, "sender"), ({"sender": "b", "message": 3}, "message"),
    ({"sender": "b", "message": "x", "metadata": []}, "metadata"), ({"sender": "b", "message": "x", "message_id": 5}, "message_id"),
])
async def test_a_malformed_call_is_400_naming_the_field(body, field):
    received: list = []
    async with serving(_app(received)) as url, aiohttp.ClientSession() as http:
        async with http.post(f"{url}/webhooks/shop_page/webhook", json=body, headers=_bearer()) as response:
            assert response.status == 400 and (await response.json())["field"] == field
    assert received == []


def test_the_channel_will_not_start_without_its_secret(monkeypatch):
    monkeypatch.delenv(rasa_auth.SECRET_ENV, raising=False)
    with pytest.raises(rasa_auth.RasaAuthError, match=rasa_auth.SECRET_ENV):
        ShopPageInput.from_credentials(None)
