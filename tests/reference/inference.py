"""Reference figures for kanon attribute-disclosure (inference) risk tests.
Written from first principles from the definitions in docs/metrics.md (inference).
Run: python3 inference.py > inference.json"""
import json, math
from collections import Counter, defaultdict
import pandas as pd
import os

# ../shared/datasets beside the repository, wherever this file is run from.
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "datasets")

INF = float("inf")

def read(path, sep):
    return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)

def class_counts(df, qis, sa):
    """{sorted QI tuple: Counter of sensitive values} via pandas groupby."""
    out = {}
    for key, grp in df.groupby(qis, sort=True):
        out[tuple(key)] = Counter(grp[sa].value_counts().to_dict())
    return dict(sorted(out.items()))

def l_recursive_class(counts, c=2):
    r = sorted(counts.values(), reverse=True)
    best = 1
    for l in range(2, len(r) + 1):
        if r[0] < c * sum(r[l - 1:]):
            best = l
    return best

def figures(df, qis, sa):
    n = len(df)
    classes = class_counts(df, qis, sa)
    p = {s: k / n for s, k in df[sa].value_counts().items()}
    r = dict(l_distinct=INF, l_entropy=INF, l_recursive=INF, t_equal=0.0,
             delta_present=0.0, delta_strict=0.0, beta_basic=0.0,
             beta_enhanced_violating_classes=0, alpha=0.0, homogeneous_records=0,
             homogeneous_classes=0, near_homogeneous_records=0)
    cap_sum = hits = 0.0
    for cnt in classes.values():
        f = sum(cnt.values())
        q = {s: cnt.get(s, 0) / f for s in p}          # over ALL table values
        present = [s for s in p if cnt.get(s, 0) > 0]
        r["l_distinct"] = min(r["l_distinct"], len(present))
        ent = -sum(q[s] * math.log(q[s]) for s in present)
        r["l_entropy"] = min(r["l_entropy"], math.exp(ent))
        r["l_recursive"] = min(r["l_recursive"], l_recursive_class(cnt))
        r["t_equal"] = max(r["t_equal"], 0.5 * sum(abs(q[s] - p[s]) for s in p))
        r["delta_present"] = max(r["delta_present"], max(abs(math.log(q[s] / p[s])) for s in present))
        strict = max(abs(math.log(q[s] / p[s])) if q[s] > 0 else INF for s in p)
        r["delta_strict"] = max(r["delta_strict"], strict)
        gains = [(q[s] - p[s]) / p[s] for s in p if q[s] > p[s]]
        r["beta_basic"] = max(r["beta_basic"], max(gains, default=0.0))
        if any(q[s] > p[s] and (q[s] - p[s]) / p[s] > -math.log(p[s]) for s in p):
            r["beta_enhanced_violating_classes"] += 1
        amax = max(q.values())
        r["alpha"] = max(r["alpha"], amax)
        if len(present) == 1:
            r["homogeneous_records"] += f
            r["homogeneous_classes"] += 1
        if amax >= 0.9:
            r["near_homogeneous_records"] += f
        cap_sum += sum(k * (k / f) for k in cnt.values())  # each row with s contributes q_{c,s}
        hits += max(cnt.values())
    r["mean_cap"] = cap_sum / n
    r["hit_rate"] = hits / n
    r["baseline"] = max(p.values())
    r["attribution_risk"] = (r["hit_rate"] - r["baseline"]) / (1 - r["baseline"])
    r["delta_strict_infinite"] = r["delta_strict"] == INF
    if r["delta_strict_infinite"]:
        r["delta_strict"] = None
    r.update(n=n, classes=len(classes), distinct_sensitive=len(p))
    # Cross-check l_distinct and alpha with plain dict/Counter code (no pandas groupby)
    plain = defaultdict(Counter)
    for row in df[qis + [sa]].itertuples(index=False):
        plain[tuple(row[:-1])][row[-1]] += 1
    assert len(plain) == len(classes)
    assert min(len(c) for c in plain.values()) == r["l_distinct"]
    assert max(max(c.values()) / sum(c.values()) for c in plain.values()) == r["alpha"]
    return r, classes, p

def t_ordered(classes, p, key):
    vals = sorted(p, key=key)
    m, worst = len(vals), 0.0
    for cnt in classes.values():
        f, cum, tot = sum(cnt.values()), 0.0, 0.0
        for v in vals:
            cum += cnt.get(v, 0) / f - p[v]
            tot += abs(cum)
        worst = max(worst, tot / (m - 1))
    return worst

def t_hierarchical(classes, p, hier_path):
    rows = [line.rstrip("\n").split(";") for line in open(hier_path) if line.strip()]
    H = len(rows[0]) - 1
    per_class = []
    for cnt in classes.values():
        f = sum(cnt.values())
        # level-0 surpluses; a node at level i is identified by its path row[i:] (up to root)
        surplus = {tuple(row): cnt.get(row[0], 0) / f - p.get(row[0], 0.0) for row in rows}
        cost = 0.0
        for level in range(1, H + 1):
            children = defaultdict(list)
            for node, e in surplus.items():
                children[node[1:]].append(e)
            surplus = {}
            for node, es in children.items():
                pos = sum(e for e in es if e > 0)
                neg = sum(-e for e in es if e < 0)
                cost += level / H * min(pos, neg)
                surplus[node] = pos - neg
        per_class.append(cost)
    return max(per_class), per_class

cases = {}
AD_QI = ["age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"]
adult = read(D + "/adult/adult.csv", ";")
cases["adult"] = figures(adult, AD_QI, "occupation")[0]
td = read(D + "/sdcmicro/testdata.csv", ",")
KEYS5 = ["urbrur", "roof", "walls", "water", "sex"]
cases["testdata_electcon"] = figures(td, KEYS5, "electcon")[0]
cases["testdata_relat"] = figures(td, KEYS5, "relat")[0]

li = pd.DataFrame([
    ("4767*", "<=40", 3, "gastric ulcer"), ("4767*", "<=40", 5, "stomach cancer"), ("4767*", "<=40", 9, "pneumonia"),
    ("4790*", ">=40", 6, "gastritis"), ("4790*", ">=40", 11, "flu"), ("4790*", ">=40", 8, "bronchitis"),
    ("4760*", "<=40", 4, "gastritis"), ("4760*", "<=40", 7, "bronchitis"), ("4760*", "<=40", 10, "stomach cancer"),
], columns=["zip", "age", "salary", "disease"]).astype(str)
LI_QI = ["zip", "age"]
sal, sal_classes, sal_p = figures(li, LI_QI, "salary")
sal["t_ordered"] = t_ordered(sal_classes, sal_p, key=int)
nums = {k: [int(v) for v in c.elements()] for k, c in sal_classes.items()}
gmin, gmax = min(map(int, li["salary"])), max(map(int, li["salary"]))
sal["class_order"] = [list(k) for k in sal_classes]
sal["numeric_range_per_class"] = [(max(v) - min(v)) / (gmax - gmin) for v in nums.values()]
sal["numeric_range_min"] = min(sal["numeric_range_per_class"])
cases["li_table4_salary"] = sal
dis, dis_classes, dis_p = figures(li, LI_QI, "disease")
dis["t_hierarchical"], dis["t_hierarchical_per_class"] = t_hierarchical(
    dis_classes, dis_p, D + "/arx-test/test2_hierarchy_Disease.csv")
dis["class_order"] = [list(k) for k in dis_classes]
cases["li_table4_disease"] = dis

with open("/tmp/kanon-inference/expected.json", "w") as fh:
    fh.write(json.dumps(cases, indent=1))
print(json.dumps(cases, indent=1))
