"""Order questions against a real (SQLite) order store seeded with the demo buyer's orders."""
from __future__ import annotations


import pytest
from rasa_sdk.events import SlotSet

from actions import stores
from actions.aftersales import ActionAnswerReturnPolicy
from actions.handoff import ActionHandleQualityComplaint
from actions.inform import ActionHandleInform
from actions.orders import ActionAnswerOrderQuestion
from actions.shipping import ActionAnswerShippingTime
from actions.tracker_reading import buyer_id
from actions.smalltalk import ActionReplySmalltalk
from bot.orders.aftersales import answer_return_eligibility
from bot.orders.changes import decide_cancel, decide_modification
from bot.orders.tracking import answer_track_order
from bot.orders.seed import DEMO_BUYER, OTHER_BUYER, demo_order_id, seed_demo_orders
from bot.orders.store import OrderStore
from bot.identity import sign_identity
from tests.actions.conftest import IDENTITY_SECRET, entity, make_tracker, run, signed
from tests.moments import NOW

ADDRESS = "浙江省宁波市鄞州区天童南路588号"


@pytest.fixture
def store(tmp_path, monkeypatch, shop):
    url = f"sqlite:///{tmp_path / 'orders.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    stores.reset()
    store = OrderStore(url)
    seed_demo_orders(store, NOW, shop=shop)
    yield store
    store.close()


def order(store, key, buyer=DEMO_BUYER):
    return store.get_order(buyer, demo_order_id(buyer, key))


def buyer_tracker(intent, text="", entities=None, slots=None, events=None, buyer=DEMO_BUYER):
    tracker = make_tracker(intent, text, entities, slots=slots, events=events, metadata=signed(buyer))
    tracker.events[-1]["metadata"] = signed(buyer)
    return tracker


def texts(messages):
    return [m["text"] for m in messages if m.get("text")]


def test_an_order_number_is_answered_for_that_order(store, shop):
    shipped = order(store, "shipped")
    tracker = buyer_tracker("track_order", f"{shipped.id} 到哪了", [entity("order_id", shipped.id)])
    messages, events = run(ActionAnswerOrderQuestion(), tracker)
    assert texts(messages) == [answer_track_order(shop, shipped, NOW).text]
    assert SlotSet("order_id", shipped.id) in events


def test_another_buyers_order_is_not_found_like_an_unknown_number(store, conversation):
    theirs = order(store, "shipped", OTHER_BUYER)
    for number in (theirs.id, "123456789012345678"):
        tracker = buyer_tracker("track_order", number, [entity("order_id", number)])
        messages, events = run(ActionAnswerOrderQuestion(), tracker)
        assert texts(messages) == [conversation.orders.unknown_order.format(order_id=number)]
        assert not any(e.get("name") == "order_id" for e in events)


def test_several_orders_are_offered_as_buttons(store, conversation):
    messages, _ = run(ActionAnswerOrderQuestion(), buyer_tracker("track_order", "我的快递到哪了"))
    assert messages[0]["text"] == conversation.orders.which_order
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads and all(p.startswith('/inform{"order_id":"') for p in payloads)
    # Shipped orders first for "where is it".
    assert order(store, "shipped").id in payloads[0] or order(store, "late").id in payloads[0]


def test_a_buyer_without_orders_is_asked_for_the_number(store, conversation):
    messages, _ = run(ActionAnswerOrderQuestion(), buyer_tracker("track_order", "到哪了", buyer="nobody"))
    assert texts(messages) == [conversation.orders.ask_order_id]


def test_a_late_parcel_is_apologised_for_and_marked_for_a_colleague(store, shop):
    late = order(store, "late")
    tracker = buyer_tracker("track_order", "怎么还没到", [entity("order_id", late.id)])
    messages, events = run(ActionAnswerOrderQuestion(), tracker)
    answer = answer_track_order(shop, late, NOW)
    assert texts(messages) == [answer.text] and answer.facts.get("hand_off_reason")
    assert any(e.get("name") == "handoff_reasons" and e["value"] for e in events)


