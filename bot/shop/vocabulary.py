"""Shop words for the tokenizer's user dictionary, gathered from the catalogue and the policy."""

from __future__ import annotations

from typing import Iterable, List

from bot.shop.loading import Shop

#: jieba splits single characters anyway; one-character aliases (沪, 京) would only add noise.
MIN_TERM_LENGTH = 2


def shop_vocabulary(shop: Shop) -> List[str]:
    """Terms a buyer may write that must stay one token.

    Args:
        shop: the loaded shop.

    Returns:
        Product names and aliases, categories, colours, courier names and aliases, region names,
        aliases and cities, promotion and holiday names, payment methods and the policy glossary;
        unique, in this order.
    """
    policy, catalogue = shop.policy, shop.catalogue
    groups: List[Iterable[str]] = []
    for product in catalogue.products:
        groups += [product.names(), [product.category], product.colors]
    for courier in policy.couriers:
        groups.append(courier.names())
    for region in policy.regions:
        groups += [[region.name], region.aliases, region.cities]
    for promotion in policy.promotions:
        groups += [[promotion.name], promotion.aliases]
    groups.append(h.name for h in policy.holidays)
    groups += [
        policy.payment.methods,
        [policy.invoices.kind],
        policy.invoices.title_types,
        policy.returns.excluded_categories,
        policy.returns.filing_steps,
        policy.exchanges.steps,
        policy.glossary,
    ]
    seen = set()
    terms: List[str] = []
    for group in groups:
        for term in group:
            term = term.strip()
            if len(term) >= MIN_TERM_LENGTH and " " not in term and term not in seen:
                seen.add(term)
                terms.append(term)
    return terms
