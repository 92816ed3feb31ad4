"""The workbench API: who may transfer a ticket and decide a concession, what a supervisor sees, the queue's
filters, suggested replies and the buyer's side panel (only the buyer's own orders)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from bot.handoff.ticket import Ticket, TranscriptLine
from bot.orders.seed import demo_order_id
from bot.shop import load_shop
from bot.web.agents import Agent, AgentDirectory
from bot.web import keys
from tests.bot.web.conftest import buyer_says, identity_of, open_ticket, sign_in

POLICY = load_shop().policy
LIMIT = POLICY.pricing.agent_discount_max


@pytest.fixture
async def demo_client(make_client, fake_rasa):
    """A service whose new buyers get the demo orders (as with make run)."""
    return await make_client(fake_rasa.url, demo_orders=True)


async def post_ticket(client, buyer_id, reasons, **fields):
    """A ticket with the facts, orders and product a test needs, opened as the web service opens the one the
    assistant's reply carries (its store)."""
    now = datetime.now(timezone.utc)
    ticket = Ticket(id=fields.pop("id", f"t-{buyer_id[-8:]}"), conversation_id=buyer_id, buyer_id=buyer_id,
                    reasons=reasons, priority=fields.pop("priority", "high"), summary=["买家要人工"], created_at=now,
                    updated_at=now, transcript=[TranscriptLine(at=now, sender="buyer", text=fields.pop("text", "转人工"))],
                    **fields)
    return json.loads(client.app[keys.store_key].create(ticket).json())


async def claimed_ticket(client, agent_headers, reasons=("request_human",)):
    buyer = identity_of(await buyer_says(client, "我要人工"))
    ticket = await open_ticket(client, buyer, list(reasons))
    assert (await client.post(f"/api/tickets/{ticket['id']}/claim", headers=agent_headers)).status == 200
    return ticket["id"], buyer


# ------------------------------------------------------------------ transfer
async def test_the_holder_transfers_to_a_colleague_and_the_history_says_who_held_it(client):
    alice, bob = await sign_in(client, "alice"), await sign_in(client, "bob")
    ticket_id, _ = await claimed_ticket(client, alice)
    path = f"/api/tickets/{ticket_id}/transfer"
    assert (await client.post(path, json={"to": "alice"}, headers=bob)).status == 403  # bob does not hold it
    refused = await client.post(path, json={"to": "nobody"}, headers=alice)
    assert refused.status == 400 and (await refused.json())["field"] == "to"
    assert (await (await client.post(path, json={}, headers=alice)).json())["field"] == "to"
    moved = await client.post(path, json={"to": "bob", "note": "他熟悉这个订单"}, headers=alice)
    assert moved.status == 200
    body = await moved.json()
    assert (body["status"], body["claimed_by"]) == ("claimed", "bob")
    assert [(h["kind"], h["by"], h["to"]) for h in body["history"]] == [("claimed", "alice", "alice"),
                                                                        ("transferred", "alice", "bob")]
    # Now bob holds it: alice may no longer reply, bob may, and bob puts it back in the queue.
    assert (await client.post(f"/api/tickets/{ticket_id}/reply", json={"text": "x"}, headers=alice)).status == 409
    back = await client.post(path, json={"to": None}, headers=bob)
    assert (await back.json())["status"] == "open"


async def test_a_supervisor_assigns_any_ticket_even_from_the_queue(client):
    boss = await sign_in(client, "boss")
    buyer = identity_of(await buyer_says(client, "我要人工"))
    ticket = await open_ticket(client, buyer)
    done = await client.post(f"/api/tickets/{ticket['id']}/transfer", json={"to": "alice"}, headers=boss)
    assert done.status == 200 and (await done.json())["claimed_by"] == "alice"


async def test_transfers_and_concessions_from_another_site_are_refused(client):
    alice = await sign_in(client, "alice")
    ticket_id, _ = await claimed_ticket(client, alice)
    evil = {**alice, "Origin": "http://evil.example"}
    assert (await client.post(f"/api/tickets/{ticket_id}/transfer", json={"to": "bob"}, headers=evil)).status == 403
    assert (await client.post(f"/api/tickets/{ticket_id}/concessions", headers=evil,
                              json={"kind": "discount", "amount": 5, "reason": "x"})).status == 403


