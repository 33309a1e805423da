"""Post-processing (stage 5) of a plain page without pikepdf: its final bytes, written directly.

Input: the PDF reportlab writes for a page with compression off (``draw/pdf.py``).
Output: the bytes ``subsets.unique_subset_tags`` gives for the same page, which QPDF
writes (pikepdf's ``save(deterministic_id=True)``): objects renumbered in the order QPDF
reaches them from the trailer, each on one line with its dictionary keys sorted, every
stream Flate-compressed at zlib's default level as QPDF does, the trailer's /ID the
first word reportlab wrote and QPDF's deterministic second word (an MD5 of the file up
to it and the Info strings), and each subset font renamed by the tag derived from its
content (``subsets.subset_digest``, ``subsets.tag_for``). A plain page is thus finished
without importing pikepdf and with its streams compressed once, not three times.

``finish(raw)`` returns ``None`` for anything it does not reproduce exactly (a stream
with a filter, a string or name QPDF would spell differently, a reference to no object,
encryption, no subset font at all): the caller then takes pikepdf's path.
``tests/test_pdfx_meta.py`` holds the two paths to the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import zlib
from collections import OrderedDict, deque

from layout.post.subsets import TAG, remember_tagged, subset_digest, tag_for

HEADER = re.compile(rb"%PDF-(\d\.\d)\n")
OBJ = re.compile(rb"\s*(\d+) (\d+) obj\b")
SPACE = re.compile(rb"(?:\s|%[^\r\n]*)*")
NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)")
REF = re.compile(rb"\s+(\d+)\s+R\b")  # after an object number: its generation and R
NAME = re.compile(rb"/([!-~]*?)(?=[\s/\[\]<>(){}%]|$)")
NUMBERS = re.compile(rb"\[((?:\s*[+-]?\d+)*)\s*\]")  # an array of integers only (widths)
KEYWORD = re.compile(rb"true|false|null")
HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


class Unsupported(Exception):
    """Something this writer does not reproduce as QPDF would."""


class Name(bytes):
    """A PDF name, without its slash."""


class Ref(int):
    """An indirect reference (generation 0)."""


class Word(bytes):
    """A number or keyword, written as it was read."""


class Ints:
    """An array of integers, kept as their digits (a font's widths)."""

    __slots__ = ("digits",)

    def __init__(self, digits: list[bytes]) -> None:
        self.digits = digits


class Stream:
    """A stream's dictionary and its (uncompressed) data."""

    __slots__ = ("data", "entries")

    def __init__(self, entries: dict[bytes, object], data: bytes) -> None:
        self.entries = entries
        self.data = data


_PACKED: OrderedDict[bytes, bytes] = OrderedDict()  # data → compressed, least recently used first
PACKED_KEPT = 16 << 20  # bytes of data whose compression is remembered (--watch, an edition's worker)


_kept = [0]  # bytes of data in _PACKED


def _remember(done: dict[bytes, bytes]) -> None:
    """Keep ``done`` in ``_PACKED``, within ``PACKED_KEPT`` bytes of data (each operation
    whole, so pages drawn on several threads of one process cannot trip over each other)."""
    for data, packed in done.items():
        if _PACKED.pop(data, None) is None:
            _kept[0] += len(data)
        _PACKED[data] = packed
    while _kept[0] > PACKED_KEPT and _PACKED:
        data, _ = _PACKED.popitem(last=False)
        _kept[0] -= len(data)


def _spare_core() -> bool:
    """Whether a second thread would likely find a core to itself."""
    try:
        return os.getloadavg()[0] < (os.cpu_count() or 1) - 0.5
    except (OSError, AttributeError):  # no load average (Windows): one thread
        return False


class Packer:
    """Stream data compressed on a second thread while this one works on (zlib lets go of
    the interpreter), each piece alone at zlib's default level, as QPDF compresses it.
    The drawing stage hands it each font program as reportlab makes it (``add``), the
    reader each stream it finds; what the other thread has not done when the file is
    written is done on this one. Results are looked up by the data: the same bytes.
    The second thread only when the machine has a core to spare (1-minute load average):
    on a busy one, each handover of the interpreter waits for the scheduler."""

    def __init__(self) -> None:
        self.todo: deque[bytes] = deque()
        self.done: dict[bytes, bytes] = {}
        self.seen: set[bytes] = set()
        self.thread: threading.Thread | None = None
        self.threaded = _spare_core()

    def add(self, data: bytes) -> None:
        if data in self.seen:
            return
        self.seen.add(data)
        known = _PACKED.get(data)
        if known is not None:  # compressed for an earlier page of this process
            self.done[data] = known
            return
        self.todo.append(data)
        if self.threaded and (self.thread is None or not self.thread.is_alive()):
            self.thread = threading.Thread(target=self.work, daemon=True)
            self.thread.start()

    def work(self) -> None:
        while True:
            try:
                data = self.todo.popleft()
            except IndexError:
                return
            self.done[data] = zlib.compress(data)

    def finish(self) -> None:
        """Every piece compressed: what is left done here, then the other thread waited for;
        the results remembered for the process's next pages."""
        self.work()
        if self.thread is not None:
            self.thread.join()
        _remember(self.done)

    def cancel(self) -> None:
        """Nothing more to compress (the page was not finished): the other thread stops soon."""
        self.todo.clear()

    def packed(self, data: bytes) -> bytes:
        done = self.done.get(data)
        return done if done is not None else zlib.compress(data)


class _Reader:
    """reportlab's PDF syntax read into Python values (names, strings as bytes, arrays,
    dictionaries, references)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def skip(self) -> None:
        self.pos = SPACE.match(self.data, self.pos).end()  # type: ignore[union-attr]

    def value(self) -> object:  # noqa: C901, PLR0911 — one branch per kind of token
        self.skip()
        data, pos = self.data, self.pos
        head = data[pos : pos + 2]
        if head == b"<<":
            return self.dictionary()
        if head[:1] == b"[":
            found = NUMBERS.match(data, pos)
            if found:
                self.pos = found.end()
                return Ints(found.group(1).split())
            self.pos += 1
            items = []
            while True:
                self.skip()
                if self.data[self.pos : self.pos + 1] == b"]":
                    self.pos += 1
                    return items
                items.append(self.value())
        if head[:1] == b"/":
            found = NAME.match(data, pos)
            if found is None or b"#" in found.group(1):
                raise Unsupported("name")
            self.pos = found.end()
            return Name(found.group(1))
        if head[:1] == b"(":
            return self.literal()
        if head[:1] == b"<":
            found = HEX.match(data, pos)
            if found is None:
                raise Unsupported("hex string")
            self.pos = found.end()
            digits = re.sub(rb"\s", b"", found.group(1))
            return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())
        found = NUMBER.match(data, pos)
        if found:
            ref = REF.match(data, found.end())
            if ref and b"." not in found.group() and ref.group(1) == b"0":
                self.pos = ref.end()
                return Ref(int(found.group()))
            self.pos = found.end()
            return Word(found.group())
        found = KEYWORD.match(data, pos)
        if found:
            self.pos = found.end()
            return Word(found.group())
        raise Unsupported(f"token at {pos}")

    def dictionary(self) -> dict[bytes, object]:
        self.pos += 2
        entries: dict[bytes, object] = {}
        while True:
            self.skip()
            if self.data[self.pos : self.pos + 2] == b">>":
                self.pos += 2
                return entries
            key = self.value()
            if not isinstance(key, Name):
                raise Unsupported("dictionary key")
            entries[bytes(key)] = self.value()

    def literal(self) -> bytes:
        """A literal string's bytes (escapes, balanced parentheses, line continuations)."""
        data = self.data
        out = bytearray()
        depth = 0
        i = self.pos + 1
        while True:
            c = data[i]
            if c == 0x5C:  # backslash
                n = data[i + 1]
                if 0x30 <= n <= 0x37:
                    j = i + 1
                    while j < i + 4 and 0x30 <= data[j] <= 0x37:
                        j += 1
                    out.append(int(data[i + 1 : j], 8) & 0xFF)
                    i = j
                    continue
                if n in (10, 13):  # a line continuation
                    i += 3 if data[i + 1 : i + 3] == b"\r\n" else 2
                    continue
                out.append(ESCAPES.get(n, n))
                i += 2
                continue
            if c == 0x28:
                depth += 1
            elif c == 0x29:
                if depth == 0:
                    self.pos = i + 1
                    return bytes(out)
                depth -= 1
            out.append(c)
            i += 1


def _objects(raw: bytes, packer: Packer) -> tuple[dict[int, object], dict[bytes, object], bytes]:
    """Every object by number, the trailer, and the PDF version; each stream handed to
    ``packer`` as it is found."""
    header = HEADER.match(raw)
    if header is None:
        raise Unsupported("header")
    reader = _Reader(raw)
    objects: dict[int, object] = {}
    end = raw.rfind(b"\nxref\n")
    reader.pos = header.end()
    reader.skip()  # reportlab's comment line
    while reader.pos < end:
        found = OBJ.match(raw, reader.pos)
        if found is None or found.group(2) != b"0":
            raise Unsupported("object")
        reader.pos = found.end()
        value = reader.value()
        reader.skip()
        if raw.startswith(b"stream", reader.pos):
            if not isinstance(value, dict) or set(value) - {b"Length", b"Length1"}:
                raise Unsupported("stream")  # a filter or parameters: QPDF's own business
            begin = raw.index(b"\n", reader.pos) + 1
            length = int(value[b"Length"])  # type: ignore[call-overload]
            value = Stream(value, raw[begin : begin + length])
            packer.add(value.data)
            reader.pos = raw.index(b"endstream", begin + length) + len(b"endstream")
            reader.skip()
        if not raw.startswith(b"endobj", reader.pos):
            raise Unsupported("object end")
        objects[int(found.group(1))] = value
        reader.pos += len(b"endobj")
        reader.skip()
    reader.pos = raw.index(b"trailer", end) + len(b"trailer")
    trailer = reader.value()
    if not isinstance(trailer, dict) or set(trailer) != {b"ID", b"Info", b"Root", b"Size"}:
        raise Unsupported("trailer")
    return objects, trailer, header.group(1)


def _string(value: bytes) -> bytes:
    """A string as QPDF writes it: literal with escapes, or hexadecimal (lower case) when
    it holds control characters or more than a fifth of it is not ASCII."""
    odd = 0
    for ch in value:
        if not (32 <= ch <= 126 or ch in (8, 9, 10, 12, 13)):
            if ch < 24:
                return b"<" + value.hex().encode() + b">"
            odd += 1
    if 5 * odd > len(value):
        return b"<" + value.hex().encode() + b">"
    out = bytearray(b"(")
    for ch in value:
        if ch in _LITERAL:
            out += _LITERAL[ch]
        elif 32 <= ch <= 126 or ch >= 160:
            out.append(ch)
        else:
            out += b"\\%03o" % ch
    out += b")"
    return bytes(out)


_LITERAL = {10: b"\\n", 13: b"\\r", 9: b"\\t", 8: b"\\b", 12: b"\\f", 40: b"\\(", 41: b"\\)", 92: b"\\\\"}


class _Writer:
    """Objects numbered and written in QPDF's order: the catalogue, then the Info, then each
    object's references in the order its serialisation reaches them."""

    def __init__(self, objects: dict[int, object], packer: Packer) -> None:
        self.objects = objects
        self.packer = packer
        self.numbers: dict[int, int] = {}
        self.queue: list[int] = []

    def enqueue(self, value: object) -> None:
        if isinstance(value, Ref):
            if value not in self.numbers:
                if value not in self.objects:
                    raise Unsupported("dangling reference")
                self.numbers[value] = len(self.queue) + 1
                self.queue.append(value)
        elif isinstance(value, list):
            for item in value:
                self.enqueue(item)
        elif isinstance(value, dict):
            for key in sorted(value):
                self.enqueue(value[key])

    def unparse(self, value: object, out: list[bytes]) -> None:  # noqa: C901 — one branch per kind of value
        if isinstance(value, Ref):
            self.enqueue(value)
            out.append(b"%d 0 R" % self.numbers[value])
        elif isinstance(value, Word):
            out.append(value)
        elif isinstance(value, Name):
            out.append(b"/" + value)
        elif isinstance(value, Ints):
            out.append(b"[ " + b" ".join(value.digits) + b" ]" if value.digits else b"[ ]")
        elif isinstance(value, list):
            out.append(b"[")
            for item in value:
                out.append(b" ")
                self.unparse(item, out)
            out.append(b" ]")
        elif isinstance(value, dict):
            self.enqueue(value)
            out.append(b"<<")
            for key in sorted(value):
                out.append(b" /" + key + b" ")
                self.unparse(value[key], out)
            out.append(b" >>")
        elif isinstance(value, bytes):
            out.append(_string(value))
        else:
            raise Unsupported(type(value).__name__)

    def body(self, number: int, out: list[bytes]) -> None:
        """Object ``number`` as QPDF writes it (a stream: its other entries, then /Length
        and /Filter of its data compressed)."""
        value = self.objects[number]
        if not isinstance(value, Stream):
            self.unparse(value, out)
            return
        packed = self.packer.packed(value.data)
        out.append(b"<<")
        for key in sorted(value.entries):
            if key != b"Length":
                out.append(b" /" + key + b" ")
                self.unparse(value.entries[key], out)
        out.append(b" /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed))
        out.append(packed)
        out.append(b"\nendstream")


def _digits(value: object) -> bytes:
    """An integer or integer array as ``subsets._value_bytes`` spells it."""
    if isinstance(value, Ints):
        return b"[" + b" ".join(value.digits) + b"]"
    if isinstance(value, Word) and NUMBER.fullmatch(value) and b"." not in value:
        return bytes(value)
    raise Unsupported("glyph value")


def _font_key(objects: dict[int, object], font: dict[bytes, object], name: str) -> bytes:
    """``subsets.subset_key`` of a reportlab TrueType subset, from the values read here."""
    descriptor = objects.get(font.get(b"FontDescriptor"))  # type: ignore[arg-type]
    to_unicode = objects.get(font.get(b"ToUnicode"))  # type: ignore[arg-type]
    if font.get(b"Subtype") != b"TrueType" or not isinstance(descriptor, dict) or not isinstance(to_unicode, Stream):
        raise Unsupported("font")
    if set(font) & {b"W", b"DW", b"Encoding", b"CIDToGIDMap", b"DescendantFonts"}:
        raise Unsupported("font entries")
    programs = []
    for key in (b"FontFile", b"FontFile2", b"FontFile3"):
        program = objects.get(descriptor.get(key))  # type: ignore[arg-type]
        if key in descriptor and not isinstance(program, Stream):
            raise Unsupported("font program")
        programs.append(program.data if isinstance(program, Stream) else b"")
    entries = [("/Subtype", b'pikepdf.Name("/TrueType")')]  # the name as pikepdf's repr spells it
    entries += [("/" + k.decode(), _digits(font[k])) for k in (b"FirstChar", b"LastChar", b"Widths") if k in font]
    return subset_digest(name, tuple(programs), [(entries, to_unicode.data)] * 2)  # the font is its own glyph font


def _retag(objects: dict[int, object]) -> None:
    """Each subset font (in object order) renamed by its content-derived tag, as
    ``subsets.retag`` does."""
    owners: dict[str, bytes] = {}
    found = 0
    for number in sorted(objects):
        font = objects[number]
        if not isinstance(font, dict) or font.get(b"Type") != b"Font":
            continue
        base = font.get(b"BaseFont")
        if not isinstance(base, Name) or not TAG.match(base.decode("latin-1")):
            continue
        name = base.decode("latin-1")[7:]
        key = _font_key(objects, font, name)
        salt = 0
        tag = tag_for(key)
        while owners.get(tag + name, key) != key:
            salt += 1
            tag = tag_for(key, salt)
        owners[tag + name] = key
        font[b"BaseFont"] = Name((tag + "+" + name).encode("latin-1"))
        descriptor = objects[font[b"FontDescriptor"]]  # type: ignore[index]
        old = descriptor[b"FontName"]  # type: ignore[index]
        if isinstance(old, Name):
            text = old.decode("latin-1")
            descriptor[b"FontName"] = Name((tag + "+" + (text[7:] if TAG.match(text) else text)).encode("latin-1"))  # type: ignore[index]
        found += 1
    if not found:
        raise Unsupported("no subset font")  # unique_subset_tags returns such a file as it is


def _info_seed(objects: dict[int, object], info: object) -> bytes:
    """The Info dictionary's strings as QPDF adds them to the /ID's seed."""
    entries = objects.get(info) if isinstance(info, Ref) else info  # type: ignore[call-overload]
    if not isinstance(entries, dict):
        return b""
    strings = [v for _, v in sorted(entries.items()) if isinstance(v, bytes) and not isinstance(v, Name | Word)]
    return b"".join(b" " + v for v in strings)


def _write(objects: dict[int, object], trailer: dict[bytes, object], version: bytes, packer: Packer) -> bytes:
    writer = _Writer(objects, packer)
    writer.enqueue(trailer[b"Root"])
    writer.enqueue(trailer[b"Info"])
    out = [b"%PDF-" + version + b"\n%\xbf\xf7\xa2\xfe\n"]
    size = len(out[0])
    offsets = []
    done = 0
    while done < len(writer.queue):
        number = writer.queue[done]
        offsets.append(size)
        part = [b"%d 0 obj\n" % (done + 1)]
        writer.body(number, part)
        part.append(b"\nendobj\n")
        chunk = b"".join(part)
        out.append(chunk)
        size += len(chunk)
        done += 1
    count = len(writer.queue) + 1
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % count]
    xref += [b"%010d 00000 n \n" % offset for offset in offsets]
    info = b"%d 0 R" % writer.numbers[trailer[b"Info"]]  # type: ignore[index]
    root = b"%d 0 R" % writer.numbers[trailer[b"Root"]]  # type: ignore[index]
    out += xref
    out.append(b"trailer << /Info " + info + b" /Root " + root + b" /Size %d /ID [" % count)
    ids = trailer[b"ID"]
    if not (isinstance(ids, list) and ids and isinstance(ids[0], bytes)):
        raise Unsupported("ID")
    md5 = hashlib.md5(usedforsecurity=False)
    for chunk in out:
        md5.update(chunk)
    seed = md5.hexdigest().encode() + b" QPDF " + _info_seed(objects, trailer[b"Info"])
    second = hashlib.md5(seed.split(b"\0")[0], usedforsecurity=False).digest()  # QPDF hashes it as a C string
    out.append(b"<" + bytes(ids[0]).hex().encode() + b"><" + second.hex().encode() + b">] >>\n")
    out.append(b"startxref\n%d\n%%%%EOF\n" % size)
    return b"".join(out)


def finish(raw: bytes, packer: Packer | None = None) -> bytes | None:
    """The final bytes of reportlab's uncompressed page ``raw`` (see the module's note), or
    None when this writer would not give exactly what pikepdf's path gives. ``packer``:
    one that has been compressing the page's font programs while reportlab wrote it."""
    packer = packer or Packer()
    try:
        try:
            objects, trailer, version = _objects(raw, packer)
            _retag(objects)  # while the other thread compresses
        finally:
            packer.finish()
        data = _write(objects, trailer, version, packer)
    except (Unsupported, ValueError, KeyError, IndexError, TypeError):
        return None
    remember_tagged(data)
    return data
