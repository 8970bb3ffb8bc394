"""Early warning on daily complaint counts: aberration detection for one series or many.

Pure numpy (no Django, no scipy). Every method takes daily counts, index = day, either a 1-D
array (one series) or a 2-D array of shape (series, days) (a batch, the same method applied to
each row independently), and returns a `Surveillance` with one value per day:

    statistic  the method's own test statistic (EARS: C1/C2/C3 in sd units; farrington_dow: the
               standardised residual (y - expected) / sqrt(var), for ranking alarms)
    threshold  the upper bound on the count scale: the count must exceed it to alarm
    expected   the baseline expectation for the day
    alarm      bool

Days without enough history have statistic/threshold/expected = NaN and alarm = False. Methods
are causal: the values for day t use counts up to and including day t only, so re-running on a
longer series never changes an earlier day.

Methods (registry `METHODS`):

ears_c1, ears_c2, ears_c3
    The CDC Early Aberration Reporting System C1-MILD, C2-MEDIUM and C3-ULTRA statistics
    (Hutwagner L, Thompson W, Seeman GM, Treadwell T. "The bioterrorism preparedness and response
    Early Aberration Reporting System (EARS)", J Urban Health 2003;80(2 Suppl 1):i89-96), with the
    definitions as written out by Fricker RD, Hegler BL, Dunfee DA, "Comparing syndromic
    surveillance detection methods: EARS' versus a CUSUM-based methodology", Stat Med
    2008;27:3407-29:
      C1(t) = (Y(t) - mean(Y[t-7..t-1])) / sd(Y[t-7..t-1]),        alarm when C1 > 3;
      C2(t) = (Y(t) - mean(Y[t-9..t-3])) / sd(Y[t-9..t-3]),        alarm when C2 > 3
              (7-day baseline behind a 2-day guard band);
      C3(t) = sum_{i=t-2..t} max(0, C2(i) - 1),                     alarm when C3 > 2.
    sd is the sample standard deviation (n - 1). It is floored at `sd_floor` (default 0.2) so a
    baseline of identical counts (typically all zeros) does not divide by zero; no single official
    floor exists (R `surveillance::earsC` defaults to minSigma = 0, the JHU/APL ESSENCE code uses
    0.1). With a floor of 0.2, one complaint after seven complaint-free days gives C = 5 and
    alarms: that is EARS behaving as defined. `min_count` (default 0 = off, CDC-exact) is
    available for comparison only.
    For C3 the `threshold` is the count that makes C3 exceed 2 given the two previous days; when
    those already sum past 2 any count alarms and the threshold is -inf.

farrington_dow
    A Farrington-type regression method adapted to daily data with a weekly cycle (Farrington CP,
    Andrews NJ, Beale AD, Catchpole MA, "A statistical algorithm for the early detection of
    outbreaks of infectious disease", J R Stat Soc A 1996;159:547-63; with the improvements of
    Noufaily A, Enki DG, Farrington P, Garthwaite P, Andrews N, Charlett A, "An improved algorithm
    for outbreak detection in multiple surveillance systems", Stat Med 2013;32:1206-22). For each
    day t a quasi-Poisson log-linear model, log mu = intercept + day-of-week + trend, is fitted by
    IRLS to a trailing window of `weeks` x 7 days that ends `guard` days before t (so the first
    days of a rise are not absorbed into their own baseline). Past outbreaks in the window are
    down-weighted (Noufaily): with Anscombe residuals
    s_i = 1.5 (y^(2/3) - mu^(2/3)) / (mu^(1/6) sqrt(phi (1 - h_ii))), weights s_i^-2 where
    s_i > 2.58 and 1 elsewhere, rescaled to sum to n, then the model is refitted. The trend is kept
    only when significant (|beta/se| > 1.96) and its prediction does not exceed the window maximum
    (Farrington). Overdispersion phi = max(1, sum w (y - mu)^2 / mu / (n - p)). The day's upper
    bound is the (1 - alpha) quantile (alpha = 0.01, one-sided) of a negative binomial with mean
    mu0 and variance mu0 * (phi + mu0 var(eta0)) (Noufaily's NB threshold, widened by the
    estimation variance of the prediction as in Farrington); above mu0 = 100 the 2/3-power
    (Anscombe) normal approximation of Farrington 1996 is used instead:
    U = mu0 (1 + (2/3) z_alpha sqrt((phi + mu0 var(eta0)) / mu0))^(3/2).
    An alarm needs y > U and y >= `min_count` (default 3), so a 0 -> 1 or 1 -> 2 blip at a small
    business never alarms.

Choosing and calibration: see bench/early_warning.py (synthetic baselines with weekly cycle,
15 March, 618, Double 11 and the Spring Festival; injected rises; recall, precision, F1, delay).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["METHODS", "Z_99", "Surveillance", "ears_c1", "ears_c2", "ears_c3", "farrington_dow"]

# One-sided standard normal quantile for alpha = 0.01 (no scipy): Phi^-1(0.99).
Z_99 = 2.3263478740408408


@dataclass(frozen=True)
class Surveillance:
    statistic: np.ndarray
    threshold: np.ndarray
    expected: np.ndarray
    alarm: np.ndarray

    def __len__(self):
        return self.alarm.shape[-1]


def _as_2d(y):
    a = np.asarray(y, dtype=float)
    if a.ndim == 1:
        return a[None, :], True
    if a.ndim != 2:
        raise ValueError("counts must be a 1-D array (days) or 2-D (series, days)")
    return a, False


def _result(stat, thr, exp, alarm, squeeze):
    if squeeze:
        stat, thr, exp, alarm = stat[0], thr[0], exp[0], alarm[0]
    return Surveillance(statistic=stat, threshold=thr, expected=exp, alarm=alarm)


def _normal_quantile(p):
    """Phi^-1(p) for 0.5 < p < 1 (Acklam's rational approximation, |error| < 1.2e-9)."""
    if not 0.5 < p < 1:
        raise ValueError("p must be in (0.5, 1)")
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
         -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)
    a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
    b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
         6.680131188771972e+01, -1.328068155288572e+01)
    if p > 0.97575:
        q = np.sqrt(-2 * np.log(1 - p))
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    q = p - 0.5
    r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / \
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)


