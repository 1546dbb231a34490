"""Bundled fonts and a per-character fallback chain for reportlab PDFs.

Every name must print in the characters the person registered with: common Chinese, rare
CJK Extension A-F characters (䶮 U+4DAE, 𠇔 U+201D4, 𬱖 U+2CC56), minority names with a
middle dot in any of its spellings, accented and pinyin-with-tones Latin names. No single
free TrueType font has all of that, so text is split into runs, each drawn with the first
bundled face that really has a glyph for it (see checkin/assets/fonts/README.md for the faces):

    WenQuanYi Micro Hei   sans-serif primary: GB 18030 Chinese, Latin, Cyrillic, Hangul
    Noto Sans             Latin/Greek/Cyrillic it lacks (pinyin ǎ ǚ, combining marks)
    HanaMinA              CJK Extension A, compatibility ideographs, kana, symbols
    HanaMinB              CJK Extensions B-F (plane 2)

A character that no face has is reported (`missing`, `check_printable`, `MissingGlyphs`)
and never drawn: reportlab would otherwise print the font's .notdef box, or nothing. A
glyph that is mapped but has no outline (WenQuanYi maps ǎ ǐ ǒ ǔ ǘ ǚ ǜ ℃ to empty glyphs)
does not count as covering its character.

Bold: Noto Sans Bold is the only bold face; CJK faces have no bold weight, so the bold chain
draws them with a synthetic bold (the glyphs are filled and stroked in the fill colour).

Fonts are embedded as subsets (reportlab's TTFont; tag 'AAAAAA+' in /BaseFont), and no
other font is named: `new_canvas` replaces reportlab's initial Helvetica. The module
keeps no state of its own beyond reportlab's font registry and a per-process cache of the
two default chains, whose faces load when a text first needs them.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ..resources import fonts_dir

FONTS_DIR = fonts_dir()

# Synthetic bold: stroke width as a fraction of the font size.
_SYNTHETIC_BOLD_STROKE = 0.03


@dataclass(frozen=True)
class FontFace:
    """One font file as registered with reportlab under `name`."""

    name: str
    path: Path
    subfont_index: int = 0  # face inside a .ttc collection
    synthetic_bold: bool = False  # draw filled and stroked (a face with no bold weight)


def bundled_faces(bold: bool = False) -> list[FontFace]:
    """The bundled chain, primary first."""
    microhei = FontFace("WQYMicroHei", FONTS_DIR / "wqy-microhei.ttc", 0, synthetic_bold=bold)
    hana_a = FontFace("HanaMinA", FONTS_DIR / "HanaMinA.ttf", synthetic_bold=bold)
    hana_b = FontFace("HanaMinB", FONTS_DIR / "HanaMinB.ttf", synthetic_bold=bold)
    if bold:
        # Latin/Greek/Cyrillic words in real bold; everything else emboldened.
        return [FontFace("NotoSans-Bold", FONTS_DIR / "NotoSans-Bold.ttf"), microhei, hana_a,
                hana_b]
    return [microhei, FontFace("NotoSans", FONTS_DIR / "NotoSans-Regular.ttf"), hana_a, hana_b]


class MissingGlyphs(ValueError):
    """Characters that no font of the chain can print; raised before anything is drawn."""

    def __init__(self, chars: list[str], texts: list[str] | None = None):
        self.chars = list(chars)
        self.texts = list(texts or [])
        described = ", ".join(_describe(c) for c in self.chars)
        where = f" (in {', '.join(repr(t) for t in self.texts[:5])})" if self.texts else ""
        super().__init__(f"no bundled font can print {described}{where}")


def _describe(char: str) -> str:
    return f"{char!r} U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()


# Code points that print nothing by design (Unicode Default_Ignorable_Code_Point, the parts
# that are not already category Cf): variation selectors, fillers, the grapheme joiner.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0000, 0xE0FFF),
)


def _is_ignorable(char: str) -> bool:
    if char.isspace():
        return False
    if unicodedata.category(char) in ("Cc", "Cf"):
        return True
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _IGNORABLE_RANGES)


def _is_wide(char: str) -> bool:
    """Han, kana, Hangul, full-width forms: set one character at a time."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _prepare(text: str) -> list[str]:
    """The characters to draw: default-ignorables dropped, and a base letter with combining
    marks composed where Unicode has one character for it (e + ̂ + ̃ -> ễ), so that
    decomposed input prints like composed input. Nothing else is normalised: CJK
    compatibility ideographs stay as typed."""
    chars: list[str] = []
    cluster: list[str] = []

    def flush() -> None:
        if len(cluster) > 1 and unicodedata.is_normalized("NFC", cluster[0]):
            chars.extend(unicodedata.normalize("NFC", "".join(cluster)))
        else:
            chars.extend(cluster)
        cluster.clear()

    for char in text:
        if _is_ignorable(char):
            continue
        if char.isspace() and unicodedata.category(char) != "Zs":
            char = " "  # tab, newline, line separator: one line is drawn
        if unicodedata.category(char).startswith("M") and cluster:
            cluster.append(char)
            continue
        flush()
        cluster.append(char)
    flush()
    return chars


