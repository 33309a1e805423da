"""The review side of vertical text (竖排, issue 17): the source map of vertical lines
(``layout/review/map.py``: ``vertical``, the em column as ``box``, ``y`` edges), reviewers'
annotations read back on them (``comments.py``, ``regions.py``: highlights, strike-outs,
carets, shapes, pen strokes, notes and callouts give exactly the characters under them,
in reading order, with their source offsets), the numbered pictures (``overlay.py``) and
the comparison of two rounds (``diff.py``).

The page is built by hand on the synthetic test face (1 em = 10 pt at size 10; Han and
marks 1 em, ASCII ½ em), 300 × 400 pt, so every edge is an exact number."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

from layout.frame import Box, PageFrame, TextItem
from layout.inline.breaker import Run
from layout.review.comments import _Page, read_comments, read_comments_with_warnings
from layout.review.diff import diff_maps
from layout.review.map import char_edges, document_map, map_digest, page_map
from layout.review.overlay import spots
from layout.review.pictures import Space
from layout.review.regions import StrokeInk, glyph_boxes
from layout.review.regions import line_edges as rg_edges

ROOT = Path(__file__).resolve().parent.parent
W, H = 300.0, 400.0
BODY = "profiles[0].body[0]"


def _v(x: float, runs: tuple[Run, ...], source: str, start: int, end: int) -> TextItem:
    return TextItem(x, 100.0, "test", 10.0, runs, "body", source, start, end, vertical=True)


# v1 甲乙丙12月: 12 set tate-chu-yoko (one em, 5 pt a digit); v2 丁戊，Ban one em to the left (pitch 15):
# 丁戊 with 1 pt between them, a half-width comma, rotated Latin (½ em a letter); v3 a pull quote whose
# corner brackets the layout adds; h a horizontal headline above.
V1 = _v(
    200.0, (Run("甲乙丙", 0.0, 0.0, 30.0), Run("12", 30.0, 0.0, 10.0, "tcy"), Run("月", 40.0, 0.0, 10.0)), BODY, 0, 6
)
V2 = _v(
    185.0, (Run("丁戊", 0.0, 1.0, 21.0), Run("，", 21.0, 0.0, 5.0, "half"), Run("Ban", 26.0, 0.0, 15.0)), BODY, 6, 12
)
V3 = _v(150.0, (Run("「己庚」", 0.0, 0.0, 40.0),), "profiles[0].quote.text", 0, 2)
HEAD = TextItem(20.0, 50.0, "test", 10.0, (Run("甲乙", 0.0, 0.0, 20.0),), "headline", "headline", 0, 2)
MODULE = Box("a", 140.0, 90.0, 70.0, 70.0)


def _frame(*items: TextItem) -> PageFrame:
    return PageFrame(W, H, items or (HEAD, V1, V2, V3), (MODULE,), "v")


def _map(face, frame: PageFrame | None = None) -> dict:
    page = page_map(
        frame or _frame(),
        {"test": face},
        number=1,
        file="v.yaml",
        locate=lambda source: ("v.yaml", 7 if source.startswith("profiles") else 3),
        profile_ids={"profiles[0]": "a"},
        origin=(0.0, H),
    )
    return document_map([page], "v.yaml")


def _line(doc: dict, text: str) -> dict:
    return next(ln for ln in doc["pages"][0]["lines"] if ln["text"] == text)


# -- the map -----------------------------------------------------------------------------------


def test_vertical_line_map_record_exact(face):
    doc = _map(face)
    assert doc["version"] == 3
    assert _line(doc, "甲乙丙12月") == {
        "text": "甲乙丙12月",
        "source": BODY,
        "file": "v.yaml",
        "line": 7,
        "start": 0,
        "end": 6,
        "profile": "a",
        "role": "body",
        "vertical": True,
        "box": [195.0, 250.0, 205.0, 300.0],  # the em column: centre 200 ± 5, top 400 - 100
        "y": [300.0, 290.0, 280.0, 270.0, 265.0, 260.0, 250.0],  # 12: one em, 5 pt a digit
    }
    v2 = _line(doc, "丁戊，Ban")
    assert "x" not in v2 and v2["box"] == [180.0, 259.0, 190.0, 300.0]
    # 丁 10 + 1 pt char space, 戊, ， half an em, then B a n at ½ em each
    assert v2["y"] == [300.0, 289.0, 279.0, 274.0, 269.0, 264.0, 259.0]
    assert char_edges(V2, {"test": face}) == [0.0, 11.0, 21.0, 26.0, 31.0, 36.0, 41.0]


def test_horizontal_lines_keep_their_record_and_version_2(face):
    doc = _map(face, _frame(HEAD))
    assert doc["version"] == 2  # no vertical line: the map a version 2 reader reads, bytes as before
    (line,) = doc["pages"][0]["lines"]
    assert list(line) == ["text", "source", "file", "line", "start", "end", "profile", "role", "box", "x"]
    assert line["box"] == [20.0, 348.8, 40.0, 358.8] and line["x"] == [20.0, 30.0, 40.0]
    # the digest covers the pages only: the same pages bind the same whatever the version says
    assert map_digest({**doc, "version": 3}) == map_digest(doc) == doc["binding"]


def test_glyph_boxes_of_a_vertical_line_run_down_its_column(face):
    boxes = glyph_boxes(_line(_map(face), "甲乙丙12月"))
    assert boxes[0] == (195.0, 290.0, 205.0, 300.0)
    assert boxes[3:5] == [(195.0, 265.0, 205.0, 270.0), (195.0, 260.0, 205.0, 265.0)]
    assert glyph_boxes(_line(_map(face), "甲乙")) == [(20.0, 348.8, 30.0, 358.8), (30.0, 348.8, 40.0, 358.8)]


def test_stroke_spans_across_a_vertical_band():
    ink = StrokeInk([[(193.5, 270.0), (193.5, 250.0)]], 1.0)
    assert ink.spans(192.0, 205.0, 4.0, vertical=True) == [(249.5, 270.5)]
    assert ink.spans(195.0, 205.0, 4.0, vertical=True) == []  # the ink lies left of the column


# -- annotations on a hand-made page -----------------------------------------------------------


def _blank(path):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(W, H))
    pdf.save(path)
    return path


def _annot(pdf: pikepdf.Pdf, kind: str, rect, key: str, **extra) -> pikepdf.Dictionary:
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name("/" + kind), Rect=list(rect),
            Contents=pikepdf.String(key), **extra,
        )
    )  # fmt: skip


def _by_hand(blank, out, annots) -> None:
    """Annotations written as objects (QuadPoints in a reader's rotated corner order, a turned caret)."""
    with pikepdf.open(blank) as pdf:
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([_annot(pdf, *a[:3], **a[3]) for a in annots]))
        pdf.save(out)


