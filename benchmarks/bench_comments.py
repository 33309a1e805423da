"""Benchmark: reviewers' annotations as each reader writes them, read back against the source.

    python benchmarks/bench_comments.py [--keep DIR] [--verbose]

Makes a draft of a small page (three profiles of the seed page, tabloid style,
one number added for a loop to circle), then annotates it the way each reader
does: PyMuPDF's annotation API (real files), and hand-built pikepdf objects
imitating Acrobat (/NM, /Subj, /Popup, /RC, /AP, callouts with /IT and /CL,
"Replace text" as a Caret and a StrikeOut grouped with /IRT /RT /Group, state
replies), macOS Preview (QuadPoints in its corner order, sketches), PDF.js and
Chrome (Ink highlighter strokes, highlights without QuadPoints) and Foxit (state
replies that carry only text). Every file is also re-saved by qpdf, by PyMuPDF
(full and incremental) and rotated (/Rotate 90). ``read_comments`` reads each;
each annotation is right (the expected place: field and offsets, photo, caption,
module), page-level (as it should be), wrong, or missing. Prints a table per
annotator style × subtype, summed over the five variants of each file.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from layout.review.comments import Comment, read_comments  # noqa: E402

WHEN = "D:20240315103000+08'00'"
COMMAND = "python benchmarks/bench_comments.py"
VARIANTS = ("as saved", "qpdf", "pymupdf full", "pymupdf incremental", "rotated 90")


@dataclass
class Case:
    """One annotation and where it should come back."""

    style: str
    kind: str
    key: str  # its /Contents: how the comment is found again
    where: str  # text, photo, caption, module, page
    source: str = ""
    start: int = 0
    end: int = 0
    text: str = ""  # the field's characters it covers


# -- the draft ---------------------------------------------------------------------------------


def small_page(folder: Path) -> Path:
    """Three profiles of the seed page on a tabloid page, with a number followed by a comma."""
    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    data["profiles"] = data["profiles"][:3]
    data["style"] = "tabloid"
    data["profiles"][0]["body"][1] = "参与人数达1280，" + data["profiles"][0]["body"][1]
    page = folder / "small.yaml"
    page.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return page


def make_draft(folder: Path) -> Path:
    out = folder / "small.pdf"
    cmd = [sys.executable, str(ROOT / "make_pdf.py"), str(small_page(folder)), "--draft", "-q", "-o", str(out)]
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
    return out


class Targets:
    """Known text, photos and modules of the draft's map, in user space."""

    def __init__(self, doc_map: dict) -> None:
        self.map = doc_map
        self.page = doc_map["pages"][0]
        self.lines = self.page["lines"]

    def line(self, source: str, nth: int = 0) -> dict:
        return [ln for ln in self.lines if ln["source"] == source][nth]

    def box(self, line: dict, a: int, b: int) -> tuple[float, float, float, float]:
        return line["x"][a], line["box"][1], line["x"][b], line["box"][3]

    def case(self, style: str, kind: str, key: str, line: dict, a: int, b: int) -> Case:
        return Case(style, kind, key, "text", line["source"], line["start"] + a, line["start"] + b, line["text"][a:b])

    def photo(self, n: int = 0) -> dict:
        return self.page["photos"][n]

    def module(self, n: int = 0) -> dict:
        return self.page["modules"][n]

    def number(self) -> tuple[dict, int, int]:
        """The line with 1280 and the number's characters."""
        line = next(ln for ln in self.lines if "1280" in ln["text"])
        a = line["text"].index("1280")
        return line, a, a + 4

    def margin(self) -> tuple[float, float]:
        """A point in the top margin, above every text line."""
        top = max(ln["box"][3] for ln in self.lines)
        return self.page["modules"][0]["box"][0] + 20, top + 12


# -- PyMuPDF's API -----------------------------------------------------------------------------