# ---------------------------------------------------------------------------------------------
# EARS C1 / C2 / C3
# ---------------------------------------------------------------------------------------------

def _ears_baseline(Y, lag, baseline=7, sd_floor=0.2):
    """Mean and floored sample sd of Y[t-lag-baseline .. t-lag-1] for every t (NaN without history)."""
    S, T = Y.shape
    first = baseline + lag
    mean = np.full((S, T), np.nan)
    sd = np.full((S, T), np.nan)
    if T > first:
        win = sliding_window_view(Y, baseline, axis=1)[:, : T - first]  # win[:, j] = Y[:, j:j+7]
        mean[:, first:] = win.mean(axis=2)
        sd[:, first:] = np.maximum(win.std(axis=2, ddof=1), sd_floor)
    return mean, sd


def _ears_cx(y, lag, limit, sd_floor, min_count):
    Y, squeeze = _as_2d(y)
    mean, sd = _ears_baseline(Y, lag, sd_floor=sd_floor)
    stat = (Y - mean) / sd
    thr = mean + limit * sd
    with np.errstate(invalid="ignore"):
        alarm = (stat > limit) & (Y >= min_count)
    return _result(stat, thr, mean, alarm, squeeze)


def ears_c1(y, *, sd_floor=0.2, min_count=0):
    """EARS C1-MILD: 7-day baseline ending yesterday, alarm when (y - mean)/sd > 3."""
    return _ears_cx(y, 0, 3.0, sd_floor, min_count)


def ears_c2(y, *, sd_floor=0.2, min_count=0):
    """EARS C2-MEDIUM: 7-day baseline behind a 2-day guard band (t-9..t-3), alarm when C2 > 3."""
    return _ears_cx(y, 2, 3.0, sd_floor, min_count)


def ears_c3(y, *, sd_floor=0.2, min_count=0):
    """EARS C3-ULTRA: sum over t-2..t of max(0, C2 - 1), alarm when > 2 (Fricker et al. 2008)."""
    Y, squeeze = _as_2d(y)
    mean, sd = _ears_baseline(Y, 2, sd_floor=sd_floor)
    c2 = (Y - mean) / sd
    part = np.maximum(c2 - 1.0, 0.0)  # NaN stays NaN: no C2 yet
    stat = np.full_like(Y, np.nan)
    stat[:, 2:] = part[:, 2:] + part[:, 1:-1] + part[:, :-2]
    prev = np.full_like(Y, np.nan)
    prev[:, 2:] = part[:, 1:-1] + part[:, :-2]
    with np.errstate(invalid="ignore"):
        thr = np.where(prev < 2, mean + sd * (3.0 - prev), np.where(prev == 2, mean + sd, -np.inf))
        thr = np.where(np.isnan(prev), np.nan, thr)
        alarm = (stat > 2.0) & (Y >= min_count)
    expected = np.where(np.isnan(stat), np.nan, mean)
    return _result(stat, thr, expected, alarm, squeeze)