# ------------------------------------------------------------------ concessions
async def test_within_the_agents_limit_a_concession_needs_nobody(client):
    alice = await sign_in(client, "alice")
    ticket_id, _ = await claimed_ticket(client, alice)
    granted = await client.post(f"/api/tickets/{ticket_id}/concessions", headers=alice,
                                json={"kind": "discount", "amount": LIMIT, "reason": "老顾客"})
    assert granted.status == 201
    concession = (await granted.json())["concession"]
    assert (concession["status"], concession["within_limit"], concession["decided_by"]) == ("approved", True, "alice")


async def test_above_the_limit_the_agent_asks_and_another_supervisor_decides(client):
    alice, bob = await sign_in(client, "alice"), await sign_in(client, "bob")
    boss, chief = await sign_in(client, "boss"), await sign_in(client, "chief")
    ticket_id, _ = await claimed_ticket(client, alice, ["bargain_over_limit"])
    path = f"/api/tickets/{ticket_id}/concessions"
    # Only the holder asks.
    assert (await client.post(path, headers=bob, json={"kind": "discount", "amount": 50, "reason": "x"})).status == 403
    asked = await client.post(path, headers=alice, json={"kind": "discount", "amount": LIMIT + 30, "reason": "买家要便宜50"})
    assert asked.status == 201
    concession = (await asked.json())["concession"]
    assert (concession["status"], concession["within_limit"]) == ("pending", False)
    decide = f"{path}/{concession['id']}/decision"
    # An agent cannot approve, not even the one who asked.
    for agent in (alice, bob):
        assert (await client.post(decide, headers=agent, json={"decision": "approve"})).status == 403
    bad = await client.post(decide, headers=boss, json={"decision": "maybe"})
    assert bad.status == 400 and (await bad.json())["field"] == "decision"
    done = await client.post(decide, headers=boss, json={"decision": "approve", "note": "老顾客，同意"})
    assert done.status == 200
    decided = (await done.json())["concessions"][0]
    assert (decided["status"], decided["decided_by"], decided["decision_note"]) == ("approved", "boss", "老顾客，同意")
    # Decided once: a second decision is refused.
    assert (await client.post(decide, headers=chief, json={"decision": "refuse"})).status == 409
    assert (await client.post(f"{path}/999/decision", headers=chief, json={"decision": "refuse"})).status == 404
    assert (await client.post(f"{path}/abc/decision", headers=chief, json={"decision": "refuse"})).status == 404


async def test_a_supervisor_grants_alone_but_never_approves_their_own_request(client, agents_file):
    boss = await sign_in(client, "boss")
    ticket_id, _ = await claimed_ticket(client, boss)
    # A supervisor has no limit: what they grant is recorded as within their rights, not as approved by themselves.
    asked = await client.post(f"/api/tickets/{ticket_id}/concessions", headers=boss,
                              json={"kind": "compensation", "amount": 200, "reason": "严重质量问题"})
    assert (await asked.json())["concession"]["within_limit"] is True
    # bob asks as an agent, then becomes a supervisor: his own request still needs another supervisor.
    bob = await sign_in(client, "bob")
    other, _ = await claimed_ticket(client, bob)
    pending = await (await client.post(f"/api/tickets/{other}/concessions", headers=bob,
                                       json={"kind": "discount", "amount": 99, "reason": "x"})).json()
    directory = AgentDirectory(agents_file)
    promoted = directory.get("bob")
    directory.save(Agent(promoted.name, promoted.display_name, promoted.password_hash, "supervisor"))
    decide = f"/api/tickets/{other}/concessions/{pending['concession']['id']}/decision"
    refused = await client.post(decide, headers=bob, json={"decision": "approve"})
    assert refused.status == 403 and "own" in (await refused.json())["error"]
    assert (await client.post(decide, headers=boss, json={"decision": "refuse", "note": "价格不能再低"})).status == 200


