"""Which badges and vouchers to make, from the store: the items render_pdf draws."""

from __future__ import annotations

from ..model import ADMITTED_PAYMENTS, Registrant
from ..store import Store
from ..store import registrants as reg_store
from .fields import badge_fields, entitled_slots, letter_fields, voucher_fields
from .templates import Template

SORTS = {
    "code": lambda r: r.code,
    "pinyin": lambda r: (r.category or "", r.name and _pinyin(r.name), r.code),
    "org": lambda r: (r.organisation or "", r.name and _pinyin(r.name), r.code),
}


def _pinyin(name: str) -> str:
    from ..pinyin import name_keys

    return name_keys(name)[0]


def select(store: Store, *, codes: list[str] | None = None, category: str | None = None,
           sort: str = "code") -> list[Registrant]:
    """Registrants to print: the codes given (in that order), or everyone still on the list
    (optionally one category) sorted for handing out."""
    conn = store.reader()
    if codes:
        people = []
        for code in codes:
            reg = reg_store.get(conn, code)
            if reg is None:
                raise LookupError(f"no registration with code {code}")
            people.append(reg)
        return people
    people = reg_store.all_registrants(conn, include_missing=False)
    if category:
        people = [p for p in people if p.category == category]
    if sort not in SORTS:
        raise ValueError(f"sort by one of {', '.join(SORTS)}")
    return sorted(people, key=SORTS[sort])


def badge_items(store: Store, people: list[Registrant], template: Template):
    if template.document != "badge":
        raise ValueError(f"{template.name} is a {template.document} template, not a badge")
    config = store.config
    return [(template, badge_fields(p, config)) for p in people]


def voucher_items(store: Store, people: list[Registrant], template: Template):
    """One voucher per meal slot each person is entitled to (paid or free only)."""
    if template.document != "voucher":
        raise ValueError(f"{template.name} is a {template.document} template, not a voucher")
    config = store.config
    items = []
    for person in people:
        if person.payment is not None and person.payment not in ADMITTED_PAYMENTS:
            continue  # the meal station would refuse them
        items += [(template, voucher_fields(person, config, slot))
                  for slot in entitled_slots(person, config)]
    return items


def letter_items(store: Store, people: list[Registrant], template: Template,
                 tickets: dict[str, str] | None = None):
    """Confirmation letters; each QR holds the person's signed ticket (else the plain code)."""
    if template.document != "letter":
        raise ValueError(f"{template.name} is a {template.document} template, not a letter")
    config = store.config
    return [(template, letter_fields(p, config, (tickets or {}).get(p.code, p.code)))
            for p in people]


def document_items(store: Store, people: list[Registrant], template: Template):
    """What any template prints for these people: badges, vouchers or letters."""
    make = {"badge": badge_items, "voucher": voucher_items, "letter": letter_items}
    return make[template.document](store, people, template)
