"""Fixtures for the NLU component tests: Rasa model storage, execution context, a small catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.storage import ModelStorage

from bot.text.lexicon import DEFAULT_LEXICON_DIR

#: A catalogue in the schema of bot/shop/catalogue.py, small enough to reason about in tests.
CATALOGUE = {
    "products": [
        {
            "id": "jk-down-01",
            "name": "女款连帽白鸭绒羽绒服",
            "aliases": ["羽绒服", "连帽羽绒服", "白色羽绒服"],
            "category": "羽绒服",
            "gender": "女",
            "price": 459,
            "colors": ["米白色", "黑色", "雾霾蓝"],
            "sizes": ["S", "M", "L", "XL", "2XL"],
            "fabric": "聚酯纤维",
        },
        {
            "id": "tee-01",
            "name": "中性款纯棉圆领短袖T恤",
            "aliases": ["T恤", "短袖"],
            "category": "T恤",
            "gender": "中性",
            "price": 79,
            "colors": ["燕麦色", "白色"],
            "sizes": ["均码"],
            "fabric": "100%棉",
        },
    ]
}


@pytest.fixture
def model_storage(tmp_path: Path) -> ModelStorage:
    directory = tmp_path / "model"
    directory.mkdir()
    return LocalModelStorage(directory)


@pytest.fixture
def execution_context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), model_id="test-model", node_name="test_node")


@pytest.fixture
def catalogue_path(tmp_path: Path) -> Path:
    path = tmp_path / "catalogue.yml"
    path.write_text(yaml.safe_dump(CATALOGUE, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def lexicon_dir() -> Path:
    return DEFAULT_LEXICON_DIR
