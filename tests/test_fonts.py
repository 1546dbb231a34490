"""The bundled font chain prints every character of every fixture name, embedded and subset,
and reports (never prints) a character that no bundled font has. Checked on real PDFs read
back with pdfium: extracted text, the font dictionaries, and rasterised ink."""

from __future__ import annotations

import ctypes
import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from conftest import ROOT, XLSX
from reportlab.pdfgen.canvas import Canvas

from checkin.printing.fonts import (
    FONTS_DIR,
    FontChain,
    FontFace,
    MissingGlyphs,
    check_printable,
    default_chain,
    new_canvas,
)

XLSX_TEXT_COLUMNS = ("姓名", "单位", "职务/职称", "项目名称")

RARE = ["䶮", "𠇔", "𬱖", "王䶮", "李𠇔", "陈𬱖", "𠇔𬱖䶮"]  # CJK Extension A, B, E
MIDDLE_DOTS = ["\u00b7", "\u30fb", "\u2022", "\u2027", "\uff65"]
MINORITY = [f"阿依古丽{dot}买买提" for dot in MIDDLE_DOTS] + [f"Ali{dot}Hasan" for dot in MIDDLE_DOTS]
LATIN = ["Müller", "García-López", "Nguyễn Văn An", "Lǚ Xiǎomíng", "Zoë Brontë-Łukasiewicz",
         "François Ødegård", "Ștefan Țurcanu"]
EXTRAS = RARE + MINORITY + LATIN
# Characters no bundled font has: a private-use character, Linear A, CJK Extension G.
UNCOVERED = ["\U0010fffd", "\U00010600", "\U00030000"]


def _xlsx_cells() -> tuple[list[str], list[str]]:
    """(every text cell, the texts of the name/organisation/title/team columns), stripped."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(XLSX)).get_sheet_by_index(0).to_python()
    header_at = next(i for i, row in enumerate(rows) if "姓名" in row)
    wanted = [rows[header_at].index(column) for column in XLSX_TEXT_COLUMNS]
    every = [str(v).strip() for row in rows for v in row if isinstance(v, str) and v.strip()]
    fields = [str(row[i]).strip() for row in rows[header_at + 1:] for i in wanted
              if i < len(row) and isinstance(row[i], str) and row[i].strip()]
    return every, fields


@pytest.fixture(scope="module")
def fixture_texts(answers) -> dict[str, list[str]]:
    every, fields = _xlsx_cells()
    people = answers["registrants"]
    names = list(dict.fromkeys(p["name"] for p in people))
    teams = list(dict.fromkeys(p["team"] for p in people if p["team"]))
    key_text = [v for p in people for v in p.values() if isinstance(v, str)]
    key_text += [m for p in people for m in p["meals"]]
    printed = list(dict.fromkeys(names + teams + fields))
    return {"names": names, "printed": printed, "all": list(dict.fromkeys(every + key_text))}


@pytest.fixture(scope="module")
def chain() -> FontChain:
    return default_chain()


def _draw_lines(lines: list[str], chain: FontChain, size: float = 11) -> bytes:
    """One text per line, 30 lines a page; returns the PDF."""
    out = io.BytesIO()
    canvas = new_canvas(out, pagesize=(600, 700))
    for start in range(0, len(lines), 30):
        for row, text in enumerate(lines[start:start + 30]):
            chain.draw_string(canvas, 20, 670 - row * 22, text, size)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _page_lines(pdf_bytes: bytes) -> list[str]:
    """The text pdfium reads, one entry per drawn line."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    lines: list[str] = []
    for page in pdf:
        text = page.get_textpage().get_text_range()
        lines += [line for line in text.replace("\r\n", "\n").split("\n") if line]
    return lines


def _same_text(drawn: str, read: str) -> bool:
    # pdfium reports some ideographic spaces (U+3000) as plain spaces although the PDF's
    # ToUnicode map says U+3000; whitespace is not what this test is about.
    return drawn.replace("\u3000", " ") == read.replace("\u3000", " ")


def _fonts_of_drawn_characters(pdf_bytes: bytes) -> dict[str, bool]:
    """{base font name: embedded?} of the font of every character pdfium finds."""
    fonts: dict[str, bool] = {}
    for page in pdfium.PdfDocument(pdf_bytes):
        textpage = page.get_textpage()
        for index in range(textpage.count_chars()):
            if pdfium_c.FPDFText_IsGenerated(textpage, index):
                continue
            font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(textpage, index))
            size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
            name = ctypes.create_string_buffer(size)
            pdfium_c.FPDFFont_GetBaseFontName(font, name, size)
            fonts[name.value.decode()] = bool(pdfium_c.FPDFFont_GetIsEmbedded(font))
    return fonts


