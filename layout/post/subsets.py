"""Unique, deterministic subset tags for the fonts embedded in a PDF (post-processing).

A subset font's name starts with a six-letter tag (``ABCDEF+Name``, ISO 32000-1
§9.6.4) that tells one subset of a font from another. reportlab numbers its
subsets per document (``AAAAAA+``, ``AAAAAB+``…), so two pages, or two editions,
give the same name to different font programs, and a plant that combines pages
may mix them up. Here each tag is derived from a SHA-256 of the font's name and
what makes the subset: the embedded font program and the font dictionary's
glyph set (widths, encoding, ToUnicode). Different subsets get different names
(a collision within a file is resolved by rehashing); the same subset gets the
same name in every file; the same input gives the same bytes.

``retag(pdf)`` renames in an open pikepdf document (a simple font's /BaseFont
and its descriptor's /FontName; a Type0 font's /BaseFont and its descendant's
/BaseFont and /FontName); ``unique_subset_tags(data)`` does it on PDF bytes.
A plain page comes from the drawing stage already finished this way
(``post/direct.py``, which derives the same tags with ``subset_digest`` and writes
what pikepdf would): its bytes are remembered (``remember_tagged``) and returned as
they are, so pikepdf is imported only when a page needs it.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pikepdf

TAG = re.compile(r"^[A-Z]{6}\+")
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_GLYPH_KEYS = ("/Subtype", "/FirstChar", "/LastChar", "/Widths", "/W", "/DW", "/Encoding", "/CIDToGIDMap")


_TAGGED: OrderedDict[bytes, None] = OrderedDict()  # SHA-256 of PDFs whose tags are already right


def remember_tagged(data: bytes) -> None:
    """``data`` has the subset tags ``retag`` gives (``post/direct.py`` wrote it so):
    ``unique_subset_tags`` returns it as it is."""
    _TAGGED[hashlib.sha256(data).digest()] = None
    while len(_TAGGED) > 64:
        _TAGGED.popitem(last=False)


def _stream_bytes(obj: object) -> bytes:
    """A stream's decoded data (raw if a filter cannot be decoded), else b''."""
    import pikepdf

    if not isinstance(obj, pikepdf.Stream):
        return b""
    try:
        return obj.read_bytes()
    except pikepdf.PdfError:
        return obj.read_raw_bytes()


def _value_bytes(obj: object) -> bytes:
    """A stable serialisation of a small PDF value (streams by their decoded data)."""
    import pikepdf

    if isinstance(obj, pikepdf.Stream):
        return _stream_bytes(obj)
    if isinstance(obj, pikepdf.Array):
        return b"[" + b" ".join(_value_bytes(x) for x in obj) + b"]"
    if isinstance(obj, pikepdf.Dictionary):
        return b"<<" + b"".join(k.encode() + _value_bytes(obj[k]) for k in sorted(obj.keys())) + b">>"
    return repr(obj).encode("utf-8", "replace")


def _glyph_font(font: pikepdf.Dictionary) -> pikepdf.Dictionary:
    """The dictionary holding the font descriptor: the font itself, or a Type0's descendant."""
    import pikepdf

    if font.get("/Subtype") == pikepdf.Name.Type0 and "/DescendantFonts" in font:
        kids = font.DescendantFonts
        if isinstance(kids, pikepdf.Array) and len(kids) and isinstance(kids[0], pikepdf.Dictionary):
            return kids[0]
    return font


def subset_digest(
    name: str, programs: tuple[bytes, ...] | None, sources: list[tuple[list[tuple[str, bytes]], bytes]]
) -> bytes:
    """What identifies a subset, from plain values: the untagged ``name``; the decoded
    /FontFile, /FontFile2 and /FontFile3 (b"" when absent; None: no descriptor); for the
    font and its glyph font, each present glyph entry (key, serialised as ``_value_bytes``
    does) and the decoded /ToUnicode."""
    digest = hashlib.sha256(name.encode("utf-8", "replace"))
    if programs is not None:
        for key, data in zip(_FONT_FILES, programs, strict=True):
            digest.update(key.encode() + hashlib.sha256(data).digest())
    for entries, to_unicode in sources:
        for key, value in entries:
            digest.update(key.encode() + value)
        digest.update(b"/ToUnicode" + to_unicode)
    return digest.digest()


