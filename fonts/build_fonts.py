"""Rebuild the bundled fonts from their Debian sources (build time, not per page).

    apt-get install fonts-noto-cjk fonts-lxgw-wenkai
    python fonts/build_fonts.py            # all faces
    python fonts/build_fonts.py serif      # one face
    python fonts/build_fonts.py --gap-only # only the padded Latin companions, from the committed faces

Each output is a TrueType-outline font (reportlab cannot embed CFF) with the
coverage of ``layout.fonts.prepare.COVERAGE_BLOCKS`` and a new, unique name:
modified Noto fonts should not carry the Noto trademark, and the OFL reserves
the names "霞鹜" and "LXGW" for unmodified LXGW WenKai.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layout.fonts.prepare import make_core, make_gap, make_halt, make_hant, prepare_font  # noqa: E402

HERE = Path(__file__).resolve().parent
NOTO = Path("/usr/share/fonts/opentype/noto")
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai")

# key: (source file, face index, output file, family, style, PostScript name, note)
FACES = {
    "serif": (
        NOTO / "NotoSerifCJK-Regular.ttc",
        2,
        "BanmianSerifSC-Regular.ttf",
        "Banmian Serif SC",
        "Regular",
        "BanmianSerifSC-Regular",
        "Body text (Song/Ming). Derived from Noto Serif CJK SC 2.001 (Debian fonts-noto-cjk), SIL OFL 1.1.",
    ),
    "sans-bold": (
        NOTO / "NotoSansCJK-Bold.ttc",
        2,
        "BanmianSansSC-Bold.ttf",
        "Banmian Sans SC",
        "Bold",
        "BanmianSansSC-Bold",
        "Headlines (Hei). Derived from Noto Sans CJK SC Bold 2.004 (Debian fonts-noto-cjk), SIL OFL 1.1.",
    ),
    "kai": (
        WENKAI / "LXGWWenKai-Regular.ttf",
        0,
        "BanmianKai-Regular.ttf",
        "Banmian Kai",
        "Regular",
        "BanmianKai-Regular",
        "Quotes and captions (Kai). Modified from LXGW WenKai 1.250 (Debian fonts-lxgw-wenkai), SIL OFL 1.1.",
    ),
}


def gap_companions(key: str) -> list[Path]:
    """The padded Latin companions of one bundled face (``*.gaplead.ttf`` …), made from the
    face file here: this step needs no Debian font package."""
    out, ps_name = FACES[key][2], FACES[key][5]
    return make_gap(HERE / out, ps_name)


def main(argv: list[str]) -> int:
    gap_only = "--gap-only" in argv
    keys = [a for a in argv if a != "--gap-only"] or list(FACES)
    for key in keys:
        src, index, out, family, style, ps_name, note = FACES[key]
        t = time.perf_counter()
        if gap_only:
            gap = gap_companions(key)
            print(f"{out}: {', '.join(f'{p.name} {p.stat().st_size} B' for p in gap)}")
            continue
        made = prepare_font(src, HERE / out, family=family, style=style, ps_name=ps_name, face_index=index, note=note)
        core = make_core(made.path, ps_name + "-Core")
        halt = make_halt(made.path, ps_name + "-Halt")
        hant = make_hant(made.path, ps_name + "-Hant")
        gap = gap_companions(key)
        size = sum(p.stat().st_size for p in (made.path, core, halt, hant, *gap)) / 1e6
        print(
            f"{out}: {made.glyphs} glyphs, {made.codepoints} code points, {size:.1f} MB, "
            f"{time.perf_counter() - t:.0f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
