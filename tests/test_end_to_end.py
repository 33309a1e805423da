"""The command end to end, checked with real PDF tools (poppler, qpdf) and with the engine's own frame."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
import yaml

from layout.frame import ImageItem, MarkItem, RuleItem, TextItem
from layout.page.context import ASCENT
from layout.render import normalized_texts, render
from layout.units import mm

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "seed.yaml"
EPS = 1e-6
BASE14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")
OPTIONS = ["-o", "--output", "--style", "--allow-overset", "--report", "-q", "--quiet", "-h", "--help"]


def tool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=60)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def glyph_box(item: TextItem) -> tuple[float, float, float, float]:
    """x0, y0, x1, y1 (y down) of a text item's em boxes, as the engine places them."""
    return item.x, item.baseline - item.size * ASCENT, item.right, item.baseline + item.size * (1 - ASCENT)


def overlap(a, b) -> tuple[float, float]:
    """How far two boxes (x0, y0, x1, y1) overlap horizontally and vertically (negative: apart)."""
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def seed_data() -> dict:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["date"] = str(data["date"])
    return data


def write_page(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def pdffonts(pdf: Path) -> list[dict[str, str]]:
    proc = tool("pdffonts", pdf)
    assert proc.returncode == 0, proc.stderr
    rows = []
    for line in proc.stdout.splitlines()[2:]:
        parts = line.split()
        # name, type (may be two words), encoding, emb, sub, uni, object, generation
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def assert_fonts_embedded(pdf: Path) -> list[dict[str, str]]:
    rows = pdffonts(pdf)
    assert rows, "no fonts"
    for row in rows:
        assert (row["emb"], row["sub"], row["uni"]) == ("yes", "yes", "yes"), row
        assert re.match(r"^[A-Z]{6}\+", row["name"]), row  # a subset tag
        assert not any(b in row["name"] for b in BASE14), row
    return rows


def pdftotext_raw(pdf: Path) -> str:
    proc = tool("pdftotext", "-raw", "-enc", "UTF-8", pdf, "-")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def page_size_pt(pdf: Path) -> tuple[float, float]:
    proc = tool("pdfinfo", pdf)
    m = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", proc.stdout, re.M)
    assert m, proc.stdout
    return float(m.group(1)), float(m.group(2))


# --- the default page ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_text(seed_pdf: Path) -> str:
    return pdftotext_raw(seed_pdf)


@pytest.fixture(scope="module")
def seed_texts(seed_rendered) -> dict[str, str]:
    return normalized_texts(seed_rendered.page)[0]


@pytest.fixture(scope="module")
def frame(seed_rendered):
    return seed_rendered.makeup.frame


def text_items(frame) -> list[TextItem]:
    return [i for i in frame.items if isinstance(i, TextItem)]


def test_default_page_written(seed_pdf: Path):
    data = seed_pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    proc = tool("pdfinfo", seed_pdf)
    assert re.search(r"^Pages:\s+1$", proc.stdout, re.M)


def test_output_into_new_folder_and_message(make_pdf, tmp_path):
    out = tmp_path / "x" / "seed.pdf"
    proc = make_pdf("-o", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"wrote {out}: 8 profiles, style broadsheet")
    assert proc.stderr == ""
    assert out.is_file()


def test_fonts_embedded_subset_unicode(seed_pdf: Path):
    rows = assert_fonts_embedded(seed_pdf)
    # cuts of a family: -Core, -Halt, and the Latin glyphs that carry Han–Latin gaps (-GapLead, …)
    families = {re.sub(r"^[A-Z]{6}\+|(-Core|-Halt)?(-Gap(Lead|Trail|Both))?$", "", r["name"]) for r in rows}
    assert families == {"BanmianSerifSC-Regular", "BanmianSansSC-Bold", "BanmianKai-Regular"}


def test_qpdf_check(seed_pdf: Path):
    proc = tool("qpdf", "--check", seed_pdf)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No syntax or stream encoding errors" in proc.stdout


def test_page_size_is_broadsheet(seed_pdf: Path):
    w, h = page_size_pt(seed_pdf)
    assert w == pytest.approx(mm(390), abs=0.01)
    assert h == pytest.approx(mm(540), abs=0.01)


def test_every_paragraph_extracted_whole_and_in_order(seed_rendered, seed_texts, seed_text):
    flat = squash(seed_text)
    pos = -1
    for p in seed_rendered.page.profiles:
        for j in range(len(p.body)):
            para = squash(seed_texts[f"{p.path}.body[{j}]"])
            at = flat.find(para)
            assert at >= 0, f"{p.id} body[{j}] not found whole: {para[:30]}…"
            assert at > pos, f"{p.id} body[{j}] out of order"
            pos = at


def test_every_field_extracted(seed_texts, seed_text):
    flat = squash(seed_text)
    missing = [path for path, text in seed_texts.items() if squash(text) not in flat]
    assert missing == []


def test_every_line_extracted(frame, seed_text):
    lines = {squash(line) for line in seed_text.splitlines()}
    flat = squash(seed_text)
    for item in text_items(frame):
        t = squash(item.text)
        assert t in flat, item
        if item.role == "body":
            assert any(t in line for line in lines), item


def test_every_character_present(seed_texts, seed_text):
    need = Counter(squash("".join(seed_texts.values())))
    have = Counter(squash(seed_text))
    short = {ch: (n, have[ch]) for ch, n in need.items() if have[ch] < n}
    assert short == {}


def test_normalised_punctuation_reaches_the_pdf(seed_rendered, seed_text):
    assert seed_rendered.normalized[","] > 200
    body = "".join(p for prof in seed_rendered.page.profiles for p in prof.body)
    assert "," in body  # the seed itself has ASCII commas
    # none of the converted marks survives next to Han text in the PDF
    assert not re.search(r"[\u4e00-\u9fff][,;:!?]|[,;:!?][\u4e00-\u9fff]", seed_text)


def test_text_items_match_their_fields(frame, seed_texts):
    by_source: dict[str, list[TextItem]] = {}
    for item in text_items(frame):
        by_source.setdefault(item.source, []).append(item)
    checked = 0
    for path, text in seed_texts.items():
        if path in ("section",) or path.endswith((".quote.by", ".quote.text")):
            continue  # set twice (running head and kicker) / with added marks: tested below
        items = sorted(by_source.get(path, []), key=lambda i: i.start)
        assert items, path
        for item in items:
            assert text[item.start : item.end] == item.text, (path, item.start, item.end)
        assert squash("".join(i.text for i in items)) == squash(text), path
        checked += 1
    assert checked > 60


def quote_items(frame, suffix: str) -> dict[str, list[TextItem]]:
    out: dict[str, list[TextItem]] = {}
    for item in text_items(frame):
        if item.source.endswith(suffix):
            out.setdefault(item.source, []).append(item)
    return out


def test_quote_by_offsets_index_the_field(frame, seed_texts):
    quotes = quote_items(frame, ".quote.by")
    assert len(quotes) == 5
    for path, items in quotes.items():
        (item,) = items
        assert item.text == "——" + seed_texts[path]  # set with a dash, offsets still index the name
        assert (item.start, item.end) == (0, len(seed_texts[path]))


def test_quote_text_shown_whole(frame, seed_texts):
    quotes = quote_items(frame, ".quote.text")
    assert len(quotes) == 5
    for path, items in quotes.items():
        shown = squash("".join(i.text for i in sorted(items, key=lambda i: i.baseline)))
        assert squash(seed_texts[path]) in shown, path


def test_quote_text_offsets_index_the_field(frame, seed_texts):
    # a pull quote is set wearing quotation marks; its offsets still index the field itself
    for path, items in quote_items(frame, ".quote.text").items():
        text = seed_texts[path]
        items.sort(key=lambda i: i.start)
        marked = not text.startswith(("“", "「"))
        assert "".join(i.text for i in items) == (f"“{text}”" if marked else text)
        for k, item in enumerate(items):
            shown = item.text
            if marked and k == 0:
                shown = shown.removeprefix("“")
            if marked and k == len(items) - 1:
                shown = shown.removesuffix("”")
            assert text[item.start : item.end] == shown, (path, item.start, item.end)


def test_no_text_boxes_overlap(frame):
    boxes = [(glyph_box(i), i) for i in text_items(frame)]
    bad = []
    for (a, ia), (b, ib) in combinations(boxes, 2):
        dx, dy = overlap(a, b)
        if dx > EPS and dy > EPS:
            bad.append((ia.text[:8], ib.text[:8]))
    assert bad == []


def test_text_inside_type_area_or_furniture(frame, seed_rendered):
    st = seed_rendered.style
    left, right = st.left, st.left + st.type_width
    top, bottom = st.top, st.top + st.type_height
    for item in text_items(frame):
        x0, y0, x1, y1 = glyph_box(item)
        assert left - EPS <= x0 and x1 <= right + EPS, item
        if item.role in ("head", "head_paper"):  # running head (报眉), above the type area
            assert 0 <= y0 and y1 <= top + EPS, item
        elif item.role == "staff":  # staff line, under the type area
            assert bottom - EPS <= y0 and y1 <= frame.height, item
        else:
            assert top - EPS <= y0 and y1 <= bottom + EPS, item


def test_module_boxes(frame, seed_rendered):
    st = seed_rendered.style
    boxes = list(frame.boxes)
    assert [b.id for b in boxes] == [p.id for p in seed_rendered.page.profiles]
    for a, b in combinations(boxes, 2):
        dx, dy = overlap((a.x, a.y, a.x + a.width, a.y + a.height), (b.x, b.y, b.x + b.width, b.y + b.height))
        assert not (dx > EPS and dy > EPS), (a.id, b.id)
    for b in boxes:
        assert st.left - EPS <= b.x and b.x + b.width <= st.left + st.type_width + EPS
        assert st.top - EPS <= b.y and b.y + b.height <= st.top + st.type_height + EPS
        # modules sit on the grid: whole columns
        assert any(abs(b.x - st.column_x(c)) < EPS for c in range(st.columns)), b
        assert round((b.width + st.gutter) / (st.column_width + st.gutter), 9).is_integer(), b


def test_module_text_inside_its_box(frame, seed_rendered):
    boxes = {b.id: b for b in frame.boxes}
    ids = [p.id for p in seed_rendered.page.profiles]
    for item in text_items(frame):
        m = re.match(r"profiles\[(\d+)\]", item.source)
        if not m:
            continue
        b = boxes[ids[int(m.group(1))]]
        x0, y0, x1, y1 = glyph_box(item)
        assert b.x - EPS <= x0 and x1 <= b.x + b.width + EPS, item
        assert b.y - EPS <= y0 and y1 <= b.y + b.height + EPS, item


def test_photos_and_rules_clear_of_text(frame):
    texts = [glyph_box(i) for i in text_items(frame)]
    photos = [i for i in frame.items if isinstance(i, ImageItem)]
    assert len(photos) == 8  # every seed profile has a photo placeholder
    for p in photos:
        pb = (p.x, p.y, p.x + p.width, p.y + p.height)
        for t in texts:
            dx, dy = overlap(pb, t)
            assert not (dx > EPS and dy > EPS), (p.label, t)
    for r in (i for i in frame.items if isinstance(i, RuleItem)):
        w = r.weight / 2
        rb = (min(r.x1, r.x2) - w, min(r.y1, r.y2) - w, max(r.x1, r.x2) + w, max(r.y1, r.y2) + w)
        for t in texts:
            dx, dy = overlap(rb, t)
            assert not (dx > EPS and dy > EPS), (r, t)


def test_body_on_baseline_grid_and_justified(frame, seed_rendered):
    st = seed_rendered.style
    body = [i for i in text_items(frame) if i.role == "body"]
    last_end: dict[str, int] = {}
    for i in body:
        last_end[i.source] = max(last_end.get(i.source, 0), i.end)
    rights = [st.column_x(c) + st.column_width for c in range(st.columns)]
    for i in body:
        row = (i.baseline - ASCENT * i.size - st.top) / st.leading
        assert abs(row - round(row)) < EPS, i
        assert i.size == st.body_size
        if i.end < last_end[i.source]:  # not a paragraph's last line: flush right with its column
            assert any(abs(i.right - r) < EPS for r in rights), i


def test_no_overset_and_full_zone(seed_rendered):
    m = seed_rendered.makeup
    assert m.overset == ()
    assert all(r.overset_chars == 0 for r in m.modules)
    assert 0.9 <= m.fill <= 1.0


def test_pdftotext_word_boxes_do_not_overlap(seed_pdf: Path):
    proc = tool("pdftotext", "-bbox", seed_pdf, "-")
    assert proc.returncode == 0, proc.stderr
    words = [
        (float(a), float(b), float(c), float(d), html.unescape(t))
        for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', proc.stdout
        )
    ]
    assert len(words) > 300
    bad = []
    for a, b in combinations(words, 2):
        dx, dy = overlap(a[:4], b[:4])
        if dx > 0.5 and dy > 0.5:
            bad.append((a[4], b[4], round(dx, 2), round(dy, 2)))
    assert bad == []


