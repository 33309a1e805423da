"""Vertical headlines on horizontal pages (竖题, issue 17): a profile's headline in one or two
vertical lines in its module's outer grid column, the body beside it; forced by
``headline_vertical: true``, forbidden by ``false``, chosen by the search where the style's
``vertical_headlines: allowed`` lets it and it scores better (real pages, bundled fonts)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
import yaml

from layout.frame import TextItem
from layout.model.content import load_page
from layout.page.arrange import Pins
from layout.page.check import check_frame
from layout.page.context import Context
from layout.page.module import Module
from layout.page.units import Copy, Mode
from layout.render import normalized_texts, render, rules_for
from layout.report import table

ROOT = Path(__file__).resolve().parent.parent
STORY = (
    "甘元静是龙山区校外教育指导中心党支部书记、主任兼龙山区教育局创城办主任。作为龙山区教育领域创城工作的引领者，"
    "她不断思考如何引领龙山人承担起这份责任和担当。在区教育局的正确领导下，她确立了统筹协调、示范引领、跟进指导、"
    "整体推进的工作思路，努力把各项工作任务落实、落细、落小。通过组织开展各项活动和创建文明城市示范校等举措，"
    "让龙山区教育创城工作贴地而行、行之有效。"
)
HEAD = "在教育领域担负起创城的责任"  # 13 characters: two vertical lines of 7 and 6 at 22 pt


def page_file(folder: Path, profiles: list[dict], name: str = "page.yaml") -> Path:
    data = {
        "paper": "示例日报",
        "date": "2024-03-15",
        "page": 3,
        "section": "身边榜样",
        "headline": "平凡岗位上的不平凡坚守",
        "profiles": profiles,
    }
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def story(pid: str, headline: str = HEAD, body: str = STORY * 2, **extra) -> dict:
    return {"id": pid, "headline": headline, "name": "甘元静", "role": "创城办主任", "body": [body], **extra}


def allowing(folder: Path, **fields: str) -> Path:
    """The broadsheet style with ``fields`` added to its ``modules:``."""
    text = (ROOT / "layout" / "styles" / "broadsheet.yaml").read_text(encoding="utf-8")
    extra = "".join(f"\n  {k}: {v}" for k, v in fields.items())
    style = folder / "style.yaml"
    style.write_text(text.replace("  open_area: foot", "  open_area: foot" + extra, 1), encoding="utf-8")
    return style


def heads(frame, index: int = 0) -> list[TextItem]:
    return [i for i in frame.items if isinstance(i, TextItem) and i.source == f"profiles[{index}].headline"]


def module_of(engine, folder: Path, profile: dict, span: int, vertical: bool | None = None) -> Module:
    style, faces = engine
    page = load_page(page_file(folder, [profile], name=f"{profile['id']}.yaml"))
    texts, _ = normalized_texts(page)
    return Module(Context(style, faces, rules_for(page.lang)), page.profiles[0], texts, span, vertical=vertical)


def test_a_forced_vertical_headline_stands_in_the_modules_right_column_beside_its_body(tmp_path):
    path = page_file(tmp_path, [story("v", span=3, headline_vertical=True), story("b", "龙山区教育创城工作贴地而行")])
    r = render(path)
    m, st = r.makeup, r.style
    assert check_frame(m.frame) == []  # no overlap, nothing outside the page
    v = m.modules[0]
    assert (v.column, v.span, v.row, v.rows) == (0, 3, 0, 15)
    assert v.legs == (14, 14) and v.broken == () and v.overset_chars == 0  # the body in two columns
    top = st.top + m.zone_top * st.leading  # the module's top: 85.039 + 10 × 13.5
    assert top == pytest.approx(220.03937, abs=1e-4)
    # depth 15 × 13.5 − 4.5 = 198 pt. On one line at 二号 (22 pt, its size across 3 columns) the
    # 13 characters take 286 pt: two lines of 7 and 6 then, at 28 pt (7 × 28 = 196 pt fit, 7 × 29
    # do not), the first from the module's top, the second ending at its foot (staggered), both
    # spread by the same 2/6 pt a character, so the first runs the whole depth; centred across
    # the third column (117 pt), 1.25 em apart
    items = heads(m.frame)
    assert [i.text for i in items] == ["在教育领域担负", "起创城的责任"]
    assert all(i.vertical and i.size == 28 for i in items)
    assert [r.char_space for i in items for r in i.runs] == pytest.approx([1 / 3, 1 / 3], abs=1e-9)
    assert [i.length for i in items] == pytest.approx([198.0, 168 + 5 / 3], abs=1e-9)
    assert [i.baseline - top for i in items] == pytest.approx([0.0, 30 - 5 / 3], abs=1e-9)
    assert items[1].baseline + items[1].length == pytest.approx(top + 198, abs=1e-9)  # the body's last foot
    centre = st.column_x(2) + st.column_width / 2
    assert [i.x for i in items] == pytest.approx([centre + 17.5, centre - 17.5], abs=1e-9)
    assert [round(i.x, 4) for i in items] == [381.2559, 346.2559]
    assert (items[0].start, items[0].end, items[1].start, items[1].end) == (0, 7, 7, 13)
    assert v.vertical_headline == 28 and m.units[0].vertical_headline == 28  # reported
    assert m.modules[1].vertical_headline == 0 and m.units[1].vertical_headline == 0
    row = next(ln for ln in table(r).splitlines() if ln.startswith("v "))
    assert row.endswith("  竖题 28pt")
    # byline and body in the first two columns, left of the headline's column
    rest = [
        i for i in m.frame.items if isinstance(i, TextItem) and i.source.startswith("profiles[0].") and i not in items
    ]
    assert {round(i.x - st.column_x(0), 3) for i in rest if i.source.endswith("body[0]")} == {0.0, 18.0, 126.0}
    assert max(i.right for i in rest) <= st.column_x(1) + st.column_width + 1e-9
    assert min(i.baseline for i in rest) > top  # the byline on the module's first row


def test_left_by_style_the_headline_stands_in_the_first_column_and_the_body_moves_right(tmp_path):
    path = page_file(tmp_path, [story("v", span=3, headline_vertical=True), story("b", "龙山区教育创城工作贴地而行")])
    r = render(path, style=str(allowing(tmp_path, vertical_headline_side="left")))
    m, st = r.makeup, r.style
    assert check_frame(m.frame) == []
    v = m.modules[0]
    assert (v.column, v.span, v.legs) == (0, 3, (14, 14))
    centre = st.column_x(v.column) + st.column_width / 2
    assert [i.x for i in heads(m.frame)] == pytest.approx([centre + 17.5, centre - 17.5], abs=1e-9)
    body = [i for i in m.frame.items if isinstance(i, TextItem) and i.source == "profiles[0].body[0]"]
    assert min(i.x for i in body) >= st.column_x(1) - 1e-9  # the body starts in the second column


def test_false_and_unset_give_the_horizontal_layout_on_a_default_style(tmp_path):
    plain = render(page_file(tmp_path, [story("a"), story("b", "龙山区教育创城工作贴地而行")], "plain.yaml"))
    off = render(page_file(tmp_path, [story("a", headline_vertical=False), story("b", "龙山区教育创城工作贴地而行")]))
    assert plain.makeup.frame.items == off.makeup.frame.items
    assert [replace(m, file="", line=0) for m in plain.makeup.modules] == [
        replace(m, file="", line=0) for m in off.makeup.modules
    ]
    assert not any(i.vertical for i in plain.makeup.frame.items if isinstance(i, TextItem))
    # false forbids it even where the style allows it
    allowed = render(
        page_file(tmp_path, [story("a", headline_vertical=False), story("b", headline_vertical=False)], "no.yaml"),
        style=str(allowing(tmp_path, vertical_headlines="allowed")),
    )
    assert not any(i.vertical for i in allowed.makeup.frame.items if isinstance(i, TextItem))


def test_an_allowing_style_lets_the_search_stand_a_short_headline_beside_a_wide_module(tmp_path):
    """Across four columns 春风十里 (4 × 26 pt) covers a fifth of the module: the headline rule
    breaks. Standing, at 36 pt (小初: the banner's least size, the cap) it covers 144 pt of the
    module's 198, and nothing breaks; its characters spread 18 pt apart run the whole depth."""
    profiles = [story("short", "春风十里", STORY * 3, span=4), story("b", "龙山区教育创城工作贴地而行")]
    path = page_file(tmp_path, profiles)
    before = render(path).makeup
    assert before.modules[0].broken == ("headline",) and before.score.broken == 1
    assert not heads(before.frame)[0].vertical
    m = render(path, style=str(allowing(tmp_path, vertical_headlines="allowed"))).makeup
    assert check_frame(m.frame) == []
    assert m.score.broken == 0 and m.score.overset == 0
    short = m.modules[0]
    assert (short.span, short.rows, short.legs, short.broken) == (4, 15, (14, 14, 13), ())
    (item,) = heads(m.frame)
    assert item.vertical and item.size == 36 and item.text == "春风十里" and item.length == 198
    assert [(r.x, r.char_space, r.width) for r in item.runs] == [(0.0, 18.0, 198.0)]
    assert 4 * 36 >= 0.34 * (short.rows * 13.5 - 4.5)  # head_fill of the depth, unspread
    assert short.vertical_headline == 36 and m.units[0].vertical_headline == 36


def test_one_column_cannot_stand_a_headline_and_says_so(engine, tmp_path):
    md = module_of(engine, tmp_path, story("one", headline_vertical=True), 1)
    assert not md.vertical and md.cols == 1 and md.head.rows > 0
    assert (
        md.vertical_note == "'one': headline_vertical: true, but a module of one column has no room for it: set across"
    )
    path = page_file(tmp_path, [story("one", span=1, headline_vertical=True), story("b")])
    m = render(path).makeup
    assert check_frame(m.frame) == [] and m.modules[0].span == 1
    assert not any(i.vertical for i in heads(m.frame))  # set across, not failed
    assert module_of(engine, tmp_path, story("two", headline_vertical=True), 2).vertical_note == ""


def test_a_vertical_modules_shapes_count_its_other_columns_and_its_headlines_depth(engine, tmp_path):
    md = module_of(engine, tmp_path, story("v"), 3, vertical=True)
    flat = module_of(engine, tmp_path, story("h"), 2, vertical=False)
    assert md.vertical and md.cols == 2 and md.head.rows == 0 and md.fixed_rows == flat.fixed_rows - flat.head.rows
    # per point of size: 13 em on one line; broken in two, 7 em (found by bisection at 26 pt)
    assert md.vhead_rates == pytest.approx((13.0, 7.00146), abs=1e-5)
    assert md.vhead_across == 22  # 二号 across 3 columns
    assert md.vhead_caps == (36, 36)  # the banner's least (小初); the column takes 117 and 52 pt
    assert md.vhead_min_rows == 9  # 7 characters of 15 pt (105 pt): 8 rows are 103.5 pt deep
    with pytest.raises(ValueError, match="cannot hold its vertical headline"):
        md.shape(md.vhead_min_rows - 1, 0)
    shapes = md.shape_list(pad=3)
    assert min(s.rows for s in shapes) >= md.vhead_min_rows
    assert all(len(s.legs) == 2 for s in shapes)
    # the same body geometry as a horizontal module of two columns, its headline's rows aside
    s = md.shape(15, 0)
    f = flat.shape(15 + flat.head.rows, 0)
    assert (s.legs, s.blank_cells, s.placed) == (f.legs, f.blank_cells, f.placed) == ((14, 14), 0, 28)
    assert md.vhead_rows(s) == 15 and md.vertical_size(s) == 28
    # by depth: two lines up to 21 rows (at 36 pt, the cap, from 21), one line at 22 pt from
    # 22 rows (292.5 pt: 13 × 22 = 286), larger as the module deepens, 36 pt at most
    plans = {rows: md.vhead_plan(md._depth(rows)) for rows in (9, 15, 21, 22, 30, 102)}
    assert [(rows, p.size, p.lines) for rows, p in plans.items()] == [
        (9, 16, 2),
        (15, 28, 2),
        (21, 36, 2),
        (22, 22, 1),
        (30, 30, 1),
        (102, 36, 1),
    ]
    # the headline rule: unspread at 36 pt, 468 pt cover 0.34 of every depth the page has
    # (102 rows: 1372.5 pt, 0.34 of it 466.7); 春风十里 (144 pt) covers too little from 32 rows
    assert md.vhead_short == ()
    spring = module_of(engine, tmp_path, story("s", "春风十里"), 3, vertical=True)
    assert spring.vhead_short[0] == 32  # 0.34 × 427.5 = 145.4 pt; 31 rows: 140.8
    assert "headline" in spring.shape(32, 0).broken and "headline" not in spring.shape(31, 0).broken


def test_one_line_when_it_fits_at_its_size_across_spread_down_the_depth(engine, tmp_path):
    """22 rows (292.5 pt) hold the 13 characters on one line at 22 pt (286 pt): one line, its
    6.5 pt left spread between its characters; deeper, larger, up to 36 pt, then spread wider."""
    md = module_of(engine, tmp_path, story("v"), 3, vertical=True)
    centre = md.strip_x + md.ctx.style.column_width / 2
    (one,) = md.vhead_items(22)
    assert (one.text, one.size, one.x, one.baseline) == (HEAD, 22, centre, 0.0)
    assert one.length == pytest.approx(292.5, abs=1e-9)
    assert [(r.x, r.char_space) for r in one.runs] == [(0.0, pytest.approx(6.5 / 12, abs=1e-12))]
    (deep,) = md.vhead_items(30)  # 400.5 pt: 30 pt (390 pt), 10.5 pt spread
    assert (deep.size, deep.length, round(deep.runs[0].char_space, 6)) == (30, 400.5, 0.875)
    (deepest,) = md.vhead_items(62)  # 832.5 pt: 36 pt (468 pt), 364.5 pt spread
    assert (deepest.size, deepest.length, deepest.runs[0].char_space) == (36, 832.5, 30.375)
    two = md.vhead_items(21)  # 279 pt: two lines at 36 pt (252 pt), 27 pt spread in each
    assert [(i.size, i.baseline, i.length, i.runs[0].char_space) for i in two] == [
        (36, 0.0, 279.0, 4.5),
        (36, 40.5, 238.5, 4.5),
    ]


def test_a_vertical_line_sets_short_numbers_upright(engine, tmp_path):
    """An upright number is one atom of the spread: the space goes after it, not inside it."""
    md = module_of(engine, tmp_path, story("n", "2024年第3版新闻"), 3, vertical=True)
    (item,) = md.vhead_items(20)  # 265.5 pt: 7 em at 36 pt (252 pt), 13.5 pt over 6 gaps
    assert [(r.text, r.variant) for r in item.runs if r.variant] == [("2024", "tcy"), ("3", "tcy")]
    assert [(r.text, r.x, r.char_space, r.width) for r in item.runs] == [
        ("2024", 0.0, 0.0, 36.0),
        ("年第", 38.25, 2.25, 74.25),
        ("3", 114.75, 0.0, 36.0),
        ("版新闻", 153.0, 2.25, 112.5),
    ]
    assert item.length == 265.5


def test_the_least_area_stays_a_lower_bound_with_vertical_variants(engine, tmp_path):
    """The search prunes by ``least_area``: every option of every width takes at least as many cells."""
    style, faces = engine
    photo = {"caption": "甘元静组织学生开展主题活动"}
    profiles = [
        story("a", photo=photo),
        story("b", "春风十里", STORY * 3),
        story("c", body=STORY),
        story("d", "春风十里", STORY * 4, photo=photo, headline_vertical=True),
    ]
    page = load_page(page_file(tmp_path, profiles))
    texts, _ = normalized_texts(page)
    ctx = Context(replace(style, vertical_headlines="allowed"), faces, rules_for(page.lang))
    copy = Copy(ctx, list(page.profiles), texts, [Pins()] * len(profiles))
    chosen = []
    for mode in (Mode(), Mode(compact=True, head_space=True)):
        for unit in copy.units(mode):
            least = copy.least_area(unit, mode)
            for width in range(1, style.columns + 1):
                options = copy.options(unit, width, mode)
                assert all(width * rows >= least for rows in options)
                chosen += [
                    (unit.positions[0], width) for o in options.values() if getattr(o.shape[0], "vertical", False)
                ]
    assert {pos for pos, _ in chosen} == {0, 1, 3}  # vertical variants offered and kept at some heights
    assert {width for pos, width in chosen if pos == 3} == set(range(2, style.columns + 1))  # forced at 2+


def test_a_vertical_headline_is_drawn_and_reads_in_order(tmp_path, make_pdf):
    path = page_file(tmp_path, [story("v", span=3, headline_vertical=True), story("b", "龙山区教育创城工作贴地而行")])
    out = tmp_path / "v.pdf"
    proc = make_pdf(path, "-o", out)
    assert proc.returncode == 1 and "short page" in proc.stderr and out.exists()  # warned: an open area
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "在教育领域担负" in text and "起创城的责任" in text


def test_on_a_vertical_page_headline_vertical_changes_nothing(tmp_path):
    """Every line of a vertical page stands already (page/vertical.py turns the page)."""
    source = ROOT / "content" / "vertical"
    for f in source.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    data = yaml.safe_load((source / "hant-vertical.yaml").read_text(encoding="utf-8"))
    data["profiles"][0]["headline_vertical"] = True
    (tmp_path / "asked.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    asked = render(tmp_path / "asked.yaml").makeup
    assert asked.frame.items == render(tmp_path / "hant-vertical.yaml").makeup.frame.items


def test_a_spread_vertical_headline_reads_without_spaces(tmp_path, make_pdf):
    """春风十里 at 36 pt spread 18 pt apart (half an em: an extractor would read spaces there)
    is drawn in an ActualText span: poppler reads the four characters together."""
    profiles = [story("short", "春风十里", STORY * 3, span=4), story("b", "龙山区教育创城工作贴地而行")]
    path = page_file(tmp_path, profiles)
    out = tmp_path / "spread.pdf"
    proc = make_pdf(path, "--style", allowing(tmp_path, vertical_headlines="allowed"), "-o", out)
    assert proc.returncode == 1 and out.exists()  # warned: a short page
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "春风十里" in text.split()  # one word (another module's standing headline may follow it)
    with pikepdf.open(out) as pdf:
        content = pdf.pages[0].Contents.read_bytes()
    assert b"/ActualText <FEFF662598CE534191CC>" in content  # 春风十里 in UTF-16


def test_a_kept_round_keeps_the_headline_the_search_stood(tmp_path, make_pdf):
    """The map records a module whose headline stands (竖题, the key only then); ``--keep``
    sets it standing again in the same rectangle, nothing moved."""
    style = allowing(tmp_path, vertical_headlines="allowed")
    profiles = [
        story("short", "春风十里", STORY * 3, span=4),
        story("b", "龙山区教育创城工作贴地而行", headline_vertical=False),
        story("c", "龙山区教育创城", STORY),
    ]

    def draft(name: str) -> tuple[Path, dict, subprocess.CompletedProcess]:
        out = tmp_path / f"{name}.pdf"
        proc = make_pdf(page_file(tmp_path, profiles, f"{name}.yaml"), "--draft", "--style", style, "-o", out, *keep)
        assert proc.returncode == 1, proc.stderr  # warned: a short page
        doc = json.loads((tmp_path / f"{name}.map.json").read_text(encoding="utf-8"))
        return out, doc["pages"][0]["arrangement"], proc

    keep: tuple = ()
    first, before, _ = draft("round1")
    assert [u.get("vertical_headline") for u in before["units"]] == [True, None, None]
    assert [(u["ids"], u["column"], u["span"], u["row"], u["rows"]) for u in before["units"]] == [
        (["short"], 0, 4, 0, 15),
        (["b"], 0, 3, 16, 16),
        (["c"], 3, 1, 16, 16),
    ]
    profiles[0]["body"] = [STORY * 3 + "通过组织开展各项活动"]  # ten characters more
    keep = ("--keep", first)
    _, after, proc = draft("round2")
    assert after["units"][0] == dict(before["units"][0], legs=[14, 14, 14], blank=0)
    assert after["units"][1:] == before["units"][1:] and after["moved"] == []
    assert "re-arranged" not in proc.stderr  # kept as it was, not searched again
    doc = json.loads((tmp_path / "round2.map.json").read_text(encoding="utf-8"))
    (line,) = [ln for ln in doc["pages"][0]["lines"] if ln["source"] == "profiles[0].headline"]
    assert line["text"] == "春风十里" and line["vertical"] is True
    assert line["y"] == [1352.67, 1298.67, 1244.67, 1190.67, 1154.67]  # 36 pt characters, 18 pt apart