def _column_quad(x0: float, y0: float, x1: float, y1: float) -> list[float]:
    """A quad over a vertical line as a reader writes it for text turned 90° clockwise:
    upper left, upper right, lower left, lower right in text space (the top right first)."""
    return [x1, y1, x1, y0, x0, y1, x0, y0]


@pytest.fixture(scope="module")
def annotated(face, tmp_path_factory) -> tuple[dict, dict]:
    """The map, and the comments read back from a page annotated with PyMuPDF and by hand
    (each re-saved and turned by /Rotate 90), by their text."""
    pymupdf = pytest.importorskip("pymupdf")
    folder = tmp_path_factory.mktemp("vertical-annots")
    doc = _map(face)
    blank = _blank(folder / "blank.pdf")
    with pymupdf.open(blank) as pdoc:
        page = pdoc[0]
        m = page.transformation_matrix

        def r(x0, y0, x1, y1):
            return pymupdf.Rect(pymupdf.Point(x0, y1) * m, pymupdf.Point(x1, y0) * m)

        def done(annot, key):
            annot.set_info(content=key, title="审读")
            annot.update()

        done(page.add_highlight_annot(r(193, 265, 207, 290)), "part")  # 乙丙1 of v1
        done(page.add_highlight_annot([r(193, 250, 207, 270), r(178, 279, 192, 300)]), "across")  # 12月 | 丁戊
        done(page.add_strikeout_annot(r(182, 259, 188, 274)), "strike")  # Ban
        done(page.add_rect_annot(r(193, 279, 207, 301)), "square")  # 甲乙 (丙: a tenth inside)
        done(page.add_circle_annot(r(193, 259, 207, 271)), "circle")  # the tate-chu-yoko 12

        def pen(x, y0, y1):  # a pen line down the page at x
            return page.add_ink_annot([[tuple(pymupdf.Point(x, y0) * m), tuple(pymupdf.Point(x, y1) * m)]])

        done(pen(193.5, 270, 250), "pen-left")  # left of 12月 (in the gap to v2)
        done(pen(207.5, 300, 280), "pen-right")
        done(page.add_text_annot(pymupdf.Point(184, 285) * m, "note"), "note")  # the whole of v2
        done(page.add_highlight_annot(r(146, 260, 154, 300)), "quote")  # 「己庚」
        caret = page.add_caret_annot(pymupdf.Point(0, 0))
        size = caret.rect
        apex = pymupdf.Point(200, 280) * m  # between 乙 and 丙
        caret.set_rect(pymupdf.Rect(apex.x - size.width / 2, apex.y, apex.x + size.width / 2, apex.y + size.height))
        done(caret, "年")
        pdoc.save(folder / "pymupdf.pdf")
    _by_hand(
        blank,
        folder / "hand.pdf",
        [
            ("Highlight", (193, 265, 207, 290), "hand-part", {"QuadPoints": _column_quad(193, 265, 207, 290)}),
            ("Caret", (188, 264, 194, 276), "turned-caret", {}),  # beside v1, pointing right at 丙|1
            (
                "FreeText",
                (20, 200, 80, 230),
                "callout",
                {"IT": pikepdf.Name.FreeTextCallout, "CL": [200, 255, 120, 240, 80, 215]},  # to 月
            ),
        ],
    )
    return doc, {"pymupdf": folder / "pymupdf.pdf", "hand": folder / "hand.pdf"}


