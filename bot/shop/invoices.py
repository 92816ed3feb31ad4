"""Invoice answers: what kind of invoice, when it is issued, which titles, special VAT invoices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence

from bot.shop.replies import Answer

if TYPE_CHECKING:
    from bot.shop.loading import Shop

LIST_SEPARATOR = "、"


def invoice_topic(shop: "Shop", text_hint: Optional[str]) -> str:
    """Which invoice question a message asks: ``special_vat``, ``paper``, ``company`` or ``overview``.

    The keywords come from ``invoices.keywords`` in the policy; the first topic in that order wins,
    since "公司要开专票" is about the special invoice more than the title.
    """
    if text_hint:
        words = shop.policy.invoices.keywords
        for topic in ("special_vat", "paper", "company"):
            if text_hint == topic or any(word in text_hint for word in getattr(words, topic)):
                return topic
    return "overview"


def answer_invoice(
    shop: "Shop", text_hint: Optional[str] = None, aspect: Optional[str] = None, parts: Sequence[str] = ()
) -> Answer:
    """Invoices: electronic invoice after confirming receipt, personal or company title, 专票 or not.

    Args:
        shop: the loaded shop.
        text_hint: the buyer's message (or a topic name) to pick the specific question, if any.

        aspect: ``amount`` (what amount the invoice is for) or ``not_invoiced`` (is this part invoiced), which
            the caller read from the message; else read from ``text_hint``.
        parts: the parts of a payment the buyer asks about (优惠券, 运费险), for those aspects.

    Returns:
        The reply; facts hold ``topic``, ``available``, ``kind``, ``special_vat``, ``paper``
        and ``issue_within_days``.
    """
    rules, replies = shop.policy.invoices, shop.replies
    topic = aspect if aspect in ("amount", "not_invoiced") else invoice_topic(shop, text_hint or aspect)
    facts = {
        "topic": topic,
        "available": rules.available,
        "kind": rules.kind,
        "special_vat": rules.special_vat,
        "paper": rules.paper,
        "issue_within_days": rules.issue_within_days,
    }
    values = {
        "kind": rules.kind,
        "issue_within_days": rules.issue_within_days,
        "title_types": LIST_SEPARATOR.join(rules.title_types),
        "company_fields": LIST_SEPARATOR.join(rules.company_fields),
        "amount_note": rules.amount_note,
    }
    if rules.available and topic in ("amount", "not_invoiced") and rules.amount_basis:
        named = [p for p in parts if p in rules.not_invoiced] or list(rules.not_invoiced)
        values.update(basis=rules.amount_basis, parts=LIST_SEPARATOR.join(named))
        key = "invoice.amount" if topic == "amount" or not named else "invoice.not_invoiced"
        return Answer(text=replies.render(key, **values), facts=facts)
    if not rules.available:
        key = "invoice.unavailable"
    elif topic == "special_vat":
        key = "invoice.special_vat_yes" if rules.special_vat else "invoice.special_vat_no"
    elif topic == "paper" and not rules.paper:
        key = "invoice.paper_no"
    elif topic == "company":
        key = "invoice.company"
    else:
        key = "invoice.overview"
    return Answer(text=replies.render(key, **values), facts=facts)
