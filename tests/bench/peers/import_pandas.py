"""The pandas pipeline a user would write instead of `pulse import survey` (issue 11's peer):
read the export, melt it to one row per (respondent, question), map the agreement labels to
scale values, and write Parquet.

    python3 import_pandas.py EXPORT.csv OUT.parquet
"""
import sys

import pandas as pd

AGREE5 = {
    "Strongly disagree": 1,
    "Disagree": 2,
    "Neither agree nor disagree": 3,
    "Agree": 4,
    "Strongly agree": 5,
}

src, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(src)
meta = ["respondent_id", "submitted_at", "duration_s", "Team"]
questions = [c for c in df.columns if c not in meta and c != "Comments"]
long = df.melt(id_vars=["respondent_id"], value_vars=questions, var_name="question", value_name="label")
long = long.dropna(subset=["label"])
long["value"] = long["label"].map(AGREE5)
numeric = long["value"].isna()
long.loc[numeric, "value"] = pd.to_numeric(long.loc[numeric, "label"], errors="coerce")
long["label"] = long["label"].astype(str)
long.to_parquet(out, index=False)
print(f"pandas: {len(long)} answers written to {out}")
