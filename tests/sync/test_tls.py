"""Desks talk HTTPS to the certificate they pinned at enrolment (real servers on loopback, with
real certificates, over SQLite and PostgreSQL): no CA, no click-through, and a server that
presents another certificate gets nothing, said in words naming both fingerprints."""

from __future__ import annotations

import pytest

from checkin.certs import shown
from checkin.store import Store
from checkin.sync import status as st
from checkin.sync.client import Rejected, SyncClient, Untrusted
from checkin.sync.engine import sync_once
from checkin.sync.enrolment import client_for, enrol_desk

from .conftest import DeskSite

PAID = "SHIC2026-000002"


@pytest.fixture
def tls_server(central, tmp_path):
    from checkin.server.testing import ServerThread

    with ServerThread(central.db_url, tls_folder=tmp_path / "tls") as server:
        yield server


def _organiser(central, server) -> SyncClient:
    from checkin.sync import pinning

    return SyncClient(server.base_url, central.organiser.token,
                      pinned_cert=pinning.take_certificate(server.base_url, server.fingerprint))


def test_a_desk_enrolled_by_the_qr_syncs_over_https_with_its_pinned_certificate(
        central, tls_server, tmp_path):
    event = central.new_event()
    with _organiser(central, tls_server) as organiser:
        made = organiser.create_enrolment(event, "报到处1")
        assert made["qr"].startswith(f"checkin-enrol:{tls_server.base_url}#")
        assert made["qr"].endswith(f";sha256={tls_server.fingerprint}")
        path = enrol_desk(made["qr"], db_path=tmp_path / "desk.db")
        with Store(path) as store, client_for(store) as client:
            assert client.base_url.startswith("https://") and client.pinned_cert
            site = DeskSite(store, client, "报到处1")
            assert sync_once(store, client).ok and store.counts()["registrants"] == 2401
            assert site.desk.scan(PAID).ok
            report = sync_once(store, client)
            assert report.ok and report.uploaded == 1
        assert organiser.stats(event)["arrived"] == 1


def test_a_server_with_another_certificate_gets_nothing(central, tls_server, tmp_path):
    from checkin.server.testing import ServerThread

    event = central.new_event()
    with _organiser(central, tls_server) as organiser:
        qr = organiser.create_enrolment(event, "报到处1")["qr"]
    path = enrol_desk(qr, db_path=tmp_path / "desk.db")
    port, pinned = tls_server.port, tls_server.fingerprint
    tls_server.stop()
    # Another machine answers at the same address, with a certificate of its own.
    with ServerThread(central.db_url, port=port, tls_folder=tmp_path / "impostor") as impostor:
        assert impostor.fingerprint != pinned
        with Store(path) as store, client_for(store) as client:
            site = DeskSite(store, client, "报到处1")
            with store.transaction() as conn:  # the list, as a local import would give it
                from checkin.model import Registrant
                from checkin.store import registrants as reg_store

                reg_store.upsert(conn, [Registrant(PAID, "范俊", category="参会代表",
                                                   payment="已缴费")])
            assert site.desk.scan(PAID).ok  # the desk works on regardless
            report = sync_once(store, client)
            assert report.state == st.UNTRUSTED and not report.ok
            assert shown(pinned) in report.error and shown(impostor.fingerprint) in report.error
            assert "nothing was sent" in report.error and "enrol this desk again" in report.error
            status = st.load(store)
            assert status.pending == 1 and not status.stopped  # kept; tried again later
            assert "certificate" in status.label
        assert central.organiser.stats(event)["arrived"] == 0


def test_enrolment_checks_the_fingerprint_before_it_sends_the_code(central, tls_server,
                                                                     tmp_path):
    event = central.new_event()
    with _organiser(central, tls_server) as organiser:
        made = organiser.create_enrolment(event, "报到处1")
    wrong = "A" * 52
    with pytest.raises(Untrusted) as refused:
        enrol_desk(tls_server.base_url, made["code"], fingerprint=wrong,
                   db_path=tmp_path / "a.db")
    assert shown(wrong) in refused.value.message
    assert shown(tls_server.fingerprint) in refused.value.message
    assert "code was not sent" in refused.value.message
    with pytest.raises(Rejected, match="fingerprint"):
        enrol_desk(tls_server.base_url, made["code"], db_path=tmp_path / "b.db")
    # The code was never used: typed with the first 16 characters of the fingerprint, it works.
    typed = shown(tls_server.fingerprint)[:19]  # 'ABCD-EFGH-IJKL-MNOP'
    path = enrol_desk(tls_server.base_url, made["code"], fingerprint=typed,
                      db_path=tmp_path / "c.db")
    with Store(path) as store:
        assert store.meta(st.EVENT) == event and store.meta(st.SERVER_CERT)


def test_enroll_from_the_command_line_with_a_typed_fingerprint(central, tls_server, tmp_path,
                                                               capsys):
    from .test_cli_sync import run

    event = central.new_event()
    with _organiser(central, tls_server) as organiser:
        code = organiser.create_enrolment(event, "报到处2")["code"]
    db = tmp_path / "two.db"
    out, _ = run(capsys, "enroll", tls_server.base_url, code, "--fingerprint",
                 shown(tls_server.fingerprint), db=db)
    assert "enrolled 报到处2" in out
    out, _ = run(capsys, "sync", db=db)
    assert "received 2401 registrant change(s)" in out