# --- colour: K only -----------------------------------------------------------------------------


def content_tokens(stream: bytes) -> list[bytes]:
    """Tokens of a PDF content stream, strings dropped (so their bytes cannot look like operators)."""
    out: list[bytes] = []
    i, n = 0, len(stream)
    token = re.compile(rb"<<|>>|\[|\]|/[^\s/\[\]()<>{}%]*|[^\s/\[\]()<>{}%]+")
    while i < n:
        c = stream[i : i + 1]
        if c.isspace():
            i += 1
        elif c == b"%":
            j = stream.find(b"\n", i)
            i = n if j < 0 else j
        elif c == b"(":  # literal string, balanced parentheses, backslash escapes
            depth = 0
            while i < n:
                ch = stream[i : i + 1]
                if ch == b"\\":
                    i += 2
                    continue
                depth += ch == b"("
                depth -= ch == b")"
                i += 1
                if depth == 0:
                    break
            out.append(b"(string)")
        elif c == b"<" and stream[i : i + 2] != b"<<":
            i = stream.index(b">", i) + 1
            out.append(b"<string>")
        else:
            m = token.match(stream, i)
            assert m, stream[i : i + 20]
            out.append(m.group(0))
            i = m.end()
    return out


def is_number(tok: bytes) -> bool:
    return re.fullmatch(rb"[-+]?(\d+\.?\d*|\.\d+)", tok) is not None