def by_pymupdf(draft: Path, out: Path, t: Targets) -> list[Case]:
    import pymupdf

    doc = pymupdf.open(draft)
    page = doc[0]
    m = page.transformation_matrix
    cases: list[Case] = []

    def r(box):
        return pymupdf.Rect(pymupdf.Point(box[0], box[3]) * m, pymupdf.Point(box[2], box[1]) * m)

    def p(x, y):
        return pymupdf.Point(x, y) * m

    def done(annot, key: str) -> None:
        annot.set_info(content=key, title="审读 王", modDate=WHEN)
        annot.update()

    ln = t.line("profiles[0].body[0]", 1)
    done(page.add_highlight_annot(r(t.box(ln, 2, 8))), "pm-highlight")
    cases.append(t.case("pymupdf", "Highlight", "pm-highlight", ln, 2, 8))
    ln = t.line("profiles[1].body[0]", 2)
    done(page.add_underline_annot(r(t.box(ln, 0, 5))), "pm-underline")
    cases.append(t.case("pymupdf", "Underline", "pm-underline", ln, 0, 5))
    ln = t.line("profiles[1].body[0]", 4)
    done(page.add_squiggly_annot(r(t.box(ln, 3, 7))), "pm-squiggly")
    cases.append(t.case("pymupdf", "Squiggly", "pm-squiggly", ln, 3, 7))
    ln = t.line("profiles[2].body[0]", 1)
    done(page.add_strikeout_annot(r(t.box(ln, 4, 6))), "pm-strikeout")
    cases.append(t.case("pymupdf", "StrikeOut", "pm-strikeout", ln, 4, 6))
    ln = t.line("profiles[2].body[0]", 3)
    apex = p(ln["x"][5], (ln["box"][1] + ln["box"][3]) / 2)
    caret = page.add_caret_annot(pymupdf.Point(0, 0))
    size = caret.rect
    caret.set_rect(pymupdf.Rect(apex.x - size.width / 2, apex.y, apex.x + size.width / 2, apex.y + size.height))
    done(caret, "pm-caret")
    cases.append(t.case("pymupdf", "Caret", "pm-caret", ln, 5, 5))
    ln = t.line("profiles[1].body[0]", 6)
    done(page.add_text_annot(p(ln["x"][0] + 2, ln["box"][3] - 1), "pm-note"), "pm-note")
    cases.append(t.case("pymupdf", "Text", "pm-note", ln, 0, len(ln["text"])))
    done(page.add_text_annot(p(*t.margin()), "pm-margin-note"), "pm-margin-note")
    cases.append(Case("pymupdf", "Text", "pm-margin-note", "page"))
    ln = t.line("profiles[2].body[0]", 5)
    done(page.add_freetext_annot(r(t.box(ln, 0, 6)), "pm-freetext", fontsize=8), "pm-freetext")
    cases.append(t.case("pymupdf", "FreeText", "pm-freetext", ln, 0, 6))
    ln = t.line("profiles[2].body[0]", 7)
    mx, my = t.margin()
    tip = p((ln["x"][3] + ln["x"][4]) / 2, (ln["box"][1] + ln["box"][3]) / 2)
    box = r((mx, my - 20, mx + 80, my))
    done(page.add_freetext_annot(box, "pm-callout", fontsize=8, callout=(tip, box.bl)), "pm-callout")
    cases.append(t.case("pymupdf", "FreeText callout", "pm-callout", ln, 3, 4))
    ln = t.line("profiles[0].body[0]", 3)
    x0, y0, x1, y1 = t.box(ln, 2, 9)
    done(page.add_ink_annot([[tuple(p(x0, (y0 + y1) / 2)), tuple(p(x1, (y0 + y1) / 2))]]), "pm-ink")
    cases.append(t.case("pymupdf", "Ink", "pm-ink", ln, 2, 9))
    cases += _pymupdf_shapes(page, t, r, p, done)
    doc.save(out)
    doc.close()
    return cases


