"""The suite's clock: a moved session clock (OMBUD_TEST_NOW, used by .ci/run) and a test's own frozen one."""
import datetime as dt

from django.utils import timezone

from .conftest import CST, MOVED_NOW, frozen


def test_the_session_clock_is_the_moved_one_when_asked():
    now = timezone.now()
    if MOVED_NOW:
        moved = dt.datetime.fromisoformat(MOVED_NOW)
        assert moved <= now < moved + dt.timedelta(hours=2)
    else:
        assert now.year >= 2026


@frozen(2026, 2, 13, 17, 30)
def test_a_frozen_test_nests_inside_any_moved_clock():
    now = timezone.now().astimezone(CST)
    assert now.date() == dt.date(2026, 2, 13) and (now.hour, now.minute) == (17, 30)
    assert timezone.localdate() == dt.date(2026, 2, 13)
