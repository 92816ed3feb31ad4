"""The suite's own rules: how a reply is judged (a block dump fails, another right wording passes, must_not
and hand-offs and repeats are caught), what the format refuses, and that the suite files follow it."""
from __future__ import annotations

import textwrap

import pytest
import yaml

from bot.shop import load_shop
from tests.conversations.suite import (
    Conversation,
    Reply,
    RunResult,
    Turn,
    TurnResult,
    fill,
    judge,
    load_suite,
    transcript,
)

PROMOTIONS_BLOCK = Reply(texts=(
    "亲，店铺现在有这些活动哦～\n"
    "· 满299减30店铺券：实付满299元可用，每单限用一张（12月31日截止）\n"
    "· 新会员10元券：仅限新会员，领取后30天内有效（12月31日截止）",
))


def turn(**fields) -> Turn:
    return Turn(**{"say": "问题", **fields})


# ------------------------------------------------------------------ judging
def test_a_block_dump_fails_a_precise_question_and_a_short_right_answer_passes():
    how_to_get = turn(say="新人券怎么领", must=["会员", ["加入", "入会", "注册", "开通"]], max_lines=2)
    problems = judge(how_to_get, PROMOTIONS_BLOCK)
    assert "missing: 加入 | 入会 | 注册 | 开通" in problems
    assert "too long: 3 lines (max 2)" in problems
    assert judge(how_to_get, Reply(texts=("亲，首次加入店铺会员就送10元券哦～",))) == []


def test_any_listed_alternative_passes_whatever_the_width_case_or_spacing():
    stack = turn(must=[["不能", "不可以", "只能用一张"]])
    assert judge(stack, Reply(texts=("亲，这两张券每单只能用 一张哦",))) == []
    assert judge(stack, Reply(texts=("亲，不可以叠加的呢",))) == []
    total = turn(must=["428", "XL"])
    assert judge(total, Reply(texts=("两件到手４２８元，拍ｘｌ就好",))) == []
    assert judge(total, Reply(texts=("两件到手458元",))) == ["missing: 428", "missing: XL"]


def test_must_not_catches_a_wrong_or_irrelevant_fact():
    sf = turn(must=["12"], must_not=["韵达", "圆通"])
    overview = Reply(texts=("亲，我们默认发中通哦～ 也可以指定圆通、韵达、顺丰（补12元）",))
    assert judge(sf, overview) == ["must_not: 韵达", "must_not: 圆通"]
    assert judge(sf, Reply(texts=("可以发顺丰的亲，补12元差价就好～",))) == []


def test_a_size_is_matched_as_a_word():
    xl = turn(must=["size:XL"])
    assert judge(xl, Reply(texts=("建议拍2XL码",))) == ["missing: size:XL"]
    assert judge(xl, Reply(texts=("建议拍XL码哦",))) == []
    large = turn(must=["size:L"])
    assert judge(large, Reply(texts=("XL码和2XL码都有货",))) == ["missing: size:L"]
    assert judge(large, Reply(texts=("换成L码就好",))) == []
    medium = turn(must=["size:M"])
    assert judge(medium, Reply(texts=("EMS寄过去，您165cm",))) == ["missing: size:M"]
    assert judge(turn(must=["size:32"]), Reply(texts=("建议拍32码",))) == []


def test_advise_wants_the_size_recommended_not_merely_named():
    loose = turn(must=["advise:L"])
    assert judge(loose, Reply(texts=("松紧腰按体重选L码就好",))) == []
    assert judge(loose, Reply(texts=("亲，建议拍 L 码哦",))) == []
    assert judge(loose, Reply(texts=("M码合身，L码宽松，您喜欢哪种呢？",))) == ["missing: advise:L"]
    assert judge(loose, Reply(texts=("建议拍XL码，在L码的边上",))) == ["missing: advise:L"]


