"""Tickets built from small chats: reasons, priority, and the facts an agent needs in the summary."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.handoff.reasons import HandoffReason
from bot.handoff.summary import build_ticket
from bot.handoff.ticket import Ticket
from tests.bot.handoff.conftest import NOW, chat


def R(key, detail=None, priority=None):
    return HandoffReason(key=key, detail=detail, priority=priority)

CASES = [
    pytest.param(
        chat(
            ("buyer", "这件165穿什么码", "ask_size", 0.93, {"height": 165}),
            ("slot", "height", 165.0), ("slot", "weight", 55.0), ("slot", "product", "jk-down-01"),
            ("bot", "亲，建议M码哦～"),
            ("buyer", "白色M还有吗", "ask_stock", 0.88, {"color": "白色", "size": "M"}),
            ("slot", "color", "白色"), ("slot", "size", "M"),
            ("buyer", "转人工", "request_human", 0.97),
        ),
        [R("request_human")],
        ["request_human"], "normal",
        ["tb_buyer01", "女款连帽白鸭绒羽绒服", "问尺码→问库存→要求转人工", "身高165cm", "体重55kg", "尺码M", "颜色白色", "买家要求转人工"],
        id="size-stock-human",
    ),
    pytest.param(
        chat(
            ("buyer", "衣服收到袖口开线了", "complain_quality", 0.91, {"order_id": "260301123456789012"}),
            ("slot", "order_id", "260301123456789012"),
            ("bot", "亲，非常抱歉，麻烦拍照片给我们看看"),
            ("buyer", "什么垃圾质量，我要差评", "complain_quality", 0.64),
        ),
        [R("complain_quality", priority="high")],
        ["complain_quality", "angry_words"], "urgent",
        ["订单260301123456789012（已签收）", "质量问题投诉", "买家情绪激动", "“什么垃圾质量，我要差评”"],
        id="quality-angry",
    ),
    pytest.param(
        chat(
            ("buyer", "羊毛大衣能便宜50吗", "bargain", 0.9, {"amount": 50, "product": "ct-wool-01"}),
            ("slot", "product", "ct-wool-01"), ("slot", "amount", 50.0), ("slot", "bargain_attempts", 1.0),
            ("bot", "亲，本店都是实价哦"),
            ("buyer", "再便宜点嘛", "bargain", 0.86),
            ("slot", "bargain_attempts", 2.0),
        ),
        [R("bargain_over_limit", "over_agent_limit"), R("bargain_insists", "repeated_bargain")],
        ["bargain_over_limit", "bargain_insists"], "normal",
        ["女款双面羊毛大衣（ct-wool-01）", "议价", "想便宜50元", "议价超出客服权限"],
        id="bargain",
    ),
    pytest.param(
        chat(
            ("buyer", "我的快递怎么一周了还没到", "track_order", 0.95),
            ("slot", "order_id", "260228000000000001"),
            ("bot", "亲，包裹已经超过预计时间了，已请同事帮您催件"),
        ),
        [R("late_parcel", "催件")],
        ["late_parcel"], "high",
        ["查物流", "订单260228000000000001", "催件/催发货", "“我的快递怎么一周了还没到”"],
        id="late-parcel",
    ),
    pytest.param(
        chat(
            ("buyer", "退款为什么被拒了", "return_request", 0.82),
            ("bot", "亲，已请同事帮您查看"),
        ),
        [R("refund", "退款被拒")],
        ["refund"], "urgent",
        ["申请退换/退款", "退款卡住了", "“退款为什么被拒了”"],
        id="refund",
    ),
    pytest.param(
        chat(
            ("buyer", "在吗", "greet", 0.99),
            ("buyer", "asdf qwer", "out_of_scope", 0.31),
            ("buyer", "zxcv", "out_of_scope", 0.28),
        ),
        [R("not_understood_twice")],
        ["not_understood_twice"], "normal",
        ["说了别的", "机器人连续两次没听懂", "“zxcv”"],
        id="not-understood",
    ),
    pytest.param(
        chat(
            ("buyer", "这条裙子的面料含棉多少", "ask_product", 0.9),
            ("slot", "product", "sk-pleat-01"),
        ),
        [R("unknown_fact", "女款高腰百褶半身裙：含棉量")],
        ["unknown_fact"], "normal",
        ["女款高腰百褶半身裙", "商品资料里没有"],
        id="unknown-fact",
    ),
    pytest.param(
        chat(("buyer", "你好", "greet", 0.99), page="dr-shirt-01", buyer=None),
        [],
        [], "normal",
        ["买家（未登录）", "女款收腰衬衫连衣裙", "同事手动转人工"],
        id="opened-by-hand",
    ),
]


@pytest.mark.parametrize("events, slot_reasons, keys, priority, in_summary", CASES)
def test_build_ticket(shop, events, slot_reasons, keys, priority, in_summary):
    ticket = build_ticket(
        shop, events, "conv-1", None, NOW, slot_reasons, ticket_id="t1",
        order_status={"260301123456789012": "已签收"},
    )
    assert ticket.reasons == keys
    assert ticket.priority == priority
    assert 2 <= len(ticket.summary) <= 3
    text = "\n".join(ticket.summary)
    for fact in in_summary:
        assert fact in text, (fact, ticket.summary)
    assert ticket.next_step and "{" not in ticket.next_step
    assert ticket.status == "open" and ticket.created_at == NOW
    assert Ticket.parse_raw(ticket.json()) == ticket


def test_transcript_keeps_confidence_and_ids(shop):
    events = CASES[0].values[0]
    ticket = build_ticket(shop, events, "conv-1", "tb_given", NOW, [R("request_human")])
    assert ticket.buyer_id == "tb_given" and ticket.product_id == "jk-down-01"
    assert [line.sender for line in ticket.transcript] == ["buyer", "bot", "buyer", "buyer"]
    assert ticket.transcript[0].intent == "ask_size" and ticket.transcript[0].confidence == pytest.approx(0.93)
    assert ticket.transcript[1].confidence is None
    assert ticket.facts["height"] == 165.0 and ticket.facts["size"] == "M"
    assert len(ticket.id) == 12


def test_long_complaint_is_trimmed(shop):
    words = "衣服洗了一次就缩水成童装了" * 6
    ticket = build_ticket(shop, chat(("buyer", words, "complain_quality", 0.9)), "c", "b", NOW, [R("complain_quality", priority="high")])
    assert ticket.summary[-1].endswith("…”") and len(ticket.summary[-1]) < 50
    assert ticket.facts["buyer_words"] == words


def test_a_rewound_turn_shows_once_and_no_identity_is_kept(shop):
    now = datetime(2026, 11, 23, 15, 20, tzinfo=timezone.utc)
    events = [
        {"event": "user", "text": "包邮吗", "timestamp": now.timestamp(),
         "metadata": {"identity": "eyJ.secret.token", "product": "hd-fleece-01"}},
        {"event": "action", "name": "action_listen"},
        {"event": "rewind"},
        {"event": "user", "text": "包邮吗", "timestamp": now.timestamp(), "metadata": {"identity": "eyJ.other"}},
        {"event": "bot", "text": "亲，满99包邮哦", "timestamp": now.timestamp()},
        {"event": "user", "text": "转人工", "timestamp": now.timestamp()},
    ]
    ticket = build_ticket(shop, events, "b-1", "b-1", now, [R("request_human")])
    assert [line.text for line in ticket.transcript] == ["包邮吗", "亲，满99包邮哦", "转人工"]
    assert "eyJ" not in ticket.json()
