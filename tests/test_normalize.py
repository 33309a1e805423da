"""Punctuation normalisation: ASCII , ; : ( ) ! ? in Chinese become full-width; numbers, URLs, Latin keep theirs."""

from __future__ import annotations

from collections import Counter

import pytest

from layout.lang.normalize import normalize


@pytest.mark.parametrize(
    ("text", "expected", "counts"),
    [
        pytest.param("我们,你们", "我们，你们", {",": 1}, id="comma"),
        pytest.param("一;二", "一；二", {";": 1}, id="semicolon"),
        pytest.param("他说:好", "他说：好", {":": 1}, id="colon"),
        pytest.param("好!", "好！", {"!": 1}, id="exclamation"),
        pytest.param("是吗?", "是吗？", {"?": 1}, id="question"),
        pytest.param("公司(以下简称“公司”)团委", "公司（以下简称“公司”）团委", {"(": 1, ")": 1}, id="parens"),
        pytest.param("(笑)他说", "（笑）他说", {"(": 1, ")": 1}, id="parens-at-start"),
        pytest.param("甲(a)", "甲（a）", {"(": 1, ")": 1}, id="parens-around-latin-after-han"),
        pytest.param(
            "我们,你们;他们:好!吗?",
            "我们，你们；他们：好！吗？",
            {",": 1, ";": 1, ":": 1, "!": 1, "?": 1},
            id="all-five",
        ),
        pytest.param("一,二,三,四", "一，二，三，四", {",": 3}, id="counted"),
        pytest.param("“创城”,是", "“创城”，是", {",": 1}, id="after-closing-quote"),
        pytest.param("甲(注:见上)", "甲（注：见上）", {"(": 1, ":": 1, ")": 1}, id="nested-colon"),
        pytest.param("OK!甲", "OK！甲", {"!": 1}, id="latin-then-han"),
        pytest.param("共870余户,满意度达90%。", "共870余户，满意度达90%。", {",": 1}, id="digits-around"),
        # kept: numbers, times, URLs, Latin phrases
        pytest.param("1,000", "1,000", {}, id="thousands"),
        pytest.param("共1,000人", "共1,000人", {}, id="thousands-in-han"),
        pytest.param("10:30", "10:30", {}, id="time"),
        pytest.param("上午10:30开会", "上午10:30开会", {}, id="time-in-han"),
        pytest.param("比分3:0", "比分3:0", {}, id="score"),
        pytest.param("http://x.cn", "http://x.cn", {}, id="url"),
        pytest.param("见http://x.cn网站", "见http://x.cn网站", {}, id="url-in-han"),
        pytest.param('"a, b"', '"a, b"', {}, id="latin-phrase"),
        pytest.param('他写了"a, b"两个字母', '他写了"a, b"两个字母', {}, id="latin-phrase-in-han"),
        pytest.param("a, b (c)!", "a, b (c)!", {}, id="all-latin"),
        pytest.param("没有标点", "没有标点", {}, id="nothing-to-do"),
        pytest.param("", "", {}, id="empty"),
    ],
)
def test_normalize(text, expected, counts):
    out, got = normalize(text)
    assert out == expected
    assert got == Counter(counts)
    assert len(out) == len(text)


def test_counts_match_changes():
    text = "自我市开展工作以来,按照要求;王志勇说:“好!”(是吗?)共1,000人,10:30"
    out, counts = normalize(text)
    changed = Counter(a for a, b in zip(text, out) if a != b)
    assert changed == counts
    assert counts == Counter({",": 2, ";": 1, ":": 1, "!": 1, "(": 1, "?": 1, ")": 1})


def test_idempotent_without_mark_runs():
    once, _ = normalize("我们,你们(他们)说:好")
    assert once == "我们，你们（他们）说：好"
    assert normalize(once) == (once, Counter())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他说(笑)!", "他说（笑）！"),
        ("什么?!", "什么？！"),
        ("好!!", "好！！"),
        ("我们,你们(他们)!", "我们，你们（他们）！"),
    ],
)
def test_mark_after_converted_mark(text, expected):
    once, _ = normalize(text)
    assert once == expected
    assert normalize(once)[0] == once


@pytest.mark.parametrize("text", ["(a)甲", "(1)第一条"])
def test_bracket_pair_converted_together(text):
    out, counts = normalize(text)
    assert (out[0], out[2]) in {("(", ")"), ("（", "）")}
    assert counts["("] == counts[")"]
