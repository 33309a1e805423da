"""Vertical pages (竖排): the grid as bands, the type area set transposed and turned back.

Exact numbers: the grids derived and read, the turn of every kind of item, and the
Traditional Chinese sample page (content/vertical/hant-vertical.yaml) made up end to end.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from layout.errors import InputError
from layout.frame import Box, ImageItem, PageFrame, RuleItem, TextItem
from layout.inline.breaker import Run
from layout.model.style import load_style, style_path
from layout.page.check import check_frame
from layout.page.context import ASCENT
from layout.page.module import INDENT_EM
from layout.page.vertical import Turn, transposed, vertical_grid
from layout.render import render

HANT = ROOT / "content" / "vertical" / "hant-vertical.yaml"
OUTSIDE = {"head", "head_paper", "staff"}  # the running head and the staff line stay horizontal


def load(name: str):
    return load_style(style_path(name, Path(".")))


def test_a_horizontal_style_cut_into_bands():
    st = load("broadsheet")  # 102 lines × 13.5 pt = 1377 pt = 153 小五 characters down; 999 pt across
    v = vertical_grid(st)
    assert (v.writing, v.columns, v.chars, v.gutter_chars, v.lines) == ("vertical", 5, 29, 1.0, 74)
    assert v.type_width == 5 * 29 * 9 + 4 * 9 == 1341  # the bands' length, down the page
    assert v.type_height == 74 * 13.5 == 999  # the lines across the page
    assert v.area_fits


def test_a_vertical_style_and_its_transposed_page():
    st = load("broadsheet-vertical")
    assert (st.writing, st.columns, st.chars, st.lines, st.leading) == ("vertical", 5, 30, 74, 13.5)
    assert vertical_grid(st) is st
    t = transposed(st)
    assert (t.writing, t.page_width, t.page_height, t.top, t.left) == ("horizontal", 1386, 999, 0, 0)
    assert t.photo_height == (1 / 0.9, 1 / 0.5)  # height ÷ width on the page is width ÷ height there
    assert t.photo_height_narrow == (1 / 1.5, 1 / 0.8)


def test_the_turn_of_each_item():
    turn = Turn(right=1000.0, top=100.0)
    run = Run("一二三", 0.0, 0.0, 27.0)
    line = TextItem(50.0, 30.0, "song", 9.0, (run,), "body", "profiles[0].body[0]", 0, 3)
    v = turn.text(line)
    # the em box's centre, (0.88 - 0.5) em above the baseline, becomes the centre line
    assert (v.x, v.baseline, v.vertical, v.runs) == (1000 - (30 - 0.38 * 9), 150.0, True, (run,))
    assert v.ink_box(ASCENT) == pytest.approx((1000 - 30 - 0.12 * 9, 150, 1000 - 30 + 0.88 * 9, 177))
    assert turn.item(RuleItem(10, 20, 110, 20, 0.5)) == RuleItem(980, 110, 980, 210, 0.5)
    photo = turn.item(ImageItem(10, 20, 200, 80, None, "照片"))
    assert (photo.x, photo.y, photo.width, photo.height) == (900, 110, 80, 200)
    assert turn.box(Box("m", 10, 20, 200, 80)) == Box("m", 900, 110, 80, 200)
    with pytest.raises(ValueError):
        turn.text(v)


@pytest.fixture(scope="module")
def hant():
    return render(HANT)


def test_the_hant_page_is_set_vertical_on_its_grid(hant):
    st = hant.style
    frame = hant.makeup.frame
    assert check_frame(frame) == []
    lines = [it for it in frame.items if isinstance(it, TextItem)]
    outside = [it for it in lines if it.role in OUTSIDE]
    inside = [it for it in lines if it.role not in OUTSIDE]
    assert outside and not any(it.vertical for it in outside)
    assert inside and all(it.vertical for it in inside)
    left = (st.page_width - st.lines * st.leading) / 2
    right = left + st.lines * st.leading
    for it in inside:  # inside the type area, bands run down from its top
        x0, y0, x1, y1 = it.ink_box(ASCENT)
        assert left - 0.01 <= x0 and x1 <= right + 0.01, it.source
        hung = st.gutter if it.text[-1] in "、，。．" else 0.0  # a mark hung past the last band: into the foot margin
        assert st.top - 0.01 <= y0 and y1 <= st.top + st.type_width + hung + 0.01, it.source
    body = [it for it in inside if it.role == "body"]
    leading = hant.makeup.leading
    for it in body:  # centre lines registered on the grid across every band: half an em left of a row's edge
        k = (right - it.size / 2 - it.x) / leading
        assert k == pytest.approx(round(k), abs=1e-6), (it.source, it.x)
        into = (it.baseline - st.top) % (st.column_width + st.gutter)  # lines start a band, or indented
        assert min(abs(into - d) for d in (0, INDENT_EM * it.size, st.column_width + st.gutter)) < 1e-6, it.source


def test_the_hant_page_keeps_every_character(hant):
    assert not hant.makeup.overset
    frame = hant.makeup.frame
    set_text: dict[str, list[TextItem]] = {}
    for it in frame.items:
        if isinstance(it, TextItem) and ".body[" in it.source:
            set_text.setdefault(it.source, []).append(it)
    data = yaml.safe_load(HANT.read_text(encoding="utf-8"))
    for i, p in enumerate(data["profiles"]):
        for j, para in enumerate(p["body"]):
            items = sorted(set_text[f"profiles[{i}].body[{j}]"], key=lambda it: it.start)
            assert "".join(it.text for it in items) == para


def test_photos_and_captions_turn_with_their_modules(hant):
    frame = hant.makeup.frame
    photos = [it for it in frame.items if isinstance(it, ImageItem)]
    assert len(photos) == 2
    for photo in photos:
        caption = [it for it in frame.items if isinstance(it, TextItem) and it.role == "caption"]
        top, bottom = photo.y - 0.01, photo.y + photo.height + 0.01
        beside = [it for it in caption if top <= it.baseline and it.baseline + it.length <= bottom]
        assert beside and all(it.x < photo.x for it in beside)  # the caption stands at the photo's left


def test_a_horizontal_page_on_a_vertical_style_is_refused(tmp_path):
    data = yaml.safe_load(HANT.read_text(encoding="utf-8"))
    data["writing"] = "horizontal"
    for p in data["profiles"]:
        p.get("photo", {}).pop("file", None)
    page = tmp_path / "p.yaml"
    page.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError, match="writes vertically"):
        render(page)


def test_a_page_asks_for_vertical_writing_on_a_horizontal_style(tmp_path):
    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    data["writing"] = "vertical"
    data["profiles"] = data["profiles"][:4]
    page = tmp_path / "p.yaml"
    page.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = render(page)
    assert done.style.writing == "vertical" and done.style.columns == 5
    assert check_frame(done.makeup.frame) == []
    assert all(it.vertical for it in done.makeup.frame.items if isinstance(it, TextItem) and ".body[" in it.source)


def test_the_hant_page_extracts_in_reading_order(hant, tmp_path):
    """Every body paragraph, headline, caption and quote of the vertical page reads back whole and
    in order from the written PDF, with poppler (content order) and MuPDF (its own analysis)."""
    import subprocess

    import fitz

    pdf = tmp_path / "hant.pdf"
    pdf.write_bytes(hant.pdf)
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    mupdf = "".join(page.get_text() for page in fitz.open(pdf))
    data = yaml.safe_load(HANT.read_text(encoding="utf-8"))
    texts = [data["headline"]]
    for p in data["profiles"]:  # a headline's space stands where it breaks into two lines: dropped there
        texts += [*p["body"], p["headline"].replace(" ", "")]
        texts += [p["photo"]["caption"]] if "photo" in p else []
        texts += [p["quote"]["text"]] if "quote" in p else []
    for name, out in (("pdftotext -raw", raw), ("MuPDF", mupdf)):
        flat = out.replace("\n", "").replace(" ", "")  # the page's spaces: where a headline breaks, or kept
        missing = [t for t in texts if t not in flat]
        assert not missing, (name, missing[:3])
        # in reading order: each profile's paragraphs one after the other
        for p in data["profiles"]:
            at = [flat.index(t) for t in p["body"]]
            assert at == sorted(at), (name, p["id"])


def test_the_hant_page_goes_to_press_under_the_same_rules(tmp_path):
    """PDF/X-1a of the vertical page: the preflight finds nothing (fonts embedded, K-only text,
    ink limits, photo resolution), the same as for a horizontal page; pdffonts lists every font
    (the vertical cuts among them) embedded and subset, with a ToUnicode map."""
    import subprocess

    from layout.render import Output

    done = render(HANT, output=Output(press="x1a"))
    assert done.preflight is not None
    assert done.preflight.status == 0, [f.what for f in done.preflight.findings]
    assert done.preflight.text_k_share == 1.0
    pdf = tmp_path / "press.pdf"
    pdf.write_bytes(done.pdf)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split()[-5:-2] for line in fonts.splitlines()[2:]]
    assert len(rows) > 10 and all(row == ["yes", "yes", "yes"] for row in rows), fonts


def test_the_self_check_finds_vertical_lines_that_overlap():
    run = Run("一二三", 0.0, 0.0, 27.0)
    a = TextItem(100.0, 50.0, "song", 9.0, (run,), "body", "profiles[0].body[0]", 0, 3, vertical=True)
    b = TextItem(104.0, 60.0, "song", 9.0, (run,), "body", "profiles[1].body[0]", 0, 3, vertical=True)
    c = TextItem(113.5, 60.0, "song", 9.0, (run,), "body", "profiles[1].body[0]", 0, 3, vertical=True)
    page = PageFrame(300.0, 300.0, (a, b), (), title="t")
    assert check_frame(page) == ["overlap: profiles[0].body[0] '一二三' and profiles[1].body[0] '一二三'"]
    assert check_frame(PageFrame(300.0, 300.0, (a, c), (), title="t")) == []  # one pitch apart: clear
    low = TextItem(100.0, 290.0, "song", 9.0, (run,), "body", "profiles[0].body[0]", 0, 3, vertical=True)
    assert check_frame(PageFrame(300.0, 300.0, (low,), (), title="t")) == [
        "outside the page: profiles[0].body[0] '一二三'"
    ]


def test_bylines_start_at_the_top_of_their_line(hant):
    """On a vertical page a profile's byline (role, then name) starts at the module's top, after
    its headline, as Taiwanese papers set it; on a horizontal page it ends at the right."""
    frame = hant.makeup.frame
    boxes = {b.id: b for b in frame.boxes}
    data = yaml.safe_load(HANT.read_text(encoding="utf-8"))
    for i, p in enumerate(data["profiles"]):
        if p["id"] not in boxes or "group" in p:
            continue
        box = boxes[p["id"]]
        role = [it for it in frame.items if isinstance(it, TextItem) and it.source == f"profiles[{i}].role"]
        name = [it for it in frame.items if isinstance(it, TextItem) and it.source == f"profiles[{i}].name"]
        assert role and name and all(it.vertical for it in role + name)
        assert role[0].baseline == pytest.approx(box.y, abs=0.01), p["id"]
        if role[0].x == pytest.approx(name[0].x):  # one line: the name after the role, one byline size apart
            gap = name[0].baseline - (role[0].baseline + role[0].length)
            assert gap == pytest.approx(role[0].size, abs=0.01), p["id"]


def test_jump_lines_in_the_pages_script():
    from layout.page.furniture import jump_text

    assert jump_text("下转", 6) == "（下转第6版）"
    assert jump_text("下转", 6, "zh-Hant") == "（下轉第6版）"
    assert jump_text("上接", 5, "zh-Hant") == "（上接第5版）"


def test_a_vertical_edition_jumps_in_its_script(tmp_path):
    """Two zh-Hant vertical pages as an edition: copy the first cannot hold continues on the second
    behind （下轉第6版）, taken up there behind （上接第5版）, every line still read in order."""
    import shutil
    import subprocess

    from conftest import run_make_pdf

    for photo in HANT.parent.glob("*.jpg"):
        shutil.copy(photo, tmp_path)
    data = yaml.safe_load(HANT.read_text(encoding="utf-8"))
    data.pop("fillers")
    extra = [dict(p, id=p["id"] + "-b") for p in data["profiles"][:4]]
    for p in extra:
        p.pop("photo", None), p.pop("quote", None)
    first = dict(data, profiles=data["profiles"] + extra)
    second = dict(data, page=6, profiles=[dict(p, id=p["id"] + "-c") for p in data["profiles"][4:7]])
    for p in second["profiles"]:
        p.pop("photo", None)
    for name, page in (("p5.yaml", first), ("p6.yaml", second)):
        (tmp_path / name).write_text(yaml.safe_dump(page, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (tmp_path / "edition.yaml").write_text("edition: 海港日報\npages: [p5.yaml, p6.yaml]\n", encoding="utf-8")
    proc = run_make_pdf(tmp_path / "edition.yaml", "-o", tmp_path / "ed.pdf", "-q")
    assert proc.returncode in (0, 1), proc.stderr
    text = {
        n: subprocess.run(["pdftotext", "-raw", str(tmp_path / f"ed-0{n}.pdf"), "-"], capture_output=True, text=True)
        .stdout.replace("\n", "")
        .replace(" ", "")
        for n in (5, 6)
    }
    assert "（下轉第6版）" in text[5] and "下转" not in text[5]
    assert "（上接第5版）" in text[6]