def _variants(path) -> dict[str, object]:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_comments

    return bench_comments.variants(path)


EXPECTED = {  # key: (quoted, [(source, start, end, text)])
    "part": ("乙丙1", [(BODY, 1, 4, "乙丙1")]),
    "hand-part": ("乙丙1", [(BODY, 1, 4, "乙丙1")]),
    "across": ("12月丁戊", [(BODY, 3, 8, "12月丁戊")]),
    "strike": ("Ban", [(BODY, 9, 12, "Ban")]),
    "square": ("甲乙", [(BODY, 0, 2, "甲乙")]),
    "circle": ("12", [(BODY, 3, 5, "12")]),
    "pen-left": ("12月", [(BODY, 3, 6, "12月")]),
    "note": ("丁戊，Ban", [(BODY, 6, 12, "丁戊，Ban")]),
    "quote": ("「己庚」", [("profiles[0].quote.text", 0, 2, "己庚")]),
    "年": ("甲乙‸丙12月", [(BODY, 2, 2, "")]),
    "turned-caret": ("甲乙丙‸12月", [(BODY, 3, 3, "")]),
    "callout": ("月", [(BODY, 5, 6, "月")]),
}


@pytest.mark.parametrize("writer", ["pymupdf", "hand"])
def test_annotations_on_vertical_lines_give_exactly_the_characters_under_them(annotated, writer):
    doc, files = annotated
    for variant, path in _variants(files[writer]).items():
        comments, warnings = read_comments_with_warnings(path, doc)
        assert warnings == [], variant
        got = {c.text: c for c in comments}
        for key, (quoted, places) in EXPECTED.items():
            if key not in got:
                continue
            c = got[key]
            assert (c.where, c.quoted) == ("text", quoted), (variant, key)
            assert [(p.source, p.start, p.end, p.text) for p in c.places] == places, (variant, key)
            assert all(p.file == "v.yaml" and p.line == 7 and p.profile == "a" for p in c.places), (variant, key)
        # a pen line right of a column marks nothing (a rotated line's underline is on its left)
        if writer == "pymupdf":
            assert got["pen-right"].where == "page" and got["pen-right"].places == []
        expected = {k for k in EXPECTED if k.startswith("hand") or k in ("turned-caret", "callout")}
        assert set(got) - {"pen-right"} == (expected if writer == "hand" else set(EXPECTED) - expected)


