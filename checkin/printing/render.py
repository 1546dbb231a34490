"""Draw badges and vouchers into a PDF with reportlab: one per page (label and receipt
printers) or N-up on A4 with cut marks (office printers, batch pre-printing)."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .. import qr
from ..pinyin import is_cjk
from .fields import fill
from .fonts import FontChain, check_printable, default_chain, new_canvas
from .pages import page_size_mm
from .templates import Element, Template
from .textfit import LEADING, fit

CUT_MARK_MM = 3.0


@dataclass
class RenderReport:
    pages: int = 0
    items: int = 0
    warnings: list[str] = field(default_factory=list)  # everything worth a look
    # text shrunk below its template's smallest size, or broken inside a word or a date:
    # worth a look before the badge is handed over (an empty optional-looking line, e.g. a
    # walk-in's organisation, is not)
    squeezed: list[str] = field(default_factory=list)


def _colour(value: str, fields: dict[str, str]):
    return HexColor(fill(value, fields)) if value else white


@lru_cache(maxsize=65536)
def _unit_width(bold: bool, text: str) -> float:
    """Width at 1 pt as the font chain draws it (it picks a face per word, so measuring
    by character could disagree); cached, since wrapping measures the same lines often."""
    return default_chain(bold=bold).string_width(text, 1.0)


def _draw_line(canvas: Canvas, chain: FontChain, x: float, y: float, text: str, size: float,
               spacing: float) -> None:
    if not spacing:
        chain.draw_string(canvas, x, y, text, size)
        return
    for char in text:  # each character on its own, `spacing` apart
        x += chain.draw_string(canvas, x, y, char, size) + spacing


# 张　三: two-character names get space between the characters, as Chinese badges set them
# (less than a full em: the glyphs' own side bearings already add some).
NAME_SPACING_EM = 0.6


def _spaced(element: Element, text: str) -> bool:
    return element.cjk_name_spacing and len(text) == 2 and all(is_cjk(c) for c in text)


def _draw_text(canvas: Canvas, element: Element, fields: dict[str, str], ox: float, oy: float,
               page_h: float, report: RenderReport, who: str) -> None:
    text = fill(element.text, fields).strip()
    if not text:
        if not element.optional:
            report.warnings.append(f"{who}: {element.text} is empty")
        return
    chain = default_chain(bold=element.bold)
    box_w, box_h = element.w * mm, element.h * mm
    spacing_em = NAME_SPACING_EM if _spaced(element, text) else 0.0
    def measure(t: str, s: float) -> float:
        return _unit_width(element.bold, t) * s + spacing_em * s * max(0, len(t) - 1)

    fitted = fit(text, box_w, box_h, size=element.size, min_size=element.min_size,
                 max_lines=element.max_lines, measure=measure)
    if fitted.shrunk_below_min:
        report.warnings.append(f"{who}: {text[:30]!r} needed {fitted.size:g} pt to fit its box")
        report.squeezed.append(report.warnings[-1])
    if fitted.forced:
        report.warnings.append(f"{who}: {text[:30]!r} had to be broken inside a word or a date "
                               f"to fit its box: {' / '.join(fitted.lines)}")
        report.squeezed.append(report.warnings[-1])
    size = fitted.size
    block = len(fitted.lines) * size * LEADING
    top = oy + page_h - element.y * mm - (box_h - block) / 2  # centred vertically in the box
    canvas.setFillColor(_colour(element.colour, fields))
    for i, line in enumerate(fitted.lines):
        width = measure(line, size)
        x = ox + element.x * mm
        if element.align == "center":
            x += (box_w - width) / 2
        elif element.align == "right":
            x += box_w - width
        baseline = top - (i + 1) * size * LEADING + size * (LEADING - 1) / 2 + size * 0.12
        _draw_line(canvas, chain, x, baseline, line, size, spacing_em * size)


def _draw_qr(canvas: Canvas, element: Element, fields, ox, oy, page_h) -> None:
    """A vector QR code: each row's runs of dark modules as rectangles of one filled path."""
    dark = qr.dark_modules(fill(element.text, fields))
    side = min(element.w, element.h) * mm
    canvas.setFillColor(black)
    canvas.addLiteral(qr_path(dark, ox + element.x * mm, oy + page_h - element.y * mm,
                              side / dark.shape[0]))