def _pymupdf_shapes(page, t: Targets, r, p, done) -> list[Case]:
    import math

    cases = []
    ln, a, b = t.number()
    x0, y0, x1, y1 = t.box(ln, a, b)
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 + 0.4 * (y1 - y0), 0.9 * (y1 - y0)
    turns = [2 * math.pi * i / 40 for i in range(41)]
    loop = [tuple(p(cx + rx * math.cos(a), cy + ry * math.sin(a))) for a in turns]
    done(page.add_ink_annot([loop]), "pm-loop")
    cases.append(t.case("pymupdf", "Ink loop", "pm-loop", ln, a, b))
    photo = t.photo(0)
    px0, py0, px1, py1 = photo["box"]
    done(page.add_rect_annot(r((px0 - 4, py0 - 4, px1 + 4, py1 + 4))), "pm-square-photo")
    cases.append(Case("pymupdf", "Square", "pm-square-photo", "photo", photo["source"]))
    cap = t.line(f"{t.photo(1)['source']}.caption")
    cx0, cy0, cx1, cy1 = t.photo(1)["caption"]
    done(page.add_circle_annot(r((cx0 - 8, cy0 - 6, cx1 + 8, cy1 + 6))), "pm-circle-caption")
    cases.append(
        Case("pymupdf", "Circle", "pm-circle-caption", "caption", cap["source"], cap["start"], cap["end"], cap["text"])
    )
    mod = t.module(2)
    mx0, my0, mx1, my1 = mod["box"]
    done(page.add_rect_annot(r((mx0 - 3, my0 - 3, mx1 + 3, my1 + 3))), "pm-square-module")
    cases.append(Case("pymupdf", "Square", "pm-square-module", "module", "profiles[2]"))
    ln = t.line("profiles[1].body[0]", 8)
    x0, y0, x1, y1 = t.box(ln, 1, 7)
    done(page.add_line_annot(p(x0, y0 - 1), p(x1, y0 - 1)), "pm-line")
    cases.append(t.case("pymupdf", "Line", "pm-line", ln, 1, 7))
    done(page.add_polygon_annot([p(px0 - 5, py0 - 5), p(px1 + 5, py0 - 5), p(px1 + 5, py1 + 5), p(px0 - 5, py1 + 5)]),
         "pm-polygon")  # fmt: skip
    cases.append(Case("pymupdf", "Polygon", "pm-polygon", "photo", photo["source"]))
    ln = t.line("profiles[1].body[0]", 10)
    x0, y0, x1, y1 = t.box(ln, 0, 6)
    done(page.add_polyline_annot([p(x0, (y0 + y1) / 2), p((x0 + x1) / 2, y1 - 1), p(x1, (y0 + y1) / 2)]), "pm-polyline")
    cases.append(t.case("pymupdf", "PolyLine", "pm-polyline", ln, 0, 6))
    mx, my = t.margin()
    done(page.add_stamp_annot(r((mx + 100, my - 10, mx + 200, my + 20)), stamp=0), "pm-stamp")
    cases.append(Case("pymupdf", "Stamp", "pm-stamp", "page"))
    done(page.add_file_annot(p(mx + 250, my), b"x", "note.txt"), "pm-file")
    cases.append(Case("pymupdf", "FileAttachment", "pm-file", "page"))
    ln = t.line("profiles[2].body[0]", 9)
    done(page.add_redact_annot(r(t.box(ln, 2, 5))), "pm-redact")
    cases.append(t.case("pymupdf", "Redact", "pm-redact", ln, 2, 5))
    return cases


# -- hand-built objects, as other readers write them -------------------------------------------


def _annot(pdf: pikepdf.Pdf, subtype: str, box, key: str, author: str, **extra) -> pikepdf.Dictionary:
    d = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name("/" + subtype),
        Rect=[round(v, 3) for v in box],
        Contents=pikepdf.String(key),
        T=pikepdf.String(author),
        M=pikepdf.String(WHEN),
        **extra,
    )
    return pdf.make_indirect(d)


def _quad(box, order: str) -> list[float]:
    x0, y0, x1, y1 = box
    corners = {"ul": (x0, y1), "ur": (x1, y1), "ll": (x0, y0), "lr": (x1, y0)}
    return [v for c in order.split() for v in corners[c]]


def _acrobat_keys(pdf: pikepdf.Pdf, key: str, subject: str) -> dict:
    ap = pdf.make_stream(b"q Q", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 1, 1])
    return {
        "NM": pikepdf.String(f"acro-{key}"),
        "Subj": pikepdf.String(subject),
        "CreationDate": pikepdf.String(WHEN),
        "RC": pikepdf.String(f'<?xml version="1.0"?><body><p>{key}</p></body>'),
        "AP": pikepdf.Dictionary(N=ap),
        "F": 4,
    }


def _with_popup(pdf: pikepdf.Pdf, annots: list, annot: pikepdf.Dictionary) -> None:
    r = [float(v) for v in annot.Rect]
    popup = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Popup,
            Parent=annot,
            Rect=[r[2] + 10, r[3] - 60, r[2] + 190, r[3]],
            Open=False,
        )  # fmt: skip
    )
    annot.Popup = popup
    annots += [annot, popup]


