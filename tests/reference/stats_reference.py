"""Reference values for pulse's statistics, from scipy / statsmodels / pingouin.

Run: python3 tests/reference/stats_reference.py
The Rust unit tests in src/analyse/ quote these numbers with the call that produced them.
Versions used: see the first line of the output.
"""
import numpy as np
import scipy, statsmodels, pingouin as pg, pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.multitest import multipletests

print("versions", scipy.__version__, statsmodels.__version__, pg.__version__)
r = lambda v: float(f"{v:.15g}")

def mean_ci(x):
    x = np.asarray(x, float)
    m = x.mean(); se = stats.sem(x)
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=m, scale=se)
    return r(m), r(lo), r(hi)

print("mean_ci A", mean_ci([1, 2, 2, 3, 3, 3, 4, 4, 5, 5]))
print("mean_ci B", mean_ci([5, 4]))
big = [(i * 7919) % 5 + 1 for i in range(1_000_000)]
print("mean_ci big", mean_ci(big))

for k, n in [(4, 10), (7, 20), (0, 10), (10, 10), (123456, 1000000), (1, 1)]:
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    print("wilson", k, n, r(lo), r(hi))

x = [1, 2, 2, 3, 4, 5, 5]
y = [2, 3, 3, 4, 4, 5, 5, 5]
res = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
print("mwu A", r(res.statistic), r(res.pvalue))
print("mwu A pingouin", pg.mwu(x, y, alternative="two-sided").to_dict("records"))
x2 = [3, 4, 4, 5, 5, 5, 5, 2, 4, 5] * 30
y2 = [1, 2, 3, 3, 4, 4, 2, 3, 5, 1] * 25
res = stats.mannwhitneyu(x2, y2, alternative="two-sided", method="asymptotic")
print("mwu B", r(res.statistic), r(res.pvalue), pg.mwu(x2, y2, alternative="two-sided")["RBC"].iloc[0])
print("mwu equal", stats.mannwhitneyu([3, 3, 3], [3, 3, 3, 3], alternative="two-sided", method="asymptotic"))

a = [4, 3, 5, 2, 4, 4, 3, 5, 1, 4, 3, 2]
b = [5, 3, 4, 4, 5, 4, 4, 5, 2, 5, 4, 4]
res = stats.wilcoxon(a, b)
print("wilcoxon ties/zeros", r(res.statistic), r(res.pvalue))
a2 = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
b2 = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
res = stats.wilcoxon(a2, b2)
print("wilcoxon exact", r(res.statistic), r(res.pvalue))
a3 = [(i * 37) % 5 + 1 for i in range(80)]
b3 = [((i * 37) % 5 + 1 + (i % 3 == 0)) if (i % 7) else ((i * 37) % 5) for i in range(80)]
res = stats.wilcoxon(a3, b3)
print("wilcoxon approx", r(res.statistic), r(res.pvalue), "n", len(a3))
print("wilcoxon b3", b3)

t1 = [[10, 20, 30], [25, 15, 5]]
c = stats.chi2_contingency(t1)
print("chi2 2x3", r(c.statistic), r(c.pvalue), c.dof)
t2 = [[12, 5], [7, 14]]
c = stats.chi2_contingency(t2)
print("chi2 2x2 yates", r(c.statistic), r(c.pvalue), c.dof)
for t in (t1, t2):
    print("cramers_v", r(stats.contingency.association(np.array(t), method="cramer")))

p = [0.01, 0.04, 0.03, 0.2, 0.5, 0.001]
print("fdr_bh", [r(v) for v in multipletests(p, method="fdr_bh")[1]])

sx = [1, 2, 2, 3, 4, 5, 5, 3, 4, 2, 1, 5, 4, 3, 3, 2, 4, 5, 1, 2, 3, 4, 4, 5, 3, 2, 2, 4, 5, 5, 1, 3]
sy = [2, 2, 3, 3, 4, 4, 5, 3, 5, 1, 2, 4, 4, 2, 3, 3, 5, 5, 1, 1, 3, 4, 3, 5, 4, 2, 3, 4, 4, 5, 2, 2]
rho = stats.spearmanr(sx, sy)
print("spearman", r(rho.statistic), r(rho.pvalue), len(sx))
print("spearman pingouin", pg.corr(sx, sy, method="spearman").to_dict("records"))

items = pd.DataFrame({
    "a": [4, 5, 3, 4, 2, 5, 4, 3, 4, 5, 2, 3],
    "b": [4, 4, 3, 5, 2, 5, 3, 3, 4, 4, 1, 3],
    "c": [5, 5, 2, 4, 3, 4, 4, 2, 5, 5, 2, 2],
    "d": [3, 4, 3, 4, 2, 5, 4, 4, 3, 4, 3, 3],
})
print("cronbach", pg.cronbach_alpha(data=items))
items2 = items.copy(); items2.loc[3, "b"] = np.nan
print("cronbach listwise", pg.cronbach_alpha(data=items2, nan_policy="listwise"))
for col in items:
    rest = items.drop(columns=col).sum(axis=1)
    print("item_total", col, r(items[col].corr(rest)))

