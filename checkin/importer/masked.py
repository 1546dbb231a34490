"""An import's preview and problems as a role may see them: for the desk role phone numbers,
e-mails and ID card and CME card numbers masked (138****8000, z***@example.org,
1101************58), also inside remarks, extra columns, raw cells and problem messages; the
organiser sees them whole. The same masking as `checkin import` on the command line
(docs/personal-data.md), so the desk window's import wizard shows no more than the CLI
does."""

from __future__ import annotations

import dataclasses

from ..masking import NEVER_UNMASKED, mask_email, mask_id, mask_phone, mask_text
from ..privacy import Role, can_see_personal, display_registrant
from .report import Problem
from .run import ExportPreview


def preview_for(preview: ExportPreview, role: Role | str | None) -> ExportPreview:
    """A copy of `preview` fit to show to `role`: the people as display_registrant shows
    them; in the raw rows (shown while the mapping is incomplete) the phone and e-mail
    columns masked as such, any other cell with a number or an address in it masked; the
    same in the problems and the error."""
    if can_see_personal(role):
        return preview
    columns = preview.columns.fields
    maskers = {columns.get("phone"): mask_phone, columns.get("email"): mask_email,
               **{columns.get(f): mask_id for f in NEVER_UNMASKED}}
    maskers.pop(None, None)
    rows = [(number, [_masked_cell(cell, maskers.get(index, mask_text))
                      for index, cell in enumerate(cells)])
            for number, cells in preview.rows]
    return dataclasses.replace(
        preview, rows=rows, people=[display_registrant(p, role) for p in preview.people],
        problems=problems_for(preview.problems, role),
        error=mask_text(preview.error))  # it may quote the first row read


def header_for(header, role: Role | str | None) -> str:
    """A column header as `role` may read it: a file without a header row offers its first
    row as the headers, and that row is a person (their phone number, their e-mail)."""
    text = "" if header is None else str(header)
    return text if can_see_personal(role) else _masked_cell(text, mask_text)


def problems_for(problems: list[Problem], role: Role | str | None) -> list[Problem]:
    """The problems with the values their messages quote masked (unless the organiser's)."""
    if can_see_personal(role):
        return problems
    return [dataclasses.replace(p, message=mask_text(p.message)) for p in problems]


def _masked_cell(cell, mask):
    """A cell as read (text or a number) with what `mask` hides masked; a cell with nothing
    to hide keeps its value and type (an amount of 480.0 stays a number)."""
    if cell is None or isinstance(cell, bool):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        text = str(int(cell))  # a phone number read from a spreadsheet as a number
    else:
        text = str(cell)
    masked = mask(text)
    return cell if masked == text else masked
