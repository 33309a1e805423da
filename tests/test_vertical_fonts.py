"""Vertical cuts (issue 17, 竖排): glyphs turned for a text matrix rotated 90° clockwise.

A synthetic face (1000 units per em, typo ascender 880 and descender −120: the em box's centre
380 above the baseline) whose glyphs are triangles and boxes at known places; each test reads
the cut's outline back and checks where every point went (text x down the line, text y to the
page's right)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from layout.fonts import vertical
from layout.fonts.metrics import FontFace, load_face
from layout.fonts.prepare import metrics_path_for, write_metrics
from layout.lang.vertical import (
    CENTRED,
    CORNER,
    ROTATED,
    ROTATED_INK,
    UPRIGHT,
    can_halve,
    drawn_as,
    orientation,
)

ROOT = Path(__file__).resolve().parent.parent

# character → (advance, outline points); a closed polygon each
SHAPES: dict[str, tuple[int, list[tuple[int, int]]]] = {
    "中": (1000, [(50, -70), (50, 830), (950, -70)]),  # a triangle: its turn is visible
    "A": (500, [(50, 0), (250, 700), (450, 0)]),
    "。": (1000, [(50, -50), (50, 150), (250, 150), (250, -50)]),  # lower left, as mainland faces
    "，": (1000, [(100, -200), (100, 100), (200, 100), (200, -200)]),  # its tail below the em box
    "！": (1000, [(450, 0), (450, 700), (550, 700), (550, 0)]),
    "：": (1000, [(200, 50), (200, 500), (300, 500), (300, 50)]),
    "「": (1000, [(600, 200), (600, 840), (950, 840), (950, 200)]),
    "『": (1000, [(580, 190), (580, 850), (960, 850), (960, 190)]),
    "“": (1000, [(600, 550), (600, 850), (900, 850), (900, 550)]),
    "—": (1000, [(0, 360), (0, 400), (1000, 400), (1000, 360)]),
    **{d: (500, [(50, 0), (50, 700), (450, 700), (450, 0)]) for d in "1234"},
}


def _polygon(points: list[tuple[int, int]]):
    pen = TTGlyphPen(None)
    pen.moveTo(points[0])
    for p in points[1:]:
        pen.lineTo(p)
    pen.closePath()
    return pen.glyph()


def _build(folder: Path) -> Path:
    names = {ch: f"g{ord(ch):05X}" for ch in SHAPES}
    order = [".notdef", *names.values()]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(order)
    cmap = {ord(ch): name for ch, name in names.items()}
    fb.setupCharacterMap(cmap)
    glyphs = {".notdef": _polygon([(100, -120), (100, 880), (900, 880), (900, -120)])}
    glyphs |= {names[ch]: _polygon(pts) for ch, (_, pts) in SHAPES.items()}
    fb.setupGlyf(glyphs)
    advances = {".notdef": 1000, **{names[ch]: adv for ch, (adv, _) in SHAPES.items()}}
    glyf = fb.font["glyf"]
    fb.setupHorizontalMetrics({g: (advances[g], glyf[g].xMin) for g in order})  # lsb = xMin, as fonts have
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Banmian VTest", "styleName": "Regular", "psName": "BanmianVTest-Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    path = folder / "BanmianVTest-Regular.ttf"
    fb.save(str(path))
    write_metrics(metrics_path_for(path), fb.font, cmap, advances)
    return path


@pytest.fixture(scope="module")
def vface(tmp_path_factory: pytest.TempPathFactory) -> FontFace:
    path = _build(tmp_path_factory.mktemp("vfont"))
    return load_face("v", path, metrics_path_for(path))


def _points(face: FontFace, kind: str, ch: str, lang: str = "zh-Hans") -> tuple[int, list[tuple[int, int]]]:
    """The advance and outline points of ``ch`` in a cut holding only it."""
    font = TTFont(str(vertical.cut(face, kind, ch, lang=lang).path))
    name = font.getBestCmap()[ord(ch)]
    coords, _, _ = font["glyf"][name].getCoordinates(font["glyf"])
    return font["hmtx"][name][0], [tuple(p) for p in coords]


def _box(points: list[tuple[int, int]]) -> tuple[int, int, int, int]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def test_orientation_table() -> None:
    assert [orientation(c) for c in "中あＡ①※"] == [UPRIGHT] * 5
    assert [orientation(c) for c in "A1é—…～「（“"] == [ROTATED] * 3 + [ROTATED_INK] * 6
    hans = [CORNER] * 4 + [CENTRED] * 4  # Chinese colons stand upright (Japanese ones turn)
    assert [orientation(c, "zh-Hans") for c in "、。，．！？：；"] == hans
    assert [orientation(c, "zh-Hant") for c in "、。，．！？：；"] == [CENTRED] * 8
    assert "".join(drawn_as(c) for c in "“”‘’") == "『』「」"  # GB/T 15834: ﹃﹄ and ﹁﹂
    assert "".join(drawn_as(c, "zh-Hant") for c in "“”‘’") == "“”‘’"
    assert not can_halve("！") and not can_halve("？") and can_halve("。") and can_halve("「")


def test_upright_glyph_is_turned_counter_clockwise_about_its_em_box(vface: FontFace) -> None:
    # (u, v) → (500 + 380 − v, u − 500): the em box's centre (500, 380) on text y = 0, ½ em down
    assert _points(vface, "full", "中") == (1000, [(950, -450), (50, -450), (950, 450)])


def test_rotated_latin_keeps_its_outline_em_box_centred(vface: FontFace) -> None:
    assert _points(vface, "full", "A") == (500, [(50, -380), (250, 320), (450, -380)])


def test_stop_upper_right_for_zh_hans_centred_for_zh_hant(vface: FontFace) -> None:
    # zh-Hans: the ink's centre (150, 50) reflected through the em box's to (850, 710), then turned
    assert _box(_points(vface, "full", "。")[1]) == (70, 250, 270, 450)
    # zh-Hant: the ink's centre on the em box's
    assert _box(_points(vface, "full", "。", "zh-Hant")[1]) == (400, -100, 600, 100)
    # a comma's tail below the em box: reflected, kept inside it (its top at text x 0)
    assert _box(_points(vface, "full", "，")[1]) == (0, 300, 300, 400)


def test_marks_centred_across_the_line(vface: FontFace) -> None:
    assert _box(_points(vface, "full", "！")[1]) == (150, -50, 850, 50)  # upright, centred both ways
    assert _box(_points(vface, "full", "：")[1]) == (275, -50, 725, 50)  # upright, centred both ways
    assert _box(_points(vface, "full", "—")[1]) == (0, -20, 1000, 20)  # ink centred across


def test_corner_brackets_and_quotes(vface: FontFace) -> None:
    assert _points(vface, "full", "「") == (1000, [(600, -320), (600, 320), (950, 320), (950, -320)])
    # zh-Hans: “ drawn with 『's outline (ink centred across), its character kept in the cmap
    assert _box(_points(vface, "full", "“")[1]) == (580, -330, 960, 330)
    assert _box(_points(vface, "full", "“", "zh-Hant")[1]) == (600, -150, 900, 150)


def test_half_forms(vface: FontFace) -> None:
    assert _points(vface, "half", "“") == (500, [(80, -330), (80, 330), (460, 330), (460, -330)])  # ½ em up
    assert _box(_points(vface, "half", "。")[1]) == (70, 250, 270, 450)  # in the first half already
    assert _box(_points(vface, "half", "，")[1]) == (0, 300, 300, 400)  # in the first half already
    assert _points(vface, "half", "「")[0] == 500


def test_latin_padded_for_a_gap(vface: FontFace) -> None:
    assert _points(vface, "lead", "A") == (750, [(300, -380), (500, 320), (700, -380)])
    assert _points(vface, "trail", "A") == (750, [(50, -380), (250, 320), (450, -380)])
    assert _points(vface, "both", "A") == (1000, [(300, -380), (500, 320), (700, -380)])


@pytest.mark.parametrize(
    ("n", "boxes", "advances"),
    [
        (2, [(180, -450, 880, -50), (-320, 50, 380, 450)], [500, 500]),
        (3, [(180, -467, 880, -200), (-153, -133, 547, 133), (-487, 200, 213, 467)], [333, 334, 333]),
        (
            4,
            [(180, -475, 880, -275), (-70, -225, 630, -25), (-320, 25, 380, 225), (-570, 275, 130, 475)],
            [250, 250, 250, 250],
        ),
    ],
)
def test_tate_chu_yoko_digits_side_by_side(vface: FontFace, n: int, boxes: list, advances: list) -> None:
    """The i-th of n digits advances 1/n em down the line, its outline moved back up by i/n em (so
    every digit spans text x 180..880 from the cell's top), 1/n em wide across, left to right."""
    got = [_points(vface, vertical.tcy_kind(n, i), "1234"[i]) for i in range(n)]
    assert [_box(points) for _, points in got] == boxes
    assert [adv for adv, _ in got] == advances
    starts = [round(i * 1000 / n) for i in range(n)]
    assert {start + box[0] for start, box in zip(starts, boxes)} == {180}  # the same place in the cell


def test_cut_is_deterministic_and_cached(vface: FontFace, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "".join(sorted("中A。“"))
    first = vertical.cut(vface, "full", "A中“。", lang="zh-Hans")
    again = vertical.build(vface, "full", text, "zh-Hans", first.ps_name)
    assert first.path.read_bytes() == again == vertical.build(vface, "full", text, "zh-Hans", first.ps_name)
    assert first.path.parent == Path(os.environ["BANMIAN_CACHE"]) / "vertical"
    assert first.ps_name == vertical.ps_name(vface, vface.path.stat().st_size, "full", "zh-Hans", text)

    def refuse(*args: object) -> bytes:
        raise AssertionError("made again")

    monkeypatch.setattr(vertical, "build", refuse)
    vertical._MADE.clear()
    assert vertical.cut(vface, "full", "。“中A", lang="zh-Hans") == first  # from the file
    with pytest.raises(AssertionError):
        vertical.cut(vface, "full", "中", lang="zh-Hant")  # another cut: made
    with pytest.raises(ValueError):
        vertical.cut(vface, "tcy2.2", "1")
    assert hashlib.sha256(first.path.read_bytes()).hexdigest() == hashlib.sha256(again).hexdigest()


def test_fonttools_only_to_make_a_cut(vface: FontFace) -> None:
    vertical.cut(vface, "full", "中A", lang="zh-Hans")
    script = (
        "import sys\nfrom pathlib import Path\nfrom layout.fonts.metrics import load_face\n"
        "from layout.fonts import vertical\n"
        f"p = Path({str(vface.path)!r})\n"
        "face = load_face('v', p, p.with_name(p.name + '.metrics.json'))\n"
        "vertical.cut(face, 'full', 'A中', lang='zh-Hans')\n"
        "print('fontTools' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_cut_is_named_by_the_tables(monkeypatch) -> None:
    """A change of the orientation tables (an upgrade) names new cuts: a cached cut made under
    the old tables is never reused (its colon turned where it now stands)."""
    import layout.lang.vertical as tables

    before = tables.tables_digest()
    assert before == tables.tables_digest()  # stable: sorted, not by hash order
    monkeypatch.setitem(tables.MARKS["zh-Hant"], "：", tables.ROTATED_CENTRED)
    assert tables.tables_digest() != before
