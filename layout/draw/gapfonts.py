"""Latin glyphs that carry the Han–Latin gap in their advance, so extracted text has no space.

The line breaker puts a quarter em between Han and Latin or digits. Drawn as a jump of
the text position, every text extractor reads that jump as a word space (`2020 年 6 月`):
poppler breaks a word at a gap over 0.1 em, MuPDF adds a space after a Latin character
followed by a gap over 0.15 em. Both measure a gap from the end of a glyph's *advance*
(the font's /Widths), not its ink, and neither honours ActualText that repeats the drawn
characters (MuPDF strips the matching part and applies its spacing rule to it).

So the gap is put inside the advance of the Latin glyph beside it, drawn from a variant of
the face whose Latin glyphs are a quarter em wider: "trail" (the extra after the ink, for
a glyph before a gap), "lead" (before the ink, outline moved right by the same amount, for
a glyph after a gap; drawn a quarter em further left) and "both". The ink lands exactly
where it did, the font program and /Widths agree, and the characters (and ToUnicode) are
the same, so every extractor reads the source text.

The variants are made once per process from the face file the page registers (its
Latin, digits and Latin-1 glyphs only: a few kilobytes), in memory and deterministically.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts

# Characters at the edge of a Latin run (breaker.LATIN_RUN): ASCII, Latin-1 and
# Latin Extended-A/B, and the closing signs a run may end with.
REPERTOIRE = (*range(0x21, 0x7F), *range(0xA0, 0x250), 0x2019, 0x2030, 0x2103)
PAD_EM = 0.25  # the gap carried by a padded glyph (the breaker's Han–Latin gap)
VARIANTS = {"lead": (1, 0), "trail": (0, 1), "both": (1, 1)}


@dataclass(frozen=True)
class GapFonts:
    """The registered reportlab names of one face's padded variants."""

    names: dict[str, str]  # "lead" | "trail" | "both" → reportlab font name
    chars: frozenset[str]  # the characters they cover
    pad_em: float = PAD_EM


_MADE: dict[tuple[str, str], GapFonts] = {}


def _padded(src: Path, lead: int, trail: int, ps_name: str) -> io.BytesIO:
    """``src`` cut to its Latin glyphs, each ``PAD_EM`` wider before and/or after its ink."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(src), recalcTimestamp=False, lazy=True)
    cmap = font.getBestCmap()
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[cp for cp in REPERTOIRE if cp in cmap])
    sub.subset(font)
    pad = round(font["head"].unitsPerEm * PAD_EM)
    glyf, hmtx = font["glyf"], font["hmtx"]
    for name in font.getGlyphOrder()[1:]:  # .notdef stays as it is
        glyph = glyf[name]
        if lead and glyph.numberOfContours:
            if glyph.isComposite():
                for component in glyph.components:
                    component.x += pad
            else:
                glyph.coordinates.translate((pad, 0))
            glyph.recalcBounds(glyf)
        advance = hmtx[name][0]
        hmtx[name] = (advance + pad * (lead + trail), glyph.xMin if glyph.numberOfContours else 0)
    for rec in font["name"].names:
        if rec.nameID in (3, 6):
            rec.string = ps_name
    out = io.BytesIO()
    font.save(out)
    out.seek(0)
    return out


def gap_fonts(src: Path, ps_name: str) -> GapFonts:
    """The padded variants of the font file ``src`` (registered as ``ps_name``), made and
    registered with reportlab once per process."""
    key = (str(src), ps_name)
    if key not in _MADE:
        names = {}
        chars: frozenset[str] = frozenset()
        for variant, (lead, trail) in VARIANTS.items():
            name = f"{ps_name}-Gap{variant.capitalize()}"
            if name not in pdfmetrics.getRegisteredFontNames():
                font = ttfonts.TTFont(name, _padded(src, lead, trail, name))
                pdfmetrics.registerFont(font)
            registered = pdfmetrics.getFont(name)
            chars = frozenset(chr(cp) for cp in registered.face.charToGlyph if cp in REPERTOIRE)
            names[variant] = name
        _MADE[key] = GapFonts(names, chars)
    return _MADE[key]
