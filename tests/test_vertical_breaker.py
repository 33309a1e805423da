"""Vertical lines (竖排, issue 17) from the line breaker, on the synthetic font: 10 pt type,
1 em = 10 pt, a 100 pt line holds 10 Han characters. Along a vertical line the geometry is
the horizontal one (``Run.x`` is the offset down the line); what changes is tate-chu-yoko:
a number of 1-4 digits standing alone is one upright em, a run of variant "tcy"."""

from __future__ import annotations

import re
import sys
from dataclasses import astuple, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from layout.inline import breaker
from layout.inline.breaker import atoms_of, break_paragraph, broken_lines
from layout.lang.zh import rules_for

ROOT = Path(__file__).resolve().parent.parent
SIZE = 10.0
MEASURE = 100.0
H = rules_for()
V = rules_for(vertical=True)


def brk(text, face, rules=V, *, measure=MEASURE, indent=0.0, size=SIZE, **kw):
    return break_paragraph(text, size=size, measure=measure, metrics=face, rules=rules, indent=indent, **kw)


def texts(lines):
    return [ln.text for ln in lines]


def runs(line):
    return [(r.text, r.x, r.width, r.variant) for r in line.runs]


def values(lines) -> list[tuple]:
    return [
        (ln.start, ln.end, ln.indent, ln.measure, ln.natural, ln.justified, [astuple(r) for r in ln.runs])
        for ln in lines
    ]


# --- the rules and the atom ---------------------------------------------------------------------


def test_rules_vertical_field():
    assert H.vertical is False and V.vertical is True
    assert V.tcy_max == 4 and V.tcy_digits == frozenset("0123456789")
    assert V != H and hash(V) != hash(H)  # caches keyed by rules keep them apart
    assert rules_for("zh-Hant", vertical=True).centred_marks == rules_for("zh-Hant").centred_marks


def test_tcy_atom(hface):
    atoms = atoms_of("第12版", SIZE, hface, V)
    assert [a.text for a in atoms] == ["第", "12", "版"]
    tcy = atoms[1]
    assert (tcy.width, tcy.kind, tcy.variant, tcy.letters, tcy.digit_end) == (10.0, "han", "tcy", 1, True)
    assert tcy.rough and tcy.wide_first and tcy.wide_last and not tcy.mark and not tcy.space
    # the same text horizontal: a Latin run at its advances
    latin = atoms_of("第12版", SIZE, hface, H)[1]
    assert (latin.text, latin.width, latin.kind, latin.variant, latin.letters) == ("12", 10.0, "latin", "", 2)


# --- tate-chu-yoko of 1 to 4 digits --------------------------------------------------------------


@pytest.mark.parametrize("digits", ["3", "12", "365", "2024"])
def test_tcy_of_one_to_four_digits(hface, digits):
    # one upright em, no Han–Latin gap on either side: 第 0, the digits 10, 版甲 20
    (line,) = brk(f"第{digits}版甲", hface)
    assert line.text == f"第{digits}版甲"
    assert line.natural == 40.0 and not line.justified
    assert runs(line) == [("第", 0.0, 10.0, ""), (digits, 10.0, 10.0, "tcy"), ("版甲", 20.0, 20.0, "")]
    assert line.runs[1].char_space == 0.0
    # horizontal: the digits at their advances (½ em each), a quarter em on each side
    (flat,) = brk(f"第{digits}版甲", hface, H)
    w = 5.0 * len(digits)
    assert runs(flat) == [("第", 0.0, 10.0, ""), (digits, 12.5, w, ""), ("版甲", 15.0 + w, 20.0, "")]


@pytest.mark.parametrize(
    ("text", "upright"),
    [
        pytest.param("2024年12月25日", ["2024", "12", "25"], id="date"),
        pytest.param("第3版", ["3"], id="page"),
        pytest.param("甲（19）乙", ["19"], id="bracketed"),
        pytest.param("甲(19)乙", ["19"], id="ascii-brackets"),
        pytest.param("增长90%以上", ["90"], id="percent"),
        pytest.param("甲 12 乙", ["12"], id="spaced-from-han"),
        pytest.param("‘甲’12个", ["12"], id="after-a-closing-quote"),
    ],
)
def test_numbers_set_upright(hface, text, upright):
    lines = brk(text, hface, measure=200.0)
    assert "".join(texts(lines)) == text
    assert [r.text for ln in lines for r in ln.runs if r.variant == "tcy"] == upright
    assert all(r.width == 10.0 for ln in lines for r in ln.runs if r.variant == "tcy")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("甲2024.5乙", id="decimal"),
        pytest.param("甲3D乙", id="letters"),
        pytest.param("甲12345乙", id="five-digits"),
        pytest.param("甲COVID-19乙", id="word"),
        pytest.param("甲iPhone 15乙", id="beside-a-word"),
        pytest.param("甲15 Pro乙", id="before-a-word"),
        pytest.param("零下-5℃", id="signed"),
        pytest.param("甲3/4乙", id="fraction"),
    ],
)
def test_numbers_not_standing_alone_stay_rotated(hface, text):
    # no upright run: exactly the horizontal lines (runs at their advances, gaps as now)
    lines = brk(text, hface, measure=200.0)
    assert not [r for ln in lines for r in ln.runs if r.variant == "tcy"]
    assert values(lines) == values(brk(text, hface, H, measure=200.0))