def by_acrobat(pdf: pikepdf.Pdf, t: Targets) -> list[Case]:
    annots: list = []
    cases = []
    a = "Acrobat 审读"
    ln = t.line("profiles[0].body[2]", 2)
    box = t.box(ln, 1, 6)
    hl = _annot(pdf, "Highlight", box, "acro-highlight", a, QuadPoints=_quad(box, "ul ur ll lr"),
                **_acrobat_keys(pdf, "hl", "Highlight"))  # fmt: skip
    _with_popup(pdf, annots, hl)
    cases.append(t.case("acrobat", "Highlight", "acro-highlight", ln, 1, 6))
    # Replace text: a StrikeOut over the old words and a Caret holding the new, grouped
    ln = t.line("profiles[0].body[2]", 4)
    box = t.box(ln, 2, 4)
    strike = _annot(pdf, "StrikeOut", box, "", a, QuadPoints=_quad(box, "ul ur ll lr"),
                    **_acrobat_keys(pdf, "rs", "Cross-Out"))  # fmt: skip
    cx = box[2]
    caret = _annot(pdf, "Caret", (cx - 3, box[1] - 2, cx + 3, box[1] + 4), "acro-replace", a,
                   IRT=strike, RT=pikepdf.Name.Group, **_acrobat_keys(pdf, "rc", "Replace Text"))  # fmt: skip
    _with_popup(pdf, annots, strike)
    annots.append(caret)
    cases.append(t.case("acrobat", "Replace", "acro-replace", ln, 2, 4))
    ln = t.line("profiles[0].body[2]", 6)
    tip = ((ln["x"][2] + ln["x"][3]) / 2, (ln["box"][1] + ln["box"][3]) / 2)
    mx, my = t.margin()
    co = _annot(pdf, "FreeText", (mx, my - 30, tip[0] + 2, my), "acro-callout", a, IT=pikepdf.Name.FreeTextCallout,
                CL=[tip[0], tip[1], mx + 60, my - 40, mx + 60, my - 30], DA=pikepdf.String("0 g /Helv 9 Tf"),
                **_acrobat_keys(pdf, "co", "Callout"))  # fmt: skip
    annots.append(co)
    cases.append(t.case("acrobat", "FreeText callout", "acro-callout", ln, 2, 3))
    ln = t.line("profiles[0].body[2]", 8)
    note = _annot(pdf, "Text", (ln["x"][1], ln["box"][3] - 20, ln["x"][1] + 20, ln["box"][3] - 1), "acro-note", a,
                  Name=pikepdf.Name.Comment, **_acrobat_keys(pdf, "nt", "Sticky Note"))  # fmt: skip
    _with_popup(pdf, annots, note)
    state = _annot(pdf, "Text", [float(v) for v in note.Rect], "Accepted set by Acrobat 审读", a, IRT=note,
                   State=pikepdf.String("Accepted"), StateModel=pikepdf.String("Review"))  # fmt: skip
    annots.append(state)
    cases.append(t.case("acrobat", "Text", "acro-note", ln, 0, len(ln["text"])))
    mx, my = t.margin()
    stamp = _annot(pdf, "Stamp", (mx + 300, my - 15, mx + 420, my + 20), "acro-approved", a,
                   Name=pikepdf.Name.Approved, **_acrobat_keys(pdf, "st", "Approved"))  # fmt: skip
    annots.append(stamp)
    cases.append(Case("acrobat", "Stamp", "acro-approved", "page"))
    photo = t.photo(1)
    px0, py0, px1, py1 = photo["box"]
    circle = _annot(pdf, "Circle", (px0 - 30, py0 - 20, px1 + 30, py1 + 20), "acro-circle-photo", a,
                    BS=pikepdf.Dictionary(W=2), **_acrobat_keys(pdf, "ci", "Oval"))  # fmt: skip
    annots.append(circle)
    cases.append(Case("acrobat", "Circle", "acro-circle-photo", "photo", photo["source"]))
    ln = t.line("profiles[0].body[2]", 10)
    box = t.box(ln, 3, 8)
    strike = _annot(pdf, "StrikeOut", box, "acro-delete", a, QuadPoints=_quad(box, "ul ur ll lr"),
                    **_acrobat_keys(pdf, "sd", "Cross-Out"))  # fmt: skip
    annots.append(strike)
    cases.append(t.case("acrobat", "StrikeOut", "acro-delete", ln, 3, 8))
    pdf.pages[0].obj.Annots.extend(annots)
    return cases