@pytest.fixture(scope="module")
def names_pdf(fixture_texts, chain) -> tuple[list[str], bytes]:
    lines = fixture_texts["printed"] + EXTRAS
    return lines, _draw_lines(lines, chain)


def test_the_fonts_are_bundled_with_their_licences():
    files = {p.name: p.stat().st_size for p in FONTS_DIR.iterdir()}
    for font in ("wqy-microhei.ttc", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf",
                 "HanaMinA.ttf", "HanaMinB.ttf"):
        assert font in files
    for licence in ("LICENSE-wqy-microhei.txt", "LICENSE-NotoSans-OFL.txt",
                    "LICENSE-Hanazono.txt", "README.md"):
        assert files.get(licence, 0) > 500, licence
    assert sum(files.values()) < 60_000_000
    assert FONTS_DIR == ROOT / "checkin" / "assets" / "fonts"
    for face in default_chain().faces + default_chain(bold=True).faces:
        assert Path(face.path).parent == FONTS_DIR and Path(face.path).is_file()


def test_every_fixture_character_is_covered(fixture_texts, chain):
    chars = {c for text in fixture_texts["all"] for c in text}
    assert len(chars) > 400 and {"䶮", "𠇔", "𬱖", "\u00b7", "\u30fb", "\u2022"} <= chars
    missing = {text: chain.missing(text) for text in fixture_texts["all"] if chain.missing(text)}
    assert missing == {}
    check_printable(fixture_texts["all"], chain)
    check_printable(fixture_texts["all"], default_chain(bold=True))


def test_rare_middle_dot_and_accented_names_are_covered(chain):
    for text in EXTRAS:
        assert chain.missing(text) == [], text
        assert default_chain(bold=True).missing(text) == [], text
    for char in "".join(RARE + MIDDLE_DOTS):
        assert chain.covers(char)


def test_bold_and_regular_chains_cover_the_same_characters(chain):
    bold = default_chain(bold=True)
    for block in ((0x20, 0x2FF), (0x370, 0x52F), (0x1E00, 0x206F), (0x2E80, 0xFFFF),
                  (0x20000, 0x2FA1F)):
        differ = [hex(c) for c in range(*block) if chain.covers(chr(c)) != bold.covers(chr(c))]
        assert differ == []


def test_the_pdf_reads_back_as_the_names(names_pdf):
    lines, pdf = names_pdf
    extracted = _page_lines(pdf)
    assert len(extracted) == len(lines)
    mismatched = [(want, got) for want, got in zip(lines, extracted, strict=True)
                  if not _same_text(want, got)]
    assert mismatched == []
    for rare in RARE + MINORITY + LATIN:  # exactly, no normalisation at all
        assert rare in extracted


def test_fonts_are_embedded_as_subsets(names_pdf):
    lines, pdf = names_pdf
    # What pdfium says of the font of every character on every page (pdfium gives the name
    # without its subset tag).
    fonts = _fonts_of_drawn_characters(pdf)
    assert all(fonts.values()), fonts  # every one embedded
    assert {"WenQuanYiMicroHei-0", "HanaMinA"} <= set(fonts), fonts
    # The font dictionaries: subset-tagged names ('AAAAAB+HanaMinA') and TrueType programs
    # (/FontFile2), one per subset, and no other font (new_canvas: no initial Helvetica).
    tagged = [t.decode() for t in re.findall(rb"/BaseFont /([^\s/>]+)", pdf)]
    assert all(re.fullmatch(r"[A-Z]{6}\+\S+", name) for name in tagged), tagged
    assert {name.split("+", 1)[1] for name in tagged} == set(fonts)
    assert pdf.count(b"/FontFile2") == len(tagged)
    assert b"/FontFile3" not in pdf
    assert len(pdf) < 10_000_000  # subsets: the bundled faces weigh 57 MiB
    assert len(pdfium.PdfDocument(pdf)) == -(-len(lines) // 30)


def test_plane_two_characters_use_hanamin_b_when_a_lacks_them(chain):
    # A character of Extension B that HanaMinA lacks: the chain reaches the last face.
    hana_a = FontChain([chain.faces[2]])
    hana_b = FontChain([chain.faces[3]])
    char = next(chr(c) for c in range(0x20000, 0x2A6E0)
                if hana_b.covers(chr(c)) and not hana_a.covers(chr(c)))
    assert chain.runs(f"王{char}") == [("WQYMicroHei", "王"), ("HanaMinB", char)]
    lines = _page_lines(_draw_lines([f"王{char}"], chain))
    assert lines == [f"王{char}"]
    assert b"+HanaMinB" in _draw_lines([char], chain)


def test_a_character_no_font_has_is_reported_and_never_drawn(chain):
    for char in UNCOVERED:
        assert not chain.covers(char)
        assert chain.missing(f"张{char}三{char}") == [char]
    with pytest.raises(MissingGlyphs) as caught:
        check_printable(["王小明", "Ada", *(f"李{c}" for c in UNCOVERED)], chain)
    assert caught.value.chars == UNCOVERED
    assert caught.value.texts == [f"李{c}" for c in UNCOVERED]
    assert "U+10FFFD" in str(caught.value)
    out = io.BytesIO()
    canvas = Canvas(out)
    with pytest.raises(MissingGlyphs):
        chain.draw_string(canvas, 10, 10, f"王{UNCOVERED[2]}", 12)
    with pytest.raises(MissingGlyphs):
        chain.string_width(UNCOVERED[0], 12)
    canvas.showPage()
    canvas.save()
    assert _page_lines(out.getvalue()) == []  # nothing was drawn, not even 王


def _ink(pdf_bytes: bytes) -> tuple[int, bytes]:
    page = pdfium.PdfDocument(pdf_bytes)[0]
    image = page.render(scale=4, grayscale=True).to_pil().convert("L")
    pixels = image.tobytes()
    return sum(1 for p in pixels if p < 128), pixels


def _glyph_pdf(font: str | None, text: str, chain: FontChain) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(60, 60))
    if font is None:
        chain.draw_string(canvas, 10, 15, text, 36)
    else:  # straight through reportlab: a character the font lacks becomes .notdef
        canvas.setFont(font, 36)
        canvas.drawString(10, 15, text)
    canvas.save()
    return out.getvalue()


