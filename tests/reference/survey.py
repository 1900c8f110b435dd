"""Brute-force reference numbers for kanon tests: Benedetti-Franconi risk, SUDA2
(MSUs by exhaustive subset search, Elliot scores, DIS-SUDA), the QI-subset sweep and
person-level k, from the definitions in docs/metrics.md. Run: python3 survey.py > survey.json"""
import json, math, itertools
from collections import Counter
import numpy as np
import pandas as pd

import os
# ../shared/datasets beside the repository, wherever this runs from.
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "datasets") + "/"
def load(path, sep):
    return pd.read_csv(D + path, sep=sep, dtype=str, keep_default_na=False)

T = load("sdcmicro/testdata.csv", ",")
A = load("adult/adult.csv", ";")
S = load("sdcmicro/suda_tiny_b.csv", ",")
KEYS7 = ["urbrur", "roof", "walls", "water", "electcon", "relat", "sex"]
KEYS_A = ["age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"]
KEYS_S = ["Var1", "Var2", "Var3"]

def class_sizes(df, cols):
    """Per-row size of its class on cols (empty cols: one class of all rows)."""
    if not cols:
        return np.full(len(df), len(df))
    return df.groupby(list(cols), sort=False)[cols[0]].transform("size").to_numpy()

# 1. Benedetti-Franconi individual risk
def individual_risk(df, keys, wcol):
    w = df[wcol].astype(float)
    g = df.groupby(keys, sort=False)
    f = g[keys[0]].transform("size").to_numpy()
    F = g[wcol].transform(lambda s: s.astype(float).sum()).to_numpy()
    r = []
    for fi, Fi in zip(f, F):
        p = fi / Fi
        if p >= 1: ri = 1 / fi
        elif fi == 1: ri = p / (1 - p) * math.log(1 / p)
        elif fi == 2: ri = p / (1 - p) - (p / (1 - p)) ** 2 * math.log(1 / p)
        else: ri = p / (fi - (1 - p))
        r.append(ri)
    ER = sum(r)
    return {"ER": ER, "global": ER / len(df), "highest": max(r),
            "records_above_0_2": sum(1 for x in r if x > 0.2)}

# 2. SUDA brute force
def suda(df, keys, maxK):
    M, n = len(keys), len(df)
    subsets = [K for k in range(1, maxK + 1) for K in itertools.combinations(range(M), k)]
    uniq = {K: class_sizes(df, [keys[i] for i in K]) == 1 for K in subsets}
    su = class_sizes(df, keys) == 1
    msus = {}
    for K in subsets:
        m = uniq[K] & su
        for j in range(1, len(K)):
            for J in itertools.combinations(K, j):
                m = m & ~uniq[J]
        msus[K] = m
    score = np.zeros(n)
    for K, m in msus.items():
        score[m] += math.factorial(M - len(K))
    per_row = [[K for K in subsets if msus[K][i]] for i in range(n)]
    full = Counter(df[keys].itertuples(index=False, name=None))
    U = int(su.sum()); P = 2 * sum(1 for c in full.values() if c == 2)
    Dis = U * 0.01 / (U * 0.01 + P * 0.99)
    Q = 1 + (8 - M) / 20
    pos = score[score > 0]
    A_ = sum(s ** (-Q) for s in pos)
    dis = [1 / (1 + (U / Dis - U) / (s ** Q * A_)) for s in pos]
    return {
        "records_with_msu": int(sum(1 for p in per_row if p)),
        "total_msus": sum(len(p) for p in per_row),
        "msus_by_size": [sum(int(msus[K].sum()) for K in subsets if len(K) == k) for k in range(1, maxK + 1)],
        "max_score": float(score.max()),
        "sum_of_scores": float(score.sum()),
        "msus_per_key": {keys[i]: sum(int(msus[K].sum()) for K in subsets if i in K) for i in range(M)},
        "first20_scores": [float(s) for s in score[:20]],
        "file_dis": Dis,
        "max_dis": max(dis) if dis else 0.0,
    }, [float(s) for s in score]

def suda_crosscheck(df, keys):
    """Independent: per record, test every subset with a Counter of tuples."""
    M = len(keys)
    rows = [tuple(r) for r in df[keys].itertuples(index=False, name=None)]
    def unique(i, K):
        return Counter(tuple(r[j] for j in K) for r in rows)[tuple(rows[i][j] for j in K)] == 1
    scores = []
    for i in range(len(rows)):
        s = 0
        if unique(i, tuple(range(M))):
            for k in range(1, M + 1):
                for K in itertools.combinations(range(M), k):
                    if unique(i, K) and not any(unique(i, J) for j in range(1, k) for J in itertools.combinations(K, j)):
                        s += math.factorial(M - k)
        scores.append(float(s))
    return scores

# 3. Subset sweep
def sweep(df, keys, maxsize):
    su = {(): int((class_sizes(df, []) == 1).sum())}
    out = []
    for k in range(1, maxsize + 1):
        for pos in itertools.combinations(range(len(keys)), k):
            cols = [keys[i] for i in pos]
            sizes = df.groupby(cols, sort=False).size()
            su[pos] = int((sizes == 1).sum())
            minimal = su[pos] > 0 and all(su[J] == 0 for J in itertools.combinations(pos, k - 1))
            out.append({"attributes": cols, "k": int(sizes.min()), "sample_uniques": su[pos], "minimal": minimal})
    return out

# 4. Person level
def person_level(df, keys, pcol):
    persons, shares, repeated = [], [], 0
    for _, g in df.groupby(keys, sort=False):
        c = Counter(g[pcol]); f = len(g)
        persons.append(len(c)); shares.append(max(c.values()) / f)
        repeated += len(c) < f
    return {"k_persons": min(persons), "max_person_share": max(shares),
            "classes_with_repeated_persons": int(repeated)}

result = {"1_individual_risk_T": individual_risk(T, KEYS7, "sampling_weight")}
suda_T, _ = suda(T, KEYS7, 7)
suda_A, _ = suda(A, KEYS_A, 8)
suda_S, scores_S = suda(S, KEYS_S, 3)
check = suda_crosscheck(S, KEYS_S)
assert check == scores_S, (check, scores_S)
result["2_suda"] = {"T": suda_T, "A": suda_A, "S": suda_S, "S_crosscheck_scores_agree": check == scores_S}
result["3_subset_sweep_T"] = sweep(T, KEYS7, 3)
result["4_person_level_T"] = person_level(T, KEYS7, "ori_hid")

with open("/tmp/kanon-survey/survey.json", "w") as fh:
    fh.write(json.dumps(result, indent=1))
print(json.dumps(result, indent=1))