def by_preview(pdf: pikepdf.Pdf, t: Targets) -> list[Case]:
    annots = []
    cases = []
    a = "Preview"
    ln = t.line("profiles[1].body[0]", 12)
    box = t.box(ln, 2, 9)
    # Preview writes the lower corners first
    annots.append(_annot(pdf, "Highlight", box, "pv-highlight", a, QuadPoints=_quad(box, "ll lr ul ur")))
    cases.append(t.case("preview", "Highlight", "pv-highlight", ln, 2, 9))
    ln = t.line("profiles[1].body[0]", 14)
    box = t.box(ln, 0, 4)
    annots.append(_annot(pdf, "Underline", box, "pv-underline", a, QuadPoints=_quad(box, "ll lr ul ur")))
    cases.append(t.case("preview", "Underline", "pv-underline", ln, 0, 4))
    ln, i, j = t.number()
    x0, y0, x1, y1 = t.box(ln, i, j)
    box = (x0 - 3, y0 - 3, x1 + 3, y1 + 3)
    annots.append(_annot(pdf, "Square", box, "pv-square", a, BS=pikepdf.Dictionary(W=1)))
    cases.append(t.case("preview", "Square", "pv-square", ln, i, j))
    mx, my = t.margin()
    annots.append(_annot(pdf, "FreeText", (mx + 450, my - 10, mx + 560, my + 10), "pv-textbox", a,
                         DA=pikepdf.String("0 g /Helv 12 Tf")))  # fmt: skip
    cases.append(Case("preview", "FreeText", "pv-textbox", "page"))
    ln = t.line("profiles[1].body[0]", 16)
    x0, y0, x1, y1 = t.box(ln, 1, 5)
    stroke = [x0 - 2, (y0 + y1) / 2, (x0 + x1) / 2, y1 + 3, x1 + 2, (y0 + y1) / 2, (x0 + x1) / 2, y0 - 3, x0 - 1.5,
              (y0 + y1) / 2 + 0.5]  # fmt: skip
    annots.append(_annot(pdf, "Ink", (x0 - 4, y0 - 5, x1 + 4, y1 + 5), "pv-sketch", a, InkList=[stroke],
                         BS=pikepdf.Dictionary(W=2)))  # fmt: skip
    cases.append(t.case("preview", "Ink loop", "pv-sketch", ln, 1, 5))
    annots.append(_annot(pdf, "Text", (mx + 600, my - 20, mx + 620, my), "pv-margin-note", a))
    cases.append(Case("preview", "Text", "pv-margin-note", "page"))
    pdf.pages[0].obj.Annots.extend(annots)
    return cases


