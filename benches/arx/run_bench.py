#!/usr/bin/env python3
"""Alternating ARX / kanon benchmark runner.

For every case: ARX, kanon, ARX, kanon, ARX, kanon (3 each, one process per run, each run wrapped in
/usr/bin/time -v for peak RSS; wall time measured here with time.perf_counter around the process),
then one extra ARX JVM that calls anonymize() WARM_REPS times in the same JVM (cold + warm).
Raw stdout/stderr of every run is kept under runs/. Results are appended to results.jsonl.

Usage: run_bench.py [case ...]   (default: all cases)
"""
import json, os, subprocess, sys, time

BASE = "/tmp/arxbench"
S = "/work/shared/datasets"
KANON = BASE + "/kanon"
CP = open(BASE + "/runcp.txt").read().strip()
RUNS = BASE + "/runs"
os.makedirs(RUNS, exist_ok=True)

ADULT9 = "sex,age,race,marital-status,education,native-country,workclass,occupation,salary-class"
ADULT8 = "sex,age,race,marital-status,education,native-country,workclass,salary-class"
CUP8 = "ZIP,AGE,GENDER,INCOME,STATE,RAMNTALL,NGIFTALL,MINRAMNT"
CUP7 = "ZIP,AGE,GENDER,INCOME,STATE,NGIFTALL,MINRAMNT"
FARS8 = ["iage", "irace", "ideathmon", "ideathday", "isex", "ihispanic", "istatenum", "iinjury"]
FARS7 = "iage,irace,ideathmon,ideathday,isex,ihispanic,iinjury"
ADULT_QIS = ["age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"]


def fars8(k, sup, metric):
    # tests/api/search.rs::reproduces_arx_fars_discernibility_cases
    a = ["suggest", f"{S}/fars_int/fars_int.csv", "--qi", ",".join(FARS8), "--k", k,
         "--suppression", sup, "--metric", metric, "--json", "--quiet"]
    for q in FARS8:
        a += ["--hierarchy", f"{q}={S}/fars_int/fars_int_hierarchy_{q}.csv"]
    return a


def entropy_case(name, qi, k, sensitive=None):
    # tests/api/search.rs::reproduces_arx_entropy_cases
    a = ["suggest", f"{S}/{name}/{name}.csv", "--qi", qi, "--k", k, "--hierarchy", f"{S}/{name}",
         "--metric", "entropy", "--json", "--quiet"]
    if sensitive:
        a += ["--sensitive", sensitive, "--t", "0.2"]
    return a


def ldiv(name, qi, sensitive, lflags, metric):
    # tests/api/search.rs::reproduces_arx_l_diversity_cases
    return (["suggest", f"{S}/{name}/{name}.csv", "--qi", qi, "--k", "1", "--hierarchy", f"{S}/{name}",
             "--sensitive", sensitive, "--metric", metric, "--json", "--quiet"] + lflags)


def kmap(k_map):
    # tests/api/search.rs::reproduces_arx_k_map_estimator_cases
    a = ["suggest", f"{S}/adult/adult.csv", "--qi", ",".join(ADULT_QIS)]
    for q in ADULT_QIS:
        a += ["--hierarchy", f"{q}={S}/adult/adult_hierarchy_{q}.csv"]
    a += ["--k", "1", "--k-map", k_map, "--population-size", "317238626", "--significance", "0.01",
          "--suppression", "5%", "--metric", "entropy", "--json", "--quiet"]
    return a


ISSUE = ["suggest", f"{S}/cup/cup.csv", "--qi", CUP7, "--hierarchy", f"{S}/cup", "--sensitive", "RAMNTALL"]
ISSUE_TAIL = ["--k", "5", "--suppression", "5%", "--metric", "entropy", "--json", "--quiet"]

