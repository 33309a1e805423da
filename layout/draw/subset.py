"""reportlab's TrueType subsetting, the same bytes in about half the time (stage 4 helper).

Input: a parsed face (``ttfonts.TTFontFile``: its file's bytes, cmap, glyph
locations, metrics) and the character codes of one subset. Output: the subset's
font program, byte for byte what ``TTFontFile.makeSubset`` writes: the glyphs of
the codes and of the composite glyphs they use, renumbered in the order reportlab
reaches them, with name, OS/2, cvt, fpgm and prep copied, post cut to its header,
hmtx, hhea, maxp, a format-6 cmap, glyf with its components renumbered, loca and
head; assembled as reportlab's ``TTFontMaker`` assembles them. What reportlab does
glyph by glyph through its file reader (a seek and an unpack a value), this does
with ``struct.unpack_from`` on the file's bytes; it slices glyphs from the file in
place rather than from a copy of its glyf table; and it sums the checksums of the
tables every subset copies once per face, and the file's from its tables' rather
than over the whole file again.
"""

from __future__ import annotations

from struct import error as StructError  # noqa: N812
from struct import pack, unpack_from
from weakref import WeakKeyDictionary

from reportlab.pdfbase import ttfonts

MORE_COMPONENTS = 1 << 5
ARGS_ARE_WORDS = 1 << 0
A_SCALE = 1 << 3
X_AND_Y_SCALE = 1 << 6
TWO_BY_TWO = 1 << 7

reportlab_make_subset = ttfonts.TTFontFile.makeSubset  # reportlab's own, before draw/pdf.py replaces it


def _skip(flags: int) -> int:
    """Bytes after a component's flags and glyph index: its arguments and transform."""
    size = 4 if flags & ARGS_ARE_WORDS else 2
    if flags & A_SCALE:
        size += 2
    elif flags & X_AND_Y_SCALE:
        size += 4
    elif flags & TWO_BY_TWO:
        size += 8
    return size


def _glyphs(face: ttfonts.TTFontFile, subset: list[int]) -> tuple[list[int], dict[int, int], dict[int, int]]:
    """New glyph → old glyph, old → new, and code → new glyph: the codes' glyphs in order,
    then the components of composite glyphs as reportlab's scan finds them."""
    to_glyph = face.charToGlyph
    glyph_map = [0]
    glyph_set = {0: 0}
    code_to_glyph = {}
    for code in subset:
        old = to_glyph.get(code, 0)
        if old not in glyph_set:
            glyph_set[old] = len(glyph_map)
            glyph_map.append(old)
        code_to_glyph[code] = glyph_set[old]
    data = face._ttf_data
    start = face.table["glyf"]["offset"]
    pos_of = face.glyphPos
    n = 0
    while n < len(glyph_map):
        old = glyph_map[n]
        n += 1
        at = pos_of[old]
        if pos_of[old + 1] == at:
            continue
        try:
            (contours,) = unpack_from(">h", data, start + at)
        except StructError as exc:
            raise ttfonts.TTFError(exc) from None
        if contours >= 0:
            continue
        p = start + at + 10
        flags = MORE_COMPONENTS
        while flags & MORE_COMPONENTS:
            flags, index = unpack_from(">HH", data, p)
            if index not in glyph_set:
                glyph_set[index] = len(glyph_map)
                glyph_map.append(index)
            p += 4 + _skip(flags)
    return glyph_map, glyph_set, code_to_glyph


def _table(face: ttfonts.TTFontFile, tag: str) -> bytes:
    entry = face.table[tag]
    return face._ttf_data[entry["offset"] : entry["offset"] + entry["length"]]


def _hmtx(face: ttfonts.TTFontFile, glyph_map: list[int]) -> tuple[bytes, int]:
    """The horizontal metrics, a trailing run of equal advances stored once; and how many
    full metrics there are (reportlab's reckoning)."""
    metrics = face.hmetrics
    hmtx: list[int] = []
    for old in glyph_map:
        aw, lsb = metrics[old]
        hmtx.append(int(aw))
        hmtx.append(int(lsb))
    n = len(hmtx) - 2
    while n and hmtx[n] == hmtx[n - 2]:
        n -= 2
    n += 2
    hmtx = hmtx[:n] + hmtx[n + 1 :: 2]
    return pack(f">{len(hmtx)}H", *hmtx), n >> 1


def _glyf(face: ttfonts.TTFontFile, glyph_map: list[int], glyph_set: dict[int, int]) -> tuple[bytes, list[int]]:
    """The glyphs in their new order, components renumbered, each padded to 4 bytes; and
    their offsets (loca)."""
    data = face._ttf_data
    start = face.table["glyf"]["offset"]
    pos_of = face.glyphPos
    offsets = []
    glyf = []
    pos = 0
    for old in glyph_map:
        offsets.append(pos)
        at = pos_of[old]
        length = pos_of[old + 1] - at
        glyph = data[start + at : start + at + length]
        if length > 2 and glyph[0] & 0x80:  # a composite glyph: negative contour count
            glyph = _renumbered(glyph, glyph_set)
        glyf.append(glyph)
        pos += length
        if pos % 4:
            glyf.append(b"\0" * (4 - pos % 4))
            pos += 4 - pos % 4
    offsets.append(pos)
    return b"".join(glyf), offsets


