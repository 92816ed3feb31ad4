"""The shop's catalogue: product schema, loading data/shop/catalogue.yml, finding a product by name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Literal, Optional

from pydantic import PrivateAttr, validator

from bot.shop.data_files import read_yaml, validate
from bot.shop.errors import Problem, ShopDataError
from bot.shop.fields import Money, SizeLabel, Slug, StrictModel, Text

_SPACES = re.compile(r"\s+")


def normalise_name(text: str) -> str:
    """Key used to compare product names: no spaces, lower-case latin (``Polo衫`` == ``polo 衫``)."""
    return _SPACES.sub("", text).lower()


class Product(StrictModel):
    """One product (宝贝) as the shop owner lists it.

    New facts (size charts, model measurements...) are added here as optional fields, so existing
    catalogues keep loading.
    """

    id: Slug
    name: Text
    aliases: List[Text] = []
    category: Text
    gender: Literal["女", "男", "中性"]
    price: Money
    colors: List[Text]
    sizes: List[SizeLabel]
    fabric: Text
    #: Overrides the category rule of the policy (returns.excluded_categories) when set.
    returnable_no_reason: Optional[bool] = None
    care: Optional[Text] = None
    description: Optional[Text] = None

    @validator("price")
    def _price_positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("a price must be more than 0 价格必须大于0")
        return value

    @validator("colors", "sizes")
    def _not_empty_and_unique(cls, values: list) -> list:
        if not values:
            raise ValueError("list at least one 至少填写一项")
        seen = set()
        for value in values:
            if value in seen:
                raise ValueError(f"{value!r} is listed twice 重复")
            seen.add(value)
        return values

    @validator("returnable_no_reason", pre=True)
    def _strict_bool(cls, value: object) -> object:
        if value is not None and not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value

    def names(self) -> List[str]:
        """The product's name followed by its aliases."""
        return [self.name, *self.aliases]


class Catalogue(StrictModel):
    """All products of the shop."""

    products: List[Product]
    _by_key: Dict[str, Product] = PrivateAttr(default_factory=dict)

    def __init__(self, **data: object):
        super().__init__(**data)
        # First listed wins: cross_check() reports collisions, so at run time there are none.
        for product in self.products:
            for key in (product.id, *product.names()):
                self._by_key.setdefault(normalise_name(key), product)

    def find(self, name_or_alias_or_id: str) -> Optional[Product]:
        """Find a product by its id, its name or one of its aliases (spaces and case ignored).

        Args:
            name_or_alias_or_id: e.g. ``jk-down-01``, ``女款连帽羽绒服`` or ``羽绒服``.

        Returns:
            The product, or None when nothing matches exactly.
        """
        if not name_or_alias_or_id:
            return None
        return self._by_key.get(normalise_name(name_or_alias_or_id))

    def mentioned_in(self, text: str) -> List[Product]:
        """Products whose name or alias occurs in a message, longest mention first.

        Args:
            text: a buyer's message, e.g. ``那件白色外套还有M码吗``.

        Returns:
            The products mentioned, each once; a shorter alias inside a longer match is not counted.
        """
        haystack = normalise_name(text or "")
        found: List[Product] = []
        for key in sorted(self._by_key, key=len, reverse=True):
            if key and key in haystack:
                product = self._by_key[key]
                if product not in found:
                    found.append(product)
                haystack = haystack.replace(key, "\0")
        return found

    def cross_check(self) -> List[Problem]:
        """Checks across products: unique ids, and no name or alias shared by two products.

        Returns:
            (field path, problem) pairs; empty when the catalogue is consistent.
        """
        problems: List[Problem] = []
        owner: Dict[str, str] = {}
        ids_seen: Dict[str, int] = {}
        for i, product in enumerate(self.products):
            for j, key in enumerate([product.id, *product.names()]):
                norm = normalise_name(key)
                other = owner.get(norm)
                if other is not None and (other != product.id or (j == 0 and i != ids_seen[other])):
                    where = "name" if j == 1 else "id" if j == 0 else f"aliases[{j - 2}]"
                    what = "duplicate id 商品编号重复" if j == 0 else "name/alias used twice 名称/别名重复"
                    problems.append(
                        (f"products[{i}].{where}", f"{key!r} is already used by product {other!r}: {what}")
                    )
                owner.setdefault(norm, product.id)
            ids_seen.setdefault(product.id, i)
        return problems


def load_catalogue(path: Path) -> Catalogue:
    """Load and validate a catalogue file.

    Args:
        path: the catalogue YAML, e.g. ``data/shop/catalogue.yml``.

    Returns:
        The validated catalogue.

    Raises:
        ShopDataError: the file is missing, malformed, breaks the schema or has duplicate ids/aliases.
    """
    catalogue = validate(Catalogue, read_yaml(Path(path)), Path(path))
    problems = catalogue.cross_check()
    if problems:
        raise ShopDataError(path, problems)
    return catalogue
