"""Self check-in rules without Qt (checkin/kiosk.py): phone tails, what a kiosk shows of the
people it finds, the confirmation, referrals to the staffed desk. Real SQLite event store."""

import dataclasses

import pytest
from conftest import EVENT_DAY

from checkin import kiosk
from checkin.desk import Desk
from checkin.masking import mask_phone
from checkin.model import Alerts, Decision, Kiosk, Outcome, Registrant
from checkin.store import audit, eventlog
from checkin.store import registrants as reg_store

PAID = "SHIC2026-000002"  # 范俊, 13557616987
UNPAID = "SHIC2026-000005"  # 许敏, 19845205997
WHEELCHAIR = "SHIC2026-000001"  # 朱彤浩, remark 轮椅通道
ID_NUMBER = "11010519491231002X"


def configure(store, **changes):
    with store.transaction() as conn:
        store.save_config(conn, dataclasses.replace(store.config, **changes))


def set_fields(store, code, **fields):
    with store.transaction() as conn:
        reg_store.apply_edit(conn, code, fields)
        store.bump_registrant_generation(conn)


@pytest.fixture
def kiosk_desk(event_store):
    return kiosk.SelfCheckIn(Desk(event_store, operator="kiosk", now=lambda: EVENT_DAY))


def test_phone_tails_also_from_masked_and_messy_numbers():
    assert kiosk.phone_tail("13557616987") == "6987"
    assert kiosk.phone_tail(mask_phone("13557616987")) == "6987"  # 135****6987 on a desk
    assert kiosk.phone_tail("+86 138-0013-8000") == "8000"
    assert kiosk.phone_tail("123") == "" and kiosk.phone_tail(None) == ""


def test_organisations_are_shortened_to_tell_people_apart():
    assert kiosk.short_organisation("北京协和医院") == "北京协和医院"
    assert kiosk.short_organisation("中国信息通信研究院云计算与大数据研究所") == "中国信息通信…"
    assert kiosk.short_organisation("Peking Union Medical College") == "Peking Union…"
    assert kiosk.short_organisation(None) == ""


def test_phone_digits_list_masked_names_and_never_phones_or_emails(kiosk_desk, event_store):
    people = [r for r in reg_store.all_registrants(event_store.reader())
              if kiosk.phone_tail(r.phone) == "1123"]
    assert len(people) == 4
    found = kiosk_desk.find("1123")
    assert not found.too_many and {c.code for c in found.candidates} == {p.code for p in people}
    for person, shown in zip(sorted(people, key=lambda p: p.code),
                             sorted(found.candidates, key=lambda c: c.code), strict=True):
        assert shown.name == kiosk.mask_name(person.name) and "*" in shown.name
        assert person.name not in dataclasses.astuple(shown)
        text = " ".join(map(str, dataclasses.astuple(shown)))
        assert person.phone not in text and "1123" not in text
        assert (person.email or "@") not in text
    assert kiosk_desk.find("0003").candidates == () and kiosk_desk.find("12").candidates == ()


def test_people_left_out_of_the_export_and_crowded_tails_are_not_offered(kiosk_desk,
                                                                         event_store):
    set_fields(event_store, PAID, missing=1)
    assert kiosk_desk.find("6987").candidates == ()
    for number in range(1, 9):  # eight people sharing a tail: the desk finds them better
        set_fields(event_store, f"SHIC2026-{number + 100:06d}", phone="13900000005")
    assert kiosk_desk.find("0005").too_many


def test_lookalike_candidates_are_marked_twins(kiosk_desk, event_store):
    for code in ("SHIC2026-000003", "SHIC2026-000004"):
        set_fields(event_store, code, phone="13900000011", name="张三明",
                   organisation="北京协和医院", category="参会代表")
    twins = kiosk_desk.find("0011").candidates
    assert len(twins) == 2 and all(c.twin for c in twins) and twins[0].name == "张*明"


def test_confirmation_by_id_tail_and_by_code_digits():
    reg = Registrant(code="SHIC2026-000002", name="范俊", id_number=ID_NUMBER)
    assert kiosk.confirms(reg, kiosk.ID_TAIL, "002x") and kiosk.confirms(reg, kiosk.ID_TAIL,
                                                                           "002X")
    assert not kiosk.confirms(reg, kiosk.ID_TAIL, "0021") and not kiosk.confirms(reg,
                                                                                 kiosk.ID_TAIL, "")
    assert kiosk.confirms(reg, kiosk.CODE, "000002") and not kiosk.confirms(reg, kiosk.CODE, "2")
    assert kiosk.confirms(reg, kiosk.NONE, "")
    masked = dataclasses.replace(reg, id_number="1101************2X")  # as a desk may hold it
    assert kiosk.expected_answer(masked, kiosk.ID_TAIL) == ""
    assert not kiosk.confirms(masked, kiosk.ID_TAIL, "**2X")
    assert kiosk.expected_answer(dataclasses.replace(reg, id_number=None), kiosk.ID_TAIL) == ""
    assert kiosk.expected_answer(dataclasses.replace(reg, code="VIP-A"), kiosk.CODE) == ""


def test_phone_path_closed_where_only_signed_tickets_admit_and_nothing_confirms(event_store):
    config = event_store.config
    assert kiosk.phone_path_open(config)
    signed = dataclasses.replace(config, require_signature=True)
    assert not kiosk.phone_path_open(signed)
    assert kiosk.phone_path_open(dataclasses.replace(signed, kiosk=Kiosk(confirm="id_tail")))


