"""CharNgramFeaturizer: vocabulary, feature shapes, n-grams across jieba tokens, persistence."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ACTION_NAME, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.char_ngram_featurizer import CharNgramFeaturizer

RESOURCE = Resource("char_ngrams")
TRAINING_TEXTS = {
    "能发顺丰吗": "ask_courier",
    "发什么快递": "ask_courier",
    "我165 100斤穿什么码": "ask_size",
    "有尺码表吗": "ask_size",
    "能便宜点吗": "bargain",
    "你好": "greet",
}


@pytest.fixture(scope="module")
def tokenizer():
    # jieba's own dictionary only: 能发顺丰吗 -> 能/发顺丰/吗, the case this featurizer is for.
    config = JiebaTokenizer.get_default_config()
    return JiebaTokenizer(config, None, Resource("tokenizer"))


def messages(tokenizer, texts):
    result = [Message(data={TEXT: text}) for text in texts]
    tokenizer.process(result)
    return result


def training_data(tokenizer):
    examples = [Message(data={TEXT: text, INTENT: intent}) for text, intent in TRAINING_TEXTS.items()]
    # Core training data brings messages without text (intent or action only): they must be skipped.
    examples += [Message(data={INTENT: "greet"}), Message(data={ACTION_NAME: "utter_greet"})]
    data = TrainingData(examples)
    tokenizer.process_training_data(data)
    return data


def create(model_storage, execution_context, **config):
    return CharNgramFeaturizer.create(
        {**CharNgramFeaturizer.get_default_config(), **config}, model_storage, RESOURCE, execution_context
    )


@pytest.fixture
def trained(tokenizer, model_storage, execution_context):
    featurizer = create(model_storage, execution_context)
    featurizer.train(training_data(tokenizer))
    return featurizer


def features(message):
    """(sequence, sentence) sparse matrices of the text attribute."""
    sequence, sentence = message.get_sparse_features(TEXT)
    return sequence.features, sentence.features


def column(featurizer, ngram):
    return featurizer.vocabulary[ngram]


def test_shapes_match_tokens_and_vocabulary(trained, tokenizer):
    [message] = messages(tokenizer, ["能发顺丰吗"])
    trained.process([message])
    sequence, sentence = features(message)
    size = len(trained.vocabulary)
    assert [t.text for t in message.get("text_tokens")] == ["能", "发顺丰", "吗"]
    assert sequence.shape == (3, size)
    assert sentence.shape == (1, size)


def test_sentence_ngrams_cross_token_boundaries(trained, tokenizer):
    [message] = messages(tokenizer, ["能发顺丰吗"])
    trained.process([message])
    sequence, sentence = (m.toarray() for m in features(message))
    for ngram in ["能发", "丰吗", "能发顺"]:  # span two jieba tokens
        assert sentence[0, column(trained, ngram)] == 1
        assert sequence[:, column(trained, ngram)].sum() == 0
    for ngram in ["发顺", "顺丰", "发顺丰"]:  # inside the token 发顺丰
        assert sentence[0, column(trained, ngram)] == 1
        assert sequence[1, column(trained, ngram)] == 1


def test_whitespace_removed_and_digits_folded(trained, tokenizer):
    vocabulary = trained.vocabulary
    assert "00斤" in vocabulary and "0斤" in vocabulary
    assert not any(ch.isspace() for ngram in vocabulary for ch in ngram)
    assert not any(ch in "123456789" for ngram in vocabulary for ch in ngram)
    [message] = messages(tokenizer, ["我170 120斤"])
    trained.process([message])
    _, sentence = features(message)
    # 我170 120斤 -> 我000000斤: 165 and 120 look alike, and the space is gone
    assert sentence.toarray()[0, column(trained, "00斤")] == 1
    assert sentence.toarray()[0, column(trained, "000")] == 4


def test_unseen_ngrams_are_ignored(trained, tokenizer):
    [message] = messages(tokenizer, ["天气怎样"])
    trained.process([message])
    sequence, sentence = features(message)
    assert sequence.shape == (len(message.get("text_tokens")), len(trained.vocabulary))
    assert sentence.nnz == 0 and sequence.nnz == 0


def test_messages_without_text_get_no_features(trained):
    intent_only, action_only = Message(data={INTENT: "greet"}), Message(data={ACTION_NAME: "utter_greet"})
    trained.process([intent_only, action_only])
    assert intent_only.features == [] and action_only.features == []


def test_process_training_data_featurizes_text_examples_only(trained, tokenizer):
    data = training_data(tokenizer)
    trained.process_training_data(data)
    with_text = [m for m in data.training_examples if m.get(TEXT)]
    without_text = [m for m in data.training_examples if not m.get(TEXT)]
    assert all(len(m.features) == 2 for m in with_text)
    assert all(m.features == [] for m in without_text)


def test_features_are_tagged_with_the_node_name_or_alias(tokenizer, model_storage, execution_context):
    featurizer = create(model_storage, execution_context, alias="char_ngrams")
    featurizer.train(training_data(tokenizer))
    [message] = messages(tokenizer, ["你好"])
    featurizer.process([message])
    assert {f.origin for f in message.features} == {"char_ngrams"}
    assert {f.type for f in message.features} == {"sequence", "sentence"}


def test_persist_and_load_give_the_same_features(trained, tokenizer, model_storage, execution_context):
    loaded = CharNgramFeaturizer.load(
        {**CharNgramFeaturizer.get_default_config()}, model_storage, RESOURCE, execution_context
    )
    assert loaded.vocabulary == trained.vocabulary
    first, second = messages(tokenizer, ["能发顺丰吗 165"] * 2)
    trained.process([first])
    loaded.process([second])
    for a, b in zip(features(first), features(second), strict=True):
        assert np.array_equal(a.toarray(), b.toarray())


def test_ngram_range_and_vocabulary_limits(tokenizer, model_storage, execution_context):
    featurizer = create(model_storage, execution_context, min_ngram=2, max_ngram=4, max_features=20)
    featurizer.train(training_data(tokenizer))
    assert len(featurizer.vocabulary) == 20
    assert all(2 <= len(ngram) <= 4 for ngram in featurizer.vocabulary)


def test_min_df_drops_rare_ngrams(tokenizer, model_storage, execution_context):
    featurizer = create(model_storage, execution_context, min_df=2)
    featurizer.train(training_data(tokenizer))
    assert "能" in featurizer.vocabulary  # in 能发顺丰吗 and 能便宜点吗
    assert "顺丰" not in featurizer.vocabulary


def test_lowercase(tokenizer, model_storage, execution_context):
    featurizer = create(model_storage, execution_context)
    data = TrainingData([Message(data={TEXT: "XL有吗", INTENT: "ask_stock"})])
    tokenizer.process_training_data(data)
    featurizer.train(data)
    assert "xl" in featurizer.vocabulary and "XL" not in featurizer.vocabulary


def test_fine_tuning_keeps_the_vocabulary(trained, tokenizer, model_storage):
    context = ExecutionContext(GraphSchema({}), model_id="test", node_name="test_node", is_finetuning=True)
    loaded = CharNgramFeaturizer.load(
        CharNgramFeaturizer.get_default_config(), model_storage, RESOURCE, context
    )
    data = TrainingData([Message(data={TEXT: "全新的句子", INTENT: "out_of_scope"})])
    tokenizer.process_training_data(data)
    loaded.train(data)
    assert loaded.vocabulary == trained.vocabulary


def test_untrained_featurizer_adds_nothing(tokenizer, model_storage, execution_context):
    loaded = CharNgramFeaturizer.load(
        CharNgramFeaturizer.get_default_config(), model_storage, Resource("never_trained"), execution_context
    )
    [message] = messages(tokenizer, ["你好"])
    loaded.process([message])
    assert message.features == []


def test_training_without_any_text_warns(model_storage, execution_context):
    featurizer = create(model_storage, execution_context)
    with pytest.warns(UserWarning, match="no training message has text"):
        featurizer.train(TrainingData([Message(data={INTENT: "greet"})]))
    assert featurizer.vocabulary == {}


@pytest.mark.parametrize("low, high", [(0, 3), (3, 2), (1.5, 3)])
def test_invalid_ngram_range(low, high, model_storage, execution_context):
    with pytest.raises(InvalidConfigException):
        create(model_storage, execution_context, min_ngram=low, max_ngram=high)
