"""Clustering uncovered messages: a planted group among noise comes out as one cluster."""

from bot.trainer.clustering import cluster_messages, clusters_markdown

PLANTED = [
    "能开增值税专用发票吗",
    "可以开增值税专票吗",
    "增值税专用发票能开吗",
    "我要开增值税专用发票",
    "麻烦开一张增值税专票",
    "公司报销要增值税专用发票",
]
NOISE = [
    "这个衣服起球吗",
    "羽绒服充绒量多少",
    "周末有人值班吗",
    "你们是厂家直销吗",
    "下雨天能送货吗",
    "怎么联系不上快递员",
    "裤子会不会掉色",
    "买两件送什么赠品",
    "可以用花呗分期吗",
    "店铺地址在哪里",
]


def test_planted_group_is_one_cluster_among_noise():
    texts = NOISE[:5] + PLANTED + NOISE[5:]
    clusters, left_out = cluster_messages(texts)
    assert left_out == 0
    biggest = clusters[0]
    assert sorted(texts[i] for i in biggest.members) == sorted(PLANTED)
    assert all(c.size < biggest.size for c in clusters[1:])
    assert len(biggest.representatives) == 3 and set(biggest.representatives) <= set(PLANTED)
    assert any("增值税" in term or "发票" in term for term in biggest.top_terms[:2])


def test_cap_keeps_the_most_sent_messages():
    texts = NOISE + PLANTED
    weights = [2] * 5 + [1] * 5 + [3] * len(PLANTED)
    clusters, left_out = cluster_messages(texts, weights, max_messages=len(PLANTED) + 5)
    assert left_out == 5
    assert {texts[i] for i in clusters[0].members} <= set(PLANTED)
    assert all(i < 5 or i >= 10 for c in clusters for i in c.members)


def test_small_inputs_and_report():
    assert cluster_messages(["只有一条"]) == ([], 0)
    clusters, _ = cluster_messages(PLANTED + NOISE)
    report = clusters_markdown(clusters, len(PLANTED + NOISE), 0)
    assert report.startswith("# Candidate intents") and "## 1. 6 messages" in report
