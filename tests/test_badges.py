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
from checkin.tokens import plain_code

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
    return "".join(lines_of(text)).replace(" ", "")


def lines_of(text: str) -> list[str]:
    """pdfium's text as lines. A hyphen that ends a line (García- / López) is read as its
    soft-hyphen marker, U+FFFE (U+0002 from get_text_bounded): it is a hyphen here."""
    text = text.replace("\ufffe", "-").replace("\x02", "-\r\n")
    return [" ".join(line.split()) for line in text.split("\r\n") if line.strip()]


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
        assert len(codes) == 1 and plain_code(codes[0]) == person.code
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
                assert plain_code(qr_texts(page, dpi=150)[0]) == fields["code"]
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


# -- line breaking: titles break at word and date boundaries ------------------------------
# Real titles of Chinese medical-IT events, with the parts no line may start or end inside.
TITLES = [
    ("第二届医疗行业数字创新大会", ("2026-12-04", "2026-12-05"), ["2026年12月4日–5日"]),
    ("第二届医疗行业数字创新大会（演示）", ("2026-06-30", "2026-07-02"), ["2026年6月30日–7月2日"]),
    ("2026中国医院信息网络大会（CHIMA 2026）", ("2026-12-04", "2026-12-04"),
     ["2026年12月4日", "CHIMA", "2026）"]),
    ("中华医学会第三十一次全国放射学学术大会暨国际医学影像技术研讨会", ("2026-12-04", "2026-12-06"),
     ["第三十一次", "2026年12月4日–6日"]),
    ("第十届中国医疗健康数字化创新发展论坛 12月4日08:30开幕", ("2026-12-04", "2026-12-05"),
     ["第十届", "12月4日", "08:30", "2026年12月4日–5日"]),
]
GROUPS = ["2026年12月4日–5日", "2026年6月30日–7月2日", "12月4日", "2026-12-04", "08:30",
          "11:30–13:30", "¥480元", "400人", "第三十一次"]


def _measure(bold=False):
    from checkin.printing.render import _unit_width

    return lambda text, size: _unit_width(bold, text) * size


def _whole(group: str, lines) -> bool:
    return any(group in line for line in lines)


@pytest.fixture(params=["budoux", "rules only"])
def segmenter(request, monkeypatch):
    """The line breaking with BudouX's Chinese words, and without it (not installed)."""
    from checkin.printing import textfit

    if request.param == "budoux":
        pytest.importorskip("budoux")
    else:
        monkeypatch.setattr(textfit, "budoux", None)
    textfit._segmenter.cache_clear()
    textfit.break_classes.cache_clear()
    yield request.param
    textfit._segmenter.cache_clear()
    textfit.break_classes.cache_clear()


@pytest.mark.parametrize("text", [
    "第二届医疗行业数字创新大会 2026年12月4日–5日",
    "第二届医疗行业数字创新大会（演示） 2026年6月30日–7月2日",
    "中华医学会第三十一次全国放射学学术大会 2026-12-04 08:30 开幕",
    "餐券 12月4日午餐 11:30–13:30 · 限400人 · ¥480元",
    "Welcome reception 2026-12-04 08:30, hall A",
])
def test_no_line_breaks_inside_a_date_a_time_or_a_number_with_its_unit(text, segmenter):
    from checkin.printing.textfit import WEAK, _pieces, fit, forced_breaks

    measure = _measure()
    groups = [g for g in GROUPS if g in text]
    assert groups
    # from the narrowest box in which every unbreakable part fits at the smallest size
    narrowest = max(measure(piece.strip(), 5) for piece, _ in _pieces(text, WEAK))
    for width in range(int(narrowest) + 1, 420, 6):
        fitted = fit(text, width, 500, size=12, min_size=5, max_lines=20, measure=measure)
        assert not fitted.forced and forced_breaks(text, fitted.lines) == 0, (width, fitted)
        assert "".join(fitted.lines).replace(" ", "") == text.replace(" ", "")
        for group in groups:
            assert _whole(group, fitted.lines), (width, group, fitted.lines)
        for line in fitted.lines:  # nor starts with punctuation that ends the one before
            assert line[0] not in "，。、）》–—·:：", (width, fitted.lines)


