"""Bytes of a saved page -> text, by the charset the page declares (else one detected), saying so when
bytes had to be replaced: `scraper parse` records that in the profile's `errors` rather than printing
mojibake as if nothing happened.

The declaration is found as browsers find it (HTML Standard, "determining the character encoding"): a
byte order mark first; else the prescan, which reads tags the way the tokenizer does (comments and
other tags' attributes are skipped, and only `<meta charset>` or a `<meta http-equiv="content-type"
content="...charset=...">` counts); else an `<?xml ... encoding=...?>` declaration. A label means
what the Encoding Standard says it means: "iso88591" and "latin1" are windows-1252, "iso-8859-9" is
windows-1254, a UTF-16 label in ASCII bytes is UTF-8. No transport layer: `parse` reads files.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# The standard advises 1024 bytes; saved pages put scripts and styles before the meta tag at times.
_PRESCAN_BYTES = 4096
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_ESCAPED_RE = re.compile("[\udc80-\udcff]")

# The Encoding Standard's labels, by the Python codec that decodes as its decoder does (GBK's decoder
# is gb18030's; Shift_JIS and EUC-KR are Microsoft's 932 and 949; Big5 includes HKSCS). In a prescan,
# UTF-16 labels mean UTF-8 and x-user-defined windows-1252 (HTML Standard); "replacement" is absent:
# such a declaration is unknown here.
_LABELS_BY_CODEC: dict[str, tuple[str, ...]] = {
    "utf-8": ("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8",
              "csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "unicodefffe", "utf-16",
              "utf-16be", "utf-16le"),
    "cp866": ("866", "cp866", "csibm866", "ibm866"),
    "iso8859-2": ("csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592", "iso_8859-2",
                  "iso_8859-2:1987", "l2", "latin2"),
    "iso8859-3": ("csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593", "iso_8859-3",
                  "iso_8859-3:1988", "l3", "latin3"),
    "iso8859-4": ("csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594", "iso_8859-4",
                  "iso_8859-4:1988", "l4", "latin4"),
    "iso8859-5": ("csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5", "iso88595",
                  "iso_8859-5", "iso_8859-5:1988"),
    "iso8859-6": ("arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic", "ecma-114",
                  "iso-8859-6", "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127", "iso8859-6", "iso88596",
                  "iso_8859-6", "iso_8859-6:1987"),
    "iso8859-7": ("csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7", "iso-ir-126",
                  "iso8859-7", "iso88597", "iso_8859-7", "iso_8859-7:1987", "sun_eu_greek"),
    "iso8859-8": ("csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8", "iso-8859-8-e", "iso-ir-138",
                  "iso8859-8", "iso88598", "iso_8859-8", "iso_8859-8:1988", "visual",
                  "csiso88598i", "iso-8859-8-i", "logical"),
    "iso8859-10": ("csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10", "iso885910", "l6", "latin6"),
    "iso8859-13": ("iso-8859-13", "iso8859-13", "iso885913"),
    "iso8859-14": ("iso-8859-14", "iso8859-14", "iso885914"),
    "iso8859-15": ("csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9"),
    "iso8859-16": ("iso-8859-16",),
    "koi8-r": ("cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"),
    "koi8-u": ("koi8-ru", "koi8-u"),
    "mac-roman": ("csmacintosh", "mac", "macintosh", "x-mac-roman"),
    "cp874": ("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"),
    "cp1250": ("cp1250", "windows-1250", "x-cp1250"),
    "cp1251": ("cp1251", "windows-1251", "x-cp1251"),
    "cp1252": ("ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
               "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1",
               "us-ascii", "windows-1252", "x-cp1252", "x-user-defined"),
    "cp1253": ("cp1253", "windows-1253", "x-cp1253"),
    "cp1254": ("cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9",
               "iso_8859-9:1989", "l5", "latin5", "windows-1254", "x-cp1254"),
    "cp1255": ("cp1255", "windows-1255", "x-cp1255"),
    "cp1256": ("cp1256", "windows-1256", "x-cp1256"),
    "cp1257": ("cp1257", "windows-1257", "x-cp1257"),
    "cp1258": ("cp1258", "windows-1258", "x-cp1258"),
    "mac-cyrillic": ("x-mac-cyrillic", "x-mac-ukrainian"),
    "gb18030": ("chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk",
                "iso-ir-58", "x-gbk", "gb18030"),
    "big5hkscs": ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"),
    "euc_jp": ("cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"),
    "iso2022_jp": ("csiso2022jp", "iso-2022-jp"),
    "cp932": ("csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"),
    "cp949": ("cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987",
              "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949"),
}  # fmt: skip
_CODEC_OF_LABEL = {label: codec for codec, labels in _LABELS_BY_CODEC.items() for label in labels}
_SPACE = b"\t\n\f\r "


@dataclass(frozen=True, slots=True)
class PageText:
    text: str
    encoding: str
    problems: tuple[str, ...] = ()


def _codec(label: str) -> str | None:
    """The codec of an Encoding Standard label (None: not a label browsers know)."""
    return _CODEC_OF_LABEL.get(label.strip("\t\n\f\r ").lower())


@dataclass(frozen=True, slots=True)
class Declaration:
    """What the page declares: the codec of the label browsers would use (None if none is usable),
    and the labels passed over because no browser knows them."""

    codec: str | None
    unknown: tuple[str, ...] = ()


class _OutOfBytes(Exception):
    """The prescan ran off the end of what it reads: it found nothing."""


class _Prescan:
    """The HTML Standard's "prescan a byte stream to determine its encoding", step for step."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.unknown: list[str] = []

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise _OutOfBytes
        return self.data[self.pos]

    def at(self, prefix: bytes) -> bool:
        return self.data[self.pos : self.pos + len(prefix)].lower() == prefix

    def skip_to(self, needle: bytes, start: int) -> None:
        """Move past the next `needle` at or after `start`."""
        found = self.data.find(needle, start)
        if found < 0:
            raise _OutOfBytes
        self.pos = found + len(needle)

    def run(self) -> str | None:
        try:
            while self.pos < len(self.data):
                codec = self.step()
                if codec is not None:
                    return codec
        except _OutOfBytes:
            pass
        return None

    def step(self) -> str | None:
        data, pos = self.data, self.pos
        if self.at(b"<!--"):
            self.skip_to(b"-->", pos + 2)  # "<!-->" ends the comment, as the standard has it
        elif self.at(b"<meta") and data[pos + 5 : pos + 6] in (*(bytes([c]) for c in _SPACE), b"/"):
            self.pos += 6
            return self.meta()
        elif data[pos : pos + 1] == b"<" and (
            data[pos + 1 : pos + 2].isalpha()
            or (data[pos + 1 : pos + 2] == b"/" and data[pos + 2 : pos + 3].isalpha())
        ):
            while self.byte() not in _SPACE and self.byte() != ord(">"):
                self.pos += 1
            while self.attribute() is not None:
                pass
        elif self.at(b"<!") or self.at(b"</") or self.at(b"<?"):
            self.skip_to(b">", pos + 2)
            return None
        else:
            self.pos += 1
        return None

    def meta(self) -> str | None:
        names: set[str] = set()
        got_pragma, need_pragma, charset = False, None, None
        while (attribute := self.attribute()) is not None:
            name, value = attribute
            if name in names:
                continue
            names.add(name)
            if name == "http-equiv" and value == "content-type":
                got_pragma = True
            elif name == "content" and charset is None:
                label = charset_in_content(value)
                if label is not None:
                    charset, need_pragma = label, True
            elif name == "charset":
                charset, need_pragma = value, False
        self.pos += 1
        if charset is None or need_pragma is None or (need_pragma and not got_pragma):
            return None
        codec = _codec(charset)
        if codec is None:
            self.unknown.append(charset.strip())
        return codec

    def attribute(self) -> tuple[str, str] | None:
        """The standard's "get an attribute": (name, value) lower-cased, None at the tag's end."""
        while self.byte() in _SPACE or self.byte() == ord("/"):
            self.pos += 1
        if self.byte() == ord(">"):
            return None
        name = bytearray()
        while True:  # the name
            b = self.byte()
            if b == ord("=") and name:
                self.pos += 1
                break
            if b in _SPACE:
                while self.byte() in _SPACE:
                    self.pos += 1
                if self.byte() != ord("="):
                    return _text(name), ""
                self.pos += 1
                break
            if b in (ord("/"), ord(">")):
                return _text(name), ""
            name.append(b)
            self.pos += 1
        while self.byte() in _SPACE:
            self.pos += 1
        value = bytearray()
        quote = self.byte()
        if quote in (ord('"'), ord("'")):
            self.pos += 1
            while (b := self.byte()) != quote:
                value.append(b)
                self.pos += 1
            self.pos += 1
            return _text(name), _text(value)
        if quote == ord(">"):
            return _text(name), ""
        while (b := self.byte()) not in _SPACE and b != ord(">"):
            value.append(b)
            self.pos += 1
        return _text(name), _text(value)