def test_edits_proposed_on_vertical_lines(annotated):
    doc, files = annotated
    got = {c.text: c for c in read_comments(files["pymupdf"], doc)}
    strike, caret = got["strike"].edit, got["年"].edit
    assert (strike.kind, strike.old, strike.new, strike.start, strike.end) == ("delete", "Ban", "", 9, 12)
    assert (caret.kind, caret.old, caret.new, caret.start, caret.end) == ("insert", "", "年", 2, 2)
    assert caret.source == BODY and caret.line == 7


def test_a_quad_reaching_into_the_next_column_by_less_than_half_takes_none_of_it(face):
    page = _Page(_map(face)["pages"][0])
    lines = [ln["text"] for ln in page.lines]
    v1, v2 = lines.index("甲乙丙12月"), lines.index("丁戊，Ban")
    # 188..207 covers v1 across and v2's column by 2 of its 10 pt
    assert page.in_quads([(188.0, 250.0, 207.0, 300.0)]) == [(v1, k) for k in range(6)]
    # the centre of a glyph down the line decides: 270.5..289.5 holds 乙 (285) and 丙 (275) only
    assert page.in_quads([(193.0, 270.5, 207.0, 289.5)]) == [(v1, 1), (v1, 2)]
    # half a column across is enough; less is not
    assert page.in_quads([(180.0, 279.0, 185.0, 300.0)]) == [(v2, 0), (v2, 1)]
    assert page.in_quads([(180.0, 279.0, 184.9, 300.0)]) == []
    assert page.line_at(200.0, 251.0) == v1 and page.line_at(192.0, 290.0) == v2  # nearer v2's centre line


# -- pictures, rounds, bookmarks ---------------------------------------------------------------


def test_overlay_tints_the_vertical_lines_a_comment_covers(annotated):
    doc, files = annotated
    comments = [c for c in read_comments(files["pymupdf"], doc) if c.text in ("across", "quote")]
    across, quote = spots(comments, doc, [Space((0.0, 0.0, W, H), 0, 72)])
    # pixels, y down: v1's column 195..205 from 400 - 300 to 400 - 250; v2's 180..190 down to 400 - 259
    assert across.lines == [(195.0, 100.0, 205.0, 150.0), (180.0, 100.0, 190.0, 141.0)]
    assert quote.lines == [(145.0, 100.0, 155.0, 140.0)]
    turned = spots(comments[:1], doc, [Space((0.0, 0.0, W, H), 90, 72)])[0]
    assert turned.lines[0] == (250.0, 195.0, 300.0, 205.0)  # /Rotate 90: the column lies across the picture