def test_long_number_and_latin_word_keep_their_gaps(hface):
    (line,) = brk("甲12345乙ABC丙7丁", hface)
    assert line.natural == 100.0
    assert runs(line) == [
        ("甲", 0.0, 10.0, ""),
        ("12345", 12.5, 25.0, ""),  # a quarter em each side, rotated at its advances
        ("乙", 40.0, 10.0, ""),
        ("ABC", 52.5, 15.0, ""),
        ("丙", 70.0, 10.0, ""),
        ("7", 80.0, 10.0, "tcy"),  # upright: no gap
        ("丁", 90.0, 10.0, ""),
    ]


# --- prohibitions at the line's ends -------------------------------------------------------------


def test_tcy_ends_a_line(hface):
    lines = brk("甲乙丙丁戊己庚辛壬12子丑", hface)
    assert texts(lines) == ["甲乙丙丁戊己庚辛壬12", "子丑"]
    assert lines[0].natural == 100.0 and not lines[0].justified
    assert runs(lines[0]) == [("甲乙丙丁戊己庚辛壬", 0.0, 90.0, ""), ("12", 90.0, 10.0, "tcy")]
    # horizontal: 9 em, a quarter em and 1 em do not fit: the number moves down
    assert texts(brk("甲乙丙丁戊己庚辛壬12子丑", hface, H)) == ["甲乙丙丁戊己庚辛壬", "12子丑"]


def test_tcy_keeps_its_unit_and_starts_the_line(hface):
    lines = brk("甲乙丙丁戊己庚辛壬12年", hface)
    assert texts(lines) == ["甲乙丙丁戊己庚辛壬", "12年"]
    assert lines[0].justified and lines[0].runs[0].char_space == 1.25  # 10 pt over 8 gaps
    assert runs(lines[1]) == [("12", 0.0, 10.0, "tcy"), ("年", 10.0, 10.0, "")]


def test_tcy_keeps_a_percent_sign(hface):
    lines = brk("甲乙丙丁戊己庚辛壬90%乙", hface)
    assert texts(lines) == ["甲乙丙丁戊己庚辛壬", "90%乙"]
    assert runs(lines[1]) == [("90", 0.0, 10.0, "tcy"), ("%乙", 10.0, 20.0, "")]  # % is 1 em in this font


def test_mark_after_tcy_takes_it_down(face):
    # no mark on the line to give up half its width (full-width face): push-out
    lines = brk("甲乙丙丁戊己庚辛壬12，丑寅", face)
    assert texts(lines) == ["甲乙丙丁戊己庚辛壬", "12，丑寅"]
    assert runs(lines[1]) == [("12", 0.0, 10.0, "tcy"), ("，丑寅", 10.0, 30.0, "")]


def test_push_in_keeps_the_mark_after_tcy(hface):
    # the comma inside the line gives up half an em, the line-end comma takes half
    lines = brk("甲，乙丙丁戊己庚辛12，丑寅", hface)
    assert texts(lines) == ["甲，乙丙丁戊己庚辛12，", "丑寅"]
    first = lines[0]
    assert first.natural == 100.0 and not first.justified
    assert runs(first) == [
        ("甲", 0.0, 10.0, ""),
        ("，", 10.0, 5.0, "half"),
        ("乙丙丁戊己庚辛", 15.0, 70.0, ""),
        ("12", 85.0, 10.0, "tcy"),
        ("，", 95.0, 5.0, "half"),
    ]