def by_pdfjs(pdf: pikepdf.Pdf, t: Targets) -> list[Case]:
    annots = []
    cases = []
    a = "PDF.js"
    ln = t.line("profiles[2].body[0]", 11)
    x0, y0, x1, y1 = t.box(ln, 1, 8)
    mid = (y0 + y1) / 2
    annots.append(_annot(pdf, "Ink", (x0 - 6, mid - 7, x1 + 6, mid + 7), "js-highlighter", a,
                         InkList=[[x0 + 2, mid, x1 - 2, mid]], BS=pikepdf.Dictionary(W=12), CA=0.4,
                         C=[1, 1, 0]))  # fmt: skip
    cases.append(t.case("pdfjs", "Ink highlighter", "js-highlighter", ln, 1, 8))
    ln = t.line("profiles[2].body[1]", 1)
    box = t.box(ln, 0, 5)
    annots.append(_annot(pdf, "Highlight", box, "js-highlight-rect", a, C=[1, 1, 0]))  # no QuadPoints
    cases.append(t.case("pdfjs", "Highlight", "js-highlight-rect", ln, 0, 5))
    ln = t.line("profiles[2].body[1]", 4)
    x0, y0, x1, y1 = t.box(ln, 2, 6)
    pen = [x0, y0 - 1.5, (x0 + x1) / 2, y0 - 2, x1, y0 - 1.5]  # a pen line under the words
    annots.append(_annot(pdf, "Ink", (x0 - 1, y0 - 3, x1 + 1, y0), "js-pen-under", a, InkList=[pen],
                         BS=pikepdf.Dictionary(W=1)))  # fmt: skip
    cases.append(t.case("pdfjs", "Ink", "js-pen-under", ln, 2, 6))
    mx, my = t.margin()
    annots.append(_annot(pdf, "FreeText", (mx + 650, my - 10, mx + 760, my + 10), "js-freetext", a,
                         DA=pikepdf.String("/Helv 10 Tf 0 g")))  # fmt: skip
    cases.append(Case("pdfjs", "FreeText", "js-freetext", "page"))
    photo = t.photo(2)
    px0, py0, px1, py1 = photo["box"]
    cx, cy = (px0 + px1) / 2, (py0 + py1) / 2
    annots.append(_annot(pdf, "Stamp", (cx - 30, cy - 20, cx + 30, cy + 20), "js-stamp-photo", a))
    cases.append(Case("pdfjs", "Stamp", "js-stamp-photo", "photo", photo["source"]))
    pdf.pages[0].obj.Annots.extend(annots)
    return cases


def by_foxit(pdf: pikepdf.Pdf, t: Targets) -> list[Case]:
    annots = []
    cases = []
    a = "Foxit 校对"
    ln = t.line("profiles[0].body[1]", 3)
    box = t.box(ln, 2, 7)
    hl = _annot(pdf, "Highlight", box, "fx-highlight", a, QuadPoints=_quad(box, "ul ur ll lr"),
                NM=pikepdf.String("fx-0001"), Subj=pikepdf.String("Highlight"))  # fmt: skip
    annots.append(hl)
    annots.append(_annot(pdf, "Text", [float(v) for v in hl.Rect], "Accepted set by Foxit 校对", a, IRT=hl))
    annots.append(_annot(pdf, "Text", [float(v) for v in hl.Rect], "fx-reply", "作者 周", IRT=hl))
    cases.append(t.case("foxit", "Highlight", "fx-highlight", ln, 2, 7))
    ln = t.line("profiles[0].body[1]", 5)
    x0, y0, x1, y1 = t.box(ln, 3, 3)
    annots.append(_annot(pdf, "Caret", (x0 - 3, y0 - 3, x0 + 3, (y0 + y1) / 2), "fx-insert", a))
    cases.append(t.case("foxit", "Caret", "fx-insert", ln, 3, 3))
    ln = t.line("profiles[0].body[1]", 7)
    x0, y0, x1, y1 = t.box(ln, 0, 8)
    annots.append(_annot(pdf, "PolyLine", (x0, y0 - 3, x1, y0), "fx-polyline", a,
                         Vertices=[x0, y0 - 1, (x0 + x1) / 2, y0 - 2, x1, y0 - 1]))  # fmt: skip
    cases.append(t.case("foxit", "PolyLine", "fx-polyline", ln, 0, 8))
    ln = t.line("profiles[0].body[1]", 9)
    annots.append(_annot(pdf, "FileAttachment", (ln["x"][3], ln["box"][3] - 14, ln["x"][3] + 10, ln["box"][3] - 2),
                         "fx-file", a))  # fmt: skip
    cases.append(t.case("foxit", "FileAttachment", "fx-file", ln, 0, len(ln["text"])))
    photo = t.photo(0)
    px0, py0, px1, py1 = photo["box"]
    ring = [px0 - 5, py0 - 5, px1 + 5, py0 - 5, px1 + 5, py1 + 5, px0 - 5, py1 + 5]
    annots.append(_annot(pdf, "Polygon", (px0 - 6, py0 - 6, px1 + 6, py1 + 6), "fx-polygon", a, Vertices=ring))
    cases.append(Case("foxit", "Polygon", "fx-polygon", "photo", photo["source"]))
    ln = t.line("profiles[0].body[1]", 8)
    box = t.box(ln, 1, 4)
    annots.append(_annot(pdf, "Squiggly", box, "fx-squiggly", a, QuadPoints=_quad(box, "ul ur ll lr")))
    cases.append(t.case("foxit", "Squiggly", "fx-squiggly", ln, 1, 4))
    pdf.pages[0].obj.Annots.extend(annots)
    return cases