def _text(raw: bytearray) -> str:
    return bytes(raw).lower().decode("latin-1")  # ASCII letters lower-cased, other bytes kept


_CONTENT_CHARSET_RE = re.compile(
    r"charset[\t\n\f\r ]*=[\t\n\f\r ]*(?:\"([^\"]*)(\")?|'([^']*)(')?|([^\t\n\f\r ;]+))"
)


def charset_in_content(content: str) -> str | None:
    """The standard's "extracting a character encoding from a meta element": the label after the
    first "charset=" of a content attribute (an unmatched quote: none)."""
    for match in _CONTENT_CHARSET_RE.finditer(content):
        double, closed_double, single, closed_single, bare = match.groups()
        if double is not None:
            return double if closed_double else None
        if single is not None:
            return single if closed_single else None
        return bare
    return None


_XML_DECL_RE = re.compile(rb"<\?xml[^>]*?encoding[\x00-\x20]*=[\x00-\x20]*([\"'])([^\"'>]*)\1")


def xml_encoding(data: bytes) -> str | None:
    """The standard's "get an XML encoding": the label of an `<?xml ... encoding="..."?>` that opens
    the page (no byte 0x20 or below in it)."""
    match = _XML_DECL_RE.match(data)
    if match is None or re.search(rb"[\x00-\x20]", match[2]) or not match[2]:
        return None
    return match[2].decode("latin-1")


