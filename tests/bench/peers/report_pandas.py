"""The pandas + scipy + matplotlib script a user would write instead of `pulse report` (issue
11's peer): for two rounds, summaries per question (n, mean, top-box share), Mann–Whitney U
per question between the rounds with Benjamini–Hochberg q-values, and one chart per question
(the two rounds' answer distributions), saved as PNG; then a PDF of the summary table.

    python3 report_pandas.py ROUND1.csv ROUND2.csv OUTDIR
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from scipy.stats import false_discovery_control, mannwhitneyu  # noqa: E402

AGREE5 = {
    "Strongly disagree": 1,
    "Disagree": 2,
    "Neither agree nor disagree": 3,
    "Agree": 4,
    "Strongly agree": 5,
}
META = ["respondent_id", "submitted_at", "duration_s", "Team", "Comments"]

a_path, b_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(os.path.join(out, "charts"), exist_ok=True)


def values(path):
    df = pd.read_csv(path)
    qs = [c for c in df.columns if c not in META]
    return {q: pd.to_numeric(df[q].map(AGREE5).fillna(df[q]), errors="coerce").dropna() for q in qs}


a, b = values(a_path), values(b_path)
rows = []
for q in a:
    x, y = a[q].to_numpy(), b[q].to_numpy()
    top = y.max()
    u = mannwhitneyu(x, y, alternative="two-sided")
    rows.append(
        {
            "question": q,
            "n": len(y),
            "mean": y.mean(),
            "top_box": float(np.mean(y >= (4 if top <= 5 else 9))),
            "delta": y.mean() - x.mean(),
            "p": u.pvalue,
        }
    )
summary = pd.DataFrame(rows)
summary["q"] = false_discovery_control(summary["p"].to_numpy())
summary.to_csv(os.path.join(out, "summary.csv"), index=False)

for i, q in enumerate(a):
    fig, ax = plt.subplots(figsize=(6, 2.5))
    levels = sorted(set(a[q].unique()) | set(b[q].unique()))
    for k, (name, s) in enumerate([("previous", a[q]), ("current", b[q])]):
        share = s.value_counts(normalize=True).reindex(levels, fill_value=0)
        ax.bar(np.arange(len(levels)) + k * 0.4, share.to_numpy(), width=0.4, label=name)
    ax.set_xticks(np.arange(len(levels)) + 0.2, [str(int(v)) for v in levels])
    ax.set_title(q[:60])
    ax.legend()
    fig.savefig(os.path.join(out, "charts", f"q{i:02}.png"), dpi=100)
    plt.close(fig)

with PdfPages(os.path.join(out, "report.pdf")) as pdf:
    fig, ax = plt.subplots(figsize=(8.27, 11.69))
    ax.axis("off")
    ax.table(cellText=summary.round(3).astype(str).values[:40], colLabels=summary.columns, loc="upper center")
    pdf.savefig(fig)
    plt.close(fig)
print(f"pandas report: {len(summary)} questions, {int((summary['q'] < 0.05).sum())} changed")