def test_diff_marks_vertical_lines_and_names_a_change_of_writing(face):
    old = _map(face, _frame(V1, V2))
    new_v1 = _v(200.0, (Run("甲乙丁", 0.0, 0.0, 30.0), *V1.runs[1:]), BODY, 0, 6)
    d = diff_maps(old, _map(face, _frame(new_v1, V2)))
    (change,) = d.changes
    assert (change.kind, change.detail, change.old, change.new) == (
        "text", "at 2: “丙” → “丁”", "甲乙丙12月丁戊，Ban", "甲乙丁12月丁戊，Ban"
    )  # fmt: skip
    assert d.old_marks == [[([195.0, 250.0, 205.0, 300.0], "changed")]]
    assert d.new_marks == [[([195.0, 250.0, 205.0, 300.0], "changed")]]
    flat = [TextItem(20.0, 200.0 + 15 * i, "test", 10.0, (Run(v.text, 0.0, 0.0, 50.0),), "body", BODY, v.start, v.end)
            for i, v in enumerate((V1, V2))]  # fmt: skip
    (turned,) = diff_maps(_map(face, _frame(*flat)), old).changes
    assert (turned.kind, turned.detail) == (
        "reflowed",
        "same text and line breaks, now set vertically (was horizontal)",
    )
    assert diff_maps(old, json.loads(json.dumps(old))).changes == []


def test_bookmark_of_a_vertical_line_shows_its_column_top():
    from layout.review.draft import _view

    assert _view(V1, 0.0, H) == (195.0, 300.0)
    assert _view(HEAD, 0.0, H) == (20.0, 360.0)


# -- a reader's selection on drawn vertical text -----------------------------------------------


def _draw_rotated(path, font_path, items: tuple[TextItem, ...]) -> None:
    """Vertical lines drawn as the drawing model says: one string a line, its text matrix turned
    90° clockwise (0 -1 1 0 X Y Tm), the face's em box centred on the centre line (the test face's
    rises 0.88 em from its baseline and falls 0.12: the baseline 0.38 em left of the centre line)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("BanmianTestV", str(font_path)))
    c = Canvas(str(path), pagesize=(W, H), invariant=1)
    for item in items:
        text = c.beginText()
        text.setTextTransform(0, -1, 1, 0, item.x - 0.38 * item.size, H - item.baseline)
        text.setFont("BanmianTestV", item.size)
        text.textOut(item.text)
        c.drawText(text)
    c.save()


def _reader_quads(page, picks: list[tuple[int, int, int]]):
    """What a reader's selection gives: one quad per line (in the order given: right to left),
    from the first to the last selected character's box as the reader extracts them."""
    import pymupdf

    lines = [ln for b in page.get_text("rawdict")["blocks"] for ln in b.get("lines", [])]
    quads = []
    for li, a, b in picks:
        chars = [ch for span in lines[li]["spans"] for ch in span["chars"]][a:b]
        assert lines[li]["dir"] == (0.0, 1.0)  # the reader reads the line downwards
        rect = pymupdf.Rect(chars[0]["bbox"]) | pymupdf.Rect(chars[-1]["bbox"])
        quads.append(pymupdf.Quad(rect.tr, rect.br, rect.tl, rect.bl))  # turned: ul is the top right
    return quads


def test_a_readers_selection_across_drawn_vertical_lines_reads_back_exactly(face, test_font_path, tmp_path):
    pymupdf = pytest.importorskip("pymupdf")
    r1 = _v(200.0, (Run("甲乙丙一二三", 0.0, 0.0, 60.0),), BODY, 0, 6)
    r2 = _v(185.0, (Run("丁戊，己庚", 0.0, 0.0, 50.0),), BODY, 6, 11)
    doc = _map(face, _frame(r1, r2))
    drawn = tmp_path / "drawn.pdf"
    _draw_rotated(drawn, test_font_path, (r1, r2))
    with pymupdf.open(drawn) as pdoc:
        page = pdoc[0]
        assert page.get_text().split() == ["甲乙丙一二三", "丁戊，己庚"]  # extracted line by line, in order
        quads = _reader_quads(page, [(0, 3, 6), (1, 0, 2)])
        assert [tuple(q.rect) for q in quads] == [(195.0, 130.0, 205.0, 160.0), (180.0, 100.0, 190.0, 120.0)]
        page.add_highlight_annot(quads).set_info(content="across")
        (single,) = page.search_for("乙丙一", quads=True)  # the reader's own quad for a found string
        page.add_underline_annot(single).set_info(content="found")
        pdoc.save(tmp_path / "selected.pdf")
    got = {c.text: c for c in read_comments(tmp_path / "selected.pdf", doc)}
    across, found = got["across"], got["found"]
    assert across.quoted == "一二三丁戊"
    assert [(p.source, p.start, p.end, p.text) for p in across.places] == [(BODY, 3, 8, "一二三丁戊")]
    assert found.quoted == "乙丙一" and [(p.start, p.end) for p in found.places] == [(1, 4)]