def test_an_address_change_on_a_paid_order_is_confirmed_then_written(store, shop):
    paid = order(store, "paid")
    tracker = buyer_tracker("modify_order", f"地址改成{ADDRESS}", [entity("order_id", paid.id)])
    messages, events = run(ActionAnswerOrderQuestion(), tracker)
    decision = decide_modification(shop, paid, NOW, address=ADDRESS)
    assert decision.action == "confirm" and texts(messages) == [decision.text]
    pending = next(e["value"] for e in events if e.get("name") == "pending_change")
    assert order(store, "paid").address == paid.address  # nothing written before the yes

    asked = [{"event": "user", "text": "x", "metadata": signed(DEMO_BUYER)}]
    yes = buyer_tracker("affirm", "确认", slots={"pending_change": pending, "order_id": paid.id}, events=asked)
    messages, events = run(ActionReplySmalltalk(), yes)
    changed = order(store, "paid")
    assert changed.address == ADDRESS
    assert any(c.by == f"buyer:{DEMO_BUYER}" for c in changed.changes)
    assert SlotSet("pending_change", None) in events and messages


def test_no_after_a_change_question_leaves_the_order_alone(store, shop, conversation):
    paid = order(store, "paid")
    pending = {"kind": "modify", "order_id": paid.id, "turn": 1, "address": ADDRESS}
    asked = [{"event": "user", "text": "x", "metadata": signed(DEMO_BUYER)}]
    no = buyer_tracker("deny", "算了不改了", slots={"pending_change": pending}, events=asked)
    messages, events = run(ActionReplySmalltalk(), no)
    assert texts(messages) == [conversation.orders.change_dropped]
    assert order(store, "paid").address == paid.address


def test_a_yes_later_in_the_chat_does_not_apply_an_old_change(store):
    paid = order(store, "paid")
    pending = {"kind": "modify", "order_id": paid.id, "turn": 1, "address": ADDRESS}
    later = [{"event": "user", "text": "x"}, {"event": "user", "text": "包邮吗"}]
    messages, _ = run(ActionReplySmalltalk(), buyer_tracker("affirm", "好的", slots={"pending_change": pending},
                                                           events=later))
    assert order(store, "paid").address == paid.address and messages  # small talk, not the change


def test_a_shipped_order_cannot_be_changed_by_the_bot(store, shop):
    shipped = order(store, "shipped")
    tracker = buyer_tracker("modify_order", f"地址改成{ADDRESS}", [entity("order_id", shipped.id)])
    messages, events = run(ActionAnswerOrderQuestion(), tracker)
    decision = decide_modification(shop, shipped, NOW, address=ADDRESS)
    assert decision.action == "refuse" and texts(messages) == [decision.text]
    assert not any(e.get("name") == "pending_change" for e in events)


def test_cancel_follows_the_orders_state(store, shop):
    for key in ("unpaid", "paid", "packed", "shipped"):
        target = order(store, key)
        tracker = buyer_tracker("cancel_order", "不想要了", [entity("order_id", target.id)])
        messages, _ = run(ActionAnswerOrderQuestion(), tracker)
        assert texts(messages) == [decide_cancel(shop, target, NOW).text], key


@pytest.mark.parametrize("key, product, eligible", [("signed-3", "jk-wind-01", True), ("signed-10", "jk-down-01", False)])
def test_return_eligibility_of_a_bought_product(store, shop, key, product, eligible):
    signed = order(store, key)
    tracker = buyer_tracker("ask_return_policy", "这件能退吗", [entity("product", product)])
    messages, _ = run(ActionAnswerReturnPolicy(), tracker)
    answer = answer_return_eligibility(shop, signed, NOW)
    assert texts(messages) == [answer.text] and answer.facts["eligible"] is eligible


def test_return_rules_in_general_without_an_order_in_question(store, shop):
    from bot.shop import answer_return_policy

    messages, _ = run(ActionAnswerReturnPolicy(), buyer_tracker("ask_return_policy", "可以七天无理由吗"))
    assert texts(messages) == [answer_return_policy(shop).text]


def test_refund_progress_comes_from_the_store(store, shop):
    from bot.orders.aftersales import answer_refund_status

    refund = order(store, "refund")
    tracker = buyer_tracker("return_request", "退款什么时候到账", [entity("order_id", refund.id)])
    messages, _ = run(ActionAnswerOrderQuestion(), tracker)
    assert texts(messages) == [answer_refund_status(shop, refund, NOW).text]


def test_a_return_request_is_recorded_on_the_order(store):
    signed = order(store, "signed-3")
    tracker = buyer_tracker("return_request", "我要退货", [entity("order_id", signed.id)])
    messages, _ = run(ActionAnswerOrderQuestion(), tracker)
    assert messages and order(store, "signed-3").latest_return is not None


