"""Comments shown on their pages (``make_pdf.py comments --png / --html``): a draft annotated
with PyMuPDF (an independent writer), then each comment's number drawn in a disc at its
annotation's top left, its box outlined and the lines it was located to tinted; and one HTML
file with the pictures, numbered markers and the list of comments."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pikepdf
import pytest

from layout.review.overlay import DPI, LINES, MARKER, RADIUS
from layout.review.pictures import Space

pymupdf = pytest.importorskip("pymupdf")


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> Path:
    from conftest import run_make_pdf

    out = tmp_path_factory.mktemp("overlay") / "seed.pdf"
    proc = run_make_pdf("--draft", "-o", out)
    assert proc.returncode == 0, proc.stderr
    return out


def line_of(doc_map: dict, source: str, nth: int = 0) -> dict:
    return [ln for ln in doc_map["pages"][0]["lines"] if ln["source"] == source][nth]


def annotate(draft: Path, out: Path, rotate: int) -> None:
    """A highlight, a strike-out, a box round a line and a note in the top margin, with a reply."""
    doc_map = json.loads(draft.with_name("seed.map.json").read_text(encoding="utf-8"))
    doc = pymupdf.open(draft)
    page = doc[0]
    page.set_rotation(rotate)
    t = page.transformation_matrix

    def rect(line: dict, a: int, b: int):  # noqa: ANN202
        return pymupdf.Rect(
            pymupdf.Point(line["x"][a], line["box"][3]) * t, pymupdf.Point(line["x"][b], line["box"][1]) * t
        )

    def info(annot, text: str) -> None:  # noqa: ANN001
        annot.set_info(content=text, title="审读 王")
        annot.update()

    info(page.add_highlight_annot(rect(line_of(doc_map, "profiles[2].body[1]", 1), 2, 8)), "核实数字")
    info(page.add_strikeout_annot(rect(line_of(doc_map, "profiles[5].body[1]", 3), 4, 6)), "删去<多余>")
    whole = line_of(doc_map, "profiles[1].body[0]")
    info(page.add_rect_annot(rect(whole, 0, len(whole["text"]))), "整行重排")
    info(page.add_text_annot(pymupdf.Point(60, 1600) * t, "版面整体可以"), "版面整体可以")
    doc.save(out)
    doc.close()
    with pikepdf.open(out, allow_overwriting_input=True) as pdf:
        parent = next(a for a in pdf.pages[0].Annots if str(a.get("/Contents", "")) == "核实数字")
        reply = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=parent.Rect, IRT=parent,
            T=pikepdf.String("作者 周"), Contents=pikepdf.String("已核实"),
        )  # fmt: skip
        pdf.pages[0].Annots.append(pdf.make_indirect(reply))
        pdf.save(out)


def space_of(pdf: Path) -> Space:
    with pikepdf.open(pdf) as doc:
        page = doc.pages[0]
        return Space(page.cropbox, int(page.obj.get("/Rotate", 0)), DPI)


def centre(space: Space, box: list[float], size: tuple[int, int]) -> tuple[float, float]:
    """Where the numbered disc sits: the annotation box's top left, kept inside the picture."""
    left, top, _, _ = space.box(box)
    return min(max(left, RADIUS), size[0] - RADIUS), min(max(top, RADIUS), size[1] - RADIUS)


@pytest.mark.parametrize("rotate", [0, 90])
def test_comments_drawn_on_the_page_and_listed_in_html(draft, tmp_path, make_pdf, rotate):
    from PIL import Image

    reviewed = tmp_path / "reviewed.pdf"
    annotate(draft, reviewed, rotate)
    proc = make_pdf("comments", reviewed, "--png", tmp_path / "pics", "--html", tmp_path / "review.html")
    assert proc.returncode == 0, proc.stderr
    picture = tmp_path / "pics" / "reviewed-comments-1.png"
    assert f"picture: {picture}" in proc.stdout and f"html: {tmp_path / 'review.html'}" in proc.stdout
    comments = json.loads(make_pdf("comments", reviewed, "--json").stdout)
    assert sorted(c["text"] for c in comments) == sorted(["核实数字", "整行重排", "删去<多余>", "版面整体可以"])
    space = space_of(reviewed)
    with Image.open(picture) as src:
        img = src.convert("RGB")
    assert (img.width > img.height) == (rotate == 90)
    for number, c in enumerate(comments, 1):
        x, y = centre(space, c["box"], img.size)
        assert img.getpixel((round(x - RADIUS + 3), round(y))) == MARKER, number  # the disc, beside its digit
        assert img.getpixel((round(x), round(y - RADIUS + 2))) == MARKER, number
    # the box round the line is outlined; the highlighted line is tinted past the highlight
    left, top, right, bottom = space.box(next(c["box"] for c in comments if c["text"] == "整行重排"))
    edge = [img.getpixel((round((left + right) / 2), round(top) + d)) for d in range(-1, 3)]
    assert MARKER in edge
    doc_map = json.loads(draft.with_name("seed.map.json").read_text(encoding="utf-8"))
    line = line_of(doc_map, "profiles[2].body[1]", 1)
    x0, y0, x1, y1 = space.box([line["x"][12], line["box"][1], line["x"][-1], line["box"][3]])
    xs, ys = range(int(x0) + 2, int(x1) - 2), range(int(y0) + 2, int(y1) - 2)
    tinted = [img.getpixel((x, y)) for x in xs for y in ys]
    assert sum(1 for r, g, b in tinted if b > r + 40) / len(tinted) > 0.5, LINES
    check_html(tmp_path / "review.html", comments, img.size, space)


def check_html(page: Path, comments: list[dict], size: tuple[int, int], space: Space) -> None:
    text = page.read_text(encoding="utf-8")
    assert text.count('src="data:image/png;base64,') == 1  # self-contained: the picture inside
    for number, c in enumerate(comments, 1):
        item = re.search(rf'<li id="c{number}">(.*?)</li>', text, re.S)
        assert item, number
        body = item.group(1)
        assert f'<span class="n">{number}</span><b>{c["kind"]}</b>' in body
        assert html.escape(c["text"]) in body
        for place in c["places"]:
            assert f"{Path(place['file']).name}:{place['line']}" in body
            assert f"<code>{place['source']}</code>" in body
        x, y = centre(space, c["box"], size)
        marker = f'href="#c{number}" style="left:{100 * x / size[0]:.2f}%;top:{100 * y / size[1]:.2f}%">{number}</a>'
        assert marker in text
    number = next(n for n, c in enumerate(comments, 1) if c["text"] == "核实数字")
    first = re.search(rf'<li id="c{number}">(.*?)</li>', text, re.S).group(1)
    assert "↳ <b>作者 周</b>: 已核实" in first and "seed.yaml:" in first
    assert "&lt;多余&gt;" in text  # the reviewer's text, escaped


def test_no_comments_no_pictures(draft, tmp_path, make_pdf):
    proc = make_pdf("comments", draft, "--png", tmp_path / "pics")
    assert proc.returncode == 0, proc.stderr
    assert "no comments on any page: no pictures" in proc.stderr
    assert not list((tmp_path / "pics").glob("*.png"))
