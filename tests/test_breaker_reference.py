"""The fast line breaker against the straightforward one (tests/breaker_reference.py): on
random paragraphs, at many measures, indents and rules, the same lines, the same runs and
the same positions, to the last bit of every float (dataclass equality compares them)."""

from __future__ import annotations

import re
import sys
from dataclasses import astuple
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layout.inline import breaker
from layout.lang.zh import is_wide, rules_for, wide_class

sys.path.insert(0, str(Path(__file__).resolve().parent))

import breaker_reference as reference  # noqa: E402

SIZE = 10.0


RULES = [
    rules_for(),
    rules_for(level="strict", scheme="kaiming"),
    rules_for(level="gb", scheme="quanjiao"),
    rules_for("zh-Hant"),
    rules_for(halve_opening_at_line_start=True),
]
HAN = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十"
MARKS = "、，。：；！？“”‘’（）《》·—…/%"
PIECES = st.one_of(
    st.sampled_from(HAN),
    st.sampled_from(HAN),
    st.sampled_from(HAN),
    st.sampled_from(MARKS),
    st.sampled_from(["——", "……", "年", "余户", "多名", " ", "2020", "870", "3.5", "e-mail", "90%"]),
    st.text("abcxyz0123456789", min_size=1, max_size=6),
    st.just("http://www.example.com/a/very/long/path?x=1&y=2"),
    st.text("abcdefghij", min_size=25, max_size=40),  # wider than any line: broken into characters
)
PARAGRAPHS = st.lists(PIECES, min_size=0, max_size=80).map("".join)


def values(lines) -> list[tuple]:
    """Every field of every line and run (the two modules' classes differ; the values must not)."""
    return [
        (ln.start, ln.end, ln.indent, ln.measure, ln.natural, ln.justified, [astuple(r) for r in ln.runs])
        for ln in lines
    ]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=PARAGRAPHS,
    measure=st.sampled_from([15.0, 47.5, 100.0, 133.3, 260.0]),
    indent=st.sampled_from([0.0, 20.0]),
    rules_at=st.integers(0, len(RULES) - 1),
    justify=st.booleans(),
    justify_last=st.booleans(),
)
def test_same_lines_as_the_reference(hface, face, text, measure, indent, rules_at, justify, justify_last):
    rules = RULES[rules_at]
    for f in (hface, face):
        kw = dict(size=SIZE, measure=measure, metrics=f, rules=rules, indent=indent, justify=justify)
        got = breaker.break_paragraph(text, justify_last=justify_last, **kw)
        assert values(got) == values(reference.break_paragraph(text, justify_last=justify_last, **kw))
        assert got == breaker.break_paragraph(text, justify_last=justify_last, **kw)  # again, from its caches
        if not justify_last:
            assert breaker.broken_lines(text, **kw) == got


def test_same_lines_with_caches_emptied(hface):
    text = "甲乙丙“丁戊”，己庚辛壬2020年癸子丑寅——卯辰巳午未申酉，戌亥一二三四五六七八九十。" * 3
    kw = dict(size=SIZE, metrics=hface, rules=rules_for())
    first = [breaker.break_paragraph(text, measure=m, **kw) for m in (47.5, 100.0, 133.3)]
    breaker.clear_cache()
    assert [breaker.break_paragraph(text, measure=m, **kw) for m in (47.5, 100.0, 133.3)] == first
    assert [values(x) for x in first] == [
        values(reference.break_paragraph(text, measure=m, **kw)) for m in (47.5, 100.0, 133.3)
    ]


def test_wide_class_is_is_wide():
    """The breaker finds characters not set on the grid by a regular expression built from
    the ranges in lang/zh.py: it must agree with is_wide at every code point."""
    wide = re.compile(f"[{wide_class()}]")
    assert all(bool(wide.fullmatch(chr(cp))) == is_wide(chr(cp)) for cp in range(0x110000))
