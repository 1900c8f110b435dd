#!/usr/bin/env python3
"""Alternating ARX / kanon benchmark runner for the population-based cases (Bench2.java).

Same protocol as run_bench.py (whose timed/noise/parse functions are reused): per case ARX, kanon,
ARX, kanon, ARX, kanon (one process each, /usr/bin/time -v), then one ARX JVM calling anonymize()
4 times (2 times when the cold call took >= 10 s). If the first run of either tool takes > 60 s the
case is run once per tool only. Raw output under runs/pop_*; records appended to results_population.jsonl.
kanon: /tmp/arxbench/kanon2, commands as in population_cases_kanon.py.
"""
import json, os, sys
os.environ.setdefault("PASS", "pop_")
import run_bench as rb

BASE = "/tmp/arxbench"
S = "/work/shared/datasets/"
KANON = BASE + "/kanon2"
CP2 = BASE + "/bench2-classes:" + rb.CP
A8 = 'sex,age,race,marital-status,education,native-country,workclass,salary-class'
C7 = 'ZIP,AGE,GENDER,INCOME,STATE,NGIFTALL,MINRAMNT'
PMAX = ['--presence-max', '0.2']
PMINMAX = ['--presence-min', '0.05', '--presence-max', '0.15']

# case -> (data, qis, suppression, kanon metric, target args); ARX side in Bench2.java
CASES = {
    "kmap_r2": ('adult', A8, '0', 'aecs', ['--k-map', '5']),
    "kmap_r3": ('adult', A8, '0', 'entropy', ['--k-map', '3']),
    "kmap_r4": ('adult', A8, '0', 'entropy', ['--k-map', '5']),
    "kmap_r5": ('adult', A8, '5%', 'aecs', ['--k-map', '20']),
    "kmap_r6": ('adult', A8, '5%', 'entropy', ['--k-map', '7']),
    "kmap_r7": ('adult', A8, '5%', 'entropy', ['--k-map', '3']),
    "kmap_r9": ('adult', A8, '0', 'entropy', ['--k-map', '2']),
    "kmap_r10": ('adult', A8, '0', 'entropy', ['--k-map', '10']),
    "kmap_r11": ('adult', A8, '5%', 'aecs', ['--k-map', '10']),
    "kmap_r12": ('adult', A8, '5%', 'entropy', ['--k-map', '5']),
}
for ds, qis, base in (('adult', A8, 0), ('cup', C7, 12)):
    row = base
    for tgt in (PMAX, PMINMAX):
        for supp in ('0', '5%'):
            for metric in ('aecs', 'entropy', 'entropy'):  # ARX: AECS, entropy(true), entropy(false)
                CASES[f"dp_{ds}_r{row}"] = (ds, qis, supp, metric, tgt)
                row += 1


def kanon_argv(ds, qis, supp, metric, tgt):
    a = [KANON, 'suggest', S + f'{ds}/{ds}_subset.csv', '--qi', qis, '--hierarchy', S + ds,
         '--population', S + f'{ds}/{ds}.csv', '--k', '1', '--suppression', supp, '--metric', metric,
         '--json', '--quiet', *tgt]
    if ds == 'cup':
        a += ['--sensitive', 'RAMNTALL']
    return a


def main():
    names = sys.argv[1:] or list(CASES)
    for name in names:
        ds, qis, supp, metric, tgt = CASES[name]
        argv = kanon_argv(ds, qis, supp, metric, tgt)
        key = 'aecs' if metric == 'aecs' else 'non_uniform_entropy'
        rec = dict(case=name, kanon_argv=argv, arx=[], kanon=[])
        reps = 3
        rep = 0
        while rep < reps:
            a = rb.timed(["java", "-cp", CP2, "Bench2", name, "1"], f"{name}_arx_{rep}")
            a.update(rb.parse_arx(a.pop("stdout")))
            rec["arx"].append(a)
            k = rb.timed(argv, f"{name}_kanon_{rep}")
            k.update(rb.parse_kanon(k.pop("stdout"), a["qis"].split(","), key))
            rec["kanon"].append(k)
            print(name, rep, "ARX", a["levels"], a["score"], a.get("test_match"), a["anonymize_s"], f"{a['wall']:.2f}s",
                  a["rss_kb"], "| kanon", k["rc"], k["levels"], k["score"], f"{k['wall']:.3f}s", k["rss_kb"],
                  "| load", a["load_before"], k["load_before"], a["noise_procs"], k["noise_procs"], flush=True)
            if rep == 0 and (a["wall"] > 60 or k["wall"] > 60):
                reps = 1
                rec["single_run"] = True
            rep += 1
        cold = float(rec["arx"][0]["anonymize_s"])
        wreps = 4 if cold < 10 else 2
        w = rb.timed(["java", "-cp", CP2, "Bench2", name, str(wreps)], f"{name}_arx_warm")
        w.update(rb.parse_arx(w.pop("stdout")))
        rec["arx_warm"] = w
        print(name, "warm", w["anonymize_s"], "| load", w["load_before"], w["noise_procs"], flush=True)
        with open(os.environ.get("RESULTS_POP", BASE + "/results_population.jsonl"), "a") as f:
            f.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
