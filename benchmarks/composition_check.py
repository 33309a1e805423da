"""Measure Chinese composition from a written PDF, not from the engine's data.

    python benchmarks/composition_check.py PAGE.pdf PAGE.yaml [--style NAME] [--json]

Reads the PDF's words with poppler (pdftotext -raw -bbox) in content-stream
order, groups them into lines (a line is drawn as one text object on one baseline), finds
each line's measure from the page's style (the grid is input, not engine
output) and counts, over body and intro text on the grid columns and every
other justified block (captions, pull quotes: lines starting on a column edge
and stacked one line pitch apart):

- prohibited line starts (a mark that may not start a line, on a line that
  does not open a paragraph) and prohibited line ends;
- lone-character last lines (a paragraph's last line holding fewer than two
  characters, marks not counted);
- non-final lines not flush to the column edge (tolerance 0.05 pt).

A paragraph opens on a line indented by the first-line indent; it ends on
the line before the next indented line or before other text. Exits 1 when any
count is not zero.

A page in vertical writing (竖排: ``writing: vertical`` on the page or its style)
is read the same way, turned: every word in its type area is vertical (drawn
rotated, its box tall and narrow); a vertical line runs top to bottom and lines
stack right to left; its measure is a band (a grid column of ``grid.chars``
characters across the page's height, top to bottom) and "flush" means reaching
the band's bottom; a block continues one line pitch to the left. There a number
of 1-4 digits standing alone (set upright, 縱中橫) counts as one character. The
horizontal running head and staff line outside the type area are not counted.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layout.inline.breaker import LATIN_RUN  # noqa: E402
from layout.lang.zh import Rules, rules_for  # noqa: E402
from layout.model.content import load_page  # noqa: E402
from layout.model.style import Style, load_style, style_path  # noqa: E402
from layout.page.vertical import is_vertical, vertical_grid  # noqa: E402

TOL = 0.05  # points
ACROSS = 0.45  # a vertical word is on a line when its centre is this many ems from the line's


@dataclass
class PdfLine:
    """A line's words as (x0, y0, x1, y1, text). A vertical line's are in line space: x
    along the line (down the page, poppler's y), y across it (leftwards: minus the page x),
    so a vertical line reads as a horizontal one and the next line is one pitch "below"."""

    words: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    vertical: bool = False

    @property
    def text(self) -> str:
        return "".join(w[4] for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0][0]

    @property
    def x1(self) -> float:
        return self.words[-1][2]

    @property
    def size(self) -> float:
        return round(self.words[0][3] - self.words[0][1], 2)

    @property
    def baseline(self) -> float:
        if self.vertical:  # the most common edge: a rotated Latin word's box may sit apart
            edges = [round(w[3], 2) for w in self.words]
            return max(edges, key=edges.count)
        return self.words[0][3]


def pdf_lines(pdf_path: Path, zone: tuple[float, float] | None = None, tops: tuple[float, ...] = ()) -> list[PdfLine]:
    """Lines in drawing order, from poppler's word boxes in content-stream order
    (``pdftotext -raw -bbox``): a new line when the baseline changes or x jumps
    back or more than an em ahead. (pdfminer is not used: it drops the character
    spacing after the last glyph of each string, so justified lines look short.)
    ``zone``: the top and bottom of a vertical page's type area (points from the page's
    top): the words inside it are vertical, grouped into vertical lines in line space;
    ``tops``: its bands' tops (a word starting at one after a gap starts a line)."""
    out = subprocess.run(
        ["pdftotext", "-raw", "-bbox", "-f", "1", "-l", "1", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines: list[PdfLine] = []
    for node in ET.fromstring(out).iter("{http://www.w3.org/1999/xhtml}word"):
        x0, y0, x1, y1 = (float(node.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
        if zone is not None and zone[0] - 1.0 <= y0 and y1 <= zone[1] + 1.0:
            _add_vertical(lines, (y0, -x1, y1, -x0, node.text or ""), tops)
            continue
        word = (x0, y0, x1, y1, node.text or "")
        cur = lines[-1] if lines else None
        if (
            cur is None
            or cur.vertical
            or abs(y1 - cur.words[-1][3]) > 0.5
            or x0 < cur.words[-1][0] - TOL
            or x0 - cur.words[-1][2] > (y1 - y0) * 1.0
        ):
            lines.append(PdfLine())
        lines[-1].words.append(word)
    return lines


def _add_vertical(lines: list[PdfLine], word: tuple[float, float, float, float, str], tops: tuple[float, ...]) -> None:
    """A vertical word (in line space) onto the current vertical line, or a new one: a new
    line when its centre across is off the line's (by ``ACROSS`` em: a rotated Latin word's
    box may sit a little apart from the upright characters'), or it goes back up, or it
    starts more than an em below the last word, or at a band's top after a gap (text
    flowing on at the same place across in the next band: a gutter may be under an em)."""
    x0, y0, x1, y1, _ = word
    size = y1 - y0
    cur = lines[-1] if lines else None
    if cur is not None and cur.vertical:
        first, last = cur.words[0], cur.words[-1]
        across = abs((y0 + y1) / 2 - (first[1] + first[3]) / 2)
        at_top = x0 > last[2] + TOL and any(abs(x0 - t) <= TOL for t in tops)
        if across <= ACROSS * size and x0 >= last[0] - TOL and x0 - last[2] <= size and not at_top:
            cur.words.append(word)
            return
    lines.append(PdfLine([word], vertical=True))


def measures(style, span: int) -> list[tuple[float, float]]:
    return [(style.column_x(c), style.column_x(c) + style.span_width(span)) for c in range(0, style.columns - span + 1)]


def band_measures(style: Style, span: int) -> list[tuple[float, float]]:
    """A vertical grid's bands ``span`` wide: their top and bottom, points from the page's
    top (bands run top to bottom from the type area's top, a gutter between them)."""
    pitch = style.column_width + style.gutter
    return [
        (style.top + c * pitch, style.top + c * pitch + style.span_width(span)) for c in range(style.columns - span + 1)
    ]


def upright_numbers(text: str, rules: Rules) -> str:
    """``text`` with each number a vertical line sets upright (縱中橫: 1 to ``tcy_max``
    digits standing alone: the whole of its Latin run but for a unit after it, no Latin
    letter or digit beside it across spaces, no ASCII joiner before it) as one character, "〇"."""
    out, k = [], 0
    for m in re.finditer(r"[0-9]+", text):
        i, j = m.span()
        run = LATIN_RUN.match(text, i)
        end = run.end() if run else j
        before = text[:i].rstrip()
        if (
            j - i <= rules.tcy_max
            and set(m.group(0)) <= rules.tcy_digits
            and (end == j or (end == j + 1 and text[j] in rules.units))
            and not (before and LATIN.match(before[-1]))
            and not (i and text[i - 1].isascii() and JOINER.match(text[i - 1]))
            and not LATIN.match(text[j:].lstrip()[:1] or " ")
        ):
            out.append(text[k:i] + "〇")
            k = j
    return "".join(out) + text[k:]


LATIN = re.compile(r"[A-Za-z0-9\u00C0-\u024F]")
JOINER = re.compile(r"[.,:/×\-+'’_?=&#~@]")


Frame = tuple[float, float]  # a measure's left and right (a vertical one's top and bottom)


@dataclass
class Reading:
    """How a page's lines are read: its grid's measures by type size, and whether it writes
    vertically (then lines run down the bands and stack right to left)."""

    style: Style
    frames: dict[float, list[Frame]]
    spans: Callable[[Style, int], list[Frame]]
    vertical: bool

    def measure_of(self, line: PdfLine) -> Frame | None:
        for left, right in self.frames.get(line.size, []):
            starts = abs(line.x0 - left) <= TOL or abs(line.x0 - left - 2 * line.size) <= TOL  # flush or indented
            if starts and (line.x1 <= right + TOL or hung(line, right)):
                return left, right
        return None

    def block_frame(self, line: PdfLine) -> Frame | None:
        """Other justified text (captions, pull quotes): the narrowest span it starts and fits in."""
        for span in range(1, self.style.columns + 1):
            for left, right in self.spans(self.style, span):
                if abs(line.x0 - left) <= TOL and (line.x1 <= right + TOL or hung(line, right)):
                    return left, right
        return None

    def below(self, a: PdfLine, b: PdfLine | None) -> bool:
        """b continues a's block: same left edge and size, one line pitch lower."""
        if b is None or b.size != a.size or abs(b.x0 - a.x0) > TOL:
            return False
        step = b.baseline - a.baseline
        return any(abs(step - p) < 0.5 for p in (self.style.leading, a.size * 1.25))

    def follows(self, a: PdfLine, fa: Frame, b: PdfLine, fb: Frame, start: float) -> bool:
        """Vertical grid text: b is the line after a in its paragraph, the next line to the
        left on the same band (a pitch of the body size up to the leading), or the first of
        the next band down at the same place across as a's run of lines began (``start``:
        the text flows on in the module's next band). A caption or another module's text
        after a paragraph's last line is neither."""
        step = b.baseline - a.baseline
        if fb == fa:
            return a.size - 0.5 <= step <= self.style.leading + 0.5
        return fb[0] > fa[0] and abs(b.baseline - start) < 0.5


HANGING = "、，。．"  # marks a line may hang past its measure (句末點號懸掛)


def hung(line: PdfLine, right: float) -> bool:
    """Does the line end with a hanging mark set past its measure (at most one em)?"""
    return line.text[-1] in HANGING and right + TOL < line.x1 <= right + line.size + TOL


def indented(line: PdfLine, left: float) -> bool:
    return abs(line.x0 - left - 2 * line.size) < 0.5


def check(pdf_path: Path, page_path: Path, style_name: str | None = None) -> dict:
    """Counts over justified text: body and intro on the grid columns, and any other
    block of lines (captions, pull quotes) that starts on a column edge (on a vertical
    page: vertical lines on the bands, and blocks starting at a band's top)."""
    page = load_page(page_path)
    style = load_style(style_path(style_name or page.style, page_path.resolve().parent))
    rules = rules_for(page.lang, style.kinsoku or None, style.punctuation or None)
    body, intro = style.roles["body"].size, style.roles["intro"].size
    vertical = is_vertical(style, page)
    if vertical:
        style = vertical_grid(style)
    spans = band_measures if vertical else measures
    reading = Reading(style, {body: spans(style, 1), intro: spans(style, style.intro_span)}, spans, vertical)
    zone = (style.top, style.top + style.type_width) if vertical else None
    tops = tuple(top for top, _ in spans(style, 1)) if vertical else ()
    checked = []
    for ln in pdf_lines(pdf_path, zone, tops):
        if ln.vertical != vertical:  # a vertical page's running head and staff line
            checked.append((ln, None, "other"))
            continue
        frame = reading.measure_of(ln)
        checked.append((ln, frame, "grid") if frame else (ln, reading.block_frame(ln), "block"))
    return _count(checked, reading, rules)


def _count(checked: list[tuple[PdfLine, Frame | None, str]], reading: Reading, rules: Rules) -> dict:
    """The counts and the problems over the lines read, each with its frame and kind."""
    counts = {"lines": 0, "prohibited_starts": 0, "prohibited_ends": 0, "lone_last_lines": 0, "not_flush": 0}
    problems: list[str] = []
    starts = _run_starts(checked, reading) if reading.vertical else []
    for k, (ln, frame, kind) in enumerate(checked):
        if frame is None:
            continue
        left, right = frame
        nxt_line, nxt_frame, _ = checked[k + 1] if k + 1 < len(checked) else (None, None, None)
        if kind == "grid":
            opens = indented(ln, left)
            ends = nxt_frame is None or nxt_line.size != ln.size or indented(nxt_line, nxt_frame[0])
            if reading.vertical:
                opens = opens or starts[k] == ln.baseline and not _flows_in(checked, k, reading, starts)
                ends = ends or not reading.follows(ln, frame, nxt_line, nxt_frame, starts[k])
        else:
            prev_line = checked[k - 1][0] if k else None
            opens = not reading.below(prev_line, ln) if prev_line else True
            ends = not reading.below(ln, nxt_line)
            if opens and ends:
                continue  # a single line (a byline, a credit): nothing to justify
        counts["lines"] += 1
        if not opens and ln.text[0] in rules.no_start and ln.text[:2] not in rules.unbreakable_pairs:
            counts["prohibited_starts"] += 1
            problems.append(f"starts with {ln.text[0]}: {ln.text}")
        if not ends and ln.text[-1] in rules.no_end:
            counts["prohibited_ends"] += 1
            problems.append(f"ends with {ln.text[-1]}: {ln.text}")
        text = upright_numbers(ln.text, rules) if reading.vertical else ln.text
        if ends and not opens and sum(1 for ch in text if ch not in rules.punctuation) < 2:
            counts["lone_last_lines"] += 1
            problems.append(f"lone last line: {ln.text}")
        if not ends and abs(ln.x1 - right) > TOL and not hung(ln, right):
            counts["not_flush"] += 1
            problems.append(f"not flush ({right - ln.x1:+.2f} pt): {ln.text}")
    return {"counts": counts, "problems": problems}


def _run_starts(checked: list[tuple[PdfLine, Frame | None, str]], reading: Reading) -> list[float]:
    """Vertical grid lines: where across each line's run of lines on its band began (the
    baseline of the first of the lines that follow one another there)."""
    starts: list[float] = []
    for k, (ln, frame, kind) in enumerate(checked):
        prev = checked[k - 1] if k else None
        same = (
            prev is not None
            and kind == "grid"
            and prev[2] == "grid"
            and prev[1] == frame
            and prev[0].size == ln.size
            and not indented(ln, frame[0])
            and reading.follows(prev[0], prev[1], ln, frame, 0.0)
        )
        starts.append(starts[-1] if same else ln.baseline)
    return starts


def _flows_in(checked: list[tuple[PdfLine, Frame | None, str]], k: int, reading: Reading, starts: list[float]) -> bool:
    """Does grid line ``k``, first of its run on its band, carry on the line before it
    (the text flowing on from the band above)?"""
    if k == 0:
        return False
    prev, pframe, pkind = checked[k - 1]
    ln, frame, _ = checked[k]
    return (
        pkind == "grid"
        and pframe is not None
        and prev.size == ln.size
        and reading.follows(prev, pframe, ln, frame, starts[k - 1])
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf", type=Path)
    ap.add_argument("page", type=Path)
    ap.add_argument("--style")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    result = check(a.pdf, a.page, a.style)
    if a.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(" ".join(f"{k}={v}" for k, v in result["counts"].items()))
        for p in result["problems"][:20]:
            print("  " + p)
    c = result["counts"]
    bad = c["prohibited_starts"] + c["prohibited_ends"] + c["lone_last_lines"] + c["not_flush"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
