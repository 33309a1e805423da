"""Drawing vertical lines (issue 17, 竖排) with the bundled fonts: one turned text object per line,
glyphs from the vertical cuts; the PDF read back with poppler and MuPDF (text in reading order,
fonts embedded), its content stream and its picture (ink inside each line's column)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pymupdf
import pytest
from PIL import Image

from layout.draw.pdf import draw_pdf
from layout.fonts.metrics import FontFace
from layout.frame import PageFrame, TextItem
from layout.inline.breaker import Run

WHEN = dt.datetime(2024, 3, 15, 8, 0, tzinfo=dt.UTC)
W, H = 200.0, 150.0
SIZE = 10.0
LINES = (  # the lines in reading order: right to left
    "2024年12月发布Python新版。",
    "「臺北」說、好",
    "他说：“好！”——完……",
    "第3版，共1234567人",
)


def _item(x: float, runs: list[Run], font: str = "song") -> TextItem:
    text = "".join(r.text for r in runs)
    return TextItem(x, 20.0, font, SIZE, tuple(runs), "body", "t", 0, len(text), vertical=True)


def _frame(faces: dict[str, FontFace]) -> PageFrame:
    song = faces["song"]
    python = song.width("Python", SIZE)
    first = [
        Run("2024", 0, 0, 10, "tcy"),
        Run("年", 10, 0, 10),
        Run("12", 20, 0, 10, "tcy"),
        Run("月发布", 30, 0, 30),
        Run("Python", 62.5, 0, python),  # a quarter em of Han-Latin gap each side
        Run("新版", 65 + python, 0, 20),
        Run("。", 85 + python, 0, 5, "half"),
    ]
    second = [Run("「臺北」說", 0, 0, 50), Run("、", 50, 0, 10, "centred"), Run("好", 60, 0, 10)]
    third = [Run("他说：“好！”——完……", 0, 0, 140)]
    digits = faces["hei"].width("1234567", SIZE)
    fourth = [
        Run("第", 0, 0, 10),
        Run("3", 10, 0, 10, "tcy"),
        Run("版", 20, 0, 10),
        Run("，", 30, 0, 5, "half"),
        Run("共", 35, 0, 10),
        Run("1234567", 47.5, 0, digits),
        Run("人", 50 + digits, 0, 10),
    ]
    items = (_item(180, first), _item(160, second), _item(140, third), _item(120, fourth, "hei"))
    assert tuple(i.text for i in items) == LINES
    return PageFrame(W, H, items, (), "vertical")


@pytest.fixture(scope="module")
def drawn(engine, tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    _, faces = engine
    pdf = draw_pdf(_frame(faces), faces, when=WHEN)
    out = tmp_path_factory.mktemp("vdraw") / "vertical.pdf"
    out.write_bytes(pdf)
    return pdf, out


def test_text_extracts_in_reading_order(drawn) -> None:
    _, out = drawn
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert text.split("\n")[: len(LINES)] == list(LINES)
    raw = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert raw.split("\n")[: len(LINES)] == list(LINES)
    with pymupdf.open(out) as doc:
        assert doc[0].get_text().split("\n")[: len(LINES)] == list(LINES)


def test_every_font_embedded(drawn) -> None:
    _, out = drawn
    listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert len(rows) >= 8  # full, half, zh-Hant, tcy 4.0-4.3, 2.0-2.1, 1.0, lead, trail ... per face
    assert all(re.search(r"\byes yes yes\b", row) for row in rows), listing
    assert all(re.match(r"[A-Z]{6}\+Banmian(SerifSC-Regular|SansSC-Bold)-V[0-9a-f]{12} ", row) for row in rows)


def test_content_stream_turned_matrices(drawn) -> None:
    pdf, out = drawn
    with pymupdf.open(out) as doc:
        content = doc[0].read_contents().decode("latin-1")
    tms = re.findall(r"(\S+ \S+ \S+ \S+ \S+ \S+) Tm", content)
    turned = [m for m in tms if m.startswith("0 -1 1 0 ")]
    assert len(content.split("BT")) - 1 == len(LINES)  # one text object per line
    top = H - 20
    first = [m for m in turned if m.startswith("0 -1 1 0 180 ")]
    # 2024: four digits, a quarter em apart, in one em; 年; 12: two, half an em apart; 月发布;
    # Python from its lead cut, drawn a quarter em early (the gap in its advance) ...
    ys = [float(m.split()[5]) for m in first]
    assert ys[:8] == [top, top - 2.5, top - 5, top - 7.5, top - 10, top - 20, top - 25, top - 30]
    assert ys[8] == top - 60  # "P" from the lead cut at 62.5 − 2.5
    assert all(m == "1 0 0 1 0 0" or m.startswith("0 -1 1 0 ") for m in tms)
    assert "0 0 0 1 k" in content and " rg" not in content  # K ink only


def test_deterministic(engine, drawn) -> None:
    _, faces = engine
    assert draw_pdf(_frame(faces), faces, when=WHEN) == drawn[0]


def test_ink_inside_each_line_column(drawn, tmp_path: Path) -> None:
    """Rendered at 100 dpi: every dark pixel lies in some line's em column (x ± ½ em, and the
    0.12 em a Latin descender reaches below the em box, left of the line): upright glyphs, turned
    Latin and marks all centred on their line, nothing spilled across."""
    _, out = drawn
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", str(out), str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    scale = 100 / 72
    columns = [((x - 0.62 * SIZE) * scale - 1, (x + SIZE / 2) * scale + 1) for x in (180, 160, 140, 120)]
    width, height = image.size
    pixels = image.load()
    dark = [(px, py) for py in range(height) for px in range(width) if pixels[px, py] < 128]
    assert len(dark) > 500
    assert all(any(a <= px <= b for a, b in columns) for px, _ in dark)
    used = {next(i for i, (a, b) in enumerate(columns) if a <= px <= b) for px, _ in dark}
    assert used == {0, 1, 2, 3}
    assert min(py for _, py in dark) >= (20 - 1) * scale  # nothing above the lines' top


def test_coloured_vertical_kicker(engine) -> None:
    """A colour page's kicker set vertically: the same turned text object, in its process colour."""
    _, faces = engine
    item = TextItem(100.0, 20.0, "hei", SIZE, (Run("要闻", 0, 0, 20),), "kicker", "section", 0, 2, vertical=True)
    pdf = draw_pdf(PageFrame(W, H, (item,), (), "kicker"), faces, when=WHEN, colours={"kicker": (0, 1, 1, 0)})
    with pymupdf.open(stream=pdf) as doc:
        content = doc[0].read_contents().decode("latin-1")
        assert doc[0].get_text().strip() == "要闻"
    assert "0 1 1 0 k" in content and f"0 -1 1 0 100 {H - 20:g} Tm" in content