def colour_ops(pdf: Path, tmp_path: Path) -> list[tuple[bytes, list[float]]]:
    qdf = tmp_path / "qdf.pdf"
    proc = tool("qpdf", "--qdf", "--object-streams=disable", pdf, qdf)
    assert proc.returncode == 0, proc.stderr
    data = qdf.read_bytes()
    assert b"/DeviceRGB" not in data
    streams = re.findall(
        rb"%% Contents for page \d+\n(?:%%[^\n]*\n)*\d+ 0 obj\n<<.*?>>\nstream\n(.*?)endstream", data, re.S
    )
    assert streams, "no page content stream found"
    ops = []
    for stream in streams:
        operands: list[bytes] = []
        for tok in content_tokens(stream):
            if is_number(tok) or tok.startswith((b"/", b"(", b"<", b"[", b"]")):
                operands.append(tok)
                continue
            if tok in (b"rg", b"RG", b"g", b"G", b"k", b"K", b"cs", b"CS", b"sc", b"SC", b"scn", b"SCN"):
                ops.append((tok, [float(o) if is_number(o) else o for o in operands]))
            operands = []
    return ops


def test_colour_is_k_only(seed_pdf: Path, tmp_path: Path):
    ops = colour_ops(seed_pdf, tmp_path)
    kinds = Counter(op for op, _ in ops)
    assert set(kinds) <= {b"k", b"K"}, kinds
    assert kinds[b"k"] > 100 and kinds[b"K"] > 5
    for op, operands in ops:
        assert len(operands) == 4 and operands[:3] == [0.0, 0.0, 0.0], (op, operands)
        assert 0.0 <= operands[3] <= 1.0
    # text and rules are solid black
    assert Counter(tuple(o) for _, o in ops).most_common(1)[0][0] == (0.0, 0.0, 0.0, 1.0)