# ---------------------------------------------------------------------------------------------
# Farrington-type quasi-Poisson regression with day-of-week effects
# ---------------------------------------------------------------------------------------------

def _design(n, phase, trend, horizon):
    """Window design (n, p) and the prediction row for a window whose first day has d % 7 == phase.

    Columns: intercept, six day-of-week dummies (class d % 7, class 0 absorbed), and optionally a
    linear trend in weeks centred on the window. `horizon` = days from the window start to the
    predicted day.
    """
    days = np.arange(n + 1)
    days[n] = horizon
    cls = (phase + days) % 7
    cols = [np.ones(n + 1)] + [(cls == c).astype(float) for c in range(1, 7)]
    if trend:
        cols.append((days - (n - 1) / 2.0) / 7.0)
    M = np.column_stack(cols)
    return M[:n], M[n]


def _irls(Yw, X, prior, iterations, ymax):
    """Batched Poisson IRLS: Yw (m, n) windows, X (n, p) shared design, prior (m, n) weights."""
    m, n = Yw.shape
    p = X.shape[1]
    XX = (X[:, :, None] * X[:, None, :]).reshape(n, p * p)
    ridge = 1e-9 * np.eye(p)
    mu = Yw + 0.1
    eta = np.log(mu)
    cap = np.log(ymax + 1.0)[:, None] + 5.0
    for _ in range(iterations):
        w = prior * mu
        z = eta + (Yw - mu) / mu
        A = (w @ XX).reshape(m, p, p) + ridge
        b = (w * z) @ X
        beta = np.linalg.solve(A, b[:, :, None])[:, :, 0]
        eta = np.minimum(beta @ X.T, cap)
        eta = np.maximum(eta, -30.0)
        mu = np.exp(eta)
    w = prior * mu
    A = (w @ XX).reshape(m, p, p) + ridge
    Ainv = np.linalg.inv(A)
    return beta, mu, Ainv, XX, w


def _dispersion(Yw, mu, prior, p):
    n = Yw.shape[1]
    pearson = (prior * (Yw - mu) ** 2 / mu).sum(axis=1)
    return np.maximum(1.0, pearson / (n - p))


def _nb_upper_quantile(mu, disp, q, kmax=20000):
    """Smallest k with P(Y <= k) >= q for Y ~ NB(mean mu, variance disp * mu); Poisson when disp == 1.

    Exact by the pmf recursion P(k+1) = P(k) * mu / (k+1) * (k + r) / (r + mu), r = mu / (disp - 1).
    Meant for moderate mu (P(0) must not underflow: mu <~ 700 on the Poisson end).
    """
    mu = np.maximum(np.asarray(mu, float), 1e-12)
    disp = np.asarray(disp, float)
    poisson = disp <= 1.0 + 1e-9
    r = np.where(poisson, np.inf, mu / np.where(poisson, 1.0, disp - 1.0))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        logp0 = np.where(poisson, -mu, -r * np.log1p(mu / np.where(poisson, 1.0, r)))
        kcoef = np.where(poisson, 0.0, 1.0 / (r + mu))  # (k + r)/(r + mu) = k*kcoef + rfrac
        rfrac = np.where(poisson, 1.0, r / (r + mu))
    pmf = np.exp(logp0)
    cdf = pmf.copy()
    out = np.zeros(mu.shape, dtype=float)
    active = np.flatnonzero(cdf < q)
    k = 0
    while active.size and k < kmax:
        a_mu = mu[active]
        pmf_a = pmf[active] * a_mu / (k + 1) * (k * kcoef[active] + rfrac[active])
        pmf[active] = pmf_a
        cdf[active] += pmf_a
        k += 1
        done = cdf[active] >= q
        out[active[done]] = k
        active = active[~done]
    if active.size:  # not reached (pathological dispersion): fall back to a normal bound
        out[active] = mu[active] + _normal_quantile(q) * np.sqrt(disp[active] * mu[active])
    return out


