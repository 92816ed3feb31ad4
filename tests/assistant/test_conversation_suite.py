"""Issue 15's conversation suite (tests/conversations/*.yml) against the running assistant, as page buyers.

Each conversation is one buyer of the shop page: every message goes through the web service's buyer API
(POST /api/buyer/messages) with the product page the buyer is on, exactly as the chat widget sends it, so
the page product, the buyer's identity and the routing to a person after a hand-off all work as for a
real buyer. The run prints turns right / total, conversations fully right / total and every failed turn,
writes results/conversations/latest.json (and latest.txt, with every transcript), and fails under a floor.
"""
from __future__ import annotations

import json
from typing import Dict, List, Optional, Tuple

from bot.orders.seed import demo_order_id
from bot.web.buyer_client import BuyerClient
from tests.assistant.conftest import RESULTS
from tests.moments import FIXED_NOW
from tests.conversations.suite import (
    DEMO_ORDER_KEYS,
    Conversation,
    Reply,
    RunResult,
    TurnResult,
    fill,
    judge,
    load_suite,
    normalise,
    transcript,
)

#: Issue 15's target: 90 % of the suite's turns answered right.
ISSUE_TARGET = 0.90
#: The floor this test asserts: the score reached with issue 15's changes (323 of 323 turns, 1.00,
#: tests/conversations/README.md) minus 3 points, for what a retraining may move; the score cannot silently
#: fall back under issue 15's target (ISSUE_TARGET).
TURN_FLOOR = 0.97
REPORT_DIR = RESULTS / "conversations"


class ShopPageBuyer:
    """The runner's one contact with the running stack: a buyer chatting on the shop page (BuyerClient: a
    session, then each message with its token and its own key, as the widget sends them).

    Every new buyer of the session's stack has the demo orders (XIAODIAN_DEMO_ORDERS, timed from the fixed
    clock, as ``make run`` gives them), so a conversation about orders needs nothing more: their numbers
    are the demo numbers under this buyer's id.
    """

    def __init__(self, web_url: str) -> None:
        self.client = BuyerClient(web_url)
        self.client.start()

    @classmethod
    def with_demo_orders(cls, assistant) -> Tuple["ShopPageBuyer", Dict[str, str]]:
        """A buyer, with the numbers of their demo orders by demo key."""
        buyer = cls(assistant.web_url)
        return buyer, {key: demo_order_id(buyer.client.buyer_id, key) for key in DEMO_ORDER_KEYS}

    def send(self, text: str, product: Optional[str], payload: Optional[str] = None) -> Reply:
        """One message (typed text, or a button: its title and payload) from ``product``'s page."""
        answer = self.client.send(text, payload=payload, product=product)
        return Reply(
            texts=tuple(r["text"] for r in answer["replies"] if r.get("text")),
            buttons=tuple((b["title"], b["payload"])
                          for r in answer["replies"] for b in r.get("buttons") or []),
            handed_off=bool(answer["handed_off"]),
        )


def run_conversation(conversation: Conversation, buyer: ShopPageBuyer,
                     order_ids: Dict[str, str]) -> List[TurnResult]:
    """Play one conversation turn by turn and judge each reply."""
    results: List[TurnResult] = []
    previous: Optional[Tuple[str, Reply]] = None
    for index, (turn, page) in enumerate(zip(conversation.turns, conversation.pages())):
        text, payload, note = fill(turn.text, order_ids), None, ""
        if turn.click is not None:
            offered = previous[1].buttons if previous else ()
            if turn.click.payload is not None:
                payload = fill(turn.click.payload, order_ids)
            else:
                wanted = normalise(text)
                payload = next((p for title, p in offered if wanted in normalise(title)), None)
                if payload is None:
                    note = "no such button was offered: the buyer typed its words instead"
        title = next((t for t, p in (previous[1].buttons if previous else ()) if p == payload), text)
        reply = buyer.send(title if payload else text, page, payload)
        problems = judge(turn, reply, previous, order_ids)
        results.append(TurnResult(conversation.name, conversation.topic, index, turn.kind, text, page,
                                  reply, problems, clicked=payload, note=note))
        previous = (text, reply)
    return results


def _write_report(run: RunResult) -> None:
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    data = {"clock": FIXED_NOW, "floor": TURN_FLOOR, "target": ISSUE_TARGET, **run.to_json()}
    (REPORT_DIR / "latest.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    parts = ["\n".join(run.summary_lines()), "\n".join(run.failure_lines())]
    for name, turns in run.conversations().items():
        mark = "right" if all(t.right for t in turns) else "WRONG"
        parts.append(f"=== {turns[0].topic}/{name} ({mark})\n{transcript(turns)}")
    (REPORT_DIR / "latest.txt").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def test_the_conversation_suite_scores_at_least_the_floor(assistant, request):
    suite = load_suite()
    run = RunResult()
    for conversation in suite:
        if conversation.buyer == "demo":
            buyer, order_ids = ShopPageBuyer.with_demo_orders(assistant)
        else:
            buyer, order_ids = ShopPageBuyer(assistant.web_url), {}
        run.turns += run_conversation(conversation, buyer, order_ids)
    _write_report(run)
    # Printed past pytest's capture so `make test` shows the score and every failed turn.
    with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        print("\n==== conversation suite (issue 15) ====")
        print("\n".join(run.failure_lines()))
        print("\n".join(run.summary_lines()))
        print(f"floor {TURN_FLOOR:.1%}, issue-15 target {ISSUE_TARGET:.0%}; "
              f"transcripts in {REPORT_DIR / 'latest.txt'}")
    assert run.turn_rate >= TURN_FLOOR, (
        f"the suite fell under its floor: {run.turns_right}/{len(run.turns)} = {run.turn_rate:.1%} "
        f"< {TURN_FLOOR:.1%} (see {REPORT_DIR / 'latest.txt'})"
    )