def test_content_tokens_skip_strings():
    toks = content_tokens(b"BT (a g b \\) 1 0 0 rg) Tj <0102> Tj 0 0 0 1 k ET")
    assert toks == [b"BT", b"(string)", b"Tj", b"<string>", b"Tj", b"0", b"0", b"0", b"1", b"k", b"ET"]


# --- determinism ----------------------------------------------------------------------------------


def test_deterministic(seed_pdf: Path, seed_rendered, make_pdf, tmp_path: Path):
    again = tmp_path / "again.pdf"
    proc = make_pdf("-o", again, "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert again.read_bytes() == seed_pdf.read_bytes()
    # the same bytes in process as from the command
    assert seed_rendered.pdf == seed_pdf.read_bytes()


# --- other pages ----------------------------------------------------------------------------------


def test_non_bmp_characters(make_pdf, tmp_path: Path):
    data = seed_data()
    data["profiles"] = data["profiles"][:2]
    data["profiles"][0]["name"] = "王𬌗"
    data["profiles"][1]["body"][0] = "新来的𬘭老师说," + data["profiles"][1]["body"][0]
    page = write_page(tmp_path / "rare.yaml", data)
    out = tmp_path / "rare.pdf"
    proc = make_pdf(page, "-o", out)
    assert proc.returncode in (0, 1), proc.stderr  # 1: a short page is reported
    assert "Traceback" not in proc.stderr
    text = pdftotext_raw(out)
    assert "王𬌗" in text
    assert "新来的𬘭老师说，" in squash(text)
    assert_fonts_embedded(out)


def overset_page(tmp_path: Path) -> Path:
    data = seed_data()
    data["profiles"] = data["profiles"][:1]
    data["profiles"][0]["body"] = ["甲乙丙丁戊己庚辛壬癸" * 2000]
    return write_page(tmp_path / "long.yaml", data)


def test_overset_refused(make_pdf, tmp_path: Path):
    page = overset_page(tmp_path)
    out = tmp_path / "long.pdf"
    proc = make_pdf(page, "-o", out)
    assert proc.returncode == 2
    m = re.search(
        rf"^{re.escape(str(page))}:(\d+): profile 'wang-zhiyong': (\d+) characters overset", proc.stderr, re.M
    )
    assert m, proc.stderr
    assert int(m.group(1)) == page.read_text(encoding="utf-8").splitlines().index("- id: wang-zhiyong") + 1
    assert 0 < int(m.group(2)) < 20000
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [page]  # no temporary file left either


def test_overset_allowed_marks_the_proof(make_pdf, tmp_path: Path):
    page = overset_page(tmp_path)
    out = tmp_path / "long.pdf"
    proc = make_pdf(page, "-o", out, "--allow-overset")
    assert proc.returncode == 1, proc.stderr
    count = int(re.search(r"profile 'wang-zhiyong': (\d+) characters overset", proc.stderr).group(1))
    assert out.read_bytes().startswith(b"%PDF-")
    assert f"超版{count}字" in squash(pdftotext_raw(out))


def test_overset_count_is_what_is_not_set(tmp_path: Path):
    rendered = render(overset_page(tmp_path), mark_overset=True)
    (report,) = rendered.makeup.modules
    frame = rendered.makeup.frame
    set_chars = sum(i.end - i.start for i in frame.items if isinstance(i, TextItem) and i.role == "body")
    assert set_chars + report.overset_chars == 20000
    marks = [i for i in frame.items if isinstance(i, MarkItem)]
    assert [m.label for m in marks] == [f"超版 {report.overset_chars} 字"]


@pytest.mark.parametrize(
    ("line", "replacement", "expected"),
    [
        pytest.param(
            "page: 3", "page: 0", r":(\d+):7: page: expected a page number \(版次\) from 1 to 999, got 0$", id="page-0"
        ),
    ],
)
def test_bad_input(make_pdf, tmp_path: Path, line, replacement, expected):
    text = SEED.read_text(encoding="utf-8")
    assert line in text
    page = tmp_path / "bad.yaml"
    page.write_text(text.replace(line, replacement, 1), encoding="utf-8")
    last = replacement.splitlines()[-1]
    want_line = next(n for n, ln in enumerate(page.read_text(encoding="utf-8").splitlines(), 1) if ln.startswith(last))
    out = tmp_path / "out.pdf"
    out.write_bytes(b"sentinel")
    proc = make_pdf(page, "-o", out)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    m = re.fullmatch(rf"error: {re.escape(str(page))}" + expected, lines[0])
    assert m, lines[0]
    assert int(m.group(1)) == want_line
    assert out.read_bytes() == b"sentinel"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "out.pdf"]


