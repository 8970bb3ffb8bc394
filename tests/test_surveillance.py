"""ombud.analytics.surveillance: EARS C1/C2/C3 and the day-of-week Farrington method (no database)."""
import math

import numpy as np
import pytest

from ombud.analytics.surveillance import (
    METHODS,
    _nb_upper_quantile,
    ears_c1,
    ears_c2,
    ears_c3,
    farrington_dow,
)

# Small hand example: days 0..11.
Y = np.array([3, 5, 4, 6, 2, 5, 3, 4, 5, 7, 9, 10], dtype=float)


def _mean_sd(values):
    """Mean and sample sd (n - 1), written out."""
    m = sum(values) / len(values)
    return m, math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def test_c1_by_hand():
    # C1 on day 7: baseline = days 0..6 = 3 5 4 6 2 5 3 -> mean 28/7 = 4,
    # squared deviations 1+1+0+4+4+1+1 = 12, sd = sqrt(12/6) = sqrt(2); C1 = (4 - 4)/sqrt(2) = 0.
    r = ears_c1(Y)
    assert r.expected[7] == pytest.approx(4.0)
    assert r.statistic[7] == pytest.approx(0.0)
    assert r.threshold[7] == pytest.approx(4.0 + 3 * math.sqrt(2))
    # day 11: baseline days 4..10 = 2 5 3 4 5 7 9
    m, sd = _mean_sd([2, 5, 3, 4, 5, 7, 9])
    assert r.statistic[11] == pytest.approx((10 - m) / sd)
    assert bool(r.alarm[11]) == ((10 - m) / sd > 3)
    assert np.isnan(r.statistic[:7]).all() and not r.alarm[:7].any()


def test_c2_by_hand():
    # C2 on day 9: baseline days 0..6 (t-9..t-3, 2-day guard) -> mean 4, sd sqrt(2); (7 - 4)/sqrt(2)
    r = ears_c2(Y)
    assert r.statistic[9] == pytest.approx(3 / math.sqrt(2))
    assert not r.alarm[9]
    m, sd = _mean_sd([5, 4, 6, 2, 5, 3, 4])  # day 10: baseline days 1..7
    assert r.statistic[10] == pytest.approx((9 - m) / sd)
    assert np.isnan(r.statistic[:9]).all() and not r.alarm[:9].any()


def test_c3_by_hand():
    # C3 on day 11 = sum over days 9, 10, 11 of max(0, C2 - 1)
    c2 = []
    for t, baseline in ((9, [3, 5, 4, 6, 2, 5, 3]), (10, [5, 4, 6, 2, 5, 3, 4]), (11, [4, 6, 2, 5, 3, 4, 5])):
        m, sd = _mean_sd(baseline)
        c2.append((Y[t] - m) / sd)
    expected = sum(max(0.0, c - 1) for c in c2)
    r = ears_c3(Y)
    assert r.statistic[11] == pytest.approx(expected)
    assert bool(r.alarm[11]) == (expected > 2)
    assert expected > 2  # this example does alarm on day 11 under C3
    assert np.isnan(r.statistic[:11]).all() and not r.alarm[:11].any()


def test_sd_floor_on_a_constant_baseline():
    y = np.array([2.0] * 7 + [3.0])
    r = ears_c1(y)
    assert r.statistic[7] == pytest.approx((3 - 2) / 0.2)
    assert r.alarm[7]
    assert ears_c1(y, sd_floor=1.0).statistic[7] == pytest.approx(1.0)


def test_negative_binomial_quantile():
    # Poisson(0.5): P(<=2) = 0.9856 < 0.99 <= P(<=3) = 0.9982
    assert _nb_upper_quantile(np.array([0.5]), np.array([1.0]), 0.99)[0] == 3
    # Poisson(10): P(<=17) = 0.9857, P(<=18) = 0.9928
    assert _nb_upper_quantile(np.array([10.0]), np.array([1.0]), 0.99)[0] == 18
    # overdispersion widens the bound
    assert _nb_upper_quantile(np.array([10.0]), np.array([3.0]), 0.99)[0] > 18


@pytest.mark.parametrize("method", ["farrington_dow", "ears_c2"])
def test_four_fold_spike_for_three_days_alarms(method):
    rng = np.random.default_rng(7)
    y = rng.poisson(10, 200).astype(float)
    y[150:153] += rng.poisson(30, 3)  # 4x for three days
    r = METHODS[method](y)
    assert r.alarm[150:153].any()
    assert r.alarm.sum() <= 8  # and it is not alarming everywhere


@pytest.mark.parametrize("method", sorted(METHODS))
def test_all_zeros_never_alarms(method):
    r = METHODS[method](np.zeros(200))
    assert not r.alarm.any()
    assert r.alarm.shape == (200,)


def test_zero_to_one_blip_at_a_tiny_business_does_not_alarm():
    y = np.zeros(200)
    y[[20, 75, 110]] = 1
    y[150] = 1  # the blip
    r = farrington_dow(y)
    assert not r.alarm.any()
    assert r.threshold[150] < 1  # the bound alone would have flagged it: the minimum count is what holds
    assert ears_c2(y).alarm[150]  # EARS as defined (sd floor 0.2) does flag it
    y[150] = 3  # three complaints in a day at a business that has almost none does
    assert farrington_dow(y).alarm[150]
    assert not farrington_dow(y, min_count=4).alarm[150]


def test_weekly_cycle_fewer_monday_false_alarms_than_c1():
    rng = np.random.default_rng(2023)
    T = 365
    profile = np.array([2.0, 1.2, 1.1, 1.0, 1.0, 0.4, 0.3])  # day 0 is a Monday
    y = rng.poisson(10 * profile[np.arange(T) % 7], (20, T)).astype(float)
    monday = (np.arange(T) % 7 == 0) & (np.arange(T) >= 63)
    far = farrington_dow(y).alarm[:, monday].sum()
    c1 = ears_c1(y).alarm[:, monday].sum()
    assert far < c1 / 3
    assert far <= 0.03 * y[:, monday].size  # close to the nominal 1 %


def test_causal_and_batch_consistent():
    rng = np.random.default_rng(5)
    y = rng.poisson(np.tile([8, 7, 7, 6, 6, 3, 2], 30), (3, 210)).astype(float)
    full = farrington_dow(y)
    head = farrington_dow(y[:, :150])
    np.testing.assert_allclose(full.threshold[:, :150], head.threshold, equal_nan=True)
    one = farrington_dow(y[1])
    np.testing.assert_allclose(full.expected[1], one.expected, equal_nan=True)
    assert np.isnan(full.expected[:, :63]).all() and np.isfinite(full.expected[:, 63:]).all()
    for name, fn in METHODS.items():
        r = fn(y)
        assert r.alarm.dtype == bool and r.statistic.shape == y.shape, name
