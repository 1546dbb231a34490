"""PNG previews of every template, rendered from a real PDF (pypdfium2), for review by eye."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pypdfium2

from ..model import Registrant
from ..store import Store
from ..store import registrants as reg_store
from .documents import document_items
from .render import render_pdf
from .templates import list_templates

# Someone whose badge stresses every box: a long organisation, a team, a rare character.
SAMPLE = Registrant(
    code="SHIC2026-000001", name="欧阳𬱖", organisation="中国研究型医院学会医疗信息化分会智慧医疗专业委员会",
    title="信息科主任", category="参赛团队", team="T001 面向县域的医共体数据中台", payment="已缴费",
)


def pdf_to_pngs(pdf: bytes, out_stem: Path, dpi: int = 150) -> list[Path]:
    document = pypdfium2.PdfDocument(pdf)
    files = []
    for index in range(len(document)):
        image = document[index].render(scale=dpi / 72).to_pil()
        path = out_stem.with_name(f"{out_stem.name}-{index + 1}.png")
        image.save(path)
        files.append(path)
    return files


def badge_png(store: Store, code: str, template: str = "badge-a6", dpi: int = 110) -> bytes:
    """One person's badge as a PNG, drawn from the very PDF a print would send (the same
    template, fonts and fitting): what a self check-in kiosk shows before it prints."""
    from .documents import badge_items, select
    from .templates import load_template

    items = badge_items(store, select(store, codes=[code]), load_template(template))
    buffer = io.BytesIO()
    render_pdf(items[:1], buffer, title=f"badge {code}")
    document = pypdfium2.PdfDocument(buffer.getvalue())
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)  # shown at once, never stored: speed over size
    return out.getvalue()


def write_previews(store: Store, folder: str | Path, code: str | None = None) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    person = reg_store.get(store.reader(), code) if code else None
    if code and person is None:
        raise LookupError(f"no registration with code {code}")
    person = person or SAMPLE
    if not person.meals and store.config.meals:  # so that the voucher templates show too
        person = dataclasses.replace(person, meals=[store.config.meals[0].id])
    files = []
    for template in list_templates():
        items = document_items(store, [person], template)[:1]
        if not items:
            continue
        buffer = io.BytesIO()
        render_pdf(items, buffer)
        files += pdf_to_pngs(buffer.getvalue(), folder / template.name)
    return files