def subset_key(font: pikepdf.Dictionary, name: str) -> bytes:
    """What identifies a subset: the untagged name, the font program and the glyph set."""
    import pikepdf

    glyphs = _glyph_font(font)
    descriptor = glyphs.get("/FontDescriptor")
    programs = None
    if isinstance(descriptor, pikepdf.Dictionary):
        programs = tuple(_stream_bytes(descriptor.get(key)) for key in _FONT_FILES)
    sources = [
        (
            [(key, _value_bytes(source[key])) for key in _GLYPH_KEYS if key in source],
            _stream_bytes(source.get("/ToUnicode")),
        )
        for source in (font, glyphs)
    ]
    return subset_digest(name, programs, sources)


def tag_for(key: bytes, salt: int = 0) -> str:
    """Six capital letters from a key (base 26 of its SHA-256)."""
    number = int.from_bytes(hashlib.sha256(key + salt.to_bytes(4, "big")).digest()[:8], "big")
    letters = []
    for _ in range(6):
        number, digit = divmod(number, 26)
        letters.append(chr(ord("A") + digit))
    return "".join(letters)


def subset_fonts(pdf: pikepdf.Pdf) -> list[tuple[pikepdf.Dictionary, str]]:
    """Every font dictionary with a tagged /BaseFont, its own or its descendant's (descendants
    are renamed with their Type0), with its name without the tag, in object order."""
    import pikepdf

    found = []
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != pikepdf.Name.Font:
            continue
        if obj.get("/Subtype") in (pikepdf.Name.CIDFontType0, pikepdf.Name.CIDFontType2):
            continue  # renamed with its Type0 parent
        names = [str(f.get("/BaseFont", ""))[1:] for f in (obj, _glyph_font(obj))]
        if any(TAG.match(n) for n in names):  # a Type0 may carry the tag on its descendant only
            found.append((obj, TAG.sub("", names[0])))
    return found


def _rename(font: pikepdf.Dictionary, tag: str) -> None:
    """Put ``tag`` on the font's /BaseFont, its descendant's and their descriptors' /FontName."""
    import pikepdf

    glyphs = _glyph_font(font)
    for target in {id(font): font, id(glyphs): glyphs}.values():
        for holder, key in ((target, "/BaseFont"), (target.get("/FontDescriptor"), "/FontName")):
            if isinstance(holder, pikepdf.Dictionary) and isinstance(holder.get(key), pikepdf.Name):
                old = str(holder[key])[1:]
                holder[key] = pikepdf.Name("/" + tag + "+" + (old[7:] if TAG.match(old) else old))


def retag(pdf: pikepdf.Pdf) -> dict[str, str]:
    """Give every subset font in ``pdf`` its content-derived tag; the new names by old object
    (``"obj/gen": name``). Idempotent: a retagged file keeps its names."""
    owners: dict[str, bytes] = {}
    names: dict[str, str] = {}
    for font, name in subset_fonts(pdf):
        key = subset_key(font, name)
        salt = 0
        tag = tag_for(key)
        while owners.get(tag + name, key) != key:  # another subset already has this name
            salt += 1
            tag = tag_for(key, salt)
        owners[tag + name] = key
        _rename(font, tag)
        names[f"{font.objgen[0]}/{font.objgen[1]}"] = f"{tag}+{name}"
    return names


def unique_subset_tags(data: bytes) -> bytes:
    """PDF bytes with every subset font renamed by its content (unchanged when there is none
    or every name is already right); deterministic, keeping the PDF version."""
    if hashlib.sha256(data).digest() in _TAGGED:  # finished by post/direct.py: already right
        return data
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        before = [str(f.get("/BaseFont")) for f, _ in subset_fonts(pdf)]
        if not before:
            return data
        retag(pdf)
        if [str(f.get("/BaseFont")) for f, _ in subset_fonts(pdf)] == before:
            return data
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, min_version=pdf.pdf_version)
        return out.getvalue()