def test_a_scan_admits_and_a_refusal_is_referred_with_a_number(kiosk_desk, event_store):
    answer = kiosk_desk.scan(PAID)
    assert answer.admitted and answer.registrant.name == "范俊" and answer.number is None
    first = kiosk_desk.scan(UNPAID)
    assert first.referral == kiosk.PAYMENT and first.number == 1 and not first.admitted
    again = kiosk_desk.scan(PAID)
    assert again.referral == kiosk.ALREADY and again.number == 2
    unknown = kiosk_desk.scan("SHIC2026-999999")
    assert unknown.referral == kiosk.NOT_FOUND and unknown.number == 3
    assert kiosk_desk.scan("just some text").referral == kiosk.UNREADABLE
    entries = audit.entries(event_store.reader(), kiosk.REFERRAL)
    assert [e.details["number"] for e in entries] == [1, 2, 3, 4]
    assert entries[0].code == UNPAID and entries[0].details == {
        "number": 1, "group": "21", "reason": "unpaid", "station": "registration"}
    # the detail is in the desk's log, where staff look (recent scans, the person's history)
    refused = [e for e in eventlog.history(event_store.reader(), UNPAID) if e.kind == "refused"]
    assert refused and refused[0].data["reason_code"] == "unpaid"


def test_an_alert_is_sent_to_the_desk_and_the_admission_undone(kiosk_desk, event_store):
    configure(event_store, alerts=Alerts(words=("轮椅",)))
    answer = kiosk_desk.scan(WHEELCHAIR)
    assert answer.referral == kiosk.ALERT and answer.decision.alerts
    assert eventlog.admission(event_store.reader(), WHEELCHAIR, "registration") is None
    desk = Desk(event_store, operator="desk", now=lambda: EVENT_DAY)
    assert desk.scan(WHEELCHAIR).outcome == Outcome.OK  # the staffed desk admits them


def test_a_pick_confirmed_by_id_tail_admits_three_wrong_ones_refer(kiosk_desk, event_store):
    configure(event_store, kiosk=Kiosk(confirm="id_tail"))
    set_fields(event_store, PAID, id_number=ID_NUMBER)
    assert [c.code for c in kiosk_desk.find("6987").candidates] == [PAID]
    assert kiosk_desk.pick(PAID, "1234").tries_left == 2
    answer = kiosk_desk.pick(PAID, "002x")
    assert answer.admitted and answer.decision.code == PAID
    other = "SHIC2026-000003"
    set_fields(event_store, other, id_number="110105194912310035")
    assert kiosk_desk.pick(other, "0000").tries_left == 2
    assert kiosk_desk.pick(other, "0001").tries_left == 1
    refused = kiosk_desk.pick(other, "0002")
    assert refused.referral == kiosk.CONFIRM and refused.number == 1
    assert kiosk_desk.pick(other, "0035").referral == kiosk.CONFIRM  # stays at the desk's
    assert eventlog.admission(event_store.reader(), other, "registration") is None


def test_a_pick_without_an_id_on_file_is_referred(kiosk_desk, event_store):
    configure(event_store, kiosk=Kiosk(confirm="id_tail"))
    assert kiosk_desk.pick(PAID, "1234").referral == kiosk.CONFIRM


def test_a_pick_without_confirmation_admits_even_where_tickets_must_be_signed(kiosk_desk,
                                                                              event_store):
    configure(event_store, require_signature=True, kiosk=Kiosk(confirm="code"))
    assert kiosk_desk.scan(PAID).referral == kiosk.TICKET  # a plain code scanned
    assert kiosk_desk.pick(PAID, "000002").admitted


def test_every_refusal_has_a_group_with_words():
    names = kiosk.group_names()
    for code in ("unpaid", "refunded", "forged", "wrong_day", "rule_refused", "not_found"):
        group = kiosk.referral_group(Decision(Outcome.NOT_ELIGIBLE, "registration",
                                              reason_code=code))
        assert group in names
    assert kiosk.referral_group(Decision(Outcome.OK, "registration",
                                         registrant=Registrant("A", "a"))) is None
    assert kiosk.referral_group(Decision(Outcome.OK, "registration")) == kiosk.NOT_LISTED


def test_a_printer_says_whether_it_can_take_a_job(tmp_path):
    from checkin.printing.printers import CupsPrinter, FolderPrinter, printer_problem

    assert printer_problem(FolderPrinter(tmp_path / "new" / "printed")) == ""  # made on use
    (tmp_path / "file").write_text("")
    assert "not a folder" in printer_problem(FolderPrinter(tmp_path / "file" / "printed"))
    lpstat = tmp_path / "lpstat"
    for said, ready in (("printer Brother is idle.  enabled since Fri 26 Jun 2026", True),
                        ("printer Brother disabled since Fri 26 Jun 2026 -\n\tmedia-empty-error",
                         False),
                        ("lpstat: Invalid destination name in list \"Brother\".", False)):
        lpstat.write_text(f"#!/bin/sh\necho '{said}'\n")
        lpstat.chmod(0o755)
        problem = printer_problem(CupsPrinter("Brother", lpstat=str(lpstat)))
        assert (problem == "") == ready, (said, problem)
    assert printer_problem(object()) == ""  # a printer that cannot tell: taken as ready