def _upper_bound(mu0, disp, alpha, exact_below):
    z = _normal_quantile(1.0 - alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        anscombe = mu0 * (1.0 + (2.0 / 3.0) * z * np.sqrt(disp / np.maximum(mu0, 1e-12))) ** 1.5
    small = mu0 <= exact_below
    out = anscombe
    if small.any():
        out = out.copy()
        out[small] = _nb_upper_quantile(mu0[small], disp[small], 1.0 - alpha)
    return out


def _farrington_windows(Yw, phase, *, n, guard, alpha, reweight_at, trend_z, iterations, exact_below):
    """Fit all windows (m, n) sharing one phase; return expected, upper bound and sd for their day."""
    horizon = n + guard
    Xf, xf0 = _design(n, phase, True, horizon)
    Xr, xr0 = _design(n, phase, False, horizon)
    ymax = Yw.max(axis=1)
    ones = np.ones_like(Yw)

    # 1. unweighted fit with trend, Anscombe residuals, Noufaily weights
    _, mu, Ainv, XX, w = _irls(Yw, Xf, ones, iterations, ymax)
    phi = _dispersion(Yw, mu, ones, Xf.shape[1])
    h = np.clip(w * (Ainv.reshape(len(Yw), -1) @ XX.T), 0.0, 0.99)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = 1.5 * (Yw ** (2 / 3) - mu ** (2 / 3)) / (mu ** (1 / 6) * np.sqrt(phi[:, None] * (1 - h)))
    s = np.nan_to_num(s, nan=0.0, posinf=1e6)
    raw = np.where(s > reweight_at, 1.0 / np.maximum(s, 1e-12) ** 2, 1.0)
    prior = raw * (n / raw.sum(axis=1))[:, None]

    # 2. reweighted fits with and without trend
    out = []
    for X, x0 in ((Xf, xf0), (Xr, xr0)):
        beta, mu, Ainv, _, _ = _irls(Yw, X, prior, iterations, ymax)
        phi = _dispersion(Yw, mu, prior, X.shape[1])
        eta0 = beta @ x0
        var_eta0 = phi * np.einsum("i,mij,j->m", x0, Ainv, x0)
        out.append((beta, phi, eta0, var_eta0, Ainv))
    (bf, phif, etaf, vf, Af), (_, phir, etar, vr, _) = out

    # 3. keep the trend only when significant and not predicting above the window maximum
    with np.errstate(invalid="ignore", divide="ignore"):
        z_trend = bf[:, -1] / np.sqrt(phif * Af[:, -1, -1])
    keep = (np.abs(z_trend) > trend_z) & (np.exp(etaf) <= ymax)
    eta0 = np.where(keep, etaf, etar)
    var_eta0 = np.where(keep, vf, vr)
    phi = np.where(keep, phif, phir)
    mu0 = np.exp(eta0)
    disp = phi + mu0 * var_eta0  # Var(Y0 - mu0_hat) / mu0
    upper = _upper_bound(mu0, disp, alpha, exact_below)
    return mu0, upper, np.sqrt(disp * mu0)


def farrington_dow(y, *, weeks=8, guard=7, alpha=0.01, min_count=3, reweight_at=2.58, trend_z=1.96,
                   iterations=8, exact_below=100.0, chunk=20000):
    """Farrington/Noufaily quasi-Poisson method with day-of-week effects on a trailing window.

    The window is `weeks` x 7 days ending `guard` days before the day tested, so the first
    `weeks * 7 + guard` days (63 by default) have no result. See the module docstring.
    """
    Y, squeeze = _as_2d(y)
    if np.any(Y < 0):
        raise ValueError("counts must be non-negative")
    S, T = Y.shape
    n = 7 * weeks
    first = n + guard
    stat = np.full((S, T), np.nan)
    thr = np.full((S, T), np.nan)
    exp = np.full((S, T), np.nan)
    if T > first:
        starts = np.arange(T - first)  # window start s tests day t = s + first
        win = sliding_window_view(Y, n, axis=1)  # (S, T-n+1, n)
        for phase in range(7):
            ss = starts[starts % 7 == phase]
            if not ss.size:
                continue
            # all (series, start) pairs of this phase, in chunks
            pairs_s = np.repeat(np.arange(S), ss.size)
            pairs_t = np.tile(ss, S)
            for lo in range(0, pairs_s.size, chunk):
                ps, pt = pairs_s[lo:lo + chunk], pairs_t[lo:lo + chunk]
                Yw = win[ps, pt]
                mu0, upper, sd = _farrington_windows(
                    Yw, phase, n=n, guard=guard, alpha=alpha, reweight_at=reweight_at,
                    trend_z=trend_z, iterations=iterations, exact_below=exact_below)
                day = pt + first
                exp[ps, day] = mu0
                thr[ps, day] = upper
                stat[ps, day] = (Y[ps, day] - mu0) / np.maximum(sd, 0.2)
    with np.errstate(invalid="ignore"):
        alarm = (Y > thr) & (Y >= min_count)
    return _result(stat, thr, exp, alarm, squeeze)


METHODS = {
    "ears_c1": ears_c1,
    "ears_c2": ears_c2,
    "ears_c3": ears_c3,
    "farrington_dow": farrington_dow,
}
