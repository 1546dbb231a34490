"""Badge and voucher layouts as data: TOML files under checkin/assets/templates (millimetres,
origin at the top-left corner, as a designer measures). An organiser copies a file,
changes it and names it with --template; no code changes.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _
from ..masking import NEVER_UNMASKED as NEVER_PRINTED
from ..resources import templates_dir
from .pages import page_size_mm

log = logging.getLogger(__name__)
TEMPLATE_DIR = templates_dir()
ELEMENT_TYPES = ("text", "qr", "band", "rect", "line", "image")


class TemplateError(ValueError):
    """A template cannot be used; the message names the file and the element."""


@dataclass(frozen=True)
class Element:
    type: str
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0
    text: str = ""  # text with {fields}; for a qr element: its payload
    size: float = 12.0  # font size in points (text)
    min_size: float = 6.0  # shrink to fit no further than this
    max_lines: int = 1
    align: str = "center"  # left | center | right
    bold: bool = False
    colour: str = "#000000"  # fill/text colour; "{category_colour}" allowed
    path: str = ""  # image file, relative to the template
    cjk_name_spacing: bool = False  # two-character Chinese names spaced as 张　三
    optional: bool = False  # may be empty (a title, a team); otherwise an empty value is reported


DOCUMENTS = ("badge", "voucher", "letter")  # letter: a confirmation with the signed ticket


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    document: str  # badge | voucher | letter
    width_mm: float
    height_mm: float
    elements: tuple[Element, ...]
    folder: Path
    sheet_gap_mm: float = 4.0  # space between items when laid out N-up on A4
    sheet_margin_mm: float = 8.0  # unprinted border of the A4 sheet (0: perforated sheets)
    tear_lines: bool = False  # dashed tear-off lines between items on sheets (vouchers)
    notes: str = ""


def load_template(name_or_path: str | Path) -> Template:
    path = Path(name_or_path)
    if not path.suffix:
        path = TEMPLATE_DIR / f"{name_or_path}.toml"
    if not path.exists():
        raise TemplateError(f"no template {name_or_path!r}; see `checkin templates` for the list")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path.name}: not valid TOML: {exc}") from exc
    head = raw.get("template", {})
    where = path.name
    try:
        if "page" in head:
            width, height = page_size_mm(head["page"])
            if head.get("orientation") == "landscape":
                width, height = height, width
        else:
            width, height = float(head["width_mm"]), float(head["height_mm"])
    except (KeyError, ValueError) as exc:
        raise TemplateError(f"{where}: give page = \"A6\" (or width_mm and height_mm): {exc}") from exc
    document = head.get("document", "badge")
    if document not in DOCUMENTS:
        raise TemplateError(f"{where}: document must be one of {', '.join(DOCUMENTS)}")
    elements = []
    for i, item in enumerate(raw.get("elements", []), 1):
        kind = item.get("type")
        if kind not in ELEMENT_TYPES:
            raise TemplateError(f"{where}: element #{i} has type {kind!r}; use {', '.join(ELEMENT_TYPES)}")
        unknown = set(item) - set(Element.__dataclass_fields__)
        if unknown:
            raise TemplateError(f"{where}: element #{i} has unknown keys {sorted(unknown)}")
        try:
            element = Element(**item)
            _check_element(element, i, where)
        except (TypeError, ValueError) as exc:
            raise TemplateError(f"{where}: element #{i}: {exc}") from exc
        if element.x < 0 or element.y < 0 or element.x + element.w > width + 0.01 \
                or element.y + element.h > height + 0.01:
            raise TemplateError(f"{where}: element #{i} ({kind}) does not fit on the "
                                f"{width:g}x{height:g} mm page")
        if kind == "text" and (element.min_size > element.size or element.max_lines < 1):
            raise TemplateError(f"{where}: element #{i}: min_size must be <= size, max_lines >= 1")
        elements.append(element)
    return Template(
        name=path.stem, title=head.get("title", path.stem), document=document,
        width_mm=width, height_mm=height, elements=tuple(elements), folder=path.parent,
        sheet_gap_mm=float(head.get("sheet_gap_mm", 4.0)),
        sheet_margin_mm=float(head.get("sheet_margin_mm", 8.0)), tear_lines=bool(head.get("tear_lines")),
        notes=head.get("notes", ""),
    )


def _check_element(element: Element, number: int, where: str) -> None:
    import re
    import string

    from .fields import ALL_FIELDS

    for name in ("x", "y", "w", "h", "size", "min_size"):
        if not isinstance(getattr(element, name), int | float):
            raise ValueError(f"{name} must be a number")
    if element.type == "text" and (element.w <= 0 or element.h <= 0):
        raise ValueError("a text box needs a width and a height")
    if element.align not in ("left", "center", "right"):
        raise ValueError(f"align must be left, center or right, not {element.align!r}")
    if element.colour and not (element.colour == "{category_colour}"
                               or re.fullmatch(r"#[0-9a-fA-F]{6}", element.colour)):
        raise ValueError(f"colour must be like #1565c0 or {{category_colour}}, not {element.colour!r}")
    try:
        names = {n for _, n, _, _ in string.Formatter().parse(element.text) if n}
    except ValueError as exc:
        raise ValueError(f"text {element.text!r}: {exc} (write {{{{ for a literal brace)") from exc
    never = sorted(names & set(NEVER_PRINTED))
    if never:  # personal data of the highest class: on no badge, voucher or letter
        raise ValueError(_("{fields} cannot be printed: ID card and CME card numbers are never "
                           "put on a badge, voucher or letter (they go to the CME office in "
                           "the organiser's export)").format(fields=", ".join(never)))
    unknown = names - set(ALL_FIELDS)
    if unknown:
        raise ValueError(f"unknown field(s) {sorted(unknown)}; fields are {', '.join(ALL_FIELDS)}")


def list_templates() -> list[Template]:
    """Every usable template; a broken file is skipped with a warning, not fatal for all."""
    found = []
    for path in sorted(TEMPLATE_DIR.glob("*.toml")):
        try:
            found.append(load_template(path))
        except TemplateError as exc:
            log.warning("template skipped: %s", exc)
    return found