def test_tcy_stays_inside_its_brackets(hface, face):
    # push-in: the opening bracket gives up half an em, the closing one ends the line in half
    lines = brk("甲乙丙丁戊己庚辛（12）丑寅", hface)
    assert texts(lines) == ["甲乙丙丁戊己庚辛（12）", "丑寅"]
    assert lines[0].natural == 100.0
    assert runs(lines[0]) == [
        ("甲乙丙丁戊己庚辛", 0.0, 80.0, ""),
        ("（", 80.0, 5.0, "half"),
        ("12", 85.0, 10.0, "tcy"),
        ("）", 95.0, 5.0, "half"),
    ]
    # no half-width marks: push-out, the bracket may not end a line, ） may not start one
    lines = brk("甲乙丙丁戊己庚辛（12）丑寅", face)
    assert texts(lines) == ["甲乙丙丁戊己庚辛", "（12）丑寅"]
    assert runs(lines[1]) == [("（", 0.0, 10.0, ""), ("12", 10.0, 10.0, "tcy"), ("）丑寅", 20.0, 30.0, "")]


def test_tcy_counts_one_character_for_the_last_line(hface):
    # "12" upright is one character: a last line of it alone takes 癸 with it
    assert texts(brk("甲乙丙丁戊己庚辛壬癸12", hface)) == ["甲乙丙丁戊己庚辛壬", "癸12"]
    assert texts(brk("甲乙丙丁戊己庚辛壬癸12", hface, H)) == ["甲乙丙丁戊己庚辛壬癸", "12"]
    # five digits are a rotated word of five
    assert texts(brk("甲乙丙丁戊己庚辛壬癸12345", hface)) == ["甲乙丙丁戊己庚辛壬癸", "12345"]


# --- justification --------------------------------------------------------------------------------


def test_justified_line_with_tcy(hface):
    lines = brk("甲乙3丙丁戊己庚辛壬癸子丑", hface, measure=105.0)
    assert texts(lines) == ["甲乙3丙丁戊己庚辛壬", "癸子丑"]
    first = lines[0]
    assert first.natural == 100.0 and first.justified
    g = 5.0 / 9  # 5 pt over 9 gaps between 10 atoms
    got = [(r.text, r.x, r.char_space, r.width, r.variant) for r in first.runs]
    assert [r[0] for r in got] == ["甲乙", "3", "丙丁戊己庚辛壬"]
    assert got[0][1:4] == pytest.approx((0.0, g, 20.0 + g))
    assert got[1][1:4] == pytest.approx((20.0 + 2 * g, 0.0, 10.0)) and got[1][4] == "tcy"
    assert got[2][1:4] == pytest.approx((30.0 + 3 * g, g, 70.0 + 6 * g))
    assert first.right == pytest.approx(105.0, abs=1e-9)


def test_justified_line_with_tcy_and_rotated_latin(hface):
    # 甲 ¼ AB ¼ 乙 12 丙丁戊己庚 = 95 pt; 12 may not part from 年 and both do not fit: down
    lines = brk("甲AB乙12丙丁戊己庚12年", hface)
    assert texts(lines) == ["甲AB乙12丙丁戊己庚", "12年"]
    first = lines[0]
    assert first.natural == 95.0 and first.justified
    g = 5.0 / 8  # 8 gaps between 9 atoms
    got = [(r.text, r.x, r.width, r.variant) for r in first.runs]
    assert [(t, v) for t, _, _, v in got] == [("甲", ""), ("AB", ""), ("乙", ""), ("12", "tcy"), ("丙丁戊己庚", "")]
    assert [x for _, x, _, _ in got] == pytest.approx([0.0, 12.5 + g, 25.0 + 2 * g, 35.0 + 3 * g, 45.0 + 4 * g])
    assert first.right == pytest.approx(MEASURE, abs=1e-9)


def test_zh_hant_vertical(hface):
    rules = rules_for("zh-Hant", vertical=True)
    (line,) = brk("甲，12乙。", hface, rules)
    assert runs(line) == [("甲", 0.0, 10.0, ""), ("，", 10.0, 10.0, "centred"), ("12", 20.0, 10.0, "tcy"),
                          ("乙", 30.0, 10.0, ""), ("。", 40.0, 10.0, "centred")]  # fmt: skip


# --- horizontal unchanged, caches kept apart --------------------------------------------------------