@pytest.mark.parametrize("body, field", [
    ({"kind": "gift", "amount": 5, "reason": "x"}, "kind"),
    ({"kind": "discount", "amount": "5", "reason": "x"}, "amount"),
    ({"kind": "discount", "amount": 0, "reason": "x"}, "amount"),
    ({"kind": "discount", "amount": 1e9, "reason": "x"}, "amount"),
    ({"kind": "discount", "amount": 1.234, "reason": "x"}, "amount"),
    ({"kind": "discount", "amount": True, "reason": "x"}, "amount"),
    ({"kind": "discount", "amount": 5}, "reason"),
    ({"kind": "discount", "amount": 5, "reason": "x", "order_id": "abc"}, "order_id"),
    ({"kind": "discount", "amount": 5, "reason": "x", "order_id": "312345678901234567"}, "order_id"),
])
async def test_a_malformed_concession_is_400_naming_the_field(client, body, field):
    alice = await sign_in(client, "alice")
    ticket_id, _ = await claimed_ticket(client, alice)
    response = await client.post(f"/api/tickets/{ticket_id}/concessions", headers=alice, json=body)
    assert response.status == 400 and (await response.json())["field"] == field


# ------------------------------------------------------------------ what each role sees
async def test_a_resolved_ticket_is_seen_by_its_resolver_and_supervisors_only(client):
    alice, bob, boss = await sign_in(client, "alice"), await sign_in(client, "bob"), await sign_in(client, "boss")
    ticket_id, _ = await claimed_ticket(client, alice)
    assert (await client.post(f"/api/tickets/{ticket_id}/resolve", json={"outcome": "已答复"}, headers=alice)).status == 200
    for path in (f"/api/tickets/{ticket_id}", f"/api/tickets/{ticket_id}/buyer", f"/api/tickets/{ticket_id}/assist"):
        assert (await client.get(path, headers=bob)).status == 403, path
        assert (await client.get(path, headers=alice)).status == 200, path
        assert (await client.get(path, headers=boss)).status == 200, path

    async def resolved(headers):
        body = await (await client.get("/api/tickets", params={"status": "resolved"}, headers=headers)).json()
        return [t["id"] for t in body["tickets"]]

    assert await resolved(alice) == [ticket_id] and await resolved(bob) == [] and await resolved(boss) == [ticket_id]


async def test_the_queue_shows_names_reasons_in_words_and_waiting_and_filters(client):
    alice = await sign_in(client, "alice")
    first = identity_of(await buyer_says(client, "衣服破了"))
    second = identity_of(await buyer_says(client, "快递到哪了"))
    await post_ticket(client, first["buyer_id"], ["complain_quality"], priority="urgent", text="袖子破了个洞")
    await post_ticket(client, second["buyer_id"], ["late_parcel"], priority="high")
    body = await (await client.get("/api/tickets", headers=alice)).json()
    top = body["tickets"][0]
    assert top["view"]["buyer_name"] == "买家" + first["buyer_id"][2:8]
    assert top["view"]["reason_words"] == [POLICY.handoff.reasons["complain_quality"].label]
    assert top["view"]["waiting_since"] is not None and body["wait_warning_minutes"] == POLICY.console.wait_warning_minutes

    async def ids(**params):
        found = await (await client.get("/api/tickets", params=params, headers=alice)).json()
        return [t["conversation_id"] for t in found["tickets"]]

    assert await ids(priority="urgent") == [first["buyer_id"]]
    assert await ids(reason="late_parcel") == [second["buyer_id"]]
    assert await ids(q="破了个洞") == [first["buyer_id"]]
    assert await ids(q=second["buyer_id"][2:8]) == [second["buyer_id"]]
    assert await ids(mine="1") == []
    assert len(await ids(unclaimed="1")) == 2
    for params, field in (({"priority": "asap"}, "priority"), ({"reason": "bored"}, "reason"),
                          ({"mine": "maybe"}, "mine"), ({"q": "x" * 101}, "q"), ({"status": "deleted"}, "status")):
        response = await client.get("/api/tickets", params=params, headers=alice)
        assert response.status == 400 and (await response.json())["field"] == field


async def test_colleagues_are_listed_without_their_password_hashes(client):
    body = await (await client.get("/api/agents", headers=await sign_in(client, "alice"))).json()
    assert [(a["name"], a["role"]) for a in body["agents"]] == [("alice", "agent"), ("bob", "agent"),
                                                                ("boss", "supervisor"), ("chief", "supervisor")]
    assert "scrypt" not in str(body)