def test_a_quality_complaint_is_recorded_and_handed_off_with_high_priority(store):
    signed = order(store, "signed-3")
    tracker = buyer_tracker("complain_quality", "衣服破了个洞", [entity("order_id", signed.id)])
    messages, events = run(ActionHandleQualityComplaint(), tracker)
    assert messages and order(store, "signed-3").complaints
    reasons = next(e["value"] for e in events if e.get("name") == "handoff_reasons")
    assert reasons == [{"key": "complain_quality", "detail": "破损", "priority": "high"}]


def test_the_order_number_asked_for_answers_the_pending_question(store, shop):
    shipped = order(store, "shipped")
    tracker = buyer_tracker("inform", shipped.id, [entity("order_id", shipped.id)], slots={"last_topic": "track_order"})
    messages, _ = run(ActionHandleInform(), tracker)
    assert texts(messages) == [answer_track_order(shop, shipped, NOW).text]


def test_refund_progress_without_a_number_picks_the_order_with_a_refund_under_way(store, shop):
    from bot.orders.aftersales import answer_refund_status

    messages, _ = run(ActionAnswerOrderQuestion(), buyer_tracker("return_request", "退款什么时候到账"))
    assert texts(messages) == [answer_refund_status(shop, order(store, "refund"), NOW).text]


# ------------------------------------------------------------------ who the buyer is
@pytest.mark.parametrize("metadata", [
    {"buyer_id": DEMO_BUYER},                                              # written in, not signed
    {"identity": sign_identity("another-secret-0123456789-abcdefghijkl", DEMO_BUYER)},   # signed by someone else
    {"identity": sign_identity(IDENTITY_SECRET, DEMO_BUYER, now=0)},        # long expired
    {"identity": "not-a-token"},
    {},
])
def test_an_identity_the_web_service_did_not_sign_is_an_anonymous_buyer(store, conversation, metadata):
    shipped = order(store, "shipped")
    tracker = make_tracker("track_order", f"{shipped.id} 到哪了", [entity("order_id", shipped.id)], metadata=metadata)
    tracker.events[-1]["metadata"] = metadata
    assert buyer_id(tracker) is None
    messages, _ = run(ActionAnswerOrderQuestion(), tracker)
    # Exactly what a wrong number gets: nothing of the order leaks (no tracking number, no state).
    assert texts(messages) == [conversation.orders.unknown_order.format(order_id=shipped.id)]
    tracker = make_tracker("track_order", "我的快递到哪了", metadata=metadata)
    tracker.events[-1]["metadata"] = metadata
    messages, _ = run(ActionAnswerOrderQuestion(), tracker)
    assert texts(messages) == [conversation.orders.ask_order_id] and not messages[0].get("buttons")


def test_only_the_latest_messages_identity_counts(store):
    earlier = [{"event": "user", "text": "在吗", "metadata": signed(DEMO_BUYER)}]
    tracker = make_tracker("track_order", "我的快递到哪了", events=earlier, metadata={"buyer_id": DEMO_BUYER})
    tracker.events[-1]["metadata"] = {"buyer_id": DEMO_BUYER}
    assert buyer_id(tracker) is None
    assert buyer_id(buyer_tracker("track_order", "我的快递到哪了")) == DEMO_BUYER


def test_when_a_product_the_buyer_has_on_its_way_arrives_is_that_parcels_arrival(store, shop):
    tracker = make_tracker("ask_shipping_time", "牛仔裤什么时候能到", [entity("product", "jn-denim-01")],
                           metadata=signed(DEMO_BUYER))
    messages, events = run(ActionAnswerShippingTime(), tracker)
    shipped = order(store, "shipped")  # 牛仔裤 shipped 11-21, due by 11-24
    assert texts(messages) == [answer_track_order(shop, shipped, NOW, aspect="arrival").text]
    assert SlotSet("order_id", shipped.id) in events


def test_on_the_products_own_page_the_same_words_ask_about_buying_it(store):
    tracker = make_tracker("ask_shipping_time", "牛仔裤什么时候能到", [entity("product", "jn-denim-01")],
                           slots={"page_product": "jn-denim-01"}, metadata=signed(DEMO_BUYER))
    messages, events = run(ActionAnswerShippingTime(), tracker)
    assert "16:00" in texts(messages)[0] and SlotSet("last_topic", "shipping_time") in events