def test_a_number_is_a_whole_number():
    thigh = turn(must=["56"])
    assert judge(thigh, Reply(texts=("适合156-160cm",))) == ["missing: 56"]
    assert judge(thigh, Reply(texts=("M码大腿围56厘米",))) == []
    assert judge(turn(must=["90%"]), Reply(texts=("含绒量190%",))) == ["missing: 90%"]


def test_a_regular_expression_is_searched_in_the_normalised_reply():
    fee = turn(must=[r"re:(?<![\d.])8元"])
    assert judge(fee, Reply(texts=("运费18元",))) == [r"missing: re:(?<![\d.])8元"]
    assert judge(fee, Reply(texts=("不满99元运费 8 元哦",))) == []


def test_a_hand_off_counts_only_where_expected():
    plain = turn(must=["16:00"])
    answered = Reply(texts=("16:00前付款今天发",), handed_off=True)
    assert judge(plain, answered) == ["handed_off: handed to a person, should not be"]
    gap = turn(must=["同事"], handed_off=True)
    assert judge(gap, Reply(texts=("这个我跟同事确认一下",))) == [
        "handed_off: should be handed to a person, was not"]
    either = turn(must=["16:00"], handed_off=None)
    assert judge(either, answered) == []


def test_the_same_reply_to_two_different_questions_is_wrong_but_not_to_the_same_question():
    summary = Reply(texts=("亲，开衫199元，30%羊毛～\n颜色有燕麦色、奶白色",))
    facts = turn(say="有没有质检报告", must=["开衫"])
    assert judge(facts, summary, previous=("扎不扎", summary)) == [
        "repeated: the same reply as to the previous, different question"]
    assert judge(facts.copy(update={"say": "扎不扎 "}), summary, previous=("扎不扎", summary)) == []
    assert judge(facts.copy(update={"may_repeat": True}), summary, previous=("扎不扎", summary)) == []


def test_one_message_sent_twice_in_a_reply_is_wrong():
    twice = Reply(texts=("亲，松紧腰，腰围有弹性哦～", "亲，松紧腰，腰围有弹性哦～"))
    assert judge(turn(say="腰是松紧的吗", must=["松紧"]), twice) == [
        "said twice: one message of the reply is sent twice"]
    once = Reply(texts=("亲，松紧腰，腰围有弹性哦～", "亲体重多少呢？"))
    assert judge(turn(say="腰是松紧的吗", must=["松紧"]), once) == []


def test_button_titles_are_read_lines_are_counted_and_silence_is_wrong():
    pick = turn(must=["牛仔裤", "Polo"], max_lines=1)
    offered = Reply(texts=("亲，您问的是哪一单呢？",), buttons=(("11月20日 牛仔裤 深蓝色M", "/x"), ("Polo 白色XL", "/y")))
    assert judge(pick, offered) == []
    two_messages = Reply(texts=("第一行\n第二行", "第三行"))
    assert judge(turn(must=["第"], max_lines=2), two_messages) == ["too long: 3 lines (max 2)"]
    assert judge(turn(must_not=["错"]), Reply(texts=())) == ["no reply"]


def test_order_placeholders_are_filled_with_the_buyers_demo_orders():
    ids = {"shipped": "312345678901234567"}
    assert fill("{order:shipped} 到哪了", ids) == "312345678901234567 到哪了"
    tail = turn(must=["尾号{tail:shipped}"])
    assert judge(tail, Reply(texts=("尾号4567的订单已经发出",)), order_ids=ids) == []


# ------------------------------------------------------------------ the format
@pytest.mark.parametrize("fields, message", [
    ({"say": "a", "click": "b", "must": ["x"]}, "exactly one of"),
    ({"must": []}, "needs a fact"),
    ({"must": ["re:(unclosed"]}, "not a regular expression"),
    ({"must": [[]]}, "at least one alternative"),
    ({"must": ["  "]}, "must not be empty"),
    ({"must": ["x"], "kind": "weather"}, "kind"),
    ({"must": ["x"], "shuold": "typo"}, "extra fields not permitted"),
])
def test_the_format_refuses_a_malformed_turn(fields, message):
    with pytest.raises(ValueError, match=message):
        Turn(**{"say": "问题", **fields})


