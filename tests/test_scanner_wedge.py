"""Handheld scanners type fast; people type slowly: the detector tells them apart."""

import pytest

from checkin.scanner.wedge import (
    TEST_CODE,
    ProfileError,
    ScannerProfile,
    WedgeDetector,
    WedgeEvent,
    learn_profile,
)

TAB = ScannerProfile("tab")
SILENT = ScannerProfile("none")


def play(detector, keys, start=0.0):
    """keys: list of (key, gap in seconds before it) -> events, with a final poll."""
    events, at = [], start
    for key, gap in keys:
        at += gap
        events += detector.feed(key, at)
    events += detector.poll(at + 1.0)
    return events


def burst(text, gap=0.004, end="\r", lead=0.5):
    """A scanner's keys `gap` apart, `lead` seconds after whatever came before."""
    keys = [(c, lead if i == 0 else gap) for i, c in enumerate(text)]
    return keys + ([(end, gap)] if end else [])


def typing(text, gap=0.15):
    return [(c, gap) for c in text]


def test_a_scan_is_a_fast_burst_ended_by_the_scanners_own_terminator():
    assert play(WedgeDetector(), burst("SHIC2026-000002")) == [
        WedgeEvent("scan", "SHIC2026-000002", "enter")]
    assert play(WedgeDetector(TAB), burst("A-12345", end="\t")) == [
        WedgeEvent("scan", "A-12345", "tab")]
    # The same fast keys ended otherwise are typing, and stay where they were typed.
    for detector, end in ((WedgeDetector(), "\t"), (WedgeDetector(), ""),
                          (WedgeDetector(TAB), "\r")):
        events = play(detector, burst("13800138000", end=end))
        assert [e.kind for e in events] == ["typed"] * len(events)
        assert "".join(e.text for e in events) == "13800138000" + end


def test_a_scanner_that_sends_no_terminator_ends_on_silence():
    assert play(WedgeDetector(SILENT), burst("SHIC2026-000003", end="")) == [
        WedgeEvent("scan", "SHIC2026-000003", "silence")]


def test_fast_typing_into_a_form_never_becomes_a_scan():
    """The walk-in form: a phone typed at 60 ms/key, Tab, an organisation at 90 ms/key, Tab,
    a digit roll of 20 ms (two fingers): all typing, whatever the speed, without Enter."""
    keys = (typing("13800138000", gap=0.06) + [("\t", 0.06)]
            + typing("北京协和医院", gap=0.09) + [("\t", 0.09)]
            + [(c, 0.02) for c in "5678"] + [("\t", 0.02)])
    events = play(WedgeDetector(), keys)
    assert all(e.kind == "typed" for e in events)
    assert "".join(e.text for e in events) == "13800138000\t北京协和医院\t5678\t"


def test_a_person_typing_is_given_back_as_typing():
    events = play(WedgeDetector(), typing("zhang") + [("\r", 0.2)])
    assert events == [WedgeEvent("typed", "z"), WedgeEvent("typed", "h"), WedgeEvent("typed", "a"),
                      WedgeEvent("typed", "n"), WedgeEvent("typed", "g"), WedgeEvent("typed", "\r")]


def test_typing_and_scans_interleaved():
    keys = typing("ab") + burst("CODE-123") + typing("c", gap=0.3) + burst("NEXT-9", end="")
    events = play(WedgeDetector(SILENT), keys)
    scans = [e.text for e in events if e.kind == "scan"]
    typed = "".join(e.text for e in events if e.kind == "typed")
    assert scans == ["CODE-123", "NEXT-9"]
    assert typed == "abc"


def test_a_fast_typist_short_run_is_not_a_scan():
    # Two keys 20 ms apart (a roll of two fingers) and Enter: typing, not a code.
    events = play(WedgeDetector(), [("o", 0.1), ("k", 0.02), ("\r", 0.02)])
    assert [e.kind for e in events] == ["typed", "typed"]
    assert "".join(e.text for e in events) == "ok\r"


def test_a_slow_scanner_can_be_configured():
    slow = burst("SLOW-0001", gap=0.05)
    assert all(e.kind == "typed" for e in play(WedgeDetector(), slow))
    assert play(WedgeDetector(max_gap_s=0.06), slow) == [WedgeEvent("scan", "SLOW-0001", "enter")]


def test_a_scanners_profile_is_learnt_from_the_test_code():
    assert learn_profile([(c, i * 0.004) for i, c in enumerate(TEST_CODE + "\r")]) == \
        ScannerProfile("enter", 0.015)
    slow = learn_profile([(c, i * 0.03) for i, c in enumerate(TEST_CODE)])
    assert slow.terminator == "none" and abs(slow.max_gap_s - 0.05) < 1e-9
    assert learn_profile([(c, i * 0.01) for i, c in enumerate(TEST_CODE + "\t")]).terminator == \
        "tab"
    with pytest.raises(ProfileError, match="not the test code"):
        learn_profile([(c, i * 0.004) for i, c in enumerate("SHIC2026-000002\r")])
    with pytest.raises(ProfileError, match="person types"):
        learn_profile([(c, i * 0.12) for i, c in enumerate(TEST_CODE + "\r")])
