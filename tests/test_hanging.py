"""Hanging punctuation (句末點號懸掛) of vertical lines, on the synthetic font: 10 pt type,
1 em = 10 pt, a 100 pt line holds 10 Han characters.

A lone 、，。． that does not fit a full justified line stays on it, set past the measure
(a run of its own from the measure), instead of starting the next line; the rest of the
line stands as the full line without it. Only vertical rules name marks that hang (zh-Hant
by default, zh-Hans when a style asks), and only into the room the page gives past a
line's end (``Rules.hang_room``: its band gutter). Horizontal lines never hang.
"""

from __future__ import annotations

from dataclasses import astuple, replace
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layout.errors import InputError
from layout.frame import TextItem
from layout.inline.breaker import atoms_of, break_paragraph
from layout.lang.zh import HANGING_MARKS, rules_for
from layout.model.style import load_style, style_path
from layout.page.check import check_frame

SIZE = 10.0
MEASURE = 100.0
ROOM = 10.0  # a gutter of one character
HANT = rules_for("zh-Hant", vertical=True, hang_room=ROOM)
HANS = rules_for(vertical=True, hanging="pause-stop", hang_room=ROOM)
NO_ROOM = rules_for("zh-Hant", vertical=True)  # the page gives no room: nothing hangs
TEN = "甲乙丙丁戊己庚辛壬癸"
HANT_PAGE = ROOT / "content" / "vertical" / "hant-vertical.yaml"


def brk(text, face, rules=HANT, *, measure=MEASURE, indent=0.0, **kw):
    return break_paragraph(text, size=SIZE, measure=measure, metrics=face, rules=rules, indent=indent, **kw)


def runs(line):
    return [(r.text, r.x, r.char_space, r.width, r.variant) for r in line.runs]


def values(lines) -> list[tuple]:
    return [
        (ln.start, ln.end, ln.indent, ln.measure, ln.natural, ln.justified, [astuple(r) for r in ln.runs])
        for ln in lines
    ]


# --- the rules and the style ---------------------------------------------------------------------


def test_rules_name_the_hanging_marks():
    assert HANGING_MARKS == frozenset("、，。．")
    assert HANT.hanging == HANGING_MARKS and HANT.hang_room == ROOM
    assert rules_for("zh-Hant").hanging == frozenset()  # horizontal: never
    assert rules_for(vertical=True).hanging == frozenset()  # zh-Hans vertical: compression instead
    assert HANS.hanging == HANGING_MARKS
    assert rules_for("zh-Hant", vertical=True, hanging="none").hanging == frozenset()
    assert rules_for("zh-Hant", hanging="pause-stop").hanging == frozenset()  # still horizontal
    assert NO_ROOM.hang_room == 0.0
    # turned() decides, keeps the room unless given one, and is idempotent
    assert rules_for("zh-Hant").turned() == NO_ROOM
    assert rules_for("zh-Hant", hang_room=ROOM).turned() == HANT == HANT.turned()
    assert NO_ROOM.turned(ROOM) == HANT
    assert HANT != NO_ROOM and hash(HANT) != hash(NO_ROOM)  # caches keyed by rules keep them apart
    with pytest.raises(ValueError, match="unknown hanging 'always'"):
        rules_for("zh-Hant", hanging="always")


@pytest.mark.parametrize(("value", "kept"), [("auto", ""), ("none", "none"), ("pause-stop", "pause-stop")])
def test_style_composition_hanging(tmp_path, value, kept):
    text = style_path("broadsheet-vertical", Path(".")).read_text(encoding="utf-8")
    assert "  punctuation: auto" in text
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("  punctuation: auto", f"  punctuation: auto\n  hanging: {value}"), encoding="utf-8")
    assert load_style(path).hanging == kept
    assert load_style(style_path("broadsheet-vertical", Path("."))).hanging == ""  # not given: auto


def test_style_composition_hanging_unknown(tmp_path):
    text = style_path("broadsheet-vertical", Path(".")).read_text(encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("  punctuation: auto", "  punctuation: auto\n  hanging: always"), encoding="utf-8")
    with pytest.raises(InputError, match="composition.hanging: expected auto, none or pause-stop, got 'always'"):
        load_style(path)


def test_the_atoms_that_hang(hface):
    atoms = atoms_of("甲，、。．：」", SIZE, hface, HANT)
    assert [a.hangs for a in atoms] == [False, True, True, True, True, False, False]
    assert not any(a.hangs for a in atoms_of("甲，、。．", SIZE, hface, NO_ROOM))  # no room
    assert not any(a.hangs for a in atoms_of("甲，、。．", SIZE, hface, replace(HANT, hang_room=9.99)))


# --- a hung mark ---------------------------------------------------------------------------------


