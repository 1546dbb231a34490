"""Handheld scanners type fast; people type slowly: the detector tells them apart."""

from checkin.scanner.wedge import WedgeDetector, WedgeEvent


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


def test_scanner_burst_with_enter_or_tab():
    assert play(WedgeDetector(), burst("SHIC2026-000002")) == [
        WedgeEvent("scan", "SHIC2026-000002", "enter")]
    assert play(WedgeDetector(), burst("A-12345", end="\t")) == [WedgeEvent("scan", "A-12345", "tab")]


def test_scanner_without_enter_ends_on_silence():
    detector = WedgeDetector()
    assert play(detector, burst("SHIC2026-000003", end="")) == [
        WedgeEvent("scan", "SHIC2026-000003", "silence")]


def test_a_person_typing_is_given_back_as_typing():
    events = play(WedgeDetector(), typing("zhang") + [("\r", 0.2)])
    assert events == [WedgeEvent("typed", "z"), WedgeEvent("typed", "h"), WedgeEvent("typed", "a"),
                      WedgeEvent("typed", "n"), WedgeEvent("typed", "g"), WedgeEvent("typed", "\r")]


def test_typing_and_scans_interleaved():
    keys = typing("ab") + burst("CODE-123") + typing("c", gap=0.3) + burst("NEXT-9", end="")
    events = play(WedgeDetector(), keys)
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
