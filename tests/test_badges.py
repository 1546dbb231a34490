"""Badges and vouchers: real PDFs, rasterised and read back."""

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
import zxingcpp

from checkin import tickets
from checkin.printing.documents import (
    badge_items,
    document_items,
    letter_items,
    select,
    voucher_items,
)
from checkin.printing.render import render_pdf, sheet_grid
from checkin.printing.templates import TemplateError, list_templates, load_template
from checkin.store import registrants as reg_store
from checkin.tokens import parse_payload

CHECKIN = str(Path(sys.executable).parent / "checkin")
PT_PER_MM = 72 / 25.4


def pdf_of(items, **kw) -> pypdfium2.PdfDocument:
    buffer = io.BytesIO()
    render_pdf(items, buffer, **kw)
    return pypdfium2.PdfDocument(buffer.getvalue())


def qr_texts(page, dpi=200) -> list[str]:
    image = np.array(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
    return [r.text for r in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)]


def text_in_box(page, template, element) -> str:
    """The text pdfium finds inside an element's box (PDF y runs upwards)."""
    height = template.height_mm * PT_PER_MM
    left, right = element.x * PT_PER_MM, (element.x + element.w) * PT_PER_MM
    top = height - element.y * PT_PER_MM
    bottom = top - element.h * PT_PER_MM
    return page.get_textpage().get_text_bounded(left - 0.5, bottom - 0.5, right + 0.5, top + 0.5)


def squeeze(text: str) -> str:
    return "".join(text.split())


def longest_organisation(store):
    people = reg_store.all_registrants(store.reader())
    return max(people, key=lambda p: (len(p.organisation or ""), len(p.name)))


@pytest.mark.parametrize("template", list_templates(), ids=lambda t: t.name)
def test_every_template_reads_back(event_store, template):
    person = longest_organisation(event_store)
    ticket = tickets.issue(tickets.new_private_key(), "k1", "SHIC2026", person.code)
    items = (letter_items(event_store, [person], template, {person.code: ticket})
             if template.document == "letter" else document_items(event_store, [person], template))
    assert items, "the sample person gets this document"
    document = pdf_of(items[:1])
    page = document[0]
    width, height = page.get_size()
    assert (round(width / PT_PER_MM, 1), round(height / PT_PER_MM, 1)) == (
        round(template.width_mm, 1), round(template.height_mm, 1))
    codes = qr_texts(page)
    if template.document == "letter":
        assert codes == [ticket]  # the signed ticket, whole, from the printed page
    else:
        assert len(codes) == 1 and parse_payload(codes[0]) == person.code
    for element in template.elements:
        if element.type != "text" or element.text not in ("{name}", "{organisation}"):
            continue
        expected = squeeze(getattr(person, element.text.strip("{}")))
        assert squeeze(text_in_box(page, template, element)) == expected, element.text


def test_voucher_qr_names_the_person_and_the_slot(event_store):
    person = reg_store.get(event_store.reader(), "SHIC2026-000002")
    items = voucher_items(event_store, [person], load_template("voucher-58mm"))
    document = pdf_of(items)
    assert len(document) == 2  # two lunches
    payloads = [json.loads(qr_texts(document[i])[0]) for i in range(2)]
    assert payloads == [{"code": person.code, "meal": "0626-lunch"},
                        {"code": person.code, "meal": "0627-lunch"}]


def test_unpaid_people_get_no_vouchers(event_store):
    unpaid = reg_store.get(event_store.reader(), "SHIC2026-000005")
    assert voucher_items(event_store, [unpaid], load_template("voucher-80mm")) == []


def test_rare_and_minority_names_print_and_read_back(event_store):
    template = load_template("badge-a6")
    names = ["罗䶮", "石秀𠇔", "余𬱖", "阿依古丽·买买提", "巴特尔・额尔敦", "Nguyễn Văn An", "Dr. Maria García-López"]
    people = [reg for reg in reg_store.all_registrants(event_store.reader()) if reg.name in names]
    assert {p.name for p in people} == set(names)  # all in the fixture export
    document = pdf_of(badge_items(event_store, people, template))
    name_box = next(e for e in template.elements if e.text == "{name}")
    for index, person in enumerate(people):
        assert squeeze(text_in_box(document[index], template, name_box)) == squeeze(person.name)