def test_horizontal_unchanged(hface):
    # the horizontal lines of texts above, pinned: digits at their advances, gaps around them
    (line,) = brk("甲12345乙ABC丙7丁", hface, H)
    assert runs(line)[-2:] == [("7", 82.5, 5.0, ""), ("丁", 90.0, 10.0, "")]
    (line,) = brk("增长90%以上", hface, H)
    assert runs(line) == [("增长", 0.0, 20.0, ""), ("90%", 22.5, 20.0, ""), ("以上", 45.0, 20.0, "")]
    lines = brk("甲AB乙12丙丁戊己庚12年", hface, H)
    assert texts(lines) == ["甲AB乙12丙丁戊己庚", "12年"]
    assert runs(lines[0])[3] == ("12", 37.5, 10.0, "") and not lines[0].justified


def test_caches_keep_vertical_and_horizontal_apart(hface):
    text = "甲乙丙丁戊己庚辛壬12子丑"
    kw = dict(size=SIZE, measure=MEASURE, metrics=hface)
    fresh_h, fresh_v = values(brk(text, hface, H)), values(brk(text, hface, V))
    assert fresh_h != fresh_v
    breaker.clear_cache()
    for rules, fresh in ((H, fresh_h), (V, fresh_v), (H, fresh_h), (V, fresh_v)):
        assert values(broken_lines(text, rules=rules, **kw)) == fresh
        assert values(break_paragraph(text, rules=rules, **kw)) == fresh
    assert breaker._setter(SIZE, hface, H) is not breaker._setter(SIZE, hface, V)


# --- properties -----------------------------------------------------------------------------------

HAN = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十"  # no unit among them
MARKS = "、，。：；！？“”‘’（）《》·—…"
PIECES = st.one_of(
    st.sampled_from(HAN),
    st.sampled_from(HAN),
    st.sampled_from(HAN),
    st.sampled_from(MARKS),
    st.sampled_from(["——", "……", " ", "3.5", "e-mail", "COVID-19", "3D"]),
    st.text("0123456789", min_size=1, max_size=6),
    st.text("abcxyz", min_size=1, max_size=6),
)
PARAGRAPHS = st.lists(PIECES, min_size=0, max_size=60).map("".join)
NUMBER = st.tuples(st.sampled_from(HAN), st.text("0123456789", min_size=1, max_size=4), st.sampled_from(HAN))
WITH_NUMBERS = st.lists(st.one_of(PIECES, NUMBER.map("".join)), min_size=1, max_size=60).map("".join)
PLACEHOLDER = "丂"  # a Han character of the test font, no unit
MEASURES = st.sampled_from([47.5, 100.0, 133.3])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=PARAGRAPHS, measure=MEASURES, indent=st.sampled_from([0.0, 20.0]))
def test_without_digits_vertical_is_horizontal(hface, text, measure, indent):
    # the same lines as horizontal rules that, like vertical ones, never halve ！？ (upright, tall along the line)
    text = re.sub("[0-9]", "", text)
    v = brk(text, hface, V, measure=measure, indent=indent)
    h = replace(H, compressible=V.compressible)
    assert values(v) == values(brk(text, hface, h, measure=measure, indent=indent))


def test_vertical_rules_never_halve_upright_marks():
    upright = {"！", "？", "：", "；"}  # clreq: vertical-mode colons etc. always 1 em
    assert upright <= H.compressible
    assert not upright & V.compressible
    assert V.compressible == H.compressible - upright
    assert rules_for("zh-Hans", vertical=True) == V


def _units(line, face) -> list[tuple[str, float]]:
    """Each character of a line and where it stands (an upright number: one unit)."""
    out = []
    for r in line.runs:
        if r.variant == "tcy":
            out.append((PLACEHOLDER, r.x))
            continue
        x = r.x
        for ch in r.text:
            out.append((ch, x))
            x += (face.width(ch, SIZE) if r.variant != "half" else face.width(ch, SIZE) / 2) + r.char_space
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=WITH_NUMBERS, measure=MEASURES)
def test_tcy_is_set_as_a_han_character(hface, text, measure):
    # upright numbers replaced by a Han character, set horizontally: the same lines,
    # the same positions (no unit follows a number here, so nothing else tells them apart)
    lines = brk(text, hface, V, measure=measure)
    upright = [r.text for ln in lines for r in ln.runs if r.variant == "tcy"]
    assume(upright)
    flat = "".join(PLACEHOLDER if a.variant == "tcy" else a.text for a in atoms_of(text, SIZE, hface, V))
    expected = brk(flat, hface, replace(H, compressible=V.compressible), measure=measure)
    assert [(ln.natural, ln.justified, ln.measure) for ln in lines] == pytest.approx(
        [(ln.natural, ln.justified, ln.measure) for ln in expected]
    )
    for got, want in zip(lines, expected, strict=True):
        a, b = _units(got, hface), _units(want, hface)
        assert [c for c, _ in a] == [c for c, _ in b]
        assert [x for _, x in a] == pytest.approx([x for _, x in b], abs=1e-9)