def test_a_hung_comma(hface):
    first, last = brk(TEN + "，子丑寅卯。", hface)
    # the full line as it stands, the comma from the measure on, one em (zh-Hant: centred)
    assert runs(first) == [(TEN, 0.0, 0.0, 100.0, ""), ("，", 100.0, 0.0, 10.0, "centred")]
    assert (first.start, first.end, first.measure, first.natural, first.justified) == (0, 11, 100.0, 110.0, False)
    assert first.right == 110.0
    assert runs(last) == [("子丑寅卯", 0.0, 0.0, 40.0, ""), ("。", 40.0, 0.0, 10.0, "centred")]
    assert (last.start, last.end, last.natural, last.justified) == (11, 16, 50.0, False)
    # without room the comma starts the next line (clreq level "none": no prohibition)
    assert [ln.text for ln in brk(TEN + "，子丑寅卯。", hface, NO_ROOM)] == [TEN, "，子丑寅卯。"]


def test_a_hung_comma_after_a_justified_line(hface):
    # 95 pt: nine characters (90 pt) and no room for the comma: the nine are justified to
    # 95 pt exactly as without it (5 pt over 8 gaps), the comma hangs from 95 pt
    first, last = brk(TEN[:9] + "，子丑寅卯。", hface, measure=95.0)
    assert runs(first) == [(TEN[:9], 0.0, 0.625, 95.0, ""), ("，", 95.0, 0.0, 10.0, "centred")]
    assert (first.start, first.end, first.measure, first.natural, first.justified) == (0, 10, 95.0, 105.0, True)
    (alone,) = brk(TEN[:9], hface, measure=95.0, justify_last=True)
    assert first.runs[:-1] == alone.runs
    assert last.text == "子丑寅卯。" and last.start == 10


def test_a_hung_comma_on_an_indented_first_line(hface):
    first, last = brk(TEN[:8] + "，子丑寅", hface, indent=20.0)
    assert (first.indent, first.measure, first.natural) == (20.0, 80.0, 90.0)
    assert runs(first) == [(TEN[:8], 0.0, 0.0, 80.0, ""), ("，", 80.0, 0.0, 10.0, "centred")]
    assert last.text == "子丑寅" and last.indent == 0.0


def test_every_hanging_mark(hface):
    for mark in "、，。．":
        first, _ = brk(TEN + mark + "子丑", hface)
        variant = "" if mark == "．" else "centred"  # the test face centres 、，。 (not ．)
        assert runs(first)[-1] == (mark, 100.0, 0.0, 10.0, variant), mark


def test_a_mark_before_an_opening_quote_hangs(hface):
    first, last = brk(TEN + "，「子丑」", hface)
    assert runs(first)[-1] == ("，", 100.0, 0.0, 10.0, "centred")
    assert last.text == "「子丑」"


# --- two marks never hang -------------------------------------------------------------------------


def test_a_full_stop_after_a_closing_bracket_does_not_hang(hface):
    text = "「甲乙丙丁戊己庚辛」。子丑寅卯"
    first, last = brk(text, hface)
    assert runs(first) == [("「甲乙丙丁戊己庚辛」", 0.0, 0.0, 100.0, "")] and first.natural == 100.0
    assert runs(last)[0] == ("。", 0.0, 0.0, 10.0, "centred")
    assert values(brk(text, hface)) == values(brk(text, hface, NO_ROOM))


def test_a_full_stop_before_a_closing_bracket_does_not_hang(hface):
    text = TEN + "。」子丑"
    assert [ln.text for ln in brk(text, hface)] == [TEN, "。」子丑"]
    assert values(brk(text, hface)) == values(brk(text, hface, NO_ROOM))


# --- last lines, other rules ------------------------------------------------------------------------


def test_a_last_line_is_unchanged(hface):
    # a paragraph's last line, short, ending with its full stop: as without hanging
    (line,) = brk("甲乙丙。", hface)
    assert runs(line) == [("甲乙丙", 0.0, 0.0, 30.0, ""), ("。", 30.0, 0.0, 10.0, "centred")]
    assert (line.natural, line.justified) == (40.0, False)
    assert values(brk("甲乙丙。", hface)) == values(brk("甲乙丙。", hface, NO_ROOM))
    # a full last line ending with its full stop, within the measure: as without hanging
    assert values(brk(TEN[:9] + "。", hface)) == values(brk(TEN[:9] + "。", hface, NO_ROOM))


def test_a_paragraphs_last_mark_hangs_from_its_full_line(hface):
    # the full stop that would stand alone on a last line hangs instead (no 孤字 fix needed)
    (line,) = brk(TEN + "。", hface)
    assert runs(line) == [(TEN, 0.0, 0.0, 100.0, ""), ("。", 100.0, 0.0, 10.0, "centred")]
    assert (line.end, line.natural, line.justified) == (11, 110.0, False)
    # without room: the last two characters move down with it
    assert [ln.text for ln in brk(TEN + "。", hface, NO_ROOM)] == [TEN[:8], "壬癸。"]


