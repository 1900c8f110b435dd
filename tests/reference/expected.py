"""Reference numbers for kanon's tests (k-anonymity / re-identification risk).

Every cell is read as a string; '?' and '' are ordinary values. An equivalence
class is a group of rows with identical values on all QIs. Run from anywhere (paths are relative to this file):
    python3 expected.py > expected.json
"""
import csv
import json
from collections import Counter

import pandas as pd

import os
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "datasets")
ADULT_QIS = ["age", "education", "marital-status", "native-country",
             "race", "salary-class", "sex", "workclass"]
KEYS7 = ["urbrur", "roof", "walls", "water", "electcon", "relat", "sex"]
DATASETS = {  # name: (path, delimiter, QIs, weight column or None)
    "adult": (f"{D}/adult/adult.csv", ";", ADULT_QIS, None),
    "testdata": (f"{D}/sdcmicro/testdata.csv", ",", KEYS7, "sampling_weight"),
    "testdata_na": (f"{D}/sdcmicro/testdata_na.csv", ",", KEYS7, "sampling_weight"),
}


def class_sizes(df, qis):
    """f_c for every equivalence class (pandas groupby)."""
    return df.groupby(qis, sort=True).size()


def cross_check(path, sep, qis, sizes):
    """Count classes a second way (csv module + dict of tuples); must agree."""
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=sep))
    counts = Counter(tuple(r[q] for q in qis) for r in rows)
    assert len(rows) == sizes.sum()
    assert counts == Counter(dict(zip(sizes.index, sizes.values)))
    return len(rows)


def analyse(path, sep, qis, weight):
    df = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
    n = len(df)
    f = class_sizes(df, qis)
    assert cross_check(path, sep, qis, f) == n
    J = len(f)
    uniques = int((f == 1).sum())
    out = {
        "rows": n,
        "classes_count": J,
        "min_size": int(f.min()),
        "max_size": int(f.max()),
        "mean_size": n / J,
        "median_size": float(f.median()),
        "histogram": [[int(s), int(c)] for s, c in f.value_counts().sort_index().items()],
        "k": int(f.min()),
        "records_below_5": int(f[f < 5].sum()),
        "classes_below_5": int((f < 5).sum()),
        "sample_uniques": uniques,
        "sample_uniques_share": uniques / n,
        "prosecutor_highest": 1 / int(f.min()),
        "prosecutor_average": J / n,
        "prosecutor_records_at_risk": int(f[1 / f > 0.2].sum()) / n,
    }
    per_qi = {}
    for q in qis:
        fv = df[q].value_counts()
        others = [o for o in qis if o != q]
        without = int((class_sizes(df, others) == 1).sum())
        per_qi[q] = {
            "distinct": len(fv),
            "distinction": len(fv) / n,
            "separation": 1 - int((fv * (fv - 1)).sum()) / (n * (n - 1)),
            "uniques_alone": int((fv == 1).sum()),
            "uniques_without": without,
            "uniques_removed": uniques - without,
        }
        if path.endswith("_na.csv"):
            per_qi[q]["missing"] = int((df[q] == "").sum())
    out["per_qi"] = per_qi
    if weight:
        df[weight] = df[weight].astype(float)
        F = df.groupby(qis, sort=True)[weight].sum()
        raised = int((F < f).sum())
        F = F.where(F >= f, f.astype(float))  # F_c is at least f_c
        marketer = (f / F).sum() / n
        out.update({
            "weighted_raised": raised,
            "journalist_highest": 1 / F.min(),
            "marketer": float(marketer),
            "journalist_average": float(max(J / F.sum(), marketer)),
            "journalist_records_at_risk": int(f[1 / F > 0.2].sum()) / n,
        })
    return out


if __name__ == "__main__":
    result = {name: analyse(*spec) for name, spec in DATASETS.items()}
    print(json.dumps(result, indent=1))