def test_missing_page_file(make_pdf, tmp_path: Path):
    proc = make_pdf(tmp_path / "nope.yaml", "-o", tmp_path / "out.pdf")
    assert proc.returncode == 2
    assert proc.stderr == f"error: {tmp_path / 'nope.yaml'}: no such file\n"


def test_impossible_date_is_bad_input(make_pdf, tmp_path: Path):
    text = SEED.read_text(encoding="utf-8").replace("date: 2021-07-15", "date: 2021-02-30", 1)
    page = tmp_path / "bad.yaml"
    page.write_text(text, encoding="utf-8")
    proc = make_pdf(page, "-o", tmp_path / "out.pdf")
    assert proc.returncode == 2
    assert re.fullmatch(rf"error: {re.escape(str(page))}:\d+: date: .*\n", proc.stderr)


def test_long_url_in_body_renders(tmp_path: Path):
    data = seed_data()
    data["profiles"] = data["profiles"][:2]
    data["profiles"][0]["body"][0] += "详见https://www.example.com/a/very/long/path/to/the/page/index.html网站。"
    page = write_page(tmp_path / "url.yaml", data)
    try:
        proc = subprocess.run(
            [sys.executable, str(ROOT / "make_pdf.py"), str(page), "-o", str(tmp_path / "url.pdf")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("make_pdf.py still running after 5 s")
    assert proc.returncode in (0, 1), proc.stderr


def test_help_mentions_every_option(make_pdf):
    proc = make_pdf("--help")
    assert proc.returncode == 0
    for option in OPTIONS:
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", proc.stdout), option
    assert "page" in proc.stdout
    assert "Exit status" in proc.stdout


def test_report_json(make_pdf, tmp_path: Path):
    import json

    report = tmp_path / "report.json"
    proc = make_pdf("-o", tmp_path / "seed.pdf", "--report", report, "-q")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [m["id"] for m in data["modules"]] == [p["id"] for p in seed_data()["profiles"]]
    assert data["overset"] == []
    assert data["style"] == "broadsheet"
    assert data["normalized_punctuation"][","] > 200


def test_tabloid(make_pdf, tmp_path: Path):
    data = seed_data()
    data["profiles"] = data["profiles"][:3]
    page = write_page(tmp_path / "three.yaml", data)
    out = tmp_path / "three.pdf"
    proc = make_pdf(page, "--style", "tabloid", "-o", out)
    assert proc.returncode in (0, 1), proc.stderr
    assert "style tabloid" in proc.stdout
    w, h = page_size_pt(out)
    assert w == pytest.approx(270 * 72 / 25.4, abs=0.01)
    assert h == pytest.approx(390 * 72 / 25.4, abs=0.01)
    assert_fonts_embedded(out)
    flat = squash(pdftotext_raw(out))
    texts = normalized_texts(render(page, style="tabloid").page)[0]
    for path, text in texts.items():
        if ".body[" in path:
            assert squash(text) in flat, path


def test_verbose_prints_the_page_report(make_pdf, tmp_path: Path):
    proc = make_pdf("-v", "-o", tmp_path / "v.pdf")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("第3版 ") and lines[0].endswith("seed.yaml")
    assert lines[1].split() == [
        "module",
        "cols",
        "rows",
        "photo",
        "legs",
        "blank",
        "overset",
        "rules",
        "broken",
        "/",
        "notes",
    ]
    ids = {p["id"] for p in yaml.safe_load(SEED.read_text(encoding="utf-8"))["profiles"]}
    assert len(ids) == 8
    assert sum(1 for line in lines if line.split()[:1] and line.split()[0] in ids) == 8
    assert any(line.startswith("module zone: 87 rows") for line in lines)


def test_unknown_field_is_a_warning_with_did_you_mean(make_pdf, tmp_path: Path):
    # more than two edits from every known field: not a misspelling (paperr: would be an error, exit 2)
    text = SEED.read_text(encoding="utf-8")
    page = tmp_path / "typo.yaml"
    page.write_text(text.replace("paper: '辽源日报'", "paper: '辽源日报'\npaper_name: x", 1), encoding="utf-8")
    proc = make_pdf(page, "-o", tmp_path / "typo.pdf")
    assert proc.returncode == 1  # written, with the warning
    assert re.search(
        r"typo.yaml:\d+:1: warning: paper_name: unknown field 'paper_name', ignored \(did you mean 'paper'\?\)",
        proc.stderr,
    )
