"""Chinese composition (clreq, GB/T 15834): punctuation compression, push-in before
push-out, schemes, units, Han–Latin spacing, zh-Hant. Exact numbers on the
synthetic font (10 pt, 1 em = 10 pt, a 100 pt measure holds 10 Han characters);
then counts measured from written PDFs with poppler, not from the engine."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layout.inline.breaker import break_paragraph
from layout.lang.normalize import hant_quotes
from layout.lang.zh import rules_for

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from composition_check import check  # noqa: E402
from pagegen import make_page  # noqa: E402

SIZE = 10.0
MEASURE = 100.0


def brk(text, face, rules=None, *, measure=MEASURE, indent=0.0):
    return break_paragraph(text, size=SIZE, measure=measure, metrics=face, rules=rules or rules_for(), indent=indent)


def layout_of(line):
    return [(r.text, round(r.x, 6), r.variant) for r in line.runs]


# --- compression -------------------------------------------------------------------------------


def test_line_end_mark_takes_half_an_em(hface):
    lines = brk("甲乙丙丁戊己庚辛壬，子丑", hface)
    first = lines[0]
    assert first.text == "甲乙丙丁戊己庚辛壬，"
    assert first.natural == 95.0  # 9 em + ½ em
    gap = 5.0 / 9
    assert layout_of(first) == [("甲乙丙丁戊己庚辛壬", 0.0, ""), ("，", round(90 + 9 * gap, 6), "half")]
    assert first.right == pytest.approx(MEASURE, abs=1e-9)


def test_adjacent_marks_take_one_and_a_half_em(hface):
    (line,) = brk("甲乙。”丙丁", hface)
    assert line.natural == 55.0  # 4 em + ½ (。) + 1 (”)
    assert layout_of(line) == [("甲乙", 0.0, ""), ("。", 20.0, "half"), ("”丙丁", 25.0, "")]
    (line,) = brk("甲，“乙", hface)  # closing then opening: the closing one gives way
    assert line.natural == 35.0
    (line,) = brk("甲（“乙", hface)  # two opening marks: the second gives way
    assert layout_of(line) == [("甲（", 0.0, ""), ("“", 20.0, "half"), ("乙", 25.0, "")]


def test_push_in_before_push_out(hface):
    # 甲乙丙丁，戊己庚辛壬 fill 10 em; 。 may not start line 2: the mid-line ， and the
    # line-end 。 each give up half an em, and 。 stays on line 1
    lines = brk("甲乙丙丁，戊己庚辛壬。子丑", hface)
    assert [ln.text for ln in lines] == ["甲乙丙丁，戊己庚辛壬。", "子丑"]
    first = lines[0]
    assert first.natural == 100.0
    assert [r.variant for r in first.runs] == ["", "half", "", "half"]
    assert first.right == pytest.approx(MEASURE, abs=1e-9)


def test_push_out_when_nothing_can_give_way(hface):
    lines = brk("甲乙丙丁戊己庚辛壬癸。子丑", hface)
    assert [ln.text for ln in lines] == ["甲乙丙丁戊己庚辛壬", "癸。子丑"]
    assert lines[0].natural == 90.0 and lines[0].right == pytest.approx(MEASURE, abs=1e-9)


@pytest.mark.parametrize(
    ("scheme", "natural"),
    [("mainland", 95.0), ("kaiming", 100.0), ("quanjiao", 100.0)],
)
def test_schemes_at_line_end(hface, scheme, natural):
    # a full stop ending a line: mainland halves it, 开明 and 全角 keep it one em
    lines = brk("甲乙丙丁戊己庚辛壬。子丑", hface, rules_for(scheme=scheme))
    assert lines[0].text == "甲乙丙丁戊己庚辛壬。"
    assert lines[0].natural == natural
    assert lines[0].right == pytest.approx(MEASURE, abs=1e-9)


def test_kaiming_still_halves_commas(hface):
    lines = brk("甲乙丙丁戊己庚辛壬，子丑", hface, rules_for(scheme="kaiming"))
    assert lines[0].natural == 95.0


def test_quanjiao_never_halves(hface):
    (line,) = brk("甲乙。”丙丁", hface, rules_for(scheme="quanjiao"))
    assert line.natural == 60.0
    assert all(r.variant == "" for r in line.runs)


def test_opening_mark_at_line_start_may_lose_its_half(hface):
    text = "“甲乙丙丁戊己庚辛壬癸子丑"
    plain = brk(text, hface, indent=20.0)
    halved = brk(text, hface, rules_for(halve_opening_at_line_start=True), indent=20.0)
    assert plain[0].runs[0].variant == "" and plain[0].natural == 80.0
    assert halved[0].runs[0].variant == "half" and halved[0].natural == 75.0
    assert halved[0].right == pytest.approx(100.0, abs=1e-9)  # still flush: the half em is spread


# --- units and Latin ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("甲乙丙丁戊己庚辛2020年子丑寅", ["甲乙丙丁戊己庚辛", "2020年子丑寅"]),
        ("甲乙丙丁戊己庚870余户子丑", ["甲乙丙丁戊己庚", "870余户子丑"]),
        ("甲乙丙丁戊己庚辛壬90%子", ["甲乙丙丁戊己庚辛壬", "90%子"]),
        ("甲乙丙丁戊己4×100米接力赛", ["甲乙丙丁戊己", "4×100米接力赛"]),
    ],
)
def test_numbers_keep_their_units(hface, text, expected):
    assert [ln.text for ln in brk(text, hface)] == expected


def test_quarter_em_between_han_and_latin_not_at_marks(hface):
    (line,) = brk("甲3D乙，A", hface)
    # 甲 ¼ 3D ¼ 乙 ， A: no gap between the comma and A
    assert layout_of(line) == [("甲", 0.0, ""), ("3D", 12.5, ""), ("乙，A", 25.0, "")]
    assert line.natural == 50.0


# --- zh-Hant ------------------------------------------------------------------------------------


def test_hant_marks_centred_and_full_width(hface):
    (line,) = brk("甲，乙。", hface, rules_for("zh-Hant"))
    assert rules_for("zh-Hant").scheme == "quanjiao"
    assert [(r.text, r.variant) for r in line.runs] == [("甲", ""), ("，", "centred"), ("乙", ""), ("。", "centred")]
    assert line.natural == 40.0


def test_hant_quotes_become_corner_brackets():
    assert hant_quotes("他說：“我們的‘家’。”") == ("他說：「我們的『家』。」", {"“": 1, "‘": 1, "’": 1, "”": 1})


# --- properties ---------------------------------------------------------------------------------

HAN = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十"
MARK_RUNS = st.sampled_from(
    ["", "", "", "，", "。", "、", "；", "：", "！", "？", "”", "）", "》", "。”", "！”", "，“"]
)
OPENERS = st.sampled_from(["", "", "", "“", "（", "《"])
WORD = st.one_of(
    st.builds(lambda o, h, m: o + h + m, OPENERS, st.text(HAN, min_size=1, max_size=6), MARK_RUNS),
    # units and Latin words come after a Han character: a line always has a legal break
    st.sampled_from(["甲2020年", "乙90%", "丙3D", "丁870余户", "戊——", "己……", "庚ABC"]),
)
PROSE = st.lists(WORD, min_size=1, max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=PROSE, indent=st.sampled_from([0.0, 20.0]), scheme=st.sampled_from(["mainland", "kaiming", "quanjiao"]))
def test_composition_properties(hface, text, indent, scheme):
    rules = rules_for(scheme=scheme)
    lines = brk(text, hface, rules, indent=indent)
    assert "".join(ln.text for ln in lines) == text  # every character once, in order
    for k, ln in enumerate(lines):
        if k > 0:
            pair = ln.text[:2] in rules.unbreakable_pairs  # —— and …… may start a line (not at strict)
            assert pair or ln.text[0] not in rules.no_start, (k, ln.text)
        if k < len(lines) - 1:
            assert ln.text[-1] not in rules.no_end, (k, ln.text)
            assert ln.right == pytest.approx(ln.indent + ln.measure, abs=1e-9), (k, ln.text)
        assert ln.right <= ln.indent + ln.measure + 1e-9
    if len(lines) >= 2:
        assert sum(1 for ch in lines[-1].text if ch not in rules.punctuation) >= 2


# --- measured from written PDFs -----------------------------------------------------------------

ZERO = {"prohibited_starts": 0, "prohibited_ends": 0, "lone_last_lines": 0, "not_flush": 0}


def counts(result):
    return {k: v for k, v in result["counts"].items() if k != "lines"}


def test_default_page_measured_from_the_pdf(seed_pdf):
    result = check(seed_pdf, ROOT / "content" / "seed.yaml")
    assert result["counts"]["lines"] > 300
    assert counts(result) == ZERO, result["problems"][:5]


def test_long_generated_page_measured_from_the_pdf(tmp_path, make_pdf):
    page = tmp_path / "long.yaml"
    page.write_text(yaml.safe_dump(make_page(10, 500, 900, 21), allow_unicode=True), encoding="utf-8")
    out = tmp_path / "long.pdf"
    proc = make_pdf(page, "-o", out, "--allow-overset")
    assert proc.returncode in (0, 1), proc.stderr
    result = check(out, page)
    assert result["counts"]["lines"] > 400
    assert counts(result) == ZERO, result["problems"][:5]


def test_the_measurement_finds_bad_composition(tmp_path):
    """A PDF set naively (a comma starting a line, a ragged line) is caught."""
    from reportlab.pdfgen.canvas import Canvas

    from layout.draw.pdf import register_fonts
    from layout.fonts.resolve import resolve_font
    from layout.model.style import load_style, style_path

    style = load_style(style_path("broadsheet", ROOT))
    face = resolve_font("song", "BanmianSerifSC-Regular.ttf", ROOT)
    name = register_fonts([face], {"song": set("甲乙丙丁戊己庚辛壬癸子丑寅卯，")})["song"]
    pdf = tmp_path / "bad.pdf"
    c = Canvas(str(pdf), pagesize=(style.page_width, style.page_height), initialFontName=name)
    c.setFont(name, 9)
    x = style.column_x(0)
    rows = ["　　甲乙丙丁戊己庚辛壬癸子", "，丑寅卯甲乙丙丁戊己庚辛", "壬癸子丑寅卯甲乙丙丁戊", "己庚"]
    for k, row in enumerate(rows):
        c.drawString(x + (18 if k == 0 else 0), style.page_height - 400 - 13.5 * k, row.lstrip("　"))
    c.save()
    page = tmp_path / "p.yaml"
    page.write_text((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = check(pdf, page)
    assert result["counts"]["prohibited_starts"] == 1
    assert result["counts"]["not_flush"] >= 1


def test_zh_hant_page_end_to_end(tmp_path, make_pdf):
    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    data["lang"] = "zh-Hant"
    data["profiles"] = data["profiles"][:3]
    page = tmp_path / "hant.yaml"
    page.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "hant.pdf"
    proc = make_pdf(page, "-o", out)
    assert proc.returncode in (0, 1), proc.stderr  # 1: three profiles leave the page short
    import subprocess

    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "-Hant" in fonts and "-Halt" not in fonts  # centred marks, no compression (quanjiao)
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "「" in text and "“" not in text
    assert counts(check(out, page)) == ZERO


@pytest.mark.parametrize(
    ("composition", "error"),
    [
        ("{kinsoku: strict, punctuation: kaiming}", None),
        ("{kinsoku: loose}", "composition.kinsoku"),
        ("{punctuation: half}", "composition.punctuation"),
    ],
)
def test_style_composition_settings(tmp_path, composition, error):
    from layout.errors import InputError
    from layout.model.style import load_style

    text = (ROOT / "layout" / "styles" / "broadsheet.yaml").read_text(encoding="utf-8")
    start = text.index("composition:")
    end = text.index("roles:")
    style = tmp_path / "style.yaml"
    style.write_text(text[:start] + f"composition: {composition}\n" + text[end:], encoding="utf-8")
    if error:
        with pytest.raises(InputError, match=error):
            load_style(style)
    else:
        st_ = load_style(style)
        assert (st_.kinsoku, st_.punctuation) == ("strict", "kaiming")


def test_url_breaks_at_its_joints(face):
    lines = brk("访问https://www.example.com/very/long/path/index.html了解详情", face)
    texts = [ln.text for ln in lines]
    assert "".join(texts) == "访问https://www.example.com/very/long/path/index.html了解详情"
    # the URL starts on the first line and breaks after / (its joints), never inside a name
    assert texts == ["访问https://", "www.example.com/", "very/long/path/", "index.html了解详情"]
    for ln in lines[:-1]:
        assert ln.right == pytest.approx(ln.indent + ln.measure, abs=1e-9)


@pytest.mark.parametrize(
    ("profiles", "lo", "hi", "seed", "style"), [(5, 150, 700, 3, "tabloid"), (9, 100, 900, 4, None)]
)
def test_generated_pages_measured_from_the_pdf(tmp_path, make_pdf, profiles, lo, hi, seed, style):
    page = tmp_path / "gen.yaml"
    page.write_text(yaml.safe_dump(make_page(profiles, lo, hi, seed), allow_unicode=True), encoding="utf-8")
    out = tmp_path / "gen.pdf"
    proc = make_pdf(page, "-o", out, "--allow-overset", *(["--style", style] if style else []))
    assert proc.returncode in (0, 1), proc.stderr
    result = check(out, page, style)
    assert result["counts"]["lines"] > 100
    assert counts(result) == ZERO, result["problems"][:5]
