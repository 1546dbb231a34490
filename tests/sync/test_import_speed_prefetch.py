"""The registrant download fetches the next page while it stores one (issue 17): what it
stores, and where it stops, are as they were page by page."""

import httpx

from checkin.sync import download
from checkin.sync import status as st
from checkin.sync.engine import sync_once


def test_pages_are_fetched_ahead_and_stored_in_order(fake_desks, fake):
    a = fake_desks("a")
    asked = []
    fake.hooks.append(("GET", "/registrants",
                       lambda request: asked.append(int(request.url.params["after"]))))
    report = sync_once(a.store, a.client, page_size=10)
    assert report.ok and report.registrants == 25
    assert asked[:3] == [0, 10, 20]  # each from the end of the page before, once
    assert a.store.counts()["registrants"] == 25


def test_an_error_ahead_waits_for_the_pages_before_it(fake_desks, fake):
    a = fake_desks("a")
    asked = []

    def fail_second(request):
        asked.append(request)
        if len(asked) == 2:
            raise httpx.ReadTimeout("slow", request=request)

    fake.hooks.append(("GET", "/registrants", fail_second))
    report = sync_once(a.store, a.client, page_size=10)
    assert not report.ok and report.state == st.OFFLINE
    assert report.registrants == 10 and int(a.store.meta(st.REGISTRANT_CURSOR)) > 0
    assert a.store.counts()["registrants"] == 10


def test_a_cursor_moved_meanwhile_restarts_from_it(fake_desks, fake):
    """Another process of this desk stored the first page meanwhile: the pages fetched ahead
    are dropped and the download goes on from the stored cursor."""
    a = fake_desks("a")
    asked = []

    def other_process(request):
        asked.append(int(request.url.params["after"]))
        if asked == [0, 10]:  # while this desk holds page 1, the other one stores it
            first = sorted((r for r in fake.registrants.values() if r["seq"] <= 10),
                           key=lambda r: r["seq"])
            with a.store.transaction() as conn:
                download.apply_registrants(a.store, conn, first)
                a.store.set_meta(conn, st.REGISTRANT_CURSOR, str(first[-1]["seq"]))

    fake.hooks.append(("GET", "/registrants", other_process))
    report = sync_once(a.store, a.client, page_size=10)
    assert report.ok
    assert a.store.counts()["registrants"] == 25
    assert int(a.store.meta(st.REGISTRANT_CURSOR)) >= 25
