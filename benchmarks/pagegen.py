"""Generate test pages: N profiles of chosen lengths, text drawn from the seed page.

    python benchmarks/pagegen.py OUT.yaml --profiles 8 --min 300 --max 700 --seed 1

Deterministic for a given seed. Used by tests and benchmarks to try the
engine on pages it was not tuned on.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _sentences() -> list[str]:
    page = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    text = "".join("".join(p["body"]) for p in page["profiles"])
    out, cur = [], ""
    for ch in text:
        cur += ch
        if ch in "。！？":
            out.append(cur)
            cur = ""
    return [s for s in out if len(s) > 8]


def make_page(profiles: int, lo: int, hi: int, seed: int, photo_share: float = 0.8, quote_share: float = 0.6) -> dict:
    rng = random.Random(seed)
    sents = _sentences()
    names = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
    page = {
        "paper": "示例日报",
        "date": "2024-03-15",
        "page": rng.randint(2, 16),
        "section": "身边榜样",
        "editor": "责任编辑 示例",
        "headline": "平凡岗位上的不平凡坚守",
        "subhead": "（基层工作者风采录）",
        "intro": ["".join(rng.sample(sents, 3))],
        "profiles": [],
    }
    for i in range(profiles):
        target = rng.randint(lo, hi)
        body, para = [], ""
        while sum(map(len, body)) + len(para) < target:
            para += rng.choice(sents)
            if len(para) > rng.randint(80, 260):
                body.append(para)
                para = ""
        if para:
            body.append(para)
        name = rng.choice(names) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.6 else "")
        prof = {
            "id": f"p{i + 1:02d}",
            "headline": rng.choice(sents)[: rng.randint(8, 20)].rstrip("，、；：。"),
            "name": name,
            "role": rng.choice(["社区党委书记", "环卫中心科长", "公交公司团支部副书记", "街道办事处主任"]),
            "body": body,
        }
        if rng.random() < photo_share:
            prof["photo"] = {"caption": f"{name}在工作现场"}
        if rng.random() < quote_share:
            prof["quote"] = {"text": rng.choice(sents), "by": name}
        page["profiles"].append(prof)
    return page


def photo_image(px: int, mode: str = "RGB"):
    """A synthetic photograph (a gradient with a few coloured shapes), ``px`` wide at 4:3."""
    from PIL import Image, ImageDraw

    w, h = px, px * 3 // 4
    img = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    draw = ImageDraw.Draw(img)
    draw.ellipse((w // 4, h // 4, w // 2, h * 3 // 4), fill=(200, 60, 40))
    draw.rectangle((w * 2 // 3, h // 5, w * 9 // 10, h // 2), fill=(30, 90, 160))
    return img.convert(mode)


def make_photo(path: Path, px: int) -> Path:
    """The synthetic photograph written to ``path`` (JPEG), for pages that need an image file."""
    photo_image(px).save(path, quality=90)
    return path


def seed_with_photos(folder: Path, px: int = 1800) -> Path:
    """The seed page, written to ``folder``, with a synthetic photo file ``px`` wide for
    every photo box (the seed has the boxes but no files)."""
    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    make_photo(folder / "photo.jpg", px)
    for p in data["profiles"]:
        if p.get("photo") is not None:
            p["photo"]["file"] = "photo.jpg"
    path = folder / "page.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--profiles", type=int, default=8)
    ap.add_argument("--min", type=int, default=300)
    ap.add_argument("--max", type=int, default=700)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    page = make_page(a.profiles, a.min, a.max, a.seed)
    a.out.write_text(yaml.safe_dump(page, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