# -- end to end: a vertical draft ---------------------------------------------------------------

VERTICAL_PAGE = ROOT / "content" / "vertical" / "hant-vertical.yaml"


def _extracted_lines(page) -> list[tuple[str, list]]:
    """The reader's lines (text, character boxes in its space), as PyMuPDF extracts them."""
    out = []
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            chars = [ch for span in line["spans"] for ch in span["chars"]]
            out.append(("".join(ch["c"] for ch in chars), [ch["bbox"] for ch in chars]))
    return out


def _selection(page, line: dict, a: int, b: int):
    """The quad a reader's selection of characters a..b-1 of a mapped vertical line gives: the
    extracted line with that text, from its a-th character's box to its (b-1)-th."""
    import pymupdf

    boxes = next(bx for text, bx in _extracted_lines(page) if text == line["text"])
    rect = pymupdf.Rect(boxes[a]) | pymupdf.Rect(boxes[b - 1])
    return pymupdf.Quad(rect.tr, rect.br, rect.tl, rect.bl)


def _vertical_pair(lines: list[dict]) -> tuple[dict, dict]:
    """Two body lines in a row of one paragraph, the second starting with an upright number
    (縱中橫) if the page has one."""
    body = [ln for ln in lines if ln.get("vertical") and ".body[" in ln["source"]]
    pairs = [(a, b) for a, b in zip(body, body[1:]) if a["source"] == b["source"] and a["end"] == b["start"]]
    return next(((a, b) for a, b in pairs if b["text"][:1].isdigit()), pairs[0])


@pytest.mark.skipif(not VERTICAL_PAGE.is_file(), reason="no vertical sample page")
def test_a_highlight_on_a_vertical_draft_reads_back_exactly(tmp_path, make_pdf):
    pymupdf = pytest.importorskip("pymupdf")
    draft = tmp_path / "hant.pdf"
    proc = make_pdf(VERTICAL_PAGE, "--draft", "-q", "-o", draft)
    assert proc.returncode in (0, 1) and draft.is_file(), proc.stderr  # 1: written with warnings (a short page)
    doc = json.loads(draft.with_name("hant.map.json").read_text(encoding="utf-8"))
    assert doc["version"] == 3
    lines = doc["pages"][0]["lines"]
    assert sum(1 for ln in lines if ln.get("vertical")) > 100 and all(
        len(rg_edges(ln)) == len(ln["text"]) + 1 for ln in lines
    )
    first, second = _vertical_pair(lines)
    with pymupdf.open(draft) as pdoc:
        page = pdoc[0]
        # what the reader extracts sits in the map's glyph cells: every character of both lines
        for line in (first, second):
            boxes = next(bx for text, bx in _extracted_lines(page) if text == line["text"])
            drawn = [pymupdf.Rect(b) * ~page.transformation_matrix for b in boxes]
            cells = glyph_boxes(line)
            assert all(abs(d.x0 - c[0]) < 0.01 and abs(d.x1 - c[2]) < 0.01 for d, c in zip(drawn, cells))
            assert all(abs(d.y0 - c[1]) < 0.01 and abs(d.y1 - c[3]) < 0.01 for d, c in zip(drawn, cells))
        n = len(first["text"])
        quads = [_selection(page, first, n - 4, n), _selection(page, second, 0, 3)]  # right to left
        page.add_highlight_annot(quads).set_info(content="across")
        page.add_strikeout_annot(_selection(page, second, 3, 6)).set_info(content="strike")
        pdoc.save(tmp_path / "reviewed.pdf")
    proc = make_pdf("comments", tmp_path / "reviewed.pdf", "--json")  # the map travels inside the draft
    assert proc.returncode == 0, proc.stderr
    got = {c["text"]: c for c in json.loads(proc.stdout)}
    across, strike = got["across"], got["strike"]
    assert across["where"] == "text" and across["quoted"] == first["text"][-4:] + second["text"][:3]
    assert [(p["source"], p["start"], p["end"]) for p in across["places"]] == [
        (first["source"], first["end"] - 4, second["start"] + 3)
    ]
    assert across["places"][0]["line"] == first["line"] and across["places"][0]["file"].endswith("hant-vertical.yaml")
    assert strike["quoted"] == second["text"][3:6]
    assert (strike["edit"]["kind"], strike["edit"]["old"]) == ("delete", second["text"][3:6])
    assert (strike["edit"]["start"], strike["edit"]["end"]) == (second["start"] + 3, second["start"] + 6)