class _TTFont(TTFont):
    """reportlab's TTFont, with ToUnicode CMaps that spell characters outside the Basic
    Multilingual Plane as UTF-16 surrogate pairs. reportlab writes them as 5 hex digits
    (<201D4>), which PDF readers misread: copied or extracted text of 𠇔 came out as ”."""

    def addObjects(self, doc):  # noqa: N802 (reportlab's name)
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        if not any(code > 0xFFFF for subset in subsets for code in subset):
            return
        prefix = f"Font {self.fontName} subset "
        for pdf_font in list(doc.idToObject["BasicFonts"].dict.values()):
            comment = getattr(pdf_font, "__Comment__", "") or ""
            if not comment.startswith(prefix):
                continue
            subset = subsets[int(comment[len(prefix):])]
            if any(code > 0xFFFF for code in subset):
                stream = doc.idToObject[pdf_font.ToUnicode.name]
                stream.content = _to_unicode_cmap(pdf_font.BaseFont, subset)


def _to_unicode_cmap(font_name: str, subset: list[int]) -> str:
    def utf16(code: int) -> str:
        return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()

    return "\n".join([
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({font_name})",
        f"/Ordering ({font_name})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{font_name} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(code)}>" for i, code in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ])


def _register(face: FontFace) -> TTFont:
    """Register one face with reportlab (once per process) and return its TTFont."""
    if face.name in pdfmetrics.getRegisteredFontNames():
        font = pdfmetrics.getFont(face.name)
        registered = getattr(getattr(font, "face", None), "filename", None)
        if registered is None or Path(registered).resolve() != Path(face.path).resolve():
            raise ValueError(f"font name {face.name!r} is already registered for {registered}")
        return font
    if not Path(face.path).is_file():
        raise FileNotFoundError(f"bundled font missing: {face.path} (see checkin/assets/fonts/README.md)")
    font = _TTFont(face.name, str(face.path), subfontIndex=face.subfont_index)
    pdfmetrics.registerFont(font)
    return font


def _coverage(font: TTFont) -> frozenset[int]:
    """Code points with a real glyph: not .notdef, and with an outline unless whitespace."""
    face = font.face
    glyph_pos = getattr(face, "glyphPos", None)
    covered = set()
    for code, glyph in face.charToGlyph.items():
        if glyph == 0:
            continue
        if glyph_pos is not None and glyph + 1 < len(glyph_pos) \
                and glyph_pos[glyph + 1] == glyph_pos[glyph] and not chr(code).isspace():
            continue  # empty outline: would print nothing
        covered.add(code)
    return frozenset(covered)