def by_hand(draft: Path, out: Path, t: Targets) -> list[Case]:
    with pikepdf.open(draft) as pdf:
        if "/Annots" not in pdf.pages[0].obj:
            pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array())
        cases = by_acrobat(pdf, t) + by_preview(pdf, t) + by_pdfjs(pdf, t) + by_foxit(pdf, t)
        pdf.save(out)
    return cases


# -- re-saved copies ---------------------------------------------------------------------------


def variants(path: Path) -> dict[str, Path]:
    import pymupdf

    out = {"as saved": path}
    qpdf = path.with_name(path.stem + "-qpdf.pdf")
    subprocess.run(["qpdf", "--object-streams=generate", str(path), str(qpdf)], check=False, capture_output=True)
    out["qpdf"] = qpdf
    full = path.with_name(path.stem + "-full.pdf")
    with pymupdf.open(path) as doc:
        doc.save(full, garbage=3, deflate=True)
    out["pymupdf full"] = full
    incr = path.with_name(path.stem + "-incr.pdf")
    incr.write_bytes(path.read_bytes())
    with pymupdf.open(incr) as doc:
        doc.set_metadata({**doc.metadata, "title": "reviewed"})
        doc.saveIncr()
    out["pymupdf incremental"] = incr
    rot = path.with_name(path.stem + "-rot.pdf")
    with pikepdf.open(path) as pdf:
        pdf.pages[0].obj.Rotate = 90
        pdf.save(rot)
    out["rotated 90"] = rot
    return out


# -- judging -----------------------------------------------------------------------------------


def judge(case: Case, comments: list[Comment]) -> str:
    c = next((c for c in comments if c.text == case.key), None)
    if c is None:
        return "missing"
    if case.where == "page":
        return "page-level" if c.where == "page" and not c.places else "wrong"
    if c.where != case.where or not c.places:
        return "wrong"
    p = c.places[0]
    if case.where in ("photo", "module"):
        return "right" if len(c.places) == 1 and p.source == case.source else "wrong"
    exact = len(c.places) == 1 and (p.source, p.start, p.end) == (case.source, case.start, case.end)
    return "right" if exact else "wrong"


def run(folder: Path, verbose: bool) -> Counter:
    import json

    draft = make_draft(folder)
    doc_map = json.loads(draft.with_name("small.map.json").read_text(encoding="utf-8"))
    t = Targets(doc_map)
    files = {"pymupdf": (folder / "pymupdf.pdf", by_pymupdf(draft, folder / "pymupdf.pdf", t))}
    hand = by_hand(draft, folder / "hand.pdf", t)
    files["hand"] = (folder / "hand.pdf", hand)
    tally: Counter = Counter()
    for path, cases in files.values():
        for variant, copy in variants(path).items():
            comments = read_comments(copy, doc_map)
            for case in cases:
                verdict = judge(case, comments)
                tally[(case.style, case.kind, verdict)] += 1
                if verbose and verdict not in ("right", "page-level"):
                    print(f"{variant:20} {case.style:8} {case.kind:18} {case.key}: {verdict}", file=sys.stderr)
    return tally


def table(tally: Counter) -> str:
    rows = sorted({(s, k) for s, k, _ in tally})
    cols = ("right", "page-level", "wrong", "missing")
    out = [f"| style | subtype | {' | '.join(cols)} |", "|---|---|" + "---:|" * len(cols)]
    for s, k in rows:
        out.append(f"| {s} | {k} | " + " | ".join(str(tally[(s, k, c)]) for c in cols) + " |")
    totals = [sum(v for (_, _, c2), v in tally.items() if c2 == c) for c in cols]
    out.append("| **all** | | " + " | ".join(str(n) for n in totals) + " |")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="write the annotated files here (default: a temporary folder)")
    ap.add_argument("--verbose", action="store_true", help="name each wrong or missing annotation")
    args = ap.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        tally = run(args.keep, args.verbose)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            tally = run(Path(tmp), args.verbose)
    print(f"Annotations read back, each file in {len(VARIANTS)} variants ({', '.join(VARIANTS)})\n")
    print(table(tally))
    print(f"\nrerun: {COMMAND}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
