# ruff: noqa: E501  (the dense page below is YAML, one paragraph a line)
"""Text copied out of our PDFs is the source text (issue 12, item 5).

The quarter em between Han and Latin or digits is typography, not a space: pdftotext
(default and -raw) and PyMuPDF must read ``2020年6月10日`` where the page says so, and
a space only where the source has one. And a plain render is dated by the page (or
SOURCE_DATE_EPOCH), not by reportlab's invariant 2000-01-01.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pymupdf
import pytest

from layout.frame import TextItem
from layout.render import Rendered, normalized_texts, render

SPACES = re.compile(r"\s+")

DENSE = textwrap.dedent(
    """\
    paper: '科技日报'
    date: 2024-03-05
    page: 2
    section: '数字经济'
    editor: '责任编辑 王芳'
    headline: '2023年GDP增长5.2% 数字经济规模达56.1万亿元'
    intro:
      - '国家统计局2024年1月17日发布数据:2023年全年国内生产总值(GDP)为1260582亿元,比上年增长5.2%。其中第四季度增长5.2%,比第三季度加快0.3个百分点。全年CPI上涨0.2%,PPI下降3.0%,城镇调查失业率平均值为5.2%。'
    profiles:
      - id: chips
        headline: '芯片产业:从28nm到5nm的追赶'
        name: '李明'
        role: '记者'
        body:
          - '2023年10月,华为发布新款手机,搭载自研芯片;同年9月,苹果发布iPhone 15系列,采用A17 Pro芯片,基于TSMC 3nm工艺。IDC数据显示,2023年第四季度中国智能手机出货量为7363万台,同比增长1.2%。'
          - '据SEMI统计,2023年全球半导体设备销售额为1063亿美元,同比下降1.3%;中国大陆以366亿美元连续第四年成为最大市场。ASML在2023财年营收为276亿欧元,EUV光刻机出货53台。'
          - '业内人士指出,AI大模型带动GPU需求,NVIDIA的H100售价约2.5万至4万美元。OpenAI于2022年11月30日发布ChatGPT,两个月内用户突破1亿。咨询电话010-68520000。'
      - id: health
        headline: '公共卫生:COVID-19之后的新常态'
        name: '陈静'
        role: '通讯员'
        body:
          - '世界卫生组织(WHO)于2023年5月5日宣布,COVID-19不再构成国际关注的突发公共卫生事件。我国疫苗接种超过34亿剂次,全程接种率达90.0%以上。'
          - '2024年春运期间(1月26日至3月5日),全社会跨区域人员流动量预计达90亿人次,其中铁路4.8亿人次、民航8300万人次。12306网站日均访问量超过500亿次,高峰时段每秒售票1000张以上。'
          - '市疾控中心提醒:出现发热、咳嗽等症状,请及时就医,或拨打健康热线12320咨询。3月1日起,门诊时间调整为8:00至17:30,节假日正常接诊。Dr. Smith said the new rules will help patients in Beijing and Shanghai.'
    """
)

LOOSE_EM = 0.1  # wider than this between two glyphs, poppler starts a new word (MuPDF: 0.15 em after Latin)


def squeeze(text: str) -> str:
    """Whitespace as poppler writes it: any run of it one space (two source spaces read as one)."""
    return SPACES.sub(" ", text).strip()


def pdftotext(pdf: Path, *mode: str) -> str:
    proc = subprocess.run(["pdftotext", *mode, str(pdf), "-"], capture_output=True, text=True, check=True)
    return proc.stdout


def mupdf_text(pdf: Path) -> str:
    with pymupdf.open(pdf) as doc:
        return "".join(page.get_text() for page in doc)


def lines(rendered: Rendered) -> list[TextItem]:
    return [item for item in rendered.makeup.frame.items if isinstance(item, TextItem)]


def loose(item: TextItem) -> bool:
    """A line justified so loosely that glyphs stand apart: drawn with an ActualText, which
    poppler reads; MuPDF still reads a space after a Latin glyph followed by more than
    0.15 em (a composition matter, not how gaps are drawn). Han–Latin gaps are not counted."""
    least = LOOSE_EM * item.size
    runs = item.runs
    spread = any(len(r.text) > 1 and r.char_space > least for r in runs)
    apart = any(b.x - (a.x + a.width) > least + 0.25 * item.size for a, b in zip(runs, runs[1:]))
    return spread or apart


def paragraphs(rendered: Rendered) -> dict[str, str]:
    """Body and intro paragraphs (normalised source text) that the page sets."""
    texts, _ = normalized_texts(rendered.page)
    set_here = {item.source for item in lines(rendered)}
    return {k: v for k, v in texts.items() if k in set_here and re.search(r"(^intro|\.body)\[\d+\]$", k)}


def check_lines(rendered: Rendered, extracted: str, skip_loose: bool = False) -> list[str]:
    """Every line of the page appears, exactly, within one extracted line (poppler joins lines
    of neighbouring columns that share a baseline, so a line may sit inside a longer one)."""
    out = {squeeze(line) for line in extracted.splitlines() if line.strip()}
    joined = "\n".join(out)
    missing = []
    for item in lines(rendered):
        if skip_loose and loose(item):
            continue
        want = squeeze(item.text)
        if want and want not in joined:
            missing.append(want)
    return missing


def check_paragraphs(extracted: str, paras: dict[str, str]) -> list[str]:
    """Every paragraph appears exactly once the extracted lines are joined (PyMuPDF keeps lines apart
    and in drawing order, so a paragraph's lines follow each other)."""
    joined = "".join(extracted.splitlines())
    return [text for text in paras.values() if text not in joined]


def test_frame_lines_cover_each_paragraph(seed_rendered: Rendered) -> None:
    """The comparison's footing: a paragraph's lines, in order of their offsets, are its text."""
    by_source: dict[str, list[TextItem]] = {}
    for item in lines(seed_rendered):
        by_source.setdefault(item.source, []).append(item)
    paras = paragraphs(seed_rendered)
    assert len(paras) > 20
    for source, text in paras.items():
        items = sorted(by_source[source], key=lambda i: i.start)
        assert "".join(i.text for i in items) == text, source


@pytest.mark.parametrize("mode", [(), ("-raw",)], ids=["default", "raw"])
def test_seed_pdftotext_is_the_source(seed_pdf: Path, seed_rendered: Rendered, mode: tuple[str, ...]) -> None:
    text = pdftotext(seed_pdf, *mode)
    assert check_lines(seed_rendered, text) == []  # loose lines too: poppler reads their ActualText
    assert "2021年7月15日 星期四" in text  # the running head's date: a real space before 星期四
    assert "2020年6月10日" in text


def test_seed_mupdf_is_the_source(seed_pdf: Path, seed_rendered: Rendered) -> None:
    text = mupdf_text(seed_pdf)
    assert check_lines(seed_rendered, text, skip_loose=True) == []
    assert sum(loose(item) for item in lines(seed_rendered)) <= 2  # 42次，清理乱堆乱放杂物: 0.16 em apart
    tight = {
        k: v
        for k, v in paragraphs(seed_rendered).items()
        if not any(loose(i) for i in lines(seed_rendered) if i.source == k)
    }
    assert check_paragraphs(text, tight) == []
    assert "2021年7月15日 星期四" in text


@pytest.fixture(scope="module")
def dense(tmp_path_factory: pytest.TempPathFactory) -> tuple[Rendered, Path]:
    """A page dense with numbers and Latin, rendered in process and written out."""
    folder = tmp_path_factory.mktemp("dense")
    page = folder / "dense.yaml"
    page.write_text(DENSE, encoding="utf-8")
    rendered = render(page)
    pdf = folder / "dense.pdf"
    pdf.write_bytes(rendered.pdf)
    return rendered, pdf


def test_dense_page_sets_gaps(dense: tuple[Rendered, Path]) -> None:
    """The page does what it is for: many Han–Latin gaps, and few loose lines."""
    rendered, _ = dense
    items = lines(rendered)
    gaps = sum(
        1 for item in items for a, b in zip(item.runs, item.runs[1:]) if b.x - (a.x + a.width) >= LOOSE_EM * item.size
    )
    assert gaps > 80
    assert sum(loose(item) for item in items) <= len(items) // 10


@pytest.mark.parametrize("mode", [(), ("-raw",)], ids=["default", "raw"])
def test_dense_pdftotext_is_the_source(dense: tuple[Rendered, Path], mode: tuple[str, ...]) -> None:
    rendered, pdf = dense
    text = pdftotext(pdf, *mode)
    assert check_lines(rendered, text) == []  # loose lines too: poppler reads their ActualText
    for phrase in ("2023年GDP增长5.2%", "iPhone 15系列", "COVID-19不再", "010-68520000", "Dr. Smith said the new"):
        assert phrase in squeeze(text.replace("\n", "")), phrase


def test_dense_mupdf_is_the_source(dense: tuple[Rendered, Path]) -> None:
    rendered, pdf = dense
    text = mupdf_text(pdf)
    assert check_lines(rendered, text, skip_loose=True) == []
    joined = "".join(text.splitlines())
    for phrase in ("2023年GDP增长5.2%", "2024年1月17日", "iPhone 15系列", "COVID-19", "12306网站", "8:00至17:30"):
        assert phrase in joined, phrase


def info_date(pdf: Path, key: str) -> str:
    with pymupdf.open(pdf) as doc:
        return doc.metadata[key]


def test_plain_render_is_dated_by_the_page(seed_pdf: Path) -> None:
    assert info_date(seed_pdf, "creationDate") == "D:20210715000000+00'00'"
    assert info_date(seed_pdf, "modDate") == "D:20210715000000+00'00'"


def test_source_date_epoch_dates_a_plain_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_pdf) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (first, second):
        proc = make_pdf("-o", out)
        assert proc.returncode == 0, proc.stderr
    assert info_date(first, "creationDate") == "D:20231114221320+00'00'"
    assert first.read_bytes() == second.read_bytes()


def test_drawing_the_gaps_imports_no_font_tools(tmp_path: Path) -> None:
    """The padded Latin fonts are build-time companions of each face: rendering the default
    page (its gaps drawn from them) reads their files and never imports fontTools."""
    code = (
        "import sys\n"
        "from layout.render import render\n"
        "from layout.resources import default_page\n"
        "render(default_page())\n"
        "print(sorted(m for m in sys.modules if m.lower().startswith('fonttools')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_a_loose_line_carries_its_text_for_extractors(seed_pdf: Path, seed_rendered: Rendered) -> None:
    """Only lines whose glyphs stand a word space apart get an ActualText span, with their exact text."""
    import pikepdf

    spread = [item.text for item in lines(seed_rendered) if loose(item)]
    assert spread  # the seed page has one: 42次，清理乱堆乱放杂物
    with pikepdf.open(seed_pdf) as pdf:
        spans = [
            bytes(operands[1]["/ActualText"]).decode("utf-16")
            for operands, op in pikepdf.parse_content_stream(pdf.pages[0])
            if str(op) == "BDC" and "/ActualText" in operands[1]
        ]
    assert spans == spread