def test_a6_badges_four_to_an_a4_sheet_with_everyone(event_store):
    template = load_template("badge-a6")
    assert sheet_grid(template) == (2, 2)  # perforated A4 sheets of four A6 badges
    assert sheet_grid(load_template("badge-90x54")) == (2, 5)
    people = select(event_store, category="评委", sort="pinyin")
    items = badge_items(event_store, people, template)
    document = pdf_of(items, sheet=True)
    per_page = sheet_grid(template)[0] * sheet_grid(template)[1]
    assert len(document) == -(-len(people) // per_page)
    found = [c for i in range(len(document)) for c in qr_texts(document[i], dpi=150)]
    assert sorted(found) == sorted(p.code for p in people)


def test_templates_are_checked_when_loaded(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[template]\npage = "A6"\n[[elements]]\ntype = "text"\nx = 90\ny = 10\nw = 30\n'
                   'h = 10\ntext = "{name}"\n', encoding="utf-8")
    with pytest.raises(TemplateError, match="does not fit"):
        load_template(bad)
    with pytest.raises(TemplateError, match="no template"):
        load_template("no-such-template")


def test_cli_badge_badges_vouchers_templates(tmp_path, event_store):
    db = event_store.path

    def run(*args):
        result = subprocess.run([CHECKIN, "--db", db, *map(str, args)], capture_output=True,
                                text=True, timeout=300)
        assert "Traceback" not in result.stderr
        return result

    out = tmp_path / "badge.pdf"
    assert run("badge", "SHIC2026-000002", "-o", out).returncode == 0
    assert "SHIC2026-000002" in qr_texts(pypdfium2.PdfDocument(out)[0])
    sheet = tmp_path / "jury.pdf"
    result = run("badges", "--category", "评委", "-o", sheet, "--json")
    assert json.loads(result.stdout)["items"] == 37
    vouchers = tmp_path / "v.pdf"
    assert json.loads(run("vouchers", "SHIC2026-000002", "-o", vouchers, "--json").stdout)["items"] == 2
    listing = run("templates").stdout
    assert "badge-a6" in listing and "voucher-80mm" in listing
    missing = run("badge", "NOPE-1", "-o", tmp_path / "x.pdf")
    assert missing.returncode == 2 and "no registration with code NOPE-1" in missing.stderr
    previews = run("previews", "-o", tmp_path / "previews", "--json")
    assert len(json.loads(previews.stdout)) == len(list_templates())


def test_a_character_no_font_has_stops_printing_before_anything_is_written(tmp_path, event_store):
    from checkin.desk import Desk

    Desk(event_store, operator="a").edit("SHIC2026-000002", {"name": "范\U0010fffd"})
    out = tmp_path / "badge.pdf"
    result = subprocess.run([CHECKIN, "--db", event_store.path, "badge", "SHIC2026-000002", "-o",
                             out], capture_output=True, text=True)
    assert result.returncode == 2 and "U+10FFFD" in result.stderr
    assert not out.exists()


def test_every_fixture_registrant_gets_a_badge_and_vouchers_that_read_back(event_store):
    """The whole fixture: each badge page names its person inside the name box and the
    organisation inside its box; every twentieth page's QR is decoded; vouchers likewise."""
    people = reg_store.all_registrants(event_store.reader())
    for name in ("badge-a6", "voucher-a4"):
        template = load_template(name)
        make = badge_items if template.document == "badge" else voucher_items
        items = make(event_store, people, template)
        document = pdf_of(items)
        assert len(document) == len(items)
        boxes = {e.text: e for e in template.elements if e.type == "text"}
        wrong = []
        for index, (_, fields) in enumerate(items):
            page = document[index]
            for key in ("{name}", "{organisation}"):
                if key in boxes and squeeze(text_in_box(page, template, boxes[key])) != \
                        squeeze(fields[key.strip("{}")]):
                    wrong.append((fields["code"], key))
            if index % 20 == 0:
                assert parse_payload(qr_texts(page, dpi=150)[0]) == fields["code"]
        assert wrong == [], f"{name}: {wrong[:5]}"


def test_a_long_unbreakable_latin_name_stays_inside_its_box(event_store):
    from checkin.desk import Desk

    Desk(event_store, operator="a").edit("SHIC2026-000002",
                                         {"name": "Maximilian Oppenheimer-Wittgenstein"})
    person = reg_store.get(event_store.reader(), "SHIC2026-000002")
    for name in ("badge-a6", "badge-62mm", "badge-90x54"):
        template = load_template(name)
        page = pdf_of(badge_items(event_store, [person], template))[0]
        box = next(e for e in template.elements if e.text == "{name}")
        assert squeeze(text_in_box(page, template, box)) == squeeze(person.name), name


@pytest.mark.parametrize("element, message", [
    ('text = "{nmae}"', "unknown field"), ('text = "{name}"\ncolour = "red"', "colour must be"),
    ('text = "{name}"\nalign = "middle"', "align must be"), ('text = "{name"', "literal brace"),
])
def test_template_mistakes_are_named(tmp_path, element, message):
    path = tmp_path / "mine.toml"
    path.write_text(f'[template]\npage = "A6"\n[[elements]]\ntype = "text"\nx = 5\ny = 5\nw = 50\n'
                    f'h = 10\n{element}\n', encoding="utf-8")
    with pytest.raises(TemplateError, match=message):
        load_template(path)