def test_zh_hans_vertical_hangs_half_an_em_when_asked(hface):
    first, last = brk(TEN + "，子丑寅卯。", hface, HANS)
    # mainland scheme: a mark ends a line in half an em, and hangs so
    assert runs(first) == [(TEN, 0.0, 0.0, 100.0, ""), ("，", 100.0, 0.0, 5.0, "half")]
    assert (first.natural, first.justified) == (105.0, False)
    assert last.text == "子丑寅卯。"
    # by default zh-Hans vertical lines do not hang (the basic level pushes the line out)
    plain = rules_for(vertical=True, hang_room=ROOM)
    assert [ln.text for ln in brk(TEN + "，子丑寅卯。", hface, plain)] == [TEN[:9], "癸，子丑寅卯。"]


def test_a_mark_wider_than_the_room_does_not_hang(hface):
    narrow = replace(HANT, hang_room=9.0)
    assert [ln.text for ln in brk(TEN + "，子丑", hface, narrow)] == [TEN, "，子丑"]


def test_ragged_lines_never_hang(hface):
    lines = brk(TEN + "，子丑", hface, justify=False)
    assert [ln.text for ln in lines] == [TEN, "，子丑"]
    assert values(lines) == values(brk(TEN + "，子丑", hface, NO_ROOM, justify=False))


def test_horizontal_lines_never_hang(hface):
    flat = rules_for("zh-Hant", hang_room=ROOM)
    assert flat.hanging == frozenset()
    for text in (TEN + "，子丑寅卯。", TEN + "。", "甲乙丙。"):
        assert values(brk(text, hface, flat)) == values(brk(text, hface, rules_for("zh-Hant")))


# --- properties -----------------------------------------------------------------------------------

HAN = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
MARKS = "、，。．：；！？「」『』（）《》"
OPENING = "「『（《"
PIECES = st.one_of(
    st.sampled_from(HAN),
    st.sampled_from(HAN),
    st.sampled_from(HAN),
    st.sampled_from("、，。．"),
    st.sampled_from(MARKS),
)
PARAGRAPHS = st.lists(PIECES, min_size=1, max_size=60).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=PARAGRAPHS, measure=st.sampled_from([47.5, 95.0, 100.0, 133.3]), indent=st.sampled_from([0.0, 20.0]))
def test_hung_lines_are_full_lines_and_a_mark(hface, text, measure, indent):
    lines = brk(text, hface, measure=measure, indent=indent)
    assert "".join(ln.text for ln in lines) == text
    for k, ln in enumerate(lines):
        last = ln.runs[-1]
        hung = last.x >= ln.measure - 1e-9 and len(ln.runs) > 1
        body = ln.runs[:-1] if hung else ln.runs
        assert all(r.x + r.width <= ln.measure + 1e-9 for r in body), ln.text
        if hung:  # one mark from the measure on; the rest as the full line without it
            assert last.text in HANGING_MARKS and last.x == ln.measure and last.width == SIZE
            assert ln.natural == ln.measure + SIZE
            assert text[ln.end - 2] not in MARKS and text[ln.end : ln.end + 1] not in set(MARKS) - set(OPENING)
            (alone,) = brk(text[ln.start : ln.end - 1], hface, measure=ln.measure, justify_last=True)
            assert alone.runs == ln.runs[:-1]
        elif k < len(lines) - 1:  # every other line but the last is full
            assert ln.right - ln.indent == pytest.approx(ln.measure, abs=1e-9)
        if k and ln.text[0] in HANGING_MARKS:  # a line starts with one only when two marks meet
            before, after = text[ln.start - 1], text[ln.start + 1 : ln.start + 2]
            assert before in MARKS or (after and after in set(MARKS) - set(OPENING)), (text, ln.text)


# --- the zh-Hant sample page -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hung_page():
    """The zh-Hant vertical sample page with the band gutter as room to hang into (what the
    page gives the rules: ``rules_for(..., hang_room=style.gutter)``)."""
    import layout.render as render_module

    gutter = load_style(style_path("broadsheet-vertical", Path("."))).gutter

    def with_room(*args, **kw):
        kw.setdefault("hang_room", gutter)
        return rules_for(*args, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(render_module, "rules_for", with_room)
        return render_module.render(HANT_PAGE)


def test_the_hant_page_hangs_its_marks_into_the_gutter(hung_page):
    st = hung_page.style
    frame = hung_page.makeup.frame
    assert check_frame(frame) == []
    pitch = st.column_width + st.gutter
    lines = [it for it in frame.items if isinstance(it, TextItem) and it.vertical]

    def band_end(it: TextItem, run) -> bool:  # does the run start where a band ends?
        return abs((it.baseline + run.x - st.top) % pitch - st.column_width) < 1e-6

    hung = [it for it in lines if len(it.runs) > 1 and band_end(it, it.runs[-1])]
    assert hung
    for it in hung:  # one mark from the band's end, its em in the gutter; the rest on the band
        mark = it.runs[-1]
        assert mark.text in HANGING_MARKS and mark.width == it.size <= st.gutter, it.text
        assert all(r.x + r.width <= mark.x + 1e-9 for r in it.runs[:-1]), it.text
    # no vertical line starts with 、，。 but where the mark, larger than the gutter, cannot hang
    starts = [it for it in lines if it.text[0] in "、，。"]
    assert all(it.size > st.gutter for it in starts), [(it.role, it.text) for it in starts]