# --- composition figures from a vertical PDF (benchmarks/composition_check.py) -----------------------
#
# A page drawn as vertical.md draws it: each line one rotated text object (0 -1 1 0 X Y Tm), X its
# centre line, lines right to left from the type area's right edge, runs down from a band's top;
# an upright number condensed into its em, a half-width mark in half an em, a Latin run's box set
# a little apart across the line (its em box centred, not the upright characters' box). The
# texts keep to characters the synthetic font has (units 件份个 for 年月日), so they extract.

PAGE_YAML = """\
paper: '测试报'
date: 2024-11-16
page: 5
section: '测试'
headline: '测试'
lang: zh-Hans
writing: vertical
style: broadsheet-vertical
profiles:
  - {id: a, headline: '甲乙', name: '甲', role: '乙', body: ['甲乙丙丁']}
"""
BODY = 9.0  # broadsheet-vertical: body 小五, quote 小四, bands of 30 characters (270 pt), 13.5 pt pitch
QUOTE = 12.0


@pytest.fixture(scope="module")
def vstyle():
    from layout.model.style import load_style, style_path
    from layout.page.vertical import vertical_grid

    return vertical_grid(load_style(style_path("broadsheet-vertical", ROOT)))


def vlines(texts_, face, *, size=BODY, measure=270.0, indent=True):
    """A paragraph given line by line: each text set as one line (all but the last justified)."""
    out = []
    for k, t in enumerate(texts_):
        last = k == len(texts_) - 1
        (line,) = break_paragraph(
            t, size=size, measure=measure, metrics=face, rules=V, indent=2 * size if indent and k == 0 else 0.0,
            justify_last=not last,
        )  # fmt: skip
        out.append(line)
    return out