def _renumbered(glyph: bytes, glyph_set: dict[int, int]) -> bytes:
    """A composite glyph with each component's glyph index in the subset's numbering."""
    out = bytearray(glyph)
    p = 10
    flags = MORE_COMPONENTS
    while flags & MORE_COMPONENTS:
        flags, index = unpack_from(">HH", glyph, p)
        out[p + 2 : p + 4] = pack(">H", glyph_set[index])
        p += 4 + _skip(flags)
    return bytes(out)


_SUMS: WeakKeyDictionary[ttfonts.TTFontFile, dict[str, int]] = WeakKeyDictionary()


def _unchanged(face: ttfonts.TTFontFile) -> dict[str, tuple[bytes, int]]:
    """The tables every subset of ``face`` copies (name, OS/2, cvt, fpgm, prep, post cut to
    its header), with their checksums, worked out once per face."""
    tables = {tag: _table(face, tag) for tag in ("name", "OS/2", "cvt ", "fpgm", "prep") if tag in face.table}
    tables["post"] = b"\x00\x03\x00\x00" + _table(face, "post")[4:16] + b"\x00" * 16
    sums = _SUMS.get(face)
    if sums is None:
        sums = _SUMS[face] = {tag: ttfonts.calcChecksum(data) for tag, data in tables.items()}
    return {tag: (data, sums[tag]) for tag, data in tables.items()}


def _assembled(tables: dict[str, tuple[bytes, int | None]]) -> bytes:
    """reportlab's ``TTFontMaker.makeStream``: the table directory (tags sorted), the
    tables padded to 4 bytes, and head's checksum adjustment; the file's checksum summed
    from the directory's and the tables' (a table padded with zeros sums as it does in the
    file), not over the whole file again. ``None``: a checksum to work out."""
    count = len(tables)
    search = 1
    selector = 0
    while search * 2 <= count:
        search *= 2
        selector += 1
    parts = [pack(">lHHHH", 0x00010000, count, search * 16, selector, count * 16 - search * 16)]
    offset = 12 + count * 16
    total = 0
    head_at = 0
    items = sorted(tables.items())
    for tag, (data, checksum) in items:
        if checksum is None:
            checksum = ttfonts.calcChecksum(data)
        if tag == "head":
            head_at = offset
        parts.append(tag.encode("latin-1") + pack(">LLL", checksum, offset, len(data)))
        total += checksum
        offset += (len(data) + 3) & ~3
    total += ttfonts.calcChecksum(b"".join(parts))
    for _, (data, _) in items:
        parts.append(data + b"\0" * (-len(data) % 4))
    out = bytearray(b"".join(parts))
    out[head_at + 8 : head_at + 12] = pack(">L", ttfonts.add32(0xB1B0AFBA, -(total & 0xFFFFFFFF)))
    return bytes(out)


def make_subset(face: ttfonts.TTFontFile, subset: list[int]) -> bytes:
    """The font program of ``subset`` (character codes), as ``face.makeSubset(subset)``."""
    glyph_map, glyph_set, code_to_glyph = _glyphs(face, subset)
    tables: dict[str, tuple[bytes, int | None]] = dict(_unchanged(face))
    hmtx, full = _hmtx(face, glyph_map)
    tables["hmtx"] = (hmtx, None)
    tables["hhea"] = (ttfonts._set_ushort(_table(face, "hhea"), 34, full), None)
    tables["maxp"] = (ttfonts._set_ushort(_table(face, "maxp"), 4, len(glyph_map)), None)
    cmap = [0, 1, 1, 0, 0, 12, 6, 10 + len(subset) * 2, 0, 0, len(subset), *map(code_to_glyph.get, subset)]
    tables["cmap"] = (pack(f">{len(cmap)}H", *cmap), None)
    glyf, offsets = _glyf(face, glyph_map, glyph_set)
    tables["glyf"] = (glyf, None)
    if (offsets[-1] + 1) >> 1 > 0xFFFF:
        long_offsets = 1
        loca = pack(f">{len(offsets)}L", *offsets)
    else:
        long_offsets = 0
        loca = pack(f">{len(offsets)}H", *(offset >> 1 for offset in offsets))
    tables["loca"] = (loca, None)
    head = ttfonts._set_ushort(_table(face, "head"), 50, long_offsets)
    tables["head"] = (head[:8] + b"\0\0\0\0" + head[12:], None)  # its checksum adjustment, as TTFontMaker.add
    return _assembled(tables)
