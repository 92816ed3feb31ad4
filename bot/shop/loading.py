"""Loading the whole shop (policy, catalogue, replies) from data/shop, validated and cross-checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from bot.shop.catalogue import Catalogue, load_catalogue
from bot.shop.data_files import (
    CATALOGUE_FILE,
    DEFAULT_SHOP_DIR,
    POLICY_FILE,
    REPLIES_FILE,
    read_yaml,
    validate,
)
from bot.shop.errors import Problem, ShopDataError
from bot.shop.replies import Replies
from bot.shop.schema import Policy


# eq=False: identity hashing, so a Shop can key a cache (its pydantic parts are unhashable).
@dataclass(frozen=True, eq=False)
class Shop:
    """Everything the assistant knows about the shop, as loaded from its data files.

    Attributes:
        policy: shipping, returns, prices, payment... (policy.yml).
        catalogue: the products (catalogue.yml).
        replies: the reply templates (replies.yml).
        shop_dir: the directory the files came from.
    """

    policy: Policy
    catalogue: Catalogue
    replies: Replies
    shop_dir: Path


def load_policy(path: Path) -> Policy:
    """Load and validate a policy file.

    Args:
        path: the policy YAML.

    Returns:
        The validated, cross-checked policy.

    Raises:
        ShopDataError: the file is missing, malformed, or breaks the schema or a cross-check.
    """
    policy = validate(Policy, read_yaml(Path(path)), Path(path))
    problems = policy.cross_check()
    if problems:
        raise ShopDataError(path, problems)
    return policy


def load_replies(path: Path) -> Replies:
    """Load and validate a replies file against the templates the code renders.

    Args:
        path: the replies YAML.

    Returns:
        The validated replies.

    Raises:
        ShopDataError: a reply is missing, unknown, too long or uses a field the code does not pass.
    """
    data = read_yaml(Path(path))
    replies = validate(Replies, data, Path(path))
    problems = replies.cross_check()
    if problems:
        raise ShopDataError(path, problems)
    return replies


def cross_check_shop(policy: Policy, catalogue: Catalogue) -> List[Problem]:
    """Checks between the policy and the catalogue: promotions name existing products.

    Returns:
        (field path in policy.yml, problem) pairs.
    """
    ids = {p.id for p in catalogue.products}
    problems: List[Problem] = []
    for i, promotion in enumerate(policy.promotions):
        for j, product_id in enumerate(promotion.product_ids):
            if product_id not in ids:
                problems.append(
                    (
                        f"promotions[{i}].product_ids[{j}]",
                        f"no product {product_id!r} in the catalogue 目录里没有这个商品",
                    )
                )
    return problems


def load_shop(shop_dir: Optional[Path] = None) -> Shop:
    """Load the shop's data files.

    Args:
        shop_dir: a directory holding policy.yml, catalogue.yml and replies.yml; defaults to the
            repository's data/shop, found from this module's path (never the current directory).

    Returns:
        The loaded shop.

    Raises:
        ShopDataError: any file is missing or invalid; the message names the file and the field.
    """
    directory = Path(shop_dir) if shop_dir is not None else DEFAULT_SHOP_DIR
    if not directory.is_dir():
        raise ShopDataError(directory, [("", "shop data directory not found 找不到店铺数据目录")])
    policy = load_policy(directory / POLICY_FILE)
    catalogue = load_catalogue(directory / CATALOGUE_FILE)
    replies = load_replies(directory / REPLIES_FILE)
    problems = cross_check_shop(policy, catalogue)
    if problems:
        raise ShopDataError(directory / POLICY_FILE, problems)
    return Shop(policy=policy, catalogue=catalogue, replies=replies, shop_dir=directory)