def qr_path(dark: np.ndarray, left: float, top: float, module: float) -> str:
    """PDF path operators for the dark modules, found and formatted in bulk (numpy, one %
    format): a sheet of 4,000 vouchers draws over a million rectangles."""
    edges = np.diff(np.pad(dark.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    rows, cols = np.nonzero(edges)  # row by row, left to right: start, end, start, end ...
    row, start, end = rows[0::2], cols[0::2], cols[1::2]
    # a hair of overlap so that viewers draw no seams between modules
    boxes = np.column_stack((left + start * module, top - (row + 1) * module - 0.01,
                             (end - start) * module + 0.01, np.full(len(row), module + 0.02)))
    return ("%.3f %.3f %.3f %.3f re\n" * len(boxes)) % tuple(boxes.ravel().tolist()) + "f"


def draw_item(canvas: Canvas, template: Template, fields: dict[str, str], ox: float, oy: float,
              report: RenderReport) -> None:
    """One badge or voucher with its bottom-left corner at (ox, oy) points."""
    page_h = template.height_mm * mm
    who = fields.get("code", "?")
    for element in template.elements:
        x, top, w, h = ox + element.x * mm, oy + page_h - element.y * mm, element.w * mm, element.h * mm
        if element.type in ("band", "rect"):
            canvas.setFillColor(_colour(element.colour, fields))
            canvas.rect(x, top - h, w, h, stroke=0, fill=1)
        elif element.type == "line":
            canvas.setStrokeColor(_colour(element.colour, fields))
            canvas.setDash(2, 2)
            canvas.line(x, top, x + w, top - h)
            canvas.setDash()
        elif element.type == "text":
            _draw_text(canvas, element, fields, ox, oy, page_h, report, who)
        elif element.type == "qr":
            _draw_qr(canvas, element, fields, ox, oy, page_h)
        elif element.type == "image":
            path = template.folder / element.path
            canvas.drawImage(str(path), x, top - h, w, h, preserveAspectRatio=True, mask="auto")


def _texts_of(template: Template, fields: dict[str, str]) -> list[str]:
    return [fill(e.text, fields) for e in template.elements if e.type == "text"]


def render_pdf(items: list[tuple[Template, dict[str, str]]], out: str | Path | io.BytesIO, *,
               sheet: bool = False, title: str = "Checkin Desk") -> RenderReport:
    """Every item on its own page (its template's size), or N-up on A4 when `sheet`.
    Raises MissingGlyphs before drawing anything if a character cannot be printed."""
    for template, fields in items:
        check_printable(_texts_of(template, fields), default_chain())
    report = RenderReport()
    buffer = out if isinstance(out, io.BytesIO) else io.BytesIO()
    canvas = new_canvas(buffer, pageCompression=1)  # no Helvetica: every font embedded
    canvas.setTitle(title)
    canvas.setCreator("Checkin Desk")
    if sheet:
        _render_sheets(canvas, items, report)
    else:
        for template, fields in items:
            canvas.setPageSize((template.width_mm * mm, template.height_mm * mm))
            draw_item(canvas, template, fields, 0, 0, report)
            canvas.showPage()
            report.pages += 1
            report.items += 1
    canvas.save()
    if buffer is not out:
        replace_file(Path(out), buffer.getvalue())
    return report


def replace_file(path: Path, data: bytes) -> None:
    """Write beside the target, then swap: a full disk leaves the old file as it was."""
    temporary = path.with_name(f".{path.name}.part")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def sheet_grid(template: Template) -> tuple[int, int]:
    """How many columns and rows of this template fit on A4 inside the margins."""
    page_w, page_h = page_size_mm("A4")
    gap, margin = template.sheet_gap_mm, template.sheet_margin_mm
    cols = int((page_w - 2 * margin + gap + 0.01) // (template.width_mm + gap))
    rows = int((page_h - 2 * margin + gap + 0.01) // (template.height_mm + gap))
    if cols < 1 or rows < 1:
        raise ValueError(f"{template.name} ({template.width_mm:g}x{template.height_mm:g} mm) "
                         "does not fit on A4")
    return cols, rows


def _render_sheets(canvas: Canvas, items, report: RenderReport) -> None:
    page_w, page_h = page_size_mm("A4")
    canvas.setPageSize((page_w * mm, page_h * mm))
    slot = 0
    for template, fields in items:
        cols, rows = sheet_grid(template)
        gap = template.sheet_gap_mm
        used_w = cols * template.width_mm + (cols - 1) * gap
        used_h = rows * template.height_mm + (rows - 1) * gap
        left, bottom = (page_w - used_w) / 2, (page_h - used_h) / 2
        col, row = slot % cols, slot // cols
        x = (left + col * (template.width_mm + gap)) * mm
        y = (bottom + used_h - (row + 1) * template.height_mm - row * gap) * mm
        draw_item(canvas, template, fields, x, y, report)
        _marks(canvas, x, y, template.width_mm * mm, template.height_mm * mm, template.tear_lines,
               gap * mm)
        report.items += 1
        slot += 1
        if slot == cols * rows:
            canvas.showPage()
            report.pages += 1
            slot = 0
    if slot:
        canvas.showPage()
        report.pages += 1


def _marks(canvas: Canvas, x: float, y: float, w: float, h: float, tear: bool,
           gap: float) -> None:
    """Cut marks just outside each corner, or a dashed tear-off outline for vouchers."""
    canvas.setStrokeColor(HexColor("#888888"))
    canvas.setLineWidth(0.3)
    if tear:
        canvas.setDash(3, 2)
        canvas.rect(x, y, w, h, stroke=1, fill=0)
        canvas.setDash()
        return
    m = min(CUT_MARK_MM * mm, gap / 2) if gap else CUT_MARK_MM * mm
    if not gap:  # items touch (perforated sheets): marks would run into the neighbours
        return
    for cx, cy in ((x, y), (x + w, y), (x, y + h), (x + w, y + h)):
        dx = -m if cx == x else m
        dy = -m if cy == y else m
        canvas.line(cx, cy, cx + dx, cy)
        canvas.line(cx, cy, cx, cy + dy)
