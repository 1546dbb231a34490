"""Backoff: 1 s doubling to 60 s, full jitter, reset on success."""

import pytest

from checkin.sync.backoff import Backoff


def test_ceiling_doubles_from_one_second_to_sixty_and_resets():
    backoff = Backoff(rng=lambda: 1.0)  # the top of each jitter range
    delays = [backoff.next_delay() for _ in range(9)]
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    backoff.reset()
    assert backoff.failures == 0 and backoff.next_delay() == 1


def test_full_jitter_draws_anywhere_below_the_ceiling():
    backoff = Backoff()
    for _ in range(5):
        backoff.next_delay()
    draws = []
    for _ in range(400):
        backoff.failures = 5  # ceiling 32 s
        draws.append(backoff.next_delay())
    assert all(0 <= d <= 32 for d in draws)
    assert min(draws) < 4 and max(draws) > 28  # spread over the whole range, not clustered


def test_thousands_of_failures_do_not_overflow():
    backoff = Backoff(rng=lambda: 0.5)
    backoff.failures = 10_000
    assert backoff.next_delay() == 30


@pytest.mark.parametrize("base, cap", [(0, 60), (2, 1), (-1, 5)])
def test_nonsense_settings_are_refused(base, cap):
    with pytest.raises(ValueError):
        Backoff(base=base, cap=cap)
