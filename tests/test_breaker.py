"""Line breaking with the synthetic font: 10 pt type, 1 em = 10 pt, a 100 pt measure holds 10 Han characters."""

from __future__ import annotations

import re
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from layout.inline.breaker import atoms_of, break_paragraph
from layout.lang.zh import rules_for

SIZE = 10.0
MEASURE = 100.0
INDENT = 20.0  # 2 em


def brk(text, face, rules, *, measure=MEASURE, indent=0.0, **kw):
    return break_paragraph(text, size=SIZE, measure=measure, metrics=face, rules=rules, indent=indent, **kw)


def texts(lines):
    return [ln.text for ln in lines]


@contextmanager
def time_limit(seconds: float):
    """Raise TimeoutError if the block runs longer than ``seconds`` (POSIX, main thread)."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_synthetic_font(face, test_font_path):
    from fontTools.ttLib import TTFont

    font = TTFont(str(test_font_path))
    assert font["head"].unitsPerEm == 1000
    hmtx = font["hmtx"]
    cmap = font.getBestCmap()
    assert hmtx[cmap[ord("甲")]][0] == 1000
    assert hmtx[cmap[ord("a")]][0] == 500
    assert hmtx[cmap[ord("—")]][0] == 1000
    assert face.ps_name == "BanmianTest-Regular"
    assert face.width("甲乙", SIZE) == 20.0
    assert face.width("a1 Z", SIZE) == 20.0
    assert face.width("，。“”——……·%", SIZE) == 100.0
    assert all(face.has(ch) for ch in "甲癸亥十、，。：；！？“”‘’（）《》—…·~ 丂")
    assert not face.has("𬌗")
    assert not face.has("\u5000")


# --- exact line texts -------------------------------------------------------------------------

CASES = [
    pytest.param(
        "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十",
        ["甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉", "戌亥一二三四五六七八", "九十"],
        id="plain-han",
    ),
    # a mark that fits as the tenth character stays at the line end
    pytest.param("甲乙丙丁戊己庚辛壬，子丑寅卯辰巳", ["甲乙丙丁戊己庚辛壬，", "子丑寅卯辰巳"], id="comma-fits"),
    # a mark that would start line 2 takes the character before it down with it
    pytest.param("甲乙丙丁戊己庚辛壬癸，丑寅卯辰巳", ["甲乙丙丁戊己庚辛壬", "癸，丑寅卯辰巳"], id="comma-pushed"),
    pytest.param("甲乙丙丁戊己庚辛壬癸。丑寅卯", ["甲乙丙丁戊己庚辛壬", "癸。丑寅卯"], id="full-stop-pushed"),
    pytest.param("甲乙丙丁戊己庚辛壬癸”丑寅卯", ["甲乙丙丁戊己庚辛壬", "癸”丑寅卯"], id="closing-quote-pushed"),
    pytest.param("甲乙丙丁戊己庚辛壬癸、丑寅卯", ["甲乙丙丁戊己庚辛壬", "癸、丑寅卯"], id="enumeration-comma-pushed"),
    pytest.param("甲乙丙丁戊己庚辛壬癸）丑寅卯", ["甲乙丙丁戊己庚辛壬", "癸）丑寅卯"], id="closing-paren-pushed"),
    pytest.param("甲乙丙丁戊己庚辛壬癸》丑寅卯", ["甲乙丙丁戊己庚辛壬", "癸》丑寅卯"], id="closing-book-pushed"),
    # two marks in a row: both move down with the character before them
    pytest.param("甲乙丙丁戊己庚辛壬癸。”丑寅卯", ["甲乙丙丁戊己庚辛壬", "癸。”丑寅卯"], id="stop-and-quote-pushed"),
    # an opening mark never ends a line: it moves down to the word it opens
    pytest.param("甲乙丙丁戊己庚辛壬“癸丑寅卯", ["甲乙丙丁戊己庚辛壬", "“癸丑寅卯"], id="opening-quote"),
    pytest.param("甲乙丙丁戊己庚辛壬（癸丑寅卯", ["甲乙丙丁戊己庚辛壬", "（癸丑寅卯"], id="opening-paren"),
    pytest.param("甲乙丙丁戊己庚辛壬《癸丑寅卯", ["甲乙丙丁戊己庚辛壬", "《癸丑寅卯"], id="opening-book"),
    pytest.param("甲乙丙丁戊己庚辛“（癸丑寅卯", ["甲乙丙丁戊己庚辛", "“（癸丑寅卯"], id="two-opening-marks"),
    # —— and …… are one 2-em unit
    pytest.param("甲乙丙丁戊己庚辛——壬癸子", ["甲乙丙丁戊己庚辛——", "壬癸子"], id="dash-fits"),
    # —— (a two-em dash, not the one-em connector) may start a line at the basic level
    pytest.param("甲乙丙丁戊己庚辛壬——癸子丑", ["甲乙丙丁戊己庚辛壬", "——癸子丑"], id="dash-not-split"),
    pytest.param("甲乙丙丁戊己庚辛……壬癸子", ["甲乙丙丁戊己庚辛……", "壬癸子"], id="ellipsis-fits"),
    pytest.param("甲乙丙丁戊己庚辛壬……癸子丑", ["甲乙丙丁戊己庚辛壬", "……癸子丑"], id="ellipsis-not-split"),
    # Latin letters and digits are ½ em; a run of them never breaks (the run straddles 100 pt here)
    pytest.param("1一二三四五六七八九2020年子丑", ["1一二三四五六七八九", "2020年子丑"], id="year-run"),
    pytest.param("1一二三四五六七八九90%子丑", ["1一二三四五六七八九", "90%子丑"], id="percent-run"),
    pytest.param("1一二三四五六七八九3D子丑", ["1一二三四五六七八九", "3D子丑"], id="3d-run"),
    pytest.param("1一二三四五六七八九1,000元", ["1一二三四五六七八九", "1,000元"], id="thousands-run"),
    # a number keeps its unit, and a quarter em stands between Han and digits:
    # 8 Han + ¼ em + 2020 is 102.5 pt, so 2020年 moves down whole
    pytest.param("甲乙丙丁戊己庚辛2020年子丑寅", ["甲乙丙丁戊己庚辛", "2020年子丑寅"], id="year-moves-with-unit"),
    pytest.param("甲乙丙丁戊己庚870余户子丑", ["甲乙丙丁戊己庚", "870余户子丑"], id="number-prefix-unit"),
    # no lone character on the last line (孤字): a character is pulled down
    pytest.param("甲乙丙丁戊己庚辛壬癸子", ["甲乙丙丁戊己庚辛壬", "癸子"], id="lone-char"),
    pytest.param("甲乙丙丁戊己庚辛壬癸子。", ["甲乙丙丁戊己庚辛壬", "癸子。"], id="lone-char-with-stop"),
    pytest.param("甲乙丙丁戊己庚辛壬癸子丑", ["甲乙丙丁戊己庚辛壬癸", "子丑"], id="two-chars-stay"),
    pytest.param("甲乙丙丁戊己庚辛壬癸", ["甲乙丙丁戊己庚辛壬癸"], id="one-full-line"),
    pytest.param("甲", ["甲"], id="one-char"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_line_texts(face, rules, text, expected):
    lines = brk(text, face, rules)
    assert texts(lines) == expected
    assert "".join(texts(lines)) == text
    # offsets index the paragraph
    assert [text[ln.start : ln.end] for ln in lines] == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_justification(face, rules, text, expected):
    lines = brk(text, face, rules)
    for ln in lines[:-1]:
        assert ln.right == pytest.approx(MEASURE, abs=1e-9)
        assert ln.measure == MEASURE
    last = lines[-1]
    assert not last.justified
    assert all(run.char_space == 0 for run in last.runs)
    assert last.right == pytest.approx(last.natural, abs=1e-9)
    han_latin = sum(
        1
        for x, y in zip(last.text, last.text[1:])
        if {x.isascii() and x.isalnum(), y.isascii() and y.isalnum()} == {True, False}
        and not ({x, y} & set("，。、：；！？“”‘’（）《》—…·,"))
    )
    assert last.natural == pytest.approx(face.width(last.text, SIZE) + 2.5 * han_latin, abs=1e-9)


def test_justified_line_spacing_is_exact(face, rules):
    # 9 Han characters (90 pt) on a 100 pt line: 10 pt spread over 8 gaps
    first = brk("甲乙丙丁戊己庚辛壬癸，丑寅卯辰巳", face, rules)[0]
    assert first.justified
    assert first.natural == 90.0
    assert len(first.runs) == 1
    run = first.runs[0]
    assert (run.x, run.char_space, run.width) == (0.0, 1.25, 100.0)


def test_runs_of_a_justified_line_with_a_latin_run(face, rules):
    # line 1: a ½-em digit, a ¼-em Han–Latin gap and 9 Han characters: 97.5 pt, 2.5 pt over 9 gaps
    lines = brk("1一二三四五六七八九2020年子丑", face, rules)
    first = lines[0]
    assert first.justified
    assert first.natural == 97.5
    gap = 2.5 / 9
    # the digit stands apart (its gap is wider); the Han characters share one run
    assert [r.text for r in first.runs] == ["1", "一二三四五六七八九"]
    assert first.runs[1].x == pytest.approx(5.0 + 2.5 + gap)
    assert first.runs[1].char_space == pytest.approx(gap)
    assert first.right == pytest.approx(MEASURE, abs=1e-9)
    # the unbroken number is positioned as one piece, a quarter em before its unit
    second = lines[1]
    assert [(r.text, r.x, r.width) for r in second.runs] == [("2020", 0.0, 20.0), ("年子丑", 22.5, 30.0)]


def test_dash_run_positions_on_justified_line(face, rules):
    # a justified line that holds a —— pair: the pair is one atom, with no gap inside it
    lines = brk("甲乙丙丁戊己——庚辛壬癸子丑寅", face, rules, measure=105.0)
    assert texts(lines) == ["甲乙丙丁戊己——庚辛", "壬癸子丑寅"]
    first = lines[0]
    # natural 100 pt (6 + 2 + 2 em) in 9 atoms: 5 pt over 8 gaps
    gap = 5.0 / 8
    assert first.natural == 100.0
    assert first.justified
    runs = [(r.text, r.x, r.char_space, r.width) for r in first.runs]
    assert [r[0] for r in runs] == ["甲乙丙丁戊己", "——", "庚辛"]
    assert runs[0][1:] == pytest.approx((0.0, gap, 60 + 5 * gap))
    assert runs[1][1:] == pytest.approx((60 + 6 * gap, 0.0, 20.0))
    assert runs[2][1:] == pytest.approx((80 + 7 * gap, gap, 20 + gap))
    assert first.right == pytest.approx(105.0, abs=1e-9)


def test_first_line_indent(face, rules):
    text = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
    lines = brk(text, face, rules, indent=INDENT)
    assert texts(lines) == ["甲乙丙丁戊己庚辛", "壬癸子丑寅卯辰巳午未", "申酉戌亥"]
    assert [ln.indent for ln in lines] == [INDENT, 0.0, 0.0]
    assert [ln.measure for ln in lines] == [80.0, 100.0, 100.0]
    assert lines[0].runs[0].x == 0.0  # run x is measured after the indent
    assert [ln.right for ln in lines] == [100.0, 100.0, 40.0]


def test_first_line_indent_with_push(face, rules):
    # the comma would start line 2 after 8 characters: 辛 moves down, line 1 is justified to 80 pt
    lines = brk("甲乙丙丁戊己庚辛，壬癸子丑寅卯辰巳午未申酉戌亥", face, rules, indent=INDENT)
    assert texts(lines) == ["甲乙丙丁戊己庚", "辛，壬癸子丑寅卯辰巳", "午未申酉戌亥"]
    assert lines[0].justified
    assert lines[0].runs[0].char_space == pytest.approx(10 / 6)
    assert lines[0].right == pytest.approx(MEASURE)


def test_single_line_with_indent_not_stretched(face, rules):
    (line,) = brk("甲乙丙", face, rules, indent=INDENT)
    assert line.indent == INDENT
    assert line.right == 50.0
    assert not line.justified


def test_justify_last(face, rules):
    lines = brk("甲乙丙丁戊己庚辛壬癸子丑寅卯辰", face, rules, justify_last=True)
    assert lines[-1].text == "子丑寅卯辰"
    assert lines[-1].right == pytest.approx(MEASURE)


def test_no_justify(face, rules):
    lines = brk("甲乙丙丁戊己庚辛壬癸，丑寅卯辰巳", face, rules, justify=False)
    assert [ln.right for ln in lines] == [90.0, 70.0]
    assert not any(ln.justified for ln in lines)


def test_strict_level_keeps_ellipsis_off_the_line_start(face):
    strict = rules_for(level="strict")
    lines = brk("甲乙丙丁戊己庚辛壬……癸子丑", face, strict)
    assert texts(lines) == ["甲乙丙丁戊己庚辛", "壬……癸子丑"]


def test_empty_paragraph(face, rules):
    assert brk("", face, rules) == ()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("甲乙丙丁戊己庚辛壬癸子", id="han"),
        pytest.param("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一", id="three-lines"),
        pytest.param("甲乙丙丁戊己庚辛壬癸子。", id="stop"),
        pytest.param("甲乙丙丁戊己庚辛壬癸，子。", id="comma-stop"),
        pytest.param("甲乙丙丁戊己庚辛壬癸“子”。", id="quoted"),
    ],
)
def test_no_lone_character_on_last_line(face, rules, text):
    lines = brk(text, face, rules)
    assert len(lines) >= 2
    last = lines[-1].text
    assert sum(1 for ch in last if ch not in rules.punctuation) >= 2


@pytest.mark.parametrize(
    ("text", "indent"),
    [
        pytest.param("abcdefghijklmnopqrstuvwxyz", 0.0, id="word-at-start"),
        pytest.param("甲http://www.example.com/index乙", 0.0, id="url-after-han"),
    ],
)
def test_overlong_word_terminates(face, rules, text, indent):
    with time_limit(1.0):
        lines = brk(text, face, rules, indent=indent)
    assert "".join(texts(lines)) == text


def test_word_wider_than_indented_first_line(face, rules):
    lines = brk("abcdefghijklmnopqr甲乙丙丁", face, rules, indent=INDENT)
    assert all(ln.text for ln in lines)
    assert all(ln.start <= ln.end for ln in lines)


# --- property test ----------------------------------------------------------------------------

HAN = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十"
SINGLE_MARKS = "、，。：；！？“”‘’（）《》·"
PAIRS = ["——", "……"]
LATIN = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

# 0-3 marks after each character: at most three single marks, or a ——/…… pair and at most one more
MARK_RUNS = st.one_of(
    st.just(""),
    st.text(SINGLE_MARKS, min_size=1, max_size=3),
    st.tuples(st.sampled_from(PAIRS), st.text(SINGLE_MARKS, max_size=1)).map("".join),
)
GROUPS = st.tuples(
    st.one_of(st.sampled_from(HAN), st.sampled_from(HAN), st.text(LATIN, min_size=1, max_size=4)),
    MARK_RUNS,
).map("".join)


def paragraphs():
    """Groups of one Han character or a short Latin/digit run, each followed by 0-3 marks
    (a pair counts two): with no mark in both no_start and no_end, a legal break always
    exists between two consecutive groups, so within any 10 em."""
    short = st.lists(GROUPS, min_size=1, max_size=12)
    long = st.lists(GROUPS, min_size=20, max_size=120)
    return st.one_of(short, long, long).map(_at_most_200)


def _at_most_200(groups: list[str]) -> str:
    """Whole groups up to 200 characters (a cut must not split a —— pair)."""
    out = ""
    for g in groups:
        if len(out) + len(g) > 200:
            break
        out += g
    return out or groups[0]


# realistic copy: Han characters with at most one mark after each
PROSE = st.lists(
    st.tuples(st.sampled_from(HAN), st.one_of(st.just(""), st.just(""), st.sampled_from([*SINGLE_MARKS, *PAIRS]))).map(
        "".join
    ),
    min_size=10,
    max_size=100,
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(text=paragraphs())
def test_breaking_properties(face, rules, text):
    # Latin runs joined by ’ (a'b) form one longer atom: keep every atom at most 3 em
    assume(max(a.width for a in atoms_of(text, SIZE, face, rules)) <= 30)
    with time_limit(5.0):
        lines = brk(text, face, rules)
    assert "".join(ln.text for ln in lines) == text
    assert [text[ln.start : ln.end] for ln in lines] == [ln.text for ln in lines]
    for k, ln in enumerate(lines):
        assert ln.text, "empty line"
        if k > 0:
            pair = ln.text[:2] in rules.unbreakable_pairs  # ——/…… may start a line below the strict level
            assert pair or ln.text[0] not in rules.no_start, (k, ln.text)
        if k < len(lines) - 1:
            assert ln.text[-1] not in rules.no_end, (k, ln.text)
            assert ln.right == pytest.approx(MEASURE, abs=1e-9), (k, ln.text)
        else:
            assert ln.right <= MEASURE + 1e-9
            assert not ln.justified and ln.right == pytest.approx(ln.indent + ln.natural, abs=1e-9)
        # ——/…… pairs are never split: every run of dashes or ellipses on a line is whole pairs
        for mark in "—…":
            assert all(len(r) % 2 == 0 for r in re.findall(f"{mark}+", ln.text)), (k, ln.text)


@settings(max_examples=200, deadline=None)
@given(text=PROSE, indent=st.sampled_from([0.0, INDENT]))
def test_no_lone_character_property(face, rules, text, indent):
    lines = brk(text, face, rules, indent=indent)
    assert "".join(ln.text for ln in lines) == text
    if len(lines) >= 2:
        assert sum(1 for ch in lines[-1].text if ch not in rules.punctuation) >= 2, [ln.text for ln in lines]
    if indent:
        assert lines[0].indent == INDENT
        if len(lines) >= 2:
            assert lines[0].right == pytest.approx(MEASURE, abs=1e-9)