def test_a_module_moved_on_a_vertical_page_is_named_by_bands_and_lines(face):
    def round_(row: int) -> dict:
        doc = _map(face, _frame(V1, V2))
        unit = {"ids": ["a"], "column": 0, "span": 2, "row": row, "rows": 24, "photo": "1×14"}
        doc["pages"][0]["arrangement"] = {"units": [unit], "moved": []}
        return doc

    (moved,) = diff_maps(round_(0), round_(25)).changes
    assert moved.kind == "moved"
    assert moved.detail == (
        "a: module moved from 第1版 bands 1–2, lines 1+24, photo 1×14 to 第1版 bands 1–2, lines 26+24, photo 1×14"
    )


def test_a_standing_headline_on_a_horizontal_draft_reads_back_exactly(tmp_path, make_pdf):
    """A horizontal page whose first story's headline stands (竖题): its map is version 3, the
    headline a vertical line, the body lines as before; a selection on each reads back exactly."""
    pymupdf = pytest.importorskip("pymupdf")
    import yaml

    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    data["profiles"][0]["headline_vertical"] = True
    (tmp_path / "standing.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    proc = make_pdf(tmp_path / "standing.yaml", "--draft", "-q", "-o", tmp_path / "standing.pdf")
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads((tmp_path / "standing.map.json").read_text(encoding="utf-8"))
    lines = doc["pages"][0]["lines"]
    (head,) = [ln for ln in lines if ln.get("vertical")]
    assert doc["version"] == 3 and head["source"] == "profiles[0].headline" and "x" not in head
    assert all("x" in ln and "y" not in ln for ln in lines if ln is not head)
    body = next(ln for ln in lines if ln["source"] == "profiles[0].body[0]")
    with pymupdf.open(tmp_path / "standing.pdf") as pdoc:
        page = pdoc[0]
        page.add_highlight_annot(_selection(page, head, 2, 6)).set_info(content="head")
        t = page.transformation_matrix
        r = pymupdf.Rect(
            pymupdf.Point(body["x"][1], body["box"][3]) * t, pymupdf.Point(body["x"][5], body["box"][1]) * t
        )
        page.add_highlight_annot(r).set_info(content="body")
        pdoc.save(tmp_path / "reviewed.pdf")
    got = {c.text: c for c in read_comments(tmp_path / "reviewed.pdf", doc)}
    k = next(i for i in range(len(head["text"])) if _Page(doc["pages"][0]).offset(lines.index(head), i) is not None)
    assert got["head"].quoted == head["text"][2:6]
    assert [(p.source, p.start, p.end) for p in got["head"].places] == [
        (head["source"], head["start"] + 2 - k, head["start"] + 6 - k)
    ]
    assert got["body"].quoted == body["text"][1:5]
    assert [(p.start, p.end) for p in got["body"].places] == [(body["start"] + 1, body["start"] + 5)]