E, DM, D, L = "non_uniform_entropy", "monotonic_discernibility", "discernibility", "loss"
DMM = "monotonic-discernibility"
# case -> (kanon argv, kanon score key)
CASES = {
    "fars8_k5_0": (fars8("5", "0", DMM), DM),
    "fars8_k100_0": (fars8("100", "0", "discernibility"), D),
    "fars8_k5_4": (fars8("5", "4%", DMM), DM),
    "fars8_k100_4": (fars8("100", "4%", DMM), DM),
    "adult9_k5_0": (entropy_case("adult", ADULT9, "5"), E),
    "adult9_k100_0": (entropy_case("adult", ADULT9, "100"), E),
    "cup8_k5_0": (entropy_case("cup", CUP8, "5"), E),
    "cup8_k100_0": (entropy_case("cup", CUP8, "100"), E),
    "adult8_k5_ht02": (entropy_case("adult", ADULT8, "5", "occupation"), E),
    "cup7_k5_ht02": (entropy_case("cup", CUP7, "5", "RAMNTALL"), E),
    "adult8_el5": (ldiv("adult", ADULT8, "occupation", ["--l", "5", "--l-kind", "entropy"], "entropy"), E),
    "adult8_el100": (ldiv("adult", ADULT8, "occupation", ["--l", "100", "--l-kind", "entropy"], "entropy"), E),
    "cup7_el3_dm": (ldiv("cup", CUP7, "RAMNTALL", ["--l", "3", "--l-kind", "entropy"], DMM), DM),
    "cup7_el5_dm": (ldiv("cup", CUP7, "RAMNTALL", ["--l", "5", "--l-kind", "entropy"], DMM), DM),
    "cup7_el100_dm": (ldiv("cup", CUP7, "RAMNTALL", ["--l", "100", "--l-kind", "entropy"], DMM), DM),
    "cup7_dl5": (ldiv("cup", CUP7, "RAMNTALL", ["--l", "5"], "entropy"), E),
    "cup7_dl100": (ldiv("cup", CUP7, "RAMNTALL", ["--l", "100"], "entropy"), E),
    "fars7_rl4_5": (ldiv("fars_int", FARS7, "istatenum", ["--l", "5", "--l-kind", "recursive", "--c", "4"], "entropy"), E),
    "fars7_rl4_100": (ldiv("fars_int", FARS7, "istatenum", ["--l", "100", "--l-kind", "recursive", "--c", "4"], "entropy"), E),
    "fars7_dl5": (ldiv("fars_int", FARS7, "istatenum", ["--l", "5"], "entropy"), E),
    "fars7_dl100": (ldiv("fars_int", FARS7, "istatenum", ["--l", "100"], "entropy"), E),
    "adult8_eb2": (["suggest", f"{S}/adult/adult.csv", "--qi", ADULT8, "--k", "1", "--hierarchy", f"{S}/adult",
                    "--sensitive", "occupation", "--beta", "2", "--beta-kind", "enhanced", "--json", "--quiet"], L),
    "adult8_kmap3": (kmap("3"), E),
    "adult8_kmap1000": (kmap("1000"), E),
    "issue_dl5_mono": (ISSUE + ["--l", "5"] + ISSUE_TAIL, E),
    "issue_dl5_nonmono": (ISSUE + ["--l", "5"] + ISSUE_TAIL, E),
    "issue_ot02_mono": (ISSUE + ["--t", "0.2", "--t-distance", "ordered"] + ISSUE_TAIL, E),
    "issue_ot02_nonmono": (ISSUE + ["--t", "0.2", "--t-distance", "ordered"] + ISSUE_TAIL, E),
}


def noise():
    """Load average and whether a rustc/cargo process is running (the known noise source)."""
    la = open("/proc/loadavg").read().split()[0]
    busy = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                c = open(f"/proc/{p}/comm").read().strip()
            except OSError:
                continue
            if c in ("rustc", "cargo", "cc", "ld", "cc1", "rust-lld", "lld", "clang", "gcc"):
                busy.append(c)
    return la, sorted(set(busy))


def timed(argv, tag):
    la, busy = noise()
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + argv, cwd=BASE, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    la2, busy2 = noise()
    with open(f"{RUNS}/{os.environ.get('PASS', '')}{tag}.out", "w") as f:
        f.write(p.stdout)
    with open(f"{RUNS}/{os.environ.get('PASS', '')}{tag}.err", "w") as f:
        f.write(p.stderr)
    rss = None
    for line in p.stderr.splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.split(":")[1])
    return dict(rc=p.returncode, wall=wall, rss_kb=rss, stdout=p.stdout, load_before=la, load_after=la2,
                noise_procs=sorted(set(busy) | set(busy2)))


def parse_arx(out):
    line = [l for l in out.splitlines() if l.startswith("case=")][0]
    return dict(kv.split("=", 1) for kv in line.split("\t"))


def parse_kanon(stdout, qis, key):
    v = json.loads(stdout)
    s = v["search"]
    if s.get("levels") is None:
        return dict(levels="none", score="none", nodes=s.get("nodes_checked"))
    levels = "[" + ",".join(str(s["levels"][q]) for q in qis) + "]"
    score = s["loss"] if key == "loss" else s["utility"][key]
    return dict(levels=levels, score=repr(score), nodes=s.get("nodes_checked"), suppressed=s.get("suppressed"),
                optimal=s.get("optimal"), stopped=s.get("stopped"))


def main():
    names = sys.argv[1:] or list(CASES)
    for name in names:
        argv, key = CASES[name]
        rec = dict(case=name, kanon_argv=[KANON] + argv, arx=[], kanon=[])
        for rep in range(3):
            a = timed(["java", "-cp", CP, "Bench", name, "1"], f"{name}_arx_{rep}")
            a.update(parse_arx(a.pop("stdout")))
            rec["arx"].append(a)
            qis = a["qis"].split(",")
            k = timed([KANON] + argv, f"{name}_kanon_{rep}")
            k.update(parse_kanon(k.pop("stdout"), qis, key))
            rec["kanon"].append(k)
            print(name, rep, "ARX", a["levels"], a["score"], a["anonymize_s"], f"{a['wall']:.2f}s", a["rss_kb"],
                  "| kanon", k["levels"], k["score"], f"{k['wall']:.3f}s", k["rss_kb"], "| load", a["load_before"],
                  k["load_before"], a["noise_procs"], k["noise_procs"], flush=True)
        cold = float(rec["arx"][0]["anonymize_s"])
        reps = 4 if cold < 10 else 2
        w = timed(["java", "-cp", CP, "Bench", name, str(reps)], f"{name}_arx_warm")
        w.update(parse_arx(w.pop("stdout")))
        rec["arx_warm"] = w
        print(name, "warm", w["anonymize_s"], "| load", w["load_before"], w["noise_procs"], flush=True)
        with open(os.environ.get("RESULTS", BASE + "/results.jsonl"), "a") as f:
            f.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