def test_a_rare_character_prints_ink_not_a_notdef_box(chain):
    chain.register()
    ink_rare, rare = _ink(_glyph_pdf(None, "𠇔", chain))
    ink_other, other = _ink(_glyph_pdf(None, "𬱖", chain))
    # What printing a character through a font that lacks it gives, the failures to avoid:
    # HanaMinA's .notdef is an empty box, WenQuanYi's prints nothing at all.
    ink_box, box = _ink(_glyph_pdf("HanaMinA", "\U0010fffd", chain))
    _, box_too = _ink(_glyph_pdf("HanaMinA", "\U00030000", chain))
    ink_blank, _ = _ink(_glyph_pdf("WQYMicroHei", "𠇔", chain))
    assert box == box_too and ink_box > 500 and ink_blank == 0
    assert ink_rare > 2000 and ink_other > 2000  # a 36 pt ideograph at 4x has real strokes
    assert len({rare, other, box}) == 3
    for glyph in (rare, other):
        differing = sum(1 for a, b in zip(glyph, box, strict=True) if (a < 128) != (b < 128))
        assert differing > 1500, (ink_rare, ink_other, ink_box, differing)


def test_empty_glyphs_do_not_count_as_coverage():
    # WenQuanYi Micro Hei maps the pinyin letters ǎ ǚ (and ℃) to glyphs with no outline.
    microhei = FontChain([FontFace("WQYMicroHei", FONTS_DIR / "wqy-microhei.ttc")])
    for char in "ǎǚ℃":
        assert not microhei.covers(char)
        assert default_chain().covers(char)
    assert microhei.covers("王") and microhei.covers(" ")


def test_runs_fall_back_per_character_and_merge(chain):
    assert chain.runs("王·小明") == [("WQYMicroHei", "王·小明")]
    assert chain.runs("Müller") == [("WQYMicroHei", "Müller")]
    # a word is not split across two Latin faces
    assert chain.runs("Lǚ Xiǎomíng") == [("NotoSans", "Lǚ Xiǎomíng")]
    assert chain.runs("王䶮") == [("WQYMicroHei", "王"), ("HanaMinA", "䶮")]
    assert chain.runs("王𠇔 李") == [("WQYMicroHei", "王"), ("HanaMinA", "𠇔"),
                                   ("WQYMicroHei", " 李")]
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert chain.runs(decomposed) == chain.runs("Nguyễn Văn An")
    assert chain.runs("王\u200b小\ufe00明\t") == [("WQYMicroHei", "王小明 ")]
    assert chain.runs("") == [] and chain.missing("  \n") == []
    bold = default_chain(bold=True)
    assert bold.runs("T001 面向") == [("NotoSans-Bold", "T001 "), ("WQYMicroHei", "面向")]
    for text in EXTRAS:
        assert "".join(part for _, part in chain.runs(text)) == text


