"""Reference numbers for kanon's record-linkage metrics (independent of src/linkage).

Run from anywhere (data paths are relative to this file):
    python3 linkage.py > linkage.json
Pure Python 3 (no pandas needed). The JSON goes to stdout; a short summary of
each case, and the kanon binary's own output, go to stderr.

Definitions (release table R with n records, attacker table A with m_A records,
linked on the columns Q):
  cover(v) of a released value v, checked in this order:
    '*' or ''                        any value
    a decimal number ("39", "39.0")  that number (numeric equality)
    an interval: opening '[' (closed) or '(' / ']' (open), number, separator
      '-' / ';' / ',' (spaces allowed around it), number, closing ']' (closed)
      or '[' / ')' (open)            e.g. "[30, 40[" = 30 <= x < 40
    'a-b' with numbers a <= b        a <= x <= b
    '<x', '<=x', '>x', '>=x' with x a number
    a string containing '*'          mask, each '*' = exactly one character
    anything else                    the exact string
  ("<=50K" / ">50K" are exact strings: "50K" is not a number.)
  An attacker value x lies in a numeric cover (number, interval, comparison)
  only if x itself parses as a decimal number. An empty attacker cell matches
  everything. C(a) = release records compatible with a on every q in Q.
  unique_matches = #{|C(a)| = 1}, unique_match_rate = that / m_A,
  matched_records = #{|C(a)| >= 1}, expected_correct_links (L3) = sum 1/|C(a)|,
  group_links (L4) = #{|C(a)| >= 1 and C(a) lies in one equivalence class of R
  over Q}, group_link_rate = group_links / m_A,
  match_sizes = attacker records by |C(a)| in buckets 0,1,2,3-4,5-9,10-99,100+.
  Truth cases (id column in R and A, compared as strings): targets_in_release =
  #{a : id in R}; expected_correct_links = L2 = sum over a whose true record t
  is in C(a) of 1/|C(a)|; link_success_rate = L2 / targets_in_release;
  correct_unique_matches = #{C(a) = {t}}.
  risk (anonymeter): z = 1.959963984540054, rate = (s + z^2/2)/(N + z^2),
  err = z/(N + z^2) * sqrt(s(N - s)/N + z^2/4), p0 = 1/n,
  risk = (rate - p0)/(1 - p0), risk error = err/(1 - p0); risk_value =
  clamp(risk, 0, 1), risk_ci = [clamp(risk - e), clamp(risk + e)].
  N = m_A, s = L3 without truth; N = targets_in_release, s = L2 with truth.

Method: R is grouped into its distinct value combinations on Q (equivalence
classes) with their counts. For every column and every distinct attacker value
the set of classes whose released value covers it is computed by evaluating
cover() against every distinct released value of that column (a bitmask over
the classes); C(a) is the AND of these masks over Q, |C(a)| the sum of the
class counts. Cross-checks: adult_raw is recounted with a plain dict of value
tuples (no cover machinery); the generalised and hand cases are recounted by a
direct loop of every attacker record over every release class calling cover()
cell by cell; the hand cases are also checked against numbers worked out by hand.

Cases:
  adult_raw      R = shared/datasets/adult/adult.csv, A = adult_subset.csv,
                 Q = all 9 columns (sex;age;race;marital-status;education;
                 native-country;workclass;occupation;salary-class).
  adult_generalised, adult_generalised_truth
                 Inputs in $LINKREF_DIR (default /tmp/linkref), made by this script:
                 1. adult_id.csv = adult.csv with an extra first column `id`
                    holding the 1-based data-row number (header excluded), ';'
                    separator, LF line endings, other cells copied verbatim
                    (trailing '\\r' stripped).
                 2. aux.csv = the rows of adult_id.csv whose id is divisible
                    by 10 (10, 20, ..., 30160: 3016 rows), columns
                    id;age;sex;race;marital-status;education, raw values,
                    ';' separator, LF line endings.
                 3. release.csv made by
                    $KANON anonymise $LINKREF_DIR/adult_id.csv
                      --qi age,sex,race,marital-status,education --k 5
                      --hierarchy age=interval:5,10,20
                      --out $LINKREF_DIR/release.csv -q
                    ($KANON defaults to ../../target/debug/kanon from this file.)
                    kanon writes it ','-separated, quoting cells that hold ','.
                 Q = age,sex,race,marital-status,education; the truth case
                 links by `id`. With this command kanon releases age as '*'
                 everywhere and race / marital-status / education partly as
                 the label "(other)", which covers every raw value no other
                 released value of its column covers.
  adult_masked, adult_masked_truth   (extra, exercises intervals and masks)
                 Same adult_id.csv and aux.csv; release_masked.csv made by
                    $KANON anonymise $LINKREF_DIR/adult_id.csv
                      --qi age,sex,race,marital-status,education --k 5
                      --hierarchy age=interval:5,10,20
                      --hierarchy race=<datasets>/adult/adult_hierarchy_race.csv
                      --hierarchy sex=<datasets>/adult/adult_hierarchy_sex.csv
                      --hierarchy marital-status=mask:3,6
                      --hierarchy education=mask:2,4
                      --suppression 5%
                      --out $LINKREF_DIR/release_masked.csv -q
                 (age as "[20, 40["-style intervals, education masked like
                 "Bache****", suppressed records removed, so some attacker ids
                 are missing from R).
  hand, hand_truth   tiny inline tables (see HAND_* below).
If the kanon binary is missing or fails, the adult_generalised* and
adult_masked* cases are skipped (reported on stderr).
"""
import csv
import json
import math
import os
import re
import subprocess
import sys
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
D = os.path.join(HERE, "..", "..", "..", "shared", "datasets")
ADULT = os.path.normpath(os.path.join(D, "adult", "adult.csv"))
ADULT_SUBSET = os.path.normpath(os.path.join(D, "adult", "adult_subset.csv"))
HIER_RACE = os.path.normpath(os.path.join(D, "adult", "adult_hierarchy_race.csv"))
HIER_SEX = os.path.normpath(os.path.join(D, "adult", "adult_hierarchy_sex.csv"))
KANON = os.environ.get("KANON", os.path.join(HERE, "..", "..", "target", "debug", "kanon"))
WORK = os.environ.get("LINKREF_DIR", "/tmp/linkref")
GEN_Q = ["age", "sex", "race", "marital-status", "education"]
Z = 1.959963984540054
BUCKETS = [(0, 0), (1, 1), (2, 2), (3, 4), (5, 9), (10, 99), (100, math.inf)]