def test_titles_prefer_the_space_before_the_date_and_chinese_word_boundaries(segmenter):
    from checkin.printing.textfit import fit

    measure = _measure()
    title = "第二届医疗行业数字创新大会 2026年12月4日–5日"
    width = measure("第二届医疗行业数字创新大会", 11) + 1
    fitted = fit(title, width, 40, size=11, min_size=6, max_lines=2, measure=measure)
    assert fitted.lines == ("第二届医疗行业数字创新大会", "2026年12月4日–5日")
    # a little wider than the title alone: still not '…创新 / 大会 2026年…'
    wider = fit(title, width * 1.05, 40, size=11.5, min_size=6, max_lines=2, measure=measure)
    assert wider.lines == ("第二届医疗行业数字创新大会", "2026年12月4日–5日")


def test_chinese_breaks_between_words():
    pytest.importorskip("budoux", reason="Chinese word boundaries come from BudouX")
    from checkin.printing.textfit import fit

    measure = _measure()
    words = ["医疗", "行业", "数字", "创新", "大会", "研究型", "医院", "学会", "信息化", "委员会",
             "智慧", "专业"]
    for text in ("第二届医疗行业数字创新大会", "中国研究型医院学会医疗信息化分会智慧医疗专业委员会"):
        for width in range(int(measure("研究型", 6)) + 1, 300, 5):
            fitted = fit(text, width, 500, size=12, min_size=6, max_lines=20, measure=measure)
            split = [w for w in words if w in text and not _whole(w, fitted.lines)]
            assert split == [], (width, fitted.lines)


def test_latin_words_break_only_at_spaces_or_after_a_hyphen(segmenter):
    from checkin.printing.textfit import fit

    measure = _measure(bold=True)
    text = "Prof. Dr. Hans-Joachim Müller-Lüdenscheidt O'Brien, Covid-19"
    for width in range(int(measure("Lüdenscheidt", 10)) + 1, 500, 7):
        fitted = fit(text, width, 100, size=20, min_size=10, max_lines=4, measure=measure)
        assert not fitted.forced  # smaller than min_size rather than a word cut in two
        for end in [line[-1] for line in fitted.lines[:-1]]:
            assert end in ".-" or end.isalpha(), fitted.lines
        joined = " ".join(fitted.lines)
        for word in text.split():
            # a hyphenated word may break after its hyphen, before a letter only
            parts = [word] if word.startswith("Covid") else word.split("-")
            assert all(_whole(part, fitted.lines) for part in parts), (width, fitted.lines)
        assert squeeze(joined) == squeeze(text)


def test_a_word_wider_than_the_box_even_at_4_pt_is_broken_and_said(tmp_path, event_store):
    from checkin.printing.render import render_pdf

    path = tmp_path / "narrow.toml"
    path.write_text('[template]\nwidth_mm = 30\nheight_mm = 30\n[[elements]]\ntype = "text"\n'
                    'text = "{name}"\nx = 2\ny = 2\nw = 10\nh = 20\nsize = 20\nmin_size = 10\n'
                    'max_lines = 4\n', encoding="utf-8")
    template = load_template(path)
    person = reg_store.get(event_store.reader(), "SHIC2026-000002")
    person.name = "Oppenheimerwittgensteinhausen"
    buffer = io.BytesIO()
    report = render_pdf([(template, {**badge_items(event_store, [person], template)[0][1]})],
                        buffer)
    assert any("broken inside a word" in w for w in report.squeezed), report.warnings
    page = pypdfium2.PdfDocument(buffer.getvalue())[0]
    assert squeeze(text_in_box(page, template, template.elements[0])) == person.name


def _retitled(store, name: str, start: str, end: str) -> None:
    import dataclasses

    config = dataclasses.replace(store.config, name=name, start=start, end=end)
    with store.transaction() as conn:
        store.save_config(conn, config)