def draw_vertical(pdf, style, font_path, face, placed):
    """``placed``: (band, across from the type area's right edge to the centre line, size, Line)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("BanmianTestV", str(font_path)))
    height = style.page_height
    c = canvas.Canvas(str(pdf), pagesize=(style.page_width, height), invariant=1)
    c.setFont("BanmianTestV", 9)
    c.drawString(100, height - 40, "测试报 第5版 running head")  # horizontal, over the type area
    right = (style.page_width + style.lines * style.leading) / 2
    for band, across, size, line in placed:
        top = style.top + band * (style.column_width + style.gutter) + line.indent
        for r in line.runs:
            t = c.beginText()
            t.setFont("BanmianTestV", size)
            t.setCharSpace(r.char_space)
            scale = {"tcy": 100 * size / face.width(r.text, size), "half": 50.0}.get(r.variant, 100.0)
            t.setHorizScale(scale)  # (Tz outlives the text object: set on every run)
            x = right - across - (0.38 * size if r.text.isascii() and r.variant != "tcy" else 0.0)
            t.setTextTransform(0, -1, 1, 0, x, height - top - r.x)
            t.textOut(r.text)
            c.drawText(t)
    c.drawString(100, 30, "staff line 甲乙")  # horizontal, under the type area
    c.showPage()
    c.save()


def composition(tmp_path, vstyle, test_font_path, face, placed):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from composition_check import check

    page = tmp_path / "page.yaml"
    page.write_text(PAGE_YAML, encoding="utf-8")
    pdf = tmp_path / "page.pdf"
    draw_vertical(pdf, vstyle, test_font_path, face, placed)
    return check(pdf, page)


GOOD = [
    "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥，一二三四五六七八九十",
    "2024件12份25个，甲乙丙丁COVID-19戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十（19）甲乙12345丙丁。",
]


FLOW = "子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十甲乙丙丁戊己庚辛" * 3 + "。"
INTRO = "戌亥一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉" * 2 + "。"


def good_page(face):
    placed, across = [], 0.5 * 13.5
    for text in GOOD:
        for line in brk(text, face, V, measure=270.0, indent=18.0, size=BODY):
            placed.append((0, across, BODY, line))
            across += 13.5
    # a paragraph flowing on from band 0 into band 1 at the same place across, then a
    # caption of body size at the next place across, on band 2 (not the paragraph's)
    flow = brk(FLOW, face, V, measure=270.0, indent=18.0, size=BODY)
    for k, line in enumerate(flow):
        placed.append((0 if k < 2 else 1, across + 13.5 * (k % 2), BODY, line))
    placed.append((2, across + 13.5 * 2, BODY, brk("丙丁戊己庚辛壬癸", face, V, measure=270.0, size=BODY)[0]))
    # the intro (10.5 pt, bands one line deep): one line a band at the same place across
    # (the gutter, 9 pt, is under its em)
    across += 13.5 * 4
    for band, line in enumerate(brk(INTRO, face, V, measure=270.0, indent=21.0, size=10.5)):
        placed.append((band, across, 10.5, line))
    across = 0.5 * 13.5
    quote = brk("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十甲乙丙丁3戊己庚辛。", face, V,
                measure=270.0, size=QUOTE)  # fmt: skip
    for line in quote:
        placed.append((1, across, QUOTE, line))
        across += 15.0  # 1.25 × the quote size
    return placed


def test_vertical_page_composition_figures(tmp_path, vstyle, test_font_path, hface):
    placed = good_page(hface)
    assert (
        [p[3].text for p in placed]
        == [
            "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六",  # indented 2 em
            "七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥，一二三",
            "四五六七八九十",
            "2024件12份25个，甲乙丙丁COVID-19戊己庚辛壬癸子丑寅卯辰巳",  # three upright numbers
            "午未申酉戌亥一二三四五六七八九十（19）甲乙12345丙丁。",
            FLOW[:28],  # two lines on band 0, two on band 1
            FLOW[28:58],
            FLOW[58:88],
            FLOW[88:],
            "丙丁戊己庚辛壬癸",  # the caption
            INTRO[:23],  # the intro, 10.5 pt: bands 0, 1 and 2
            INTRO[23:48],
            INTRO[48:],
            "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥",  # the quote, 12 pt at 15 pt pitch
            "一二三四五六七八九十甲乙丙丁3戊己庚辛。",
        ]
    )
    result = composition(tmp_path, vstyle, test_font_path, hface, placed)
    assert result["problems"] == []
    assert result["counts"] == {
        "lines": 15,  # 10 body lines, the caption, 3 of the intro, 2 of the quote (not the running head)
        "prohibited_starts": 0,
        "prohibited_ends": 0,
        "lone_last_lines": 0,
        "not_flush": 0,
    }


HAN28 = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六"  # 28 em: a band's first line


def bad_page(face):
    paragraphs = [
        vlines([HAN28, "，" + HAN28 + "七", "癸。"], face),  # a line starting with ，; a lone last line
        brk(HAN28 * 2, face, V, measure=252.0, indent=18.0, size=BODY),  # set 2 em short: not flush
        vlines([HAN28[:27] + "（", "19）甲乙"], face),  # a line ending with （
        vlines([HAN28, "12"], face),  # an upright number alone: one character
        vlines([HAN28, "12345"], face),  # a rotated number of five: five characters
        vlines([HAN28, "3个"], face),  # upright 3 and its unit 个: two
    ]
    placed, across = [], 6.75
    for lines in paragraphs:
        for line in lines:
            placed.append((0, across, BODY, line))
            across += 13.5
    return placed


def test_vertical_page_composition_problems(tmp_path, vstyle, test_font_path, hface):
    placed = bad_page(hface)
    assert [p[3].text for p in placed][3:6] == [HAN28[:26], HAN28[26:] + HAN28[:26], HAN28[26:]]
    result = composition(tmp_path, vstyle, test_font_path, hface, placed)
    assert result["counts"] == {
        "lines": 14,
        "prohibited_starts": 1,
        "prohibited_ends": 1,
        "lone_last_lines": 2,
        "not_flush": 2,
    }
    assert result["problems"] == [
        "starts with ，: ，" + HAN28 + "七",
        "lone last line: 癸。",
        f"not flush (+18.00 pt): {HAN28[:26]}",
        f"not flush (+18.00 pt): {HAN28[26:] + HAN28[:26]}",
        f"ends with （: {HAN28[:27]}（",
        "lone last line: 12",
    ]


def test_upright_numbers_count_one_character():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from composition_check import upright_numbers

    assert upright_numbers("2024年12月25日（19）", V) == "〇年〇月〇日（〇）"
    rotated = "甲2024.5乙3D丙12345丁COVID-19戊iPhone 15己-5"
    assert upright_numbers(rotated, V) == rotated
    assert upright_numbers("90%以上", V) == "〇%以上"
    assert upright_numbers("‘甲’12个", V) == "‘甲’〇个"