def declared_charset(data: bytes) -> Declaration:
    """The charset a browser would take from the page's bytes (without a BOM or a transport layer)."""
    scan = _Prescan(data[:_PRESCAN_BYTES])
    codec = scan.run()
    if codec is None and (label := xml_encoding(data[:_PRESCAN_BYTES])) is not None:
        codec = _codec(label)
        if codec is None:
            scan.unknown.append(label)
    return Declaration(codec, tuple(scan.unknown))


def _decode(data: bytes, encoding: str, skipped: int = 0) -> tuple[str, tuple[str, ...]]:
    """Decode, replacing what does not decode with U+FFFD and saying how much and where (byte offsets
    count from the file's start: `skipped` bytes, a BOM, were cut off before)."""
    text = data.decode(encoding, errors="surrogateescape")
    bad = _ESCAPED_RE.findall(text)
    if not bad:
        return text, ()
    first = _ESCAPED_RE.search(text)
    assert first is not None
    offset = skipped + len(text[: first.start()].encode(encoding, errors="surrogateescape"))
    problem = (
        f"document: {len(bad)} byte{'s' if len(bad) > 1 else ''} not valid {encoding} "
        f"(first at byte {offset}), shown as U+FFFD"
    )
    return _ESCAPED_RE.sub("\ufffd", text), (problem,)


def _detected_codec(name: str) -> str:
    """A detector's Python codec name as a browser would decode it (latin-1 and ASCII as windows-1252,
    UTF-16 in ASCII-compatible bytes as UTF-8)."""
    name = codecs.lookup(name).name
    return {"iso8859-1": "cp1252", "ascii": "cp1252", "utf-16": "utf-8"}.get(name, name)


def decode_page(data: bytes) -> PageText:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text, problems = _decode(data[len(bom) :], encoding, len(bom))
            return PageText(text, encoding, problems)
    declared = declared_charset(data)
    notes = tuple(f"document: declared charset {label!r} is unknown" for label in declared.unknown)
    if declared.codec is not None:
        text, problems = _decode(data, declared.codec)
        return PageText(text, declared.codec, notes + problems)
    text = data.decode("utf-8", errors="surrogateescape")
    broken = len(_ESCAPED_RE.findall(text))
    intact = sum(1 for c in text if c > "\x7f") - broken
    if broken <= intact:  # UTF-8 with a few damaged bytes (or none), not another encoding
        text, problems = _decode(data, "utf-8")
        return PageText(text, "utf-8", notes + problems)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = _detected_codec(best.encoding) if best is not None else None
    if encoding is None or encoding == "utf-8":
        text, problems = _decode(data, "utf-8")
        return PageText(text, "utf-8", notes + problems)
    text, problems = _decode(data, encoding)
    guess = f"document: no usable charset declared and not UTF-8; decoded as {encoding} (detected)"
    return PageText(text, encoding, (*notes, guess, *problems))
