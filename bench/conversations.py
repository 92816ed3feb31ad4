"""Scripted buyer conversations for the load test: greet, size with measurements, stock, shipping, thanks.

Written for the benchmark (not taken from buyer logs). No message asks for a person, complains or
bargains: a handed-off chat stops reaching the bot and would no longer measure it.
"""

from __future__ import annotations

from typing import List, NamedTuple, Optional


class Conversation(NamedTuple):
    """One buyer's chat: the product page they write from (catalogue id, or None) and their messages."""

    product: Optional[str]
    messages: List[str]


CONVERSATIONS: List[Conversation] = [
    Conversation("hd-fleece-01", ["在吗", "这件卫衣我165 100斤穿什么码", "黑色L还有吗", "今天下单什么时候发货", "好的谢谢"]),
    Conversation("jn-denim-01", ["你好", "我身高160体重95斤 牛仔裤穿哪个码", "深蓝色M有货吗", "包邮吗", "谢谢亲"]),
    Conversation("po-men-01", ["亲 在不在", "我175 140斤 这件polo穿多大", "白色XL还有吗", "发什么快递", "好的 谢谢"]),
    Conversation("jk-down-01", ["您好", "羽绒服我158 90斤选什么尺码", "米白色S有没有货", "几天能到", "谢谢啦"]),
    Conversation(None, ["在吗", "我168 110斤 中性款加绒连帽卫衣穿什么码", "灰色M还有货吗", "新疆包邮吗", "谢谢"]),
]