class FontChain:
    """Fonts tried in order, character by character. Without `faces`, the bundled chain of
    the weight `bold` asks for (see `bundled_faces`)."""

    def __init__(self, faces: list[FontFace] | None = None, bold: bool = False):
        self.bold = bold
        self.faces: list[FontFace] = list(faces) if faces is not None else bundled_faces(bold)
        if not self.faces:
            raise ValueError("a font chain needs at least one face")
        names = [face.name for face in self.faces]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate face names in chain: {names}")
        self._by_name = {face.name: face for face in self.faces}
        self._lock = threading.Lock()
        # each face's characters, read when the chain first needs that face: the rare-character
        # faces (HanaMin, 53 MB of font files, ~100 MB once parsed) load only for a name that
        # needs them, not for every desk that prints a badge
        self._covered: list[frozenset[int] | None] = [None] * len(self.faces)

    def register(self) -> None:
        """Register every face with reportlab; idempotent, and cheap after the first call."""
        for index in range(len(self.faces)):
            self._coverage(index)

    def _coverage(self, index: int) -> frozenset[int]:
        covered = self._covered[index]
        if covered is None:
            with self._lock:
                if self._covered[index] is None:
                    self._covered[index] = _coverage(_register(self.faces[index]))
                covered = self._covered[index]
        return covered

    def _first_face(self, code: int) -> int | None:
        for index in range(len(self.faces)):
            if code in self._coverage(index):
                return index
        return None

    def covers(self, char: str) -> bool:
        """True if some face has a real glyph for this one character."""
        if len(char) != 1:
            raise ValueError(f"covers() takes one character, not {char!r}")
        return self._first_face(ord(char)) is not None

    def missing(self, text: str) -> list[str]:
        """Characters of `text` that no face has, in order of appearance, each once.
        Whitespace (drawn as a space when no face has it) and invisible format or
        control characters are not reported."""
        seen: dict[str, None] = {}
        for char in _prepare(text):
            if not char.isspace() and char not in seen and not self.covers(char):
                seen[char] = None
        return list(seen)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """[(reportlab font name, text)] to draw left to right; adjacent characters in the
        same face are merged. Raises MissingGlyphs if a character has no face.

        Han and other wide characters take the first face that has them, one by one.
        A word of alphabetic characters (Latin, Greek, Cyrillic) takes the first face that has
        the whole word, so 'Xiǎomíng' is not set in two fonts. Punctuation, digits, symbols
        and spaces take the face of the text around them when it has them, the earlier
        of the two in the chain (王·小明 keeps its middle dot in the Chinese face). Whitespace no face has becomes a plain space;
        invisible format characters are left out."""
        chars = _prepare(text)
        if not chars:
            return []
        missing = [c for c in dict.fromkeys(chars) if not c.isspace() and not self.covers(c)]
        if missing:
            raise MissingGlyphs(missing, [text])

        def has(index: int | None, char: str) -> bool:
            return index is not None and ord(char) in self._coverage(index)

        # 1. Strong characters (letters) get a face; words of narrow letters as a whole.
        assigned: list[int | None] = [None] * len(chars)
        i = 0
        while i < len(chars):
            kind = unicodedata.category(chars[i])[0]
            if kind != "L":
                i += 1
                continue
            if _is_wide(chars[i]):
                assigned[i] = self._first_face(ord(chars[i]))
                i += 1
                continue
            j = i + 1
            while j < len(chars) and unicodedata.category(chars[j])[0] in "LM" \
                    and not _is_wide(chars[j]):
                j += 1
            word = chars[i:j]
            whole = next((k for k in range(len(self.faces))
                          if all(ord(c) in self._coverage(k) for c in word)), None)
            for k in range(i, j):
                if unicodedata.category(chars[k])[0] == "M":
                    continue  # marks follow their base below
                assigned[k] = whole if whole is not None else self._first_face(ord(chars[k]))
            i = j

        # 2. Neutral characters and marks follow their neighbours.
        next_strong: list[int | None] = [None] * len(chars)
        upcoming: int | None = None
        for k in range(len(chars) - 1, -1, -1):
            next_strong[k] = upcoming
            if assigned[k] is not None:
                upcoming = assigned[k]
        faces: list[int] = []
        previous: int | None = None
        drawn: list[str] = []
        for k, char in enumerate(chars):
            face = assigned[k]
            if face is None:
                if unicodedata.category(char)[0] == "M":
                    around = [previous]
                else:
                    around = [previous, next_strong[k]]
                candidates = [f for f in around if f is not None and has(f, char)]
                face = min(candidates) if candidates else self._first_face(ord(char))
                if face is None:  # whitespace that no face has
                    char = " "
                    face = previous if has(previous, " ") else self._first_face(32)
                    if face is None:
                        continue
            faces.append(face)
            drawn.append(char)
            previous = face

        runs: list[tuple[str, str]] = []
        for face, char in zip(faces, drawn, strict=True):
            name = self.faces[face].name
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + char)
            else:
                runs.append((name, char))
        return runs

    def string_width(self, text: str, size: float) -> float:
        """Advance width of `text` at `size` points, as draw_string draws it."""
        return sum(pdfmetrics.stringWidth(part, name, size) for name, part in self.runs(text))

    def draw_string(self, canvas, x: float, y: float, text: str, size: float) -> float:
        """Draw `text` with its baseline at (x, y) in the canvas's fill colour; returns the
        width drawn. Raises MissingGlyphs (drawing nothing) if a character cannot print."""
        runs = self.runs(text)
        if not runs:
            return 0.0
        synthetic = any(self._by_name[name].synthetic_bold for name, _ in runs)
        if synthetic:
            canvas.saveState()
            fill = getattr(canvas, "_fillColorObj", None)
            if fill is not None:
                canvas.setStrokeColor(fill)
            canvas.setLineWidth(size * _SYNTHETIC_BOLD_STROKE)
            canvas.setLineJoin(1)
        text_object = canvas.beginText(x, y)
        width = 0.0
        for name, part in runs:
            if synthetic:
                text_object.setTextRenderMode(2 if self._by_name[name].synthetic_bold else 0)
            text_object.setFont(name, size)
            text_object.textOut(part)
            width += pdfmetrics.stringWidth(part, name, size)
        if synthetic:
            text_object.setTextRenderMode(0)
        canvas.drawText(text_object)
        if synthetic:
            canvas.restoreState()
        return width


