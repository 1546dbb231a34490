"""A code in view is reported once; again only after leaving view or a long hold."""

from checkin.scanner.debounce import Debouncer


def run(debouncer, frames, fps=30.0):
    """frames: list of code lists, one per frame -> [(frame number, code reported)]."""
    reported = []
    for i, codes in enumerate(frames):
        for code in debouncer.feed(codes, now=i / fps):
            reported.append((i, code))
    return reported


def test_held_in_view_with_missed_frames_is_one_report():
    frames = [[], ["A"], ["A"], [], [], ["A"], [], ["A"]] + [["A"]] * 50
    assert run(Debouncer(), frames) == [(1, "A")]


def test_reported_again_after_leaving_view():
    frames = [["A"]] * 10 + [[]] * 30 + [["A"]] * 10  # one second away
    assert run(Debouncer(gone_after_s=0.7), frames) == [(0, "A"), (40, "A")]


def test_held_for_longer_than_the_pause_is_reported_again():
    frames = [["A"]] * 100
    assert run(Debouncer(repeat_after_s=2.0), frames) == [(0, "A"), (60, "A")]


def test_several_codes_in_one_frame_are_each_reported_once():
    frames = [["A", "B", "A"], ["B", "A"], ["C", "B"]]
    assert run(Debouncer(), frames) == [(0, "A"), (0, "B"), (2, "C")]


def test_state_belongs_to_each_instance():
    first, second = Debouncer(), Debouncer()
    assert first.feed(["A"], now=0) == ["A"]
    assert second.feed(["A"], now=0) == ["A"]
    first.reset()
    assert first.feed(["A"], now=0.1) == ["A"]
