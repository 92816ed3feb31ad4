"""Size advice form pieces, the product in view, and product questions, run as the action server runs them."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.inform import ActionHandleInform
from actions.product import ActionAnswerProduct
from actions.sizing import (
    ActionAdviseSize,
    ActionAskHeight,
    ActionAskProduct,
    ActionAskWeight,
    ActionReadBuyerFacts,
    ActionStartFromProduct,
    ValidateSizeAdviceForm,
)
from actions.smalltalk import ActionReplySmalltalk
from bot.shop.sizing import answer_size
from tests.actions.conftest import entity, make_tracker, run

DOMAIN = {
    "forms": {"size_advice_form": {"required_slots": ["product", "height", "weight"]}},
    "slots": {},
}


def texts(messages):
    return [m["text"] for m in messages if m.get("text")]


def validate(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateSizeAdviceForm().run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


# ------------------------------------------------------------------ the form's validation


def form_turn(text, entities, slots, set_now):
    """A form turn: the slots set by this message appear as SlotSet events after the user event."""
    tracker = make_tracker("inform", text, entities, slots={**slots, **set_now}, active_loop="size_advice_form",
                           events=[])
    tracker.events.extend({"event": "slot", "name": k, "value": v} for k, v in set_now.items())
    return tracker


def test_a_believable_height_and_weight_are_kept():
    tracker = form_turn("165 50kg", [entity("height", 165), entity("weight", 50.0)], {},
                        {"height": 165, "weight": 50.0})
    messages, events = validate(tracker)
    assert messages == []
    assert slot_events(events) == {"height": 165.0, "weight": 50.0}


@pytest.mark.parametrize("before, height", [("158", 158.0), ("我158", 158.0), ("两件", None), ("158块", None), ("90", None)])
def test_a_bare_height_sent_just_before_the_weight_is_kept(before, height):
    tracker = make_tracker("inform", "92斤", [entity("weight", 46.0)], slots={"weight": 46.0, "product": "jn-denim-01"},
                           active_loop="size_advice_form",
                           events=[{"event": "user", "text": before}, {"event": "bot", "text": "好的亲～"}])
    tracker.events.append({"event": "slot", "name": "weight", "value": 46.0})
    _, events = validate(tracker)
    assert slot_events(events).get("height") == height


@pytest.mark.parametrize("height", [16, 260])
def test_an_implausible_height_is_said_plainly_and_asked_again(height, conversation):
    tracker = form_turn(f"身高{height}", [entity("height", height)], {}, {"height": height})
    messages, events = validate(tracker)
    assert texts(messages) == [conversation.product.implausible_height.format(height=height)]
    assert slot_events(events) == {"height": None}


def test_an_implausible_weight_is_said_plainly_and_asked_again(conversation):
    tracker = form_turn("体重5斤", [entity("weight", 2.5)], {"height": 165}, {"weight": 2.5})
    messages, events = validate(tracker)
    assert texts(messages) == [conversation.product.implausible_weight.format(weight="2.5")]
    assert slot_events(events) == {"weight": None}


def test_a_garment_word_picks_the_only_product_of_that_kind_the_buyer_fits(shop):
    # 165 cm, 50 kg: the women's jeans have her size; the men's chinos start at 52 kg.
    tracker = form_turn("那裤子呢", [entity("garment", "裤子")], {"height": 165, "weight": 50.0}, {})
    _, events = validate(tracker)
    assert slot_events(events)["product"] == "jn-denim-01"


def test_a_garment_word_that_fits_several_products_leaves_them_to_ask_about():
    tracker = form_turn("裤子", [entity("garment", "裤子")], {}, {})
    _, events = validate(tracker)
    assert slot_events(events) == {"product_candidates": ["jn-denim-01", "pt-chino-01"]}


# ------------------------------------------------------------------ the form's questions


def test_the_form_asks_height_and_weight_together_with_the_products_fit_note(shop, conversation):
    product = shop.catalogue.find("hd-fleece-01")
    messages, events = run(ActionAskHeight(), make_tracker("ask_size", "穿什么码", slots={"product": product.id}))
    assert texts(messages) == [
        conversation.product.fit_note.format(name=product.name, note=product.fit.note),
        conversation.product.ask_measurements.format(
            product_sizes=conversation.product.product_sizes.format(name=product.name, sizes="/".join(product.sizes))
        ),
    ]
    assert events == [SlotSet("last_topic", "ask_size")]


def test_the_form_asks_only_for_what_is_missing(conversation):
    messages, _ = run(ActionAskWeight(), make_tracker("inform", "165", slots={"height": 165.0}))
    assert texts(messages) == [conversation.product.ask_weight.format(height="165")]
    messages, _ = run(ActionAskHeight(), make_tracker("inform", "100斤", slots={"weight": 50.0}))
    assert texts(messages) == [conversation.product.ask_height.format(weight="50")]


def test_which_product_offers_the_candidates_as_buttons(conversation):
    tracker = make_tracker("ask_size", "裤子穿什么码", slots={"product_candidates": ["jn-denim-01", "pt-chino-01"]})
    messages, _ = run(ActionAskProduct(), tracker)
    assert messages[0]["text"] == conversation.product.which_of.format(names="女款高腰直筒牛仔裤、男款修身弹力休闲裤")
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        '/inform{"product":"jn-denim-01"}', '/inform{"product":"pt-chino-01"}']


# ------------------------------------------------------------------ the advice


def test_the_advice_is_the_charts_answer_for_the_product_and_measurements(shop):
    product = shop.catalogue.find("hd-fleece-01")
    tracker = make_tracker("ask_size", "这件卫衣我165 100斤穿什么码",
                           slots={"product": product.id, "height": 165.0, "weight": 50.0})
    messages, events = run(ActionAdviseSize(), tracker)
    expected = answer_size(shop, product, 165.0, 50.0)
    assert texts(messages) == [expected.text] and expected.facts["size"]
    assert events == [SlotSet("product", product.id), SlotSet("last_topic", "ask_size"),
                      SlotSet("products_discussed", [product.id])]


def test_a_question_asked_mid_form_and_answered_already_is_not_answered_twice():
    # 腰是松紧的吗 while the form waits for the weight: the interjection rule answered it, the form stopped,
    # and action_advise_size runs with nothing left to say.
    tracker = make_tracker("ask_product", "腰是松紧的吗", slots={"product": "sk-pleat-01", "height": 150.0})
    tracker.events.append({"event": "bot", "text": "亲，松紧腰，腰围有弹性哦～"})
    messages, events = run(ActionAdviseSize(), tracker)
    assert messages == [] and events == []


def test_a_length_question_with_a_height_is_answered_before_the_weight_is_asked():
    tracker = make_tracker("ask_size", "我150 穿这个裙子会不会拖地", [entity("height", 150)],
                           slots={"product": "sk-pleat-01", "height": 150.0})
    messages, _ = run(ActionAskWeight(), tracker)
    said = texts(messages)
    assert len(said) == 2 and "裙长" in said[0] and "到小腿" in said[0] and "体重" in said[1]


def test_a_waist_given_when_the_form_asks_gets_a_size_and_a_request_to_check_it():
    tracker = make_tracker("ask_size", "2尺2的腰穿什么码", slots={"product": "jn-denim-01"})
    messages, _ = run(ActionAskHeight(), tracker)
    said = texts(messages)
    assert "您腰围73厘米" in said[0] and "建议拍" in said[0] and "身高体重" in said[-1]


def test_a_bare_height_first_thing_on_a_product_page_is_taken_for_its_size():
    tracker = make_tracker("inform", "158", slots={"page_product": "jn-denim-01", "product": "jn-denim-01"})
    messages, events = run(ActionHandleInform(), tracker)
    assert "158" in texts(messages)[0] and "体重" in texts(messages)[0]
    assert SlotSet("height", 158.0) in events


def test_a_bare_number_on_a_page_without_a_size_chart_is_not_a_height():
    tracker = make_tracker("inform", "158", slots={"page_product": "so-cotton-01", "product": "so-cotton-01"})
    _, events = run(ActionHandleInform(), tracker)
    assert SlotSet("height", 158.0) not in events


def test_a_question_that_stopped_the_form_unanswered_is_answered(shop):
    tracker = make_tracker("ask_product", "腰是松紧的吗", slots={"product": "sk-pleat-01", "height": 150.0})
    messages, _ = run(ActionAdviseSize(), tracker)
    assert texts(messages) and "松紧" in texts(messages)[0]


def test_out_of_range_is_said_with_the_models_measurements_and_a_colleague_checks(shop):
    product = shop.catalogue.find("hd-fleece-01")
    tracker = make_tracker("ask_size", "", slots={"product": product.id, "height": 200.0, "weight": 100.0})
    messages, events = run(ActionAdviseSize(), tracker)
    assert "模特" in messages[0]["text"] and "码" in messages[0]["text"]
    assert SlotSet("handoff_reasons", [{"key": "size_unknown", "detail": "out_of_range"}]) in events


def test_another_garment_after_a_size_answer_reuses_the_measurements(shop):
    tracker = make_tracker("inform", "那裤子呢", [entity("garment", "裤子")],
                           slots={"last_topic": "ask_size", "product": "hd-fleece-01", "height": 165.0,
                                  "weight": 50.0})
    messages, events = run(ActionHandleInform(), tracker)
    jeans = shop.catalogue.find("jn-denim-01")
    assert texts(messages) == [answer_size(shop, jeans, 165.0, 50.0).text]
    assert SlotSet("product", "jn-denim-01") in events


def test_a_correction_after_the_advice_advises_again(shop):
    # 不对 是170: the slot already holds 170 (slot mappings run before the action).
    tracker = make_tracker("deny", "不对 是170", [entity("height", 170)],
                           slots={"last_topic": "ask_size", "product": "hd-fleece-01", "height": 170.0,
                                  "weight": 50.0})
    messages, _ = run(ActionReplySmalltalk(), tracker)
    assert texts(messages) == [answer_size(shop, shop.catalogue.find("hd-fleece-01"), 170.0, 50.0).text]


def test_a_preference_between_two_sizes_decides(shop):
    product = shop.catalogue.find("hd-fleece-01")
    slots = {"last_topic": "ask_size", "product": product.id, "height": 170.0, "weight": 62.0}
    tracker = make_tracker("inform", "宽松点的", [entity("fit", "loose")], slots={**slots, "fit_preference": "loose"})
    messages, _ = run(ActionHandleInform(), tracker)
    assert texts(messages) == [answer_size(shop, product, 170.0, 62.0, preference="loose").text]


def test_facts_mid_form_are_left_to_the_form():
    tracker = make_tracker("inform", "宽松点", [entity("fit", "loose")], active_loop="size_advice_form")
    messages, events = run(ActionHandleInform(), tracker)
    assert messages == [] and events == []


def test_measurements_without_a_product_ask_which_one(conversation):
    tracker = make_tracker("inform", "165 50kg", [entity("height", 165), entity("weight", 50.0)],
                           slots={"height": 165.0, "weight": 50.0})
    messages, _ = run(ActionHandleInform(), tracker)
    assert texts(messages) == [conversation.product.which_product]


# ------------------------------------------------------------------ the product in view


def test_the_pages_product_comes_into_view_when_the_buyer_opens_a_new_page():
    tracker = make_tracker("ask_size", "穿什么码", metadata={"product": "jn-denim-01"}, slots={"product": "hd-fleece-01"})
    _, events = run(ActionReadBuyerFacts(), tracker)
    assert events == [SlotSet("page_product", "jn-denim-01"), SlotSet("product", "jn-denim-01")]


def test_a_product_named_in_the_chat_stays_in_view_on_the_same_page():
    tracker = make_tracker("ask_size", "卫衣呢", metadata={"product": "jn-denim-01"},
                           slots={"product": "hd-fleece-01", "page_product": "jn-denim-01"})
    _, events = run(ActionReadBuyerFacts(), tracker)
    assert events == []


def test_unknown_page_products_and_odd_metadata_are_ignored():
    for metadata in ({"product": "no-such-thing"}, {"product": None}, {}):
        _, events = run(ActionReadBuyerFacts(), make_tracker("greet", "在吗", metadata=metadata))
        assert events == []


@pytest.mark.parametrize("text, start, usual", [("平时穿M 这件要大一码吗", 3, "M"), ("拍m还是l", 1, None)])
def test_the_usual_size_is_read_from_habit_words_only(text, start, usual):
    tracker = make_tracker("ask_size", text, [entity("size", "M", start)])
    _, events = run(ActionReadBuyerFacts(), tracker)
    assert events == ([SlotSet("usual_size", usual)] if usual else [])


def test_a_chat_opened_from_a_product_page_greets_with_the_product(shop, conversation):
    tracker = make_tracker("start_from_product", '/start_from_product{"product":"hd-fleece-01"}',
                           [entity("product", "hd-fleece-01")])
    messages, events = run(ActionStartFromProduct(), tracker)
    assert texts(messages) == [conversation.product.page_product.format(name="中性款加绒连帽卫衣", price="229")]
    assert events == [SlotSet("product", "hd-fleece-01"), SlotSet("page_product", "hd-fleece-01")]


# ------------------------------------------------------------------ product questions


def test_stock_comes_from_the_catalogue_for_the_product_in_view(shop):
    from bot.shop.stock import answer_stock

    product = shop.catalogue.find("hd-fleece-01")
    tracker = make_tracker("ask_stock", "黑色L还有吗", [entity("color", "黑色"), entity("size", "L")],
                           slots={"product": product.id})
    messages, events = run(ActionAnswerProduct(), tracker)
    assert texts(messages) == [answer_stock(shop, product, color="黑色", size="L").text]
    assert SlotSet("last_topic", "ask_stock") in events


@pytest.mark.parametrize("text, intent", [("我腰围二尺四 穿多大", "ask_size"), ("腰围80cm穿几码", "ask_product")])
def test_the_buyers_own_waist_gets_a_size_not_the_waist_column(text, intent):
    tracker = make_tracker(intent, text, [entity("attribute", "measurements")], slots={"product": "pt-chino-01"})
    messages, events = run(ActionAnswerProduct(), tracker)
    assert texts(messages)[0].startswith("亲，您腰围80厘米") and "建议拍31码" in texts(messages)[0]
    assert SlotSet("last_topic", "ask_size") in events


def test_a_shop_wide_question_with_no_product_in_view_goes_to_a_colleague_not_to_which_product():
    tracker = make_tracker("ask_product", "你们家有价保吗")
    messages, events = run(ActionAnswerProduct(), tracker)
    assert "价保" in texts(messages)[0] and not any(m.get("buttons") for m in messages)
    reasons = next(e["value"] for e in events if e.get("name") == "handoff_reasons")
    assert reasons[-1]["key"] == "unknown_fact" and "你们家有价保吗" in reasons[-1]["detail"]


def test_a_detail_and_stock_asked_together_get_both_answers(shop):
    tracker = make_tracker("ask_product", "这个卫衣会掉毛吗 还有黑色L有货没",
                           [entity("attribute", "pilling"), entity("color", "黑色"), entity("size", "L")],
                           slots={"product": "hd-fleece-01"})
    messages, _ = run(ActionAnswerProduct(), tracker)
    said = texts(messages)
    assert len(said) == 2 and "浮毛" in said[0] and not said[0].startswith("亲，黑色的话")
    assert "卖完" in said[1] and "12月1日" in said[1]


def test_a_product_fact_comes_from_the_catalogue(shop):
    from bot.shop.product_facts import answer_product_question

    product = shop.catalogue.find("hd-fleece-01")
    tracker = make_tracker("ask_product", "会起球吗", [entity("attribute", "pilling")], slots={"product": product.id})
    messages, _ = run(ActionAnswerProduct(), tracker)
    assert texts(messages) == [answer_product_question(shop, product, ["pilling"]).text]


def test_a_fact_the_catalogue_lacks_is_not_made_up_and_a_colleague_follows_up(shop):
    from bot.shop.product_facts import answer_product_question

    lacking = [(p, key) for p in shop.catalogue.products
               for key in ("pilling", "fading", "shrinking", "see_through", "warmth", "workmanship")
               if getattr(p, key, None) is None]
    assert lacking, "the demo catalogue should leave some facts out"
    product, key = lacking[0]
    tracker = make_tracker("ask_product", "这个怎么样啊", [entity("attribute", key)], slots={"product": product.id})
    messages, events = run(ActionAnswerProduct(), tracker)
    answer = answer_product_question(shop, product, [key], question="这个怎么样啊")
    assert texts(messages) == [answer.text]
    # The reason says which product and, in the buyer's own words, what a colleague must check.
    assert answer.hand_off_reason.key == "unknown_fact"
    assert answer.hand_off_reason.detail == f"{product.name}：这个怎么样啊"
    assert SlotSet("handoff_reasons", [answer.hand_off_reason.dict(exclude_none=True)]) in events


def test_a_product_question_without_a_product_asks_which(conversation):
    messages, _ = run(ActionAnswerProduct(), make_tracker("ask_product", "什么面料"))
    assert texts(messages) == [conversation.product.which_product]


def test_stock_of_a_garment_is_narrowed_by_the_colour_and_size_asked(shop):
    # 裤子 黑色L: only the jeans come in L (the chinos are sized 29-36).
    tracker = make_tracker("ask_stock", "裤子黑色L还有吗",
                           [entity("garment", "裤子"), entity("color", "黑色"), entity("size", "L")])
    _, events = run(ActionAnswerProduct(), tracker)
    assert SlotSet("product", "jn-denim-01") in events


# ------------------------------------------------------------------ bare numbers read by the question


def test_a_bare_number_answers_the_measurement_the_form_asked_for():
    tracker = form_turn("哦 160", [], {"requested_slot": "height", "weight": 50.0}, {})
    _, events = validate(tracker)
    assert slot_events(events) == {"height": 160.0}
    tracker = form_turn("98", [], {"requested_slot": "weight", "height": 160.0}, {})
    _, events = validate(tracker)
    assert slot_events(events) == {"weight": 49.0}


def test_a_bare_number_asked_as_height_but_not_believable_is_said_plainly(conversation):
    tracker = form_turn("16", [], {"requested_slot": "height"}, {})
    messages, events = validate(tracker)
    assert texts(messages) == [conversation.product.implausible_height.format(height="16")]
    assert slot_events(events) == {"height": None}


@pytest.mark.parametrize("action, intent", [(ActionHandleInform, "inform"), (ActionReplySmalltalk, "deny")])
def test_a_bare_number_right_after_a_size_answer_corrects_it(shop, action, intent):
    tracker = make_tracker(intent, "不对 是170", slots={"last_topic": "ask_size", "product": "hd-fleece-01",
                                                         "height": 165.0, "weight": 50.0})
    messages, events = run(action(), tracker)
    assert texts(messages) == [answer_size(shop, shop.catalogue.find("hd-fleece-01"), 170.0, 50.0).text]
    assert events[0] == SlotSet("height", 170.0)


def test_a_stock_follow_up_keeps_the_size_asked_before(shop):
    from bot.shop.stock import answer_stock

    product = shop.catalogue.find("hd-fleece-01")
    tracker = make_tracker("inform", "那灰色呢", [entity("color", "灰色")],
                           slots={"last_topic": "ask_stock", "product": product.id, "color": "灰色", "size": "L"})
    messages, _ = run(ActionHandleInform(), tracker)
    assert texts(messages) == [answer_stock(shop, product, color="灰色", size="L").text]


def test_a_new_stock_question_uses_only_its_own_colour_and_size(shop):
    from bot.shop.stock import answer_stock

    product = shop.catalogue.find("hd-fleece-01")
    tracker = make_tracker("ask_stock", "还有货吗", slots={"product": product.id, "color": "黑色", "size": "L"})
    messages, _ = run(ActionAnswerProduct(), tracker)
    assert texts(messages) == [answer_stock(shop, product).text]