@pytest.mark.parametrize("title, dates, groups", TITLES, ids=[t[0][:8] for t in TITLES])
def test_printed_titles_never_break_inside_a_date(event_store, title, dates, groups):
    """Every template that prints the event's title and dates, rendered and read back
    line by line from the PDF: each date (and number with its unit) whole on one line."""
    from checkin.printing.fields import _dates

    _retitled(event_store, title, *dates)
    assert _dates(event_store.config) in "".join(groups) or _dates(event_store.config) in title \
        or any(g.startswith(_dates(event_store.config)) for g in groups)
    person = reg_store.get(event_store.reader(), "SHIC2026-000002")
    checked = 0
    for template in list_templates():
        elements = [e for e in template.elements if e.type == "text"
                    and ("{event_name}" in e.text or "{event_dates}" in e.text)]
        if not elements:
            continue
        items = (letter_items(event_store, [person], template, {person.code: "T"})
                 if template.document == "letter"
                 else document_items(event_store, [person], template))
        page = pdf_of(items[:1])[0]
        for element in elements:
            text = " ".join(items[0][1][f] for f in ("event_name", "event_dates")
                            if "{" + f + "}" in element.text)
            lines = lines_of(text_in_box(page, template, element))
            assert squeeze("".join(lines)) == squeeze(text), (template.name, lines)
            for group in groups:
                if group in text:
                    assert _whole(group, lines), (template.name, group, lines)
            checked += 1
    assert checked >= 7


def test_the_date_range_stays_whole_on_the_80mm_voucher(event_store):
    """The finding: '2026年12月 / 4日–5日' on a voucher's title lines."""
    _retitled(event_store, "第二届医疗行业数字创新大会", "2026-12-04", "2026-12-05")
    person = reg_store.get(event_store.reader(), "SHIC2026-000002")
    template = load_template("voucher-80mm")
    page = pdf_of(voucher_items(event_store, [person], template)[:1])[0]
    box = next(e for e in template.elements if "{event_name}" in e.text)
    assert lines_of(text_in_box(page, template, box)) == [
        "第二届医疗行业数字创新大会", "2026年12月4日–5日"]


# -- the category in Chinese and English ---------------------------------------------------
def test_category_prints_in_both_languages_where_the_event_names_both(event_store):
    from checkin.printing.fields import badge_fields, category_label

    config = event_store.config
    assert config.category("参会代表").name_en == "Delegate"
    person = next(p for p in reg_store.all_registrants(event_store.reader())
                  if p.category == "参会代表")
    fields = badge_fields(person, config)
    assert (fields["category"], fields["category_name"], fields["category_en"]) == (
        "参会代表 Delegate", "参会代表", "Delegate")
    for name in ("badge-a6", "badge-100x70", "badge-62mm", "badge-90x54", "badge-4x3in"):
        template = load_template(name)
        page = pdf_of(badge_items(event_store, [person], template))[0]
        box = next(e for e in template.elements if e.text == "{category}")
        assert lines_of(text_in_box(page, template, box)) == ["参会代表 Delegate"], name
    assert category_label("评委", "") == "评委"
    assert category_label("VIP", "vip") == "VIP"
    assert category_label("", "Guest") == "Guest"


def test_a_category_without_an_english_name_prints_as_before(event_store):
    import dataclasses

    config = event_store.config
    config.categories[:] = [dataclasses.replace(c, name_en="") for c in config.categories]
    person = next(p for p in reg_store.all_registrants(event_store.reader())
                  if p.category == "参会代表")
    from checkin.printing.fields import badge_fields

    assert badge_fields(person, config)["category"] == "参会代表"


def test_the_english_category_name_survives_json_and_the_central_toml():
    import tomllib

    from conftest import EVENT_TOML

    from checkin.config import (
        ConfigError,
        config_from_dict,
        config_from_json,
        config_to_json,
        load_config,
    )
    from checkin.demo import demo_config
    from checkin.server.conferences import to_toml

    for config in (load_config(EVENT_TOML), config_from_dict(demo_config())):
        assert all(c.name_en for c in config.categories)
        assert config_from_json(config_to_json(config)) == config
        assert config_from_dict(tomllib.loads(to_toml(json.loads(config_to_json(config))))) \
            == config
    plain = config_from_dict({"categories": [{"name": "学生"}]})
    assert plain.categories[0].name_en == ""
    assert "name_en" not in config_to_json(plain)  # older events: the same JSON as before
    assert config_from_json(config_to_json(plain)) == plain
    spaced = config_from_dict({"categories": [{"name": "学生", "name_en": "  Student  "}]})
    assert spaced.categories[0].name_en == "Student"
    with pytest.raises(ConfigError, match="name_en"):
        config_from_dict({"categories": [{"name": "学生", "name_en": 3}]})
