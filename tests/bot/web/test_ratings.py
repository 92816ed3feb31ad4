"""The buyer rates the service when an agent resolves the chat: 1-5 with an optional comment, once, within the
policy's window; the rating is stored with the ticket."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.shop import load_shop
from bot.shop.conversation import load_conversation
from tests.bot.web.conftest import TOKEN_HEADER, buyer_says, history_of, identity_of, open_ticket, sign_in

WORDING = load_conversation().rating
WINDOW = timedelta(hours=load_shop().policy.console.rating_window_hours)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def timed(make_client, fake_rasa, clock):
    return await make_client(fake_rasa.url, clock=clock)


async def resolved_chat(client):
    buyer = identity_of(await buyer_says(client, "我要人工"))
    ticket = await open_ticket(client, buyer)
    alice = await sign_in(client, "alice")
    await client.post(f"/api/tickets/{ticket['id']}/claim", headers=alice)
    await client.post(f"/api/tickets/{ticket['id']}/resolve", json={"outcome": "已答复"}, headers=alice)
    return buyer, ticket["id"], alice


async def rate(client, buyer, **body):
    return await client.post("/api/buyer/rating", json={"buyer_id": buyer["buyer_id"], **body},
                             headers={TOKEN_HEADER: buyer["token"]})


async def test_after_resolving_the_page_asks_and_the_rating_is_kept_once(timed):
    buyer, ticket_id, alice = await resolved_chat(timed)
    asked = (await history_of(timed, buyer))["rating"]
    assert asked == {"ticket_id": ticket_id, "ask": WORDING.ask.format(agent="小美"), "scores": WORDING.scores,
                     "comment_placeholder": WORDING.comment_placeholder}
    done = await rate(timed, buyer, ticket_id=ticket_id, score=4, comment="  回复很快  ")
    assert done.status == 201 and (await done.json())["thanks"] == WORDING.thanks
    ticket = await (await timed.get(f"/api/tickets/{ticket_id}", headers=alice)).json()
    assert (ticket["rating"]["score"], ticket["rating"]["comment"]) == (4, "回复很快")
    assert (await history_of(timed, buyer))["rating"] is None  # not asked again
    again = await rate(timed, buyer, ticket_id=ticket_id, score=1)
    assert again.status == 409 and (await again.json())["field"] == "ticket_id"


async def test_past_the_window_the_service_can_no_longer_be_rated(timed, clock):
    buyer, ticket_id, _ = await resolved_chat(timed)
    clock.now += WINDOW + timedelta(minutes=1)
    assert (await history_of(timed, buyer))["rating"] is None
    assert (await rate(timed, buyer, ticket_id=ticket_id, score=5)).status == 409


async def test_a_buyer_rates_only_their_own_ticket(timed):
    buyer, ticket_id, _ = await resolved_chat(timed)
    other, other_ticket, _ = await resolved_chat(timed)
    assert (await rate(timed, other, ticket_id=ticket_id, score=1)).status == 409
    no_token = await timed.post("/api/buyer/rating", json={"buyer_id": buyer["buyer_id"], "ticket_id": ticket_id,
                                                           "score": 5})
    assert no_token.status == 401


@pytest.mark.parametrize("body, field", [
    ({"score": 0}, "score"), ({"score": 6}, "score"), ({"score": 4.5}, "score"), ({"score": "5"}, "score"),
    ({"score": True}, "score"), ({"score": 5, "comment": "x" * 501}, "comment"), ({"score": 5, "comment": 7}, "comment"),
    ({"score": 5, "ticket_id": None}, "ticket_id"),
])
async def test_a_malformed_rating_is_400_naming_the_field(timed, body, field):
    buyer, ticket_id, _ = await resolved_chat(timed)
    response = await rate(timed, buyer, **{"ticket_id": ticket_id, **body})
    assert response.status == 400 and (await response.json())["field"] == field


async def test_nothing_to_rate_while_a_person_has_the_chat(timed):
    buyer = identity_of(await buyer_says(timed, "我要人工"))
    await open_ticket(timed, buyer)
    assert (await history_of(timed, buyer))["rating"] is None