# ------------------------------------------------------------------ the ticket's assist and side panel
async def test_suggestions_and_the_side_panel_show_the_buyers_own_orders(demo_client):
    client = demo_client
    alice = await sign_in(client, "alice")
    buyer = identity_of(await buyer_says(client, "我的快递到哪了"))
    late = demo_order_id(buyer["buyer_id"], "late")
    # The buyer also named an order number of someone else: it must not show.
    await post_ticket(client, buyer["buyer_id"], ["late_parcel"], order_ids=[late, "312345678901234567"],
                      product_id="po-men-01", facts={"height": 175, "weight": 70})
    ticket_id = f"t-{buyer['buyer_id'][-8:]}"
    await client.post(f"/api/tickets/{ticket_id}/claim", headers=alice)
    assist = await (await client.get(f"/api/tickets/{ticket_id}/assist", headers=alice)).json()
    assert 2 <= len(assist["suggestions"]) <= 3 and assist["suggestions"][0]["reason"] == "late_parcel"
    assert "催派" in assist["suggestions"][0]["text"] and late[-4:] in assist["suggestions"][0]["text"]
    assert any("小美" in p["text"] for p in assist["quick_phrases"])

    panel = await (await client.get(f"/api/tickets/{ticket_id}/buyer", headers=alice)).json()
    ids = [o["id"] for o in panel["orders"]]
    assert late in ids and "312345678901234567" not in ids
    assert all(o["id"].startswith("3") for o in panel["orders"])
    late_order = next(o for o in panel["orders"] if o["id"] == late)
    assert late_order["latest_scan"]["text"] and late_order["status_words"] == POLICY.handoff.order_status_words["shipped"]
    assert panel["product"]["id"] == "po-men-01"
    assert {a["key"]: a["value"] for a in panel["about"]} == {"height": 175, "weight": 70}
    assert panel["earlier_tickets"] == []
    assert (await client.get("/api/tickets/nope/buyer", headers=alice)).status == 404


async def test_the_side_panel_lists_the_buyers_earlier_tickets_with_outcomes(client):
    alice = await sign_in(client, "alice")
    ticket_id, buyer = await claimed_ticket(client, alice, ["complain_service"])
    await client.post(f"/api/tickets/{ticket_id}/resolve", json={"outcome": "已道歉"}, headers=alice)
    again = await post_ticket(client, buyer["buyer_id"], ["request_human"], id="t-again")
    panel = await (await client.get(f"/api/tickets/{again['id']}/buyer", headers=alice)).json()
    assert [(e["id"], e["outcome"], e["agent"]) for e in panel["earlier_tickets"]] == [(ticket_id, "已道歉", "alice")]
    assert panel["earlier_tickets"][0]["reasons"] == [POLICY.handoff.reasons["complain_service"].label]


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/agents"), ("GET", "/api/tickets/t-1/assist"), ("GET", "/api/tickets/t-1/buyer"),
    ("POST", "/api/tickets/t-1/transfer"), ("POST", "/api/tickets/t-1/concessions"),
    ("POST", "/api/tickets/t-1/concessions/1/decision"), ("GET", "/report.csv"), ("POST", "/api/report/inbox"),
])
async def test_every_workbench_door_needs_a_signed_in_agent(client, method, path):
    for headers in ({}, {"Cookie": "xiaodian_session=forged.cookie"}):
        response = await client.request(method, path, json={"to": None}, headers=headers)
        assert response.status == 401, (method, path)


async def test_workbench_writes_with_bad_bodies_are_4xx(client):
    alice = await sign_in(client, "alice")
    ticket_id, _ = await claimed_ticket(client, alice)
    for path in (f"/api/tickets/{ticket_id}/transfer", f"/api/tickets/{ticket_id}/concessions",
                 f"/api/tickets/{ticket_id}/concessions/1/decision", "/api/buyer/rating"):
        for body in (b"[" * 10_000, b"\xff", b'{"note": "\\ud800", "to": null}', b"[]"):
            response = await client.post(path, data=body, headers={**alice, "Content-Type": "application/json"})
            assert 400 <= response.status < 500, (path, body[:10], response.status)
