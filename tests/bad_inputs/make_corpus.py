"""Writes the corpus of bad inputs (run once; the files are kept in the repository).

    python tests/bad_inputs/make_corpus.py [case ...]   (named cases only, or all)

Each case is a folder with the files of one run and ``case.json``: the command's
arguments (relative to the folder) and the exact error it must print. The test
``tests/test_bad_inputs.py`` runs every case and checks exit status 2, that exact
message, no traceback, and nothing written.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

GOOD = """\
paper: 测试日报
date: 2021-07-15
page: 3
section: 测试版
headline: 测试标题
profiles:
  - id: first
    headline: 第一篇
    name: 张三
    body:
      - 第一段正文。
  - id: second
    headline: 第二篇
    name: 李四
    body:
      - 第二段正文。
"""


def good(**replace: str) -> str:
    text = GOOD
    for old, new in replace.items():
        text = text.replace(old.replace("__", " "), new, 1)
    return text


def jpeg(px: int = 64) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (px, px * 3 // 4), (120, 90, 60)).save(buf, "JPEG")
    return buf.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a huge size (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def two_page_pdf() -> bytes:
    """A PDF of two pages (an ad must be one)."""
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(200, 50), invariant=1)
    c.showPage()
    c.showPage()
    c.save()
    return buf.getvalue()


def with_ad(ad: str) -> str:
    return GOOD + "ads:\n  - " + ad + "\n"


def with_photo(name: str) -> str:
    photo = f"    photo:\n      file: {name}\n      caption: 图\n"
    return GOOD.replace("      - 第一段正文。\n", "      - 第一段正文。\n" + photo, 1)


CASES: dict[str, dict] = {
    # -- the file itself
    "empty-file": {"files": {"page.yaml": ""}},
    "only-comments": {"files": {"page.yaml": "# nothing here\n"}},
    "a-list-not-a-page": {"files": {"page.yaml": "- a\n- b\n"}},
    "syntax-error": {"files": {"page.yaml": good(**{"name: 张三": "name: 张三: 李"})}},
    "tab-indent": {"files": {"page.yaml": good(**{"    name: 张三": "\tname: 张三"})}},
    "control-character": {"files": {"page.yaml": good(**{"测试标题": "测试\x07标题"})}},
    "binary-junk": {"files": {"page.yaml": bytes(range(256)) * 8}},
    "gbk-encoded": {"files": {"page.yaml": GOOD.encode("gbk")}},
    "utf16-encoded": {"files": {"page.yaml": GOOD.encode("utf-16")}},
    "alias-bomb": {
        "files": {
            "page.yaml": "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
        }
    },
    "deep-nesting": {"files": {"page.yaml": "paper: " + "[" * 5000 + "]" * 5000 + "\n"}},
    "duplicate-key": {"files": {"page.yaml": good(**{"page: 3": "page: 3\npage: 4"})}},
    "folder-not-file": {"files": {"page.yaml/x": ""}},
    "no-such-file": {"files": {"README.txt": "The run names a missing page file.\n"}, "args": ["missing.yaml"]},
    # -- fields
    "missing-headline": {"files": {"page.yaml": good(**{"headline: 测试标题\n": ""})}},
    "missing-profiles": {"files": {"page.yaml": GOOD.split("profiles:")[0]}},
    "empty-profiles": {"files": {"page.yaml": GOOD.split("profiles:")[0] + "profiles: []\n"}},
    "profile-without-body": {"files": {"page.yaml": good(**{"    body:\n      - 第二段正文。\n": ""})}},
    "empty-body": {"files": {"page.yaml": good(**{"    body:\n      - 第二段正文。\n": "    body: []\n"})}},
    "body-a-string": {  # YAML folds the two lines into one paragraph, with a stray space
        "files": {"page.yaml": good(**{"      - 第二段正文。\n": "      第二段正文，\n      第三段正文。\n"})}
    },
    "misspelt-field": {  # the pull quote would vanish from the page
        "files": {"page.yaml": good(**{"    name: 李四": "    name: 李四\n    qoute:\n      text: 一句话。"})}
    },
    "bidi-in-rtl-text": {"files": {"page.yaml": good(**{"第二段正文。": "以色列报纸\u202bשלום\u202c报道。"})}},
    "body-item-a-number": {"files": {"page.yaml": good(**{"      - 第二段正文。": "      - 42"})}},
    "headline-a-list": {"files": {"page.yaml": good(**{"    headline: 第一篇": "    headline: [一, 二]"})}},
    "date-a-word": {"files": {"page.yaml": good(**{"date: 2021-07-15": "date: tomorrow"})}},
    "impossible-date": {"files": {"page.yaml": good(**{"date: 2021-07-15": "date: 2021-02-30"})}},
    "page-zero": {"files": {"page.yaml": good(**{"page: 3": "page: 0"})}},
    "page-in-chinese": {"files": {"page.yaml": good(**{"page: 3": "page: 三"})}},
    "unknown-lang": {"files": {"page.yaml": GOOD + "lang: en\n"}},
    "bad-id": {"files": {"page.yaml": good(**{"id: second": "id: 第二"})}},
    "duplicate-id": {"files": {"page.yaml": good(**{"id: second": "id: first"})}},
    "span-zero": {"files": {"page.yaml": good(**{"    name: 李四": "    name: 李四\n    span: 0"})}},
    "row-not-a-number": {"files": {"page.yaml": good(**{"    name: 李四": "    name: 李四\n    row: top"})}},
    "three-problems-at-once": {
        "files": {
            "page.yaml": good(**{"page: 3": "page: 0", "date: 2021-07-15": "date: tomorrow", "id: second": "id: 7"})
        }
    },
    "field-too-long": {"files": {"page.yaml": good(**{"第二段正文。": "长" * 25_000})}},
    "character-no-font-has": {"files": {"page.yaml": good(**{"第二段正文。": "第二段\ue000正文。"})}},
    "pins-impossible": {
        "files": {"page.yaml": good(**{"    name: 李四": "    name: 李四\n    span: 2\n    column: 8"})}
    },
    "too-many-profiles": {
        "files": {
            "page.yaml": GOOD.split("profiles:")[0]
            + "profiles:\n"
            + "".join(
                f"  - id: p{i}\n    headline: 标题{i}\n    name: 某{i}\n    brief: false\n"
                f"    body: [{'正文，' * 100}]\n"
                for i in range(150)
            )
        }
    },
    "overset": {"files": {"page.yaml": good(**{"第二段正文。": "很长的正文，" * 3000})}},
    # -- photos
    "photo-missing": {"files": {"page.yaml": with_photo("nothing.jpg")}},
    "photo-truncated": {"files": {"page.yaml": with_photo("cut.jpg"), "cut.jpg": jpeg(400)[:300]}},
    "photo-not-an-image": {"files": {"page.yaml": with_photo("text.jpg"), "text.jpg": "这不是图片\n"}},
    "photo-bomb": {"files": {"page.yaml": with_photo("bomb.png"), "bomb.png": png_header(100_000, 100_000)}},
    "photo-outside-folder": {"files": {"page.yaml": with_photo("../outside.jpg")}},
    "photo-a-folder": {"files": {"page.yaml": with_photo("photos"), "photos/x": ""}},
    # -- booked ads
    "ad-size-and-columns": {"files": {"page.yaml": with_ad("{id: bank, size: 通栏, columns: 8, position: foot}")}},
    "ad-columns-without-height": {"files": {"page.yaml": with_ad("{id: bank, columns: 8, position: foot}")}},
    "ad-duplicate-id": {
        "files": {
            "page.yaml": with_ad(
                "{id: bank, size: 通栏, position: foot}\n  - {id: bank, size: 报眼, position: top-right}"
            )
        }
    },
    "ad-artwork-missing": {"files": {"page.yaml": with_ad("{id: bank, size: 通栏, position: foot, file: bank.pdf}")}},
    "ad-artwork-two-pages": {
        "files": {
            "page.yaml": with_ad("{id: bank, size: 通栏, position: foot, file: bank.pdf}"),
            "bank.pdf": two_page_pdf(),
        }
    },
    "ad-press-without-artwork": {
        "files": {"page.yaml": with_ad("{id: bank, size: 通栏, position: foot}")},
        "args": ["page.yaml", "--press"],
    },
    # -- styles and fonts
    "unknown-style": {"files": {"page.yaml": GOOD + "style: nosuchstyle\n"}},
    "style-bad-size": {"files": {"page.yaml": GOOD + "style: s.yaml\n", "s.yaml": "STYLE:size: 大五"}},
    "style-thin-rule": {"files": {"page.yaml": GOOD + "style: s.yaml\n", "s.yaml": "STYLE:hairline: 0.1"}},
    "style-missing-font": {"files": {"page.yaml": GOOD + "style: s.yaml\n", "s.yaml": "STYLE:kai: NoSuchFont.ttf"}},
    "misspelt-style-field": {
        "files": {"page.yaml": GOOD + "style: s.yaml\n", "s.yaml": "STYLEKEY:leading_min: leadign_min"}
    },
    # -- editions
    "edition-missing-page": {
        "files": {"ed.yaml": "edition: 测试\npages: [p1.yaml, nothing.yaml]\n", "p1.yaml": GOOD},
        "args": ["ed.yaml"],
    },
    "edition-jump-backwards": {
        "files": {
            "ed.yaml": "pages: [p1.yaml, {file: p2.yaml, jump_to: 3}]\n",
            "p1.yaml": GOOD,
            "p2.yaml": good(**{"page: 3": "page: 4"}),
        },
        "args": ["ed.yaml"],
    },
    "misspelt-edition-field": {
        "files": {"ed.yaml": "edition: 测试\njumsp: false\npages: [p1.yaml]\n", "p1.yaml": GOOD},
        "args": ["ed.yaml"],
    },
    "edition-same-page-number": {
        "files": {"ed.yaml": "pages: [p1.yaml, p2.yaml]\n", "p1.yaml": GOOD, "p2.yaml": GOOD},
        "args": ["ed.yaml"],
    },
    # -- output and options
    "output-is-a-folder": {"files": {"page.yaml": GOOD, "out.pdf/x": ""}, "args": ["page.yaml", "-o", "out.pdf"]},
    "icc-not-a-profile": {
        "files": {"page.yaml": GOOD, "p.icc": "not a profile"},
        "args": ["page.yaml", "--press", "--icc", "p.icc"],
    },
}


def style_text(change: str, *, rename: bool = False) -> str:
    """The built-in broadsheet style with one line changed ('key: value' after 'STYLE:'), or
    one key renamed ('key: new key' after 'STYLEKEY:')."""
    base = (HERE.parent.parent / "layout" / "styles" / "broadsheet.yaml").read_text(encoding="utf-8")
    key, value = change.split(": ", 1)
    out = []
    done = False
    for line in base.splitlines():
        stripped = line.lstrip()
        if not done and stripped.startswith(f"{key}:"):
            indent = line[: len(line) - len(stripped)]
            line = f"{indent}{value}{stripped[len(key) :]}" if rename else f"{indent}{key}: {value}"
            done = True
        out.append(line)
    assert done, change
    return "\n".join(out) + "\n"


def main(names: list[str]) -> None:
    expected = {}  # the reviewed error of each case survives a rebuild
    for old in HERE.iterdir():
        if old.is_dir() and (not names or old.name in names):
            if (old / "case.json").is_file():
                expected[old.name] = json.loads((old / "case.json").read_text(encoding="utf-8"))["error"]
            shutil.rmtree(old)
    for name, case in CASES.items():
        if names and name not in names:
            continue
        folder = HERE / name / "case"
        folder.mkdir(parents=True)
        for rel, content in case["files"].items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str) and content.startswith("STYLE:"):
                content = style_text(content[len("STYLE:") :])
            if isinstance(content, str) and content.startswith("STYLEKEY:"):
                content = style_text(content[len("STYLEKEY:") :], rename=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        args = case.get("args", ["page.yaml"])
        (HERE / name / "case.json").write_text(
            json.dumps({"args": args, "error": expected.get(name, "")}, ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main(sys.argv[1:])
