"""The assistant's conversational wording (data/shop/conversation.yml): small talk, clarifying, bad input."""
from __future__ import annotations

import random
from pathlib import Path
from typing import Dict, List, Optional

from pydantic import root_validator

from bot.shop.data_files import DEFAULT_SHOP_DIR, read_yaml, validate
from bot.shop.fields import StrictModel, Text
from bot.shop.replies import template_problems

CONVERSATION_FILE = "conversation.yml"

SMALLTALK_INTENTS = ("greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "out_of_scope")
#: Small-talk replies that are not intents of their own.
SMALLTALK_LINES = (*SMALLTALK_INTENTS, "will_buy")


class Smalltalk(StrictModel):
    """Variants per small-talk intent; one is picked at random so the assistant does not sound canned."""

    greet: List[Text]
    goodbye: List[Text]
    thank: List[Text]
    affirm: List[Text]
    deny: List[Text]
    bot_challenge: List[Text]
    out_of_scope: List[Text]
    #: The buyer says they will buy now (好的 那我拍米白的): no question, an acknowledgement.
    will_buy: List[Text] = ["好的亲～ 拍下后我们尽快给您发出，有问题随时找我哦"]


class Clarify(StrictModel):
    ask: Text
    ask_without_topics: Text
    give_up: Text


class BadInput(StrictModel):
    empty: Text
    no_words: Text
    too_long: Text


class Handoff(StrictModel):
    on_duty: Text
    off_duty: Text
    quality: Text
    service: Text
    #: Said instead of the same reply twice in a row to two different questions: a colleague checks the second.
    not_sure: Text
    #: Said by the shop page's service: the first message routed to a person while a ticket is open,
    #: and when the assistant cannot answer at all (Rasa or its action server down).
    routed_to_person: Text
    assistant_unavailable: Text
    #: Said once when the assistant is briefly unreachable: the message is kept and answered when it is back.
    assistant_busy: Text
    #: Said when a person has resolved the chat and the assistant answers again.
    resolved: Text
    #: Said when an agent takes the chat; {agent} is the agent's display name.
    agent_joined: Text


class RatingLines(StrictModel):
    """Asking the buyer to rate the service when an agent has resolved their chat."""

    #: The question; {agent} is the display name of the agent who resolved it.
    ask: Text
    #: What each score means, from 1 (worst) to 5 (best): five lines.
    scores: List[Text]
    comment_placeholder: Text
    thanks: Text

    @root_validator(skip_on_failure=True)
    def _five_scores(cls, values: dict) -> dict:
        if len(values["scores"]) != 5:
            raise ValueError(f"scores: give exactly 5 lines, from 1 (worst) to 5 (best); got {len(values['scores'])} "
                             "评分说明必须正好5条")
        return values


class OrderLines(StrictModel):
    ask_order_id: Text
    which_order: Text
    unknown_order: Text
    change_dropped: Text


class ProductLines(StrictModel):
    ask_measurements: Text
    ask_height: Text
    ask_weight: Text
    implausible_height: Text
    implausible_weight: Text
    product_sizes: Text
    fit_note: Text
    facts: Text
    which_product: Text
    which_of: Text
    not_in_catalogue: Text
    unknown_fact: Text
    page_product: Text


class InformLines(StrictModel):
    noted: Text
    nothing: Text


# The placeholders each line may use.
_ALLOWED = {
    "smalltalk": {"shop_name"},
    "clarify": {"when"},
    "bad_input": set(),
    "handoff": {"hours", "next_on_duty", "agent"},
    "orders": {"order_id"},
    "product": {"name", "fabric", "colors", "sizes", "price", "product_sizes", "facts", "note", "names",
                "height", "weight"},
    "inform": {"facts"},
    "rating": {"agent"},
}


class Conversation(StrictModel):
    """Everything in conversation.yml."""

    smalltalk: Smalltalk
    clarify: Clarify
    topics: Dict[str, Text]
    bad_input: BadInput
    handoff: Handoff
    orders: OrderLines
    product: ProductLines
    inform: InformLines
    rating: RatingLines

    @root_validator(skip_on_failure=True)
    def _usable_templates(cls, values: dict) -> dict:
        # The same checks as replies.yml: a typo such as {shopname} is caught at start-up.
        problems = []
        for section, allowed in _ALLOWED.items():
            for key, value in values[section]:
                for index, template in enumerate(value if isinstance(value, list) else [value]):
                    where = f"{section}.{key}" + (f"[{index}]" if isinstance(value, list) else "")
                    problems += [f"{where}: {p}" for p in template_problems(template, frozenset(allowed))]
        if problems:
            raise ValueError("; ".join(problems))
        return values

    def smalltalk_reply(self, intent: str, rng: Optional[random.Random] = None, **fields: str) -> str:
        """A reply to a small-talk intent, filled with the given fields.

        Args:
            intent: one of SMALLTALK_INTENTS.
            rng: random source (tests pass a seeded one).
            **fields: values for the placeholders, e.g. shop_name.

        Returns:
            One of the variants for the intent.
        """
        variants = getattr(self.smalltalk, intent)
        return (rng or random).choice(variants).format(**fields)

    def topic_label(self, intent: str) -> Optional[str]:
        """The button title for an intent, or None when it is not a topic to offer."""
        return self.topics.get(intent)


def load_conversation(shop_dir: Optional[Path] = None) -> Conversation:
    """Reads and validates conversation.yml.

    Args:
        shop_dir: folder with the shop's data files (default: the repository's data/shop).

    Returns:
        The validated wording.

    Raises:
        ShopDataError: the file is missing, not YAML, or breaks the schema.
    """
    path = (shop_dir or DEFAULT_SHOP_DIR) / CONVERSATION_FILE
    return validate(Conversation, read_yaml(path), path)