# --------------------------------------------------------------------- input

def read_table(path):
    """Header + rows of a delimited file; every cell a string, trailing \\r stripped.

    The delimiter is taken from the header line: ';' if it has one, else ','.
    Quotes are honoured (kanon quotes cells such as "[30, 40[").
    """
    with open(path, newline="", encoding="utf-8") as fh:
        text = fh.read()
    lines = [l[:-1] if l.endswith("\r") else l for l in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    delim = ";" if ";" in lines[0] else ","
    rows = list(csv.reader(lines, delimiter=delim))
    header, body = rows[0], rows[1:]
    for r in body:
        assert len(r) == len(header), (path, r)
    return header, [dict(zip(header, r)) for r in body]


def make_inputs():
    """adult_id.csv and aux.csv in WORK (see the docstring)."""
    os.makedirs(WORK, exist_ok=True)
    with open(ADULT, newline="", encoding="utf-8") as fh:
        lines = [l[:-1] if l.endswith("\r") else l for l in fh.read().split("\n")]
    if lines[-1] == "":
        lines.pop()
    header = lines[0].split(";")
    adult_id = os.path.join(WORK, "adult_id.csv")
    aux = os.path.join(WORK, "aux.csv")
    with open(adult_id, "w", newline="", encoding="utf-8") as f_id, \
            open(aux, "w", newline="", encoding="utf-8") as f_aux:
        f_id.write("id;" + lines[0] + "\n")
        f_aux.write(";".join(["id"] + GEN_Q) + "\n")
        for i, line in enumerate(lines[1:], 1):
            f_id.write(f"{i};{line}\n")
            if i % 10 == 0:
                cells = dict(zip(header, line.split(";")))
                f_aux.write(";".join([str(i)] + [cells[q] for q in GEN_Q]) + "\n")
    return adult_id, aux


def run_kanon(adult_id, out, extra):
    cmd = [KANON, "anonymise", adult_id, "--qi", ",".join(GEN_Q), "--k", "5",
           "--hierarchy", "age=interval:5,10,20", *extra, "--out", out, "-q"]
    if os.path.exists(out):
        os.remove(out)
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        print(f"kanon not runnable ({KANON}): {e}", file=sys.stderr)
        return False
    sys.stderr.write(p.stdout + p.stderr)
    if p.returncode != 0 or not os.path.exists(out):
        print(f"kanon failed (rc {p.returncode}): {' '.join(cmd)}", file=sys.stderr)
        return False
    return True

# --------------------------------------------------------------------- cover

NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
NUM_RE = re.compile(rf"^{NUM}$")
INTERVAL_RE = re.compile(rf"^([\[\(\]])\s*({NUM})\s*[-;,]\s*({NUM})\s*([\]\[\)])$")
RANGE_RE = re.compile(rf"^({NUM})-({NUM})$")
CMP_RE = re.compile(rf"^(<=|>=|<|>)\s*({NUM})$")


def num(s):
    """The number a string spells, or None (plain decimal notation only)."""
    return float(s) if NUM_RE.match(s) else None


def parse_cover(v):
    """A predicate on raw strings: does x lie in cover(v)?"""
    if v == "" or v == "*":
        return lambda x: True
    n = num(v)
    if n is not None:
        return lambda x: num(x) == n
    m = INTERVAL_RE.match(v)
    if m:
        lo, hi = float(m.group(2)), float(m.group(3))
        lo_closed, hi_closed = m.group(1) == "[", m.group(4) == "]"

        def inside(x, lo=lo, hi=hi, lc=lo_closed, hc=hi_closed):
            y = num(x)
            return y is not None and (lo <= y if lc else lo < y) and (y <= hi if hc else y < hi)
        return inside
    m = RANGE_RE.match(v)
    if m and float(m.group(1)) <= float(m.group(2)):
        lo, hi = float(m.group(1)), float(m.group(2))
        return lambda x: (y := num(x)) is not None and lo <= y <= hi
    m = CMP_RE.match(v)
    if m:
        op, b = m.group(1), float(m.group(2))
        test = {"<": lambda y: y < b, "<=": lambda y: y <= b,
                ">": lambda y: y > b, ">=": lambda y: y >= b}[op]
        return lambda x: (y := num(x)) is not None and test(y)
    if "*" in v:
        return lambda x: len(x) == len(v) and all(c == "*" or c == d for c, d in zip(v, x))
    return lambda x: x == v


_COVERS = {}


def covers(v, x, column=()):
    """x (a raw attacker value) lies in cover(v); an empty x matches everything.
    "(other)" (kanon's label for folded rare categories) covers x when no other
    released value of the column (`column`, the distinct released values)
    covers it."""
    if x == "":
        return True
    if v == "(other)":
        return not any(covers(u, x) for u in column if u not in ("(other)", "", "*"))
    key = (v, x)
    if key not in _COVERS:
        _COVERS[key] = parse_cover(v)(x)
    return _COVERS[key]

# ------------------------------------------------------------------- metrics

def bucket_index(size):
    return next(i for i, (lo, hi) in enumerate(BUCKETS) if lo <= size <= hi)


def anonymeter_risk(n_total, n_success, n_release):
    """(value, [lo, hi]) as anonymeter's EvaluationResults.risk() computes it."""
    if n_total == 0:
        return None, None
    z2 = Z * Z
    rate = (n_success + z2 / 2) / (n_total + z2)
    err = Z / (n_total + z2) * math.sqrt(n_success * (n_total - n_success) / n_total + z2 / 4)
    p0 = 1 / n_release
    risk = (rate - p0) / (1 - p0)
    rerr = err / (1 - p0)
    clamp = lambda t: min(max(t, 0.0), 1.0)
    return clamp(risk), [clamp(risk - rerr), clamp(risk + rerr)]


def classes_of(release, q):
    """Distinct value combinations of R on q with their counts, and the class of each record."""
    counts = Counter(tuple(r[c] for c in q) for r in release)
    classes = sorted(counts)
    index = {c: i for i, c in enumerate(classes)}
    return classes, [counts[c] for c in classes], index


def compatible_bitmask(release, attacker, q):
    """Per attacker record: the set of compatible classes as a bitmask (class index = bit)."""
    classes, sizes, index = classes_of(release, q)
    col_masks = []
    for j, _ in enumerate(q):
        by_value = {}
        for i, c in enumerate(classes):
            by_value[c[j]] = by_value.get(c[j], 0) | (1 << i)
        col_masks.append(by_value)
    memo = [dict() for _ in q]
    out = []
    for a in attacker:
        m = (1 << len(classes)) - 1
        for j, col in enumerate(q):
            x = a[col]
            if x not in memo[j]:
                mm = 0
                for v, vm in col_masks[j].items():
                    if covers(v, x, col_masks[j].keys()):
                        mm |= vm
                memo[j][x] = mm
            m &= memo[j][x]
            if not m:
                break
        ids = []
        while m:
            low = m & -m
            ids.append(low.bit_length() - 1)
            m ^= low
        out.append(ids)
    return classes, sizes, index, out


def compatible_loop(release, attacker, q):
    """Second way: every attacker record against every release class, cell by cell."""
    classes, sizes, index = classes_of(release, q)
    columns = [sorted({c[j] for c in classes}) for j in range(len(q))]
    out = []
    for a in attacker:
        vals = [a[c] for c in q]
        out.append([i for i, c in enumerate(classes)
                    if all(covers(v, x, col) for v, x, col in zip(c, vals, columns))])
    return classes, sizes, index, out


def metrics(release, attacker, q, id_col=None, method=compatible_bitmask):
    classes, sizes, index, compat = method(release, attacker, q)
    n, m_a = len(release), len(attacker)
    if id_col:
        ids = Counter(r[id_col] for r in release)
        assert max(ids.values()) == 1, "ids in the release must be unique"
        true_class = {r[id_col]: index[tuple(r[c] for c in q)] for r in release}
    matched = unique = group = 0
    l3 = l2 = 0.0
    targets = correct_unique = 0
    hist = [0] * len(BUCKETS)
    for a, cls in zip(attacker, compat):
        size = sum(sizes[i] for i in cls)
        hist[bucket_index(size)] += 1
        if size == 0:
            continue
        matched += 1
        l3 += 1 / size
        unique += size == 1
        group += len(cls) == 1
        if id_col and a[id_col] in true_class:
            t = true_class[a[id_col]]
            if t in cls:
                l2 += 1 / size
                correct_unique += size == 1
    res = {
        "release_records": n,
        "attacker_records": m_a,
        "matched_records": matched,
        "unique_matches": unique,
        "unique_match_rate": unique / m_a,
        "group_links": group,
        "group_link_rate": group / m_a,
        "match_sizes": hist,
    }
    if id_col:
        targets = sum(a[id_col] in true_class for a in attacker)
        res.update({
            "targets_in_release": targets,
            "expected_correct_links": l2,
            "expected_correct_links_without_truth": l3,
            "link_success_rate": l2 / targets if targets else None,
            "correct_unique_matches": correct_unique,
        })
        value, ci = anonymeter_risk(targets, l2, n)
    else:
        res["expected_correct_links"] = l3
        value, ci = anonymeter_risk(m_a, l3, n)
    res["risk_value"], res["risk_ci"] = value, ci
    return res


def assert_same(a, b, tol=1e-9):
    assert a.keys() == b.keys()
    for k in a:
        x, y = a[k], b[k]
        if isinstance(x, float) or isinstance(y, float):
            assert abs(x - y) <= tol, (k, x, y)
        elif isinstance(x, list) and x and isinstance(x[0], float):
            assert all(abs(s - t) <= tol for s, t in zip(x, y)), (k, x, y)
        else:
            assert x == y, (k, x, y)

# --------------------------------------------------------------------- cases

def raw_cross_check(release, attacker, q, res):
    """adult_raw recounted with a dict of value tuples (age compared as a number)."""
    def key(r):
        return tuple(float(r[c]) if c == "age" else r[c] for c in q)
    assert all(a[c] != "" for a in attacker for c in q)  # no wildcard attacker cells
    counts = Counter(key(r) for r in release)
    sizes = [counts.get(key(a), 0) for a in attacker]
    hist = [0] * len(BUCKETS)
    for s in sizes:
        hist[bucket_index(s)] += 1
    assert res["matched_records"] == sum(s > 0 for s in sizes)
    assert res["unique_matches"] == sum(s == 1 for s in sizes)
    assert res["group_links"] == res["matched_records"]  # raw: one class per match
    assert abs(res["expected_correct_links"] - sum(1 / s for s in sizes if s)) < 1e-9
    assert res["match_sizes"] == hist


HAND_Q = ["age", "zip"]
HAND_R = [("[20-30[", "12**"), ("[20-30[", "12**"), ("[30-40[", "12**"),
          ("[30-40[", "99**"), ("*", "99**"), ("[40-50[", "*")]
HAND_A = [("25", "1234"), ("35", "1299"), ("99", "5555"), ("45", "9900")]
# hand_truth: release ids 1..6 in order; attacker ids 1 (in C(a), |C|=2),
# 3 (unique, correct), 7 (not released), 4 (not in C(a)).
HAND_A_IDS = ["1", "3", "7", "4"]


def hand_cases():
    rel = [dict(zip(HAND_Q, r), id=str(i)) for i, r in enumerate(HAND_R, 1)]
    att = [dict(zip(HAND_Q, a), id=i) for a, i in zip(HAND_A, HAND_A_IDS)]
    plain = metrics(rel, att, HAND_Q)
    truth = metrics(rel, att, HAND_Q, id_col="id")
    assert_same(plain, metrics(rel, att, HAND_Q, method=compatible_loop))
    assert_same(truth, metrics(rel, att, HAND_Q, id_col="id", method=compatible_loop))
    # worked by hand: C(a1)={r1,r2} (one class), C(a2)={r3}, C(a3)={}, C(a4)={r5,r6}
    assert plain["matched_records"] == 3 and plain["unique_matches"] == 1
    assert plain["group_links"] == 2 and plain["match_sizes"] == [1, 1, 2, 0, 0, 0, 0]
    assert abs(plain["expected_correct_links"] - 2.0) < 1e-12
    assert abs(plain["risk_value"] - 0.4) < 1e-12  # rate 0.5, p0 1/6
    assert truth["targets_in_release"] == 3 and truth["correct_unique_matches"] == 1
    assert abs(truth["expected_correct_links"] - 1.5) < 1e-12
    assert abs(truth["link_success_rate"] - 0.5) < 1e-12
    return plain, truth


def summary(name, r, secs):
    s = (f"{name}: n={r['release_records']} m_A={r['attacker_records']} "
         f"matched={r['matched_records']} unique={r['unique_matches']} "
         f"L={r['expected_correct_links']:.4f} group={r['group_links']} "
         f"sizes={r['match_sizes']} risk={r['risk_value']:.6f} ci={r['risk_ci']}")
    if "targets_in_release" in r:
        s += (f" targets={r['targets_in_release']} LSR={r['link_success_rate']:.6f}"
              f" correct_unique={r['correct_unique_matches']}")
    print(f"{s} ({secs:.2f} s)", file=sys.stderr)


def main():
    t_all = time.time()
    result = {}

    t = time.time()
    hdr, rel = read_table(ADULT)
    _, att = read_table(ADULT_SUBSET)
    r = metrics(rel, att, hdr)
    raw_cross_check(rel, att, hdr, r)
    result["adult_raw"] = r
    summary("adult_raw", r, time.time() - t)

    adult_id, aux = make_inputs()
    _, att = read_table(aux)
    for name, out, extra in [
        ("adult_generalised", "release.csv", []),
        ("adult_masked", "release_masked.csv",
         ["--hierarchy", f"race={HIER_RACE}", "--hierarchy", f"sex={HIER_SEX}",
          "--hierarchy", "marital-status=mask:3,6", "--hierarchy", "education=mask:2,4",
          "--suppression", "5%"]),
    ]:
        path = os.path.join(WORK, out)
        if not run_kanon(adult_id, path, extra):
            print(f"skipping {name} and {name}_truth", file=sys.stderr)
            continue
        _, rel = read_table(path)
        print(f"{out}: age values {sorted(Counter(x['age'] for x in rel))}", file=sys.stderr)
        for suffix, id_col in [("", None), ("_truth", "id")]:
            t = time.time()
            r = metrics(rel, att, GEN_Q, id_col=id_col)
            assert_same(r, metrics(rel, att, GEN_Q, id_col=id_col, method=compatible_loop))
            result[name + suffix] = r
            summary(name + suffix, r, time.time() - t)

    t = time.time()
    result["hand"], result["hand_truth"] = hand_cases()
    summary("hand", result["hand"], time.time() - t)
    summary("hand_truth", result["hand_truth"], 0.0)
    print(f"total {time.time() - t_all:.2f} s", file=sys.stderr)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