def check_printable(texts: Iterable[str] | str, chain: FontChain | None = None) -> None:
    """Raise MissingGlyphs listing every character of `texts` that `chain` (default: the
    bundled chain) cannot print, and the texts that hold them. Call before printing."""
    chain = chain or default_chain()
    if isinstance(texts, str):
        texts = [texts]
    chars: dict[str, None] = {}
    holders: list[str] = []
    for text in texts:
        if not text:
            continue
        missing = chain.missing(text)
        if missing:
            holders.append(text)
            chars.update(dict.fromkeys(missing))
    if chars:
        raise MissingGlyphs(list(chars), holders)


def new_canvas(out, **kwargs) -> Canvas:
    """A reportlab Canvas whose initial font is the bundled chain's primary face. With
    reportlab's default, every page names Helvetica in its resources although no text uses
    it: a base-14 font, never embedded, that a printer replaces with whatever it has (and
    preflight checks refuse). Every PDF the desk makes starts here."""
    return Canvas(out, initialFontName=default_chain().faces[0].name, **kwargs)


@functools.cache
def default_chain(bold: bool = False) -> FontChain:
    """The bundled chain, one per process and weight; its primary face registered with
    reportlab (a canvas starts in it), the others when a text first needs them."""
    chain = FontChain(bold=bold)
    chain._coverage(0)
    return chain
