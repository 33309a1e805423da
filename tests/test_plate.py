"""Placeholders never reach the plate unasked (issue 15, item 1): a press render of a page
whose photos have no file, or with a short page's open area, is refused naming the
profiles and lines; with --allow-placeholders each prints as a thin K keyline."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml
from conftest import SEED

from layout.frame import ImageItem, MarkItem
from layout.post.preflight import preflight
from layout.render import Output, render

GREY = (0.0, 0.0, 0.0, 0.12)  # the proof placeholder's tint


def _ops(pdf: bytes) -> list[tuple[str, tuple[float, ...]]]:
    """The page's content operators with their numeric operands."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [
            (str(op), tuple(float(o) for o in operands if _num(o)))
            for operands, op in pikepdf.parse_content_stream(doc.pages[0])
        ]


def _num(o: object) -> bool:
    try:
        float(o)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _stroked_boxes(ops: list[tuple[str, tuple[float, ...]]]) -> list[tuple[float, ...]]:
    """Rectangles only stroked (``re`` then ``S``) in K 100 %."""
    boxes, stroke = [], None
    for (op, nums), (nxt, _) in zip(ops, ops[1:] + [("", ())]):
        if op == "K":
            stroke = nums
        if op == "re" and nxt == "S" and stroke == (0.0, 0.0, 0.0, 1.0):
            boxes.append(tuple(round(n, 2) for n in nums))
    return boxes


def _box(item, height: float) -> tuple[float, ...]:
    return tuple(round(n, 2) for n in (item.x, height - item.y - item.height, item.width, item.height))


def test_press_refuses_photo_placeholders_naming_profiles_and_lines(make_pdf, tmp_path):
    out = tmp_path / "press.pdf"
    proc = make_pdf("--press", "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert "the press file would print 8 photo placeholder(s) on the plate" in proc.stderr
    assert f"{SEED}:30 profiles[0] (王志勇)" in proc.stderr and f"{SEED}:118 profiles[7] (张兰峰)" in proc.stderr
    assert "--allow-placeholders" in proc.stderr and not out.exists()
    assert "Traceback" not in proc.stderr


def test_allowed_placeholders_print_as_a_keyline_not_a_grey_box(make_pdf, tmp_path):
    out = tmp_path / "press.pdf"
    proc = make_pdf("--press", "--allow-placeholders", "-o", out)
    assert proc.returncode == 0, proc.stderr
    pdf = out.read_bytes()
    ops = _ops(pdf)
    assert not any(op == "k" and nums == GREY for op, nums in ops)  # no grey fill anywhere
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "照片" not in text  # no label
    frame = render(SEED, output=Output(press="x1a", allow_placeholders=True)).makeup.frame
    holes = [i for i in frame.items if isinstance(i, ImageItem) and i.file is None]
    boxes = _stroked_boxes(ops)
    assert len(holes) == 8 and all(_box(i, frame.height) in boxes for i in holes)
    # no diagonals: no line from a box's corner to its opposite corner
    starts = {(round(n[0], 2), round(n[1], 2)) for op, n in ops if op == "m"}
    assert not any((b[0], b[1]) in starts for b in (_box(i, frame.height) for i in holes))
    report = preflight(out)
    assert report.status == 0 and report.max_tac == pytest.approx(100)


def test_proofs_still_show_the_grey_placeholder(seed_pdf):
    assert any(op == "k" and nums == GREY for op, nums in _ops(seed_pdf.read_bytes()))


def short_page(folder: Path) -> Path:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["profiles"] = data["profiles"][:3]
    for p in data["profiles"]:
        p.pop("photo", None)
    path = folder / "short.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_press_refuses_an_open_area_unless_allowed(make_pdf, tmp_path):
    page = short_page(tmp_path)
    out = tmp_path / "press.pdf"
    proc = make_pdf(page, "--press", "-o", out)
    assert proc.returncode == 2 and not out.exists()
    assert f"{page}: the press file would leave an open area on the plate (short page: 8 columns × " in proc.stderr
    proc = make_pdf(page, "--press", "--allow-placeholders", "-o", out)
    assert proc.returncode == 1, proc.stderr  # written; a short page is a warning
    frame = render(page, output=Output(press="x1a", allow_placeholders=True)).makeup.frame
    areas = [i for i in frame.items if isinstance(i, MarkItem)]  # the open area, in two parts
    boxes = _stroked_boxes(_ops(out.read_bytes()))
    assert len(areas) == 2 and all(_box(a, frame.height) in boxes for a in areas)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "空版" not in text  # the proof's label stays off the plate


def test_allow_placeholders_goes_with_press(make_pdf, tmp_path):
    proc = make_pdf("--allow-placeholders", "-o", tmp_path / "x.pdf")
    assert proc.returncode == 2 and "--allow-placeholders goes with --press" in proc.stderr