def test_a_hand_off_must_end_the_conversation_and_placeholders_need_the_demo_buyer():
    with pytest.raises(ValueError, match="not the last"):
        Conversation(name="a", page=None, turns=[turn(handed_off=True), turn(must=["x"])])
    with pytest.raises(ValueError, match="buyer: demo"):
        Conversation(name="a", page=None, turns=[turn(say="{order:shipped}到哪了", must=["中通"])])
    with pytest.raises(ValueError, match="no such demo order"):
        Conversation(name="a", page=None, buyer="demo", turns=[turn(say="{order:lost}", must=["x"])])


def test_a_click_is_a_button_title_and_pages_carry_over(tmp_path):
    (tmp_path / "topic.yml").write_text(textwrap.dedent("""\
        conversations:
          - name: one
            page: hd-fleece-01
            turns:
              - {say: 我的快递到哪了, must: [牛仔裤]}
              - {click: 牛仔裤, must: [中通], page: jn-denim-01}
              - {click: {title: 看尺码表, payload: /ask_size}, must: [尺码]}
        """), encoding="utf-8")
    [conversation] = load_suite(tmp_path)
    assert conversation.topic == "topic"
    assert [t.text for t in conversation.turns] == ["我的快递到哪了", "牛仔裤", "看尺码表"]
    assert conversation.turns[2].click.payload == "/ask_size"
    assert conversation.pages() == ["hd-fleece-01", "jn-denim-01", "jn-denim-01"]


def test_a_bad_file_is_named_in_the_error(tmp_path):
    (tmp_path / "broken.yml").write_text("conversations:\n  - name: x\n    page: p\n    turns: [{say: a}]\n")
    with pytest.raises(ValueError, match="broken.yml"):
        load_suite(tmp_path)


# ------------------------------------------------------------------ the suite itself
def test_the_suite_is_as_big_as_issue_15_asks_and_every_page_is_a_product():
    suite = load_suite()
    assert len(suite) >= 80 and sum(len(c.turns) for c in suite) >= 300
    products = {p.id for p in load_shop().catalogue.products}
    for conversation in suite:
        assert set(conversation.pages()) <= products, conversation.name


def test_no_suite_file_is_rasa_training_data():
    # tests/ is not under data/, but keep the keys Rasa would read as training data out anyway.
    from tests.conversations.suite import SUITE_DIR

    for path in SUITE_DIR.glob("*.yml"):
        assert set(yaml.safe_load(path.read_text(encoding="utf-8"))) == {"conversations"}, path.name


# ------------------------------------------------------------------ scoring
def test_the_score_counts_turns_and_whole_conversations():
    def result(name, right):
        problems = [] if right else ["missing: x"]
        return TurnResult(name, "topic", 0, "answer", "问", None, Reply(texts=("答",)), problems)

    run = RunResult([result("a", True), result("a", False), result("b", True)])
    assert (run.turns_right, run.conversations_right) == (2, 1)
    assert run.summary_lines()[:2] == ["turns right: 2 / 3 (66.7%)", "conversations fully right: 1 / 2"]
    assert run.mode_counts() == {"missing": 1}
    assert run.to_json()["transcripts"][0]["right"] is False
    assert "买家> 问\n小店> 答" in transcript(run.conversations()["a"])


def test_the_demo_order_keys_are_the_seeds(tmp_path):
    from datetime import datetime

    from bot.orders.seed import demo_order_id, seed_demo_orders
    from bot.orders.store import OrderStore
    from tests.conversations.suite import DEMO_ORDER_KEYS

    store = OrderStore(f"sqlite:///{tmp_path / 'orders.sqlite'}")
    try:
        made = seed_demo_orders(store, datetime.fromisoformat("2026-11-23T15:20:00+08:00"), buyer_id="b-1",
                                other_buyer_id=None)
    finally:
        store.close()
    assert {demo_order_id("b-1", key) for key in DEMO_ORDER_KEYS} == {order.id for order in made}