def test_string_width_matches_what_is_drawn(chain):
    canvas = Canvas(io.BytesIO())
    for text in ["王𠇔 Müller", "阿依古丽·买买提", "Lǚ"]:
        width = chain.string_width(text, 14)
        assert width == pytest.approx(chain.draw_string(canvas, 0, 0, text, 14))
        assert width == pytest.approx(default_chain().string_width(text, 7) * 2)
    assert chain.string_width("王王", 10) == pytest.approx(20)


def test_bold_chain_draws_cjk_with_a_synthetic_bold(chain):
    regular, _ = _ink(_glyph_pdf(None, "王", chain))
    bold, _ = _ink(_glyph_pdf(None, "王", default_chain(bold=True)))
    assert bold > regular * 1.2
    assert _page_lines(_glyph_pdf(None, "王", default_chain(bold=True))) == ["王"]
    assert _page_lines(_draw_lines(EXTRAS, default_chain(bold=True))) == EXTRAS


def test_registering_is_idempotent_and_names_cannot_be_reused(chain):
    chain.register()
    FontChain().register()
    assert default_chain() is default_chain()
    clash = FontChain([FontFace("HanaMinA", FONTS_DIR / "NotoSans-Regular.ttf")])
    with pytest.raises(ValueError, match="already registered"):
        clash.register()
    with pytest.raises(ValueError):
        FontChain([chain.faces[0], chain.faces[0]])


# -- every PDF the desk makes embeds every font it names -------------------------------------
BASE_14 = {"Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
           "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Courier",
           "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Symbol", "ZapfDingbats"}


def _font_problems(pdf: bytes) -> list[str]:
    """Every font the PDF names that is not an embedded subset of ours: from the font
    dictionaries (also fonts no text uses, such as reportlab's initial Helvetica), from
    pdfium (the font of every text object of every page), and from poppler's pdffonts
    where it is installed."""
    problems = []
    names = [n.decode() for n in re.findall(rb"/BaseFont /([^\s/>\]]+)", pdf)]
    problems += [f"base-14 font {n}" for n in names if n.split("+")[-1] in BASE_14]
    problems += [f"not a subset: {n}" for n in names if not re.fullmatch(r"[A-Z]{6}\+\S+", n)]
    if pdf.count(b"/FontFile2") != len(names):
        problems.append(f"{len(names)} fonts, {pdf.count(b'/FontFile2')} embedded programs")
    for number, page in enumerate(pdfium.PdfDocument(pdf), 1):
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
            font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
            if not pdfium_c.FPDFFont_GetIsEmbedded(font):
                problems.append(f"page {number}: a text in a font that is not embedded")
    if shutil.which("pdffonts"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            listing = subprocess.run(["pdffonts", file.name], capture_output=True, text=True,
                                     check=True).stdout.splitlines()[2:]
        for row in listing:  # name type encoding emb sub uni object ID
            emb = row.split()[-5]
            if emb != "yes":
                problems.append(f"pdffonts: {row}")
    return problems


def test_the_font_check_finds_reportlabs_helvetica():
    out = io.BytesIO()
    canvas = Canvas(out)  # reportlab's own default: Helvetica named on every page
    default_chain().draw_string(canvas, 10, 10, "王小明", 12)
    canvas.showPage()
    canvas.save()
    assert any("Helvetica" in p for p in _font_problems(out.getvalue()))


def _items_for(store, template):
    from checkin.printing.documents import document_items, letter_items
    from checkin.store import registrants as reg_store

    people = [reg_store.get(store.reader(), "SHIC2026-000002"),
              reg_store.get(store.reader(), "SHIC2026-000005")]
    if template.document == "letter":
        return letter_items(store, people, template, {p.code: p.code for p in people})
    return document_items(store, people, template)


def test_every_template_embeds_every_font_it_names(event_store):
    """Badges, vouchers and letters, one per page and N-up on A4 with cut marks or tear-off
    lines (000005 has no meals: no vouchers; empty optional lines on both)."""
    from checkin.printing.render import render_pdf
    from checkin.printing.templates import list_templates

    checked = 0
    for template in list_templates():
        items = _items_for(event_store, template)
        assert items, template.name
        for sheet in (False, True):
            if sheet and template.document == "letter":
                continue
            out = io.BytesIO()
            render_pdf(items, out, sheet=sheet)
            assert _font_problems(out.getvalue()) == [], (template.name, sheet)
            checked += 1
    assert checked == 17
    out = io.BytesIO()
    render_pdf([], out)  # nothing to print: no stray font either
    assert b"/BaseFont" not in out.getvalue()