v = np.array([10, 9, 9, 8, 7, 6, 5, 0, 3, 6], float)
pp, pm = (v >= 9).mean(), (v <= 6).mean()
half = stats.norm.ppf(0.975) * np.sqrt((pp + pm - (pp - pm) ** 2) / len(v))
print("nps", r(100 * (pp - pm)), r(100 * (pp - pm - half)), r(100 * (pp - pm + half)))
z = np.arctanh(rho.statistic); se = 1 / np.sqrt(len(sx) - 3)
print("spearman fisher ci", r(np.tanh(z - stats.norm.ppf(0.975) * se)), r(np.tanh(z + stats.norm.ppf(0.975) * se)))

# Sentiment: vaderSentiment 3.3.2 (pip install vaderSentiment)
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
sia = SentimentIntensityAnalyzer()
for t in ["I love the new deployment dashboard.", "On-call is exhausting", "The docs are not great"]:
    print("vader", repr(t), sia.polarity_scores(t)["compound"])

# Build metrics on fixtures/telemetry/builds-small.csv (pandas + numpy.percentile, linear)
import os
df = pd.read_csv(os.path.join(os.path.dirname(__file__), "../../fixtures/telemetry/builds-small.csv"),
                 parse_dates=["queued_at", "started_at", "finished_at"])
df["quarter"] = df["started_at"].dt.year.astype(str) + "-Q" + df["started_at"].dt.quarter.astype(str)
df["dur"] = (df["finished_at"] - df["started_at"]).dt.total_seconds()
df["queue"] = (df["started_at"] - df["queued_at"]).dt.total_seconds()
for q, g in df.groupby("quarter"):
    ok = g[g.result == "success"]
    done = g[g.result.isin(["success", "failure"])]
    pairs = done.groupby(["pipeline", "commit_sha"]).result.agg(lambda r: {"success", "failure"} <= set(r))
    print("builds", q, len(g), np.percentile(ok.dur, 50), np.percentile(ok.dur, 90),
          (done.result == "failure").mean(), np.percentile(g.queue, 50), pairs.mean(), (g.attempt > 1).mean())

# Guardrail tests (pulse check): exact binomial test and two-proportion z-test
from statsmodels.stats.proportion import proportions_ztest
for k, n, p in [(3, 20, .5), (15, 20, .5), (7, 30, .4), (40, 100, .3), (10, 20, .5), (520, 1000, .5)]:
    print("binomtest", k, n, p, repr(stats.binomtest(k, n, p).pvalue))
for k, n, p in [(60, 100, .5), (1350, 2300, .5), (45, 100, .5)]:
    print("binomtest greater", k, n, p, repr(stats.binomtest(k, n, p, alternative="greater").pvalue))
print("proportions_ztest", proportions_ztest([30, 45], [200, 210]))
print("bunching binomtest", repr(stats.binomtest(120, 160, 0.5, alternative="greater").pvalue))
print("poisson rates binomtest", repr(stats.binomtest(60, 90, 92 / 182).pvalue))

# Non-finite values are missing (the NaN regression tests in src/analyse/): scipy's
# nan_policy='omit' gives the same numbers as the finite-only references above.
nan, inf = float("nan"), float("inf")
xn = [1, nan, 2, 2, 3, 4, 5, 5]
yn = [2, 3, 3, 4, 4, 5, 5, 5, nan]
res = stats.mannwhitneyu(xn, yn, alternative="two-sided", method="asymptotic", nan_policy="omit")
print("mwu nan omit", r(res.statistic), r(res.pvalue))
d = [x - y for x, y in zip(a, b)]
res = stats.wilcoxon(d[:3] + [nan] + d[3:], nan_policy="omit")
print("wilcoxon nan omit", r(res.statistic), r(res.pvalue))
rho = stats.spearmanr(sx + [nan, 3], sy + [2, nan], nan_policy="omit")
print("spearman nan omit", r(rho.statistic), r(rho.pvalue))
m = [0.01, nan, 0.04, 0.03, 0.2, 0.5, 0.001]
q = multipletests([v for v in m if v == v], method="fdr_bh")[1]
print("fdr_bh without the nan", [r(v) for v in q])
print("chi2 nan cell as 0", stats.chi2_contingency([[12, 5], [7, 14]])[:2])
print("mean_ci nan dropped", mean_ci([v for v in [1, 2, nan, 2, 3, 3, 3, 4, 4, 5, 5] if v == v]))
