"""Groups messages the assistant does not cover into candidate intents, without fixing the number of groups.

Messages become character 1-3-gram TF-IDF vectors (Chinese needs no segmentation for that, and a
misspelt word still shares most n-grams) and are grouped by average-linkage agglomerative
clustering on cosine distance (computed once, passed as precomputed), cut at `distance_threshold`. That clustering needs the dense
pairwise distances, so at most `max_messages` (default 3000, the most often sent first) are
clustered; the rest are left out and the caller is told how many. Each cluster is described by its
top terms (the jieba words with the highest mean TF-IDF in it) and its three messages closest to
the centroid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

DEFAULT_DISTANCE = 0.75
DEFAULT_MAX_MESSAGES = 3000
_JIEBA_DICT = Path(__file__).resolve().parents[2] / "data" / "jieba" / "shop_dict.txt"
_PLACEHOLDER = re.compile(r"\[[^\]]{1,6}\]")
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")
# Function words that say nothing about what a buyer wants.
_STOP = set("的 了 吗 呢 吧 啊 呀 哦 嗯 么 是 我 你 他 她 它 这 那 个 在 有 和 就 也 都 还 要 会 能 可以 一下 "
            "什么 怎么 这个 那个 我们 你们 亲 请问 好的 没有 不 哈 么 呐 哟 吖 x".split())


@dataclass
class Cluster:
    """A candidate intent: its messages, size, top terms and representative messages."""

    size: int
    top_terms: List[str]
    representatives: List[str]
    members: List[int]  # indices into the clustered texts


_tokenizer = None


def _tokenize(text: str) -> List[str]:
    global _tokenizer
    if _tokenizer is None:
        import jieba

        _tokenizer = jieba.Tokenizer()
        if _JIEBA_DICT.exists():
            _tokenizer.load_userdict(str(_JIEBA_DICT))
    words = _tokenizer.lcut(_PLACEHOLDER.sub(" ", text))
    return [w for w in words if _WORD.search(w) and w.lower() not in _STOP]


def cluster_messages(
    texts: Sequence[str],
    weights: Optional[Sequence[int]] = None,
    distance_threshold: float = DEFAULT_DISTANCE,
    max_messages: int = DEFAULT_MAX_MESSAGES,
    min_size: int = 2,
    n_terms: int = 5,
) -> Tuple[List[Cluster], int]:
    """Clusters messages; returns clusters of at least `min_size`, largest first, and how many were left out by the cap.

    Args:
        texts: messages (already masked).
        weights: how often each was sent; the most sent are kept when over the cap.
        distance_threshold: cosine distance at which clusters stop merging (lower = tighter).
        max_messages: cap on messages clustered (dense pairwise distances are quadratic).
        min_size: smallest cluster reported.
        n_terms: top terms per cluster.
    """
    order = list(range(len(texts)))
    if weights is not None:
        order.sort(key=lambda i: -weights[i])
    kept = sorted(order[:max_messages])
    left_out = len(texts) - len(kept)
    if len(kept) < 2:
        return [], left_out
    chosen = [texts[i] for i in kept]
    char_vectors = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit_transform(
        [_PLACEHOLDER.sub(" ", t) for t in chosen]
    )
    dense = char_vectors.toarray()
    # Cosine distances from the sparse, L2-normalised vectors (a BLAS product), since sklearn's own
    # cosine affinity goes through scipy's pdist over the dense vocabulary and is ~50 times slower.
    distances = 1.0 - (char_vectors @ char_vectors.T).toarray()
    np.clip(distances, 0.0, 2.0, out=distances)
    np.fill_diagonal(distances, 0.0)
    # An all-zero vector has no cosine: it is far from everything and stays alone.
    empty = ~dense.any(axis=1)
    distances[empty, :] = 1.0
    distances[:, empty] = 1.0
    distances[empty, empty] = 0.0
    labels = AgglomerativeClustering(
        n_clusters=None, distance_threshold=distance_threshold, linkage="average", affinity="precomputed"
    ).fit_predict(distances)
    word_vectorizer = TfidfVectorizer(tokenizer=_tokenize, lowercase=False, token_pattern=None)
    try:
        word_vectors = word_vectorizer.fit_transform(chosen)
        vocabulary = np.array(word_vectorizer.get_feature_names_out())
    except ValueError:  # no words at all
        word_vectors, vocabulary = None, np.array([])
    clusters: List[Cluster] = []
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        if len(rows) < min_size:
            continue
        centroid = dense[rows].mean(axis=0)
        norms = np.linalg.norm(dense[rows], axis=1) * (np.linalg.norm(centroid) or 1.0)
        closeness = dense[rows] @ centroid / np.where(norms == 0, 1.0, norms)
        representatives: List[str] = []
        for row in rows[np.argsort(-closeness)]:
            if chosen[row] not in representatives:
                representatives.append(chosen[row])
            if len(representatives) == 3:
                break
        terms: List[str] = []
        if word_vectors is not None and len(vocabulary):
            mean = np.asarray(word_vectors[rows].mean(axis=0)).ravel()
            terms = [vocabulary[i] for i in np.argsort(-mean)[:n_terms] if mean[i] > 0]
        clusters.append(Cluster(len(rows), terms, representatives, [kept[r] for r in rows]))
    clusters.sort(key=lambda c: -c.size)
    return clusters, left_out


def clusters_markdown(clusters: Sequence[Cluster], total: int, left_out: int) -> str:
    """A Markdown report of the clusters for trainers."""
    lines = [
        "# Candidate intents (clusters of uncovered messages)",
        "",
        f"{total} uncovered messages; {len(clusters)} clusters of 2 or more"
        + (f"; {left_out} messages not clustered (over the cap)" if left_out else "")
        + ".",
        "",
    ]
    for number, cluster in enumerate(clusters, 1):
        lines.append(f"## {number}. {cluster.size} messages: {' / '.join(cluster.top_terms)}")
        lines.append("")
        lines.extend(f"- {text}" for text in cluster.representatives)
        lines.append("")
    return "\n".join(lines)
