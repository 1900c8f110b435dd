"""Reference population-uniqueness estimates for kanon's tests, computed with
scipy (gammaln, digamma, fsolve) straight from the formulas in
docs/metrics.md, independently of kanon's Newton solvers.

Input: the class-size histogram of adult.csv on the 8 anonbench QIs (from
expected.json, itself from pandas) with two population sizes.
Run: python3 population.py > population.json   (needs numpy, scipy)
"""
import json, math, os
import numpy as np
from scipy.special import digamma, gammaln
from scipy.optimize import fsolve

HERE = os.path.dirname(os.path.abspath(__file__))
hist = {s: c for s, c in json.load(open(os.path.join(HERE, "expected.json")))["adult"]["histogram"]}
n = sum(s * c for s, c in hist.items())
u = sum(hist.values())
n1, n2 = hist.get(1, 0), hist.get(2, 0)

def lnC(a, b):
    return gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1)

def zayatz(N):
    pi = n / N
    lnH = lambda j: math.log(j) + lnC(N - j, n - 1) - lnC(N, n)
    num = (n1 / u) * math.exp(lnH(1))
    den = sum((c / u) * math.exp(lnH(j)) for j, c in hist.items())
    return n1 * (num / den) / pi

def pitman(N):
    i = np.arange(1, u)
    def eqs(x):
        th, al = x
        f1 = np.sum(1 / (th + i * al)) - (digamma(th + n) - digamma(th + 1))
        f2 = np.sum(i / (th + i * al)) - sum(c * (digamma(j - al) - digamma(1 - al)) for j, c in hist.items() if j >= 2)
        return [f1, f2]
    th, al = fsolve(eqs, [1.0, 0.5], xtol=1e-14)
    assert 0 < al < 1 and max(abs(v) for v in eqs([th, al])) < 1e-6
    return math.exp(gammaln(th + 1) - gammaln(th + al) + al * math.log(N)), th, al

def snb(N):
    pi = n / N
    a_ = sum(i * pi * pi * (1 - pi * pi) ** (i - 1) * c for i, c in hist.items())
    b_ = sum((1 - pi) ** i * ((1 + pi) ** i - 1) * c for i, c in hist.items())
    c_ = sum((1 - pi) ** i * c for i, c in hist.items())
    d_ = sum(i * pi * (1 - pi) ** (i - 1) * c for i, c in hist.items())
    K = u + n1 * (a_ / b_) * (c_ / d_) ** 2
    def eqs(x):
        a = math.exp(x[0]); b = 1 / (1 + math.exp(-x[1])); D = 1 - (1 - pi) * (1 - b)
        e1 = K * pi * (b / D) ** a * (a * (1 - pi) * (1 - b) / D + 1)
        e2 = K * pi ** 2 * a * b ** a * (1 - b) / 2 * D ** (-(a + 2)) * (2 - (1 - a) * (1 - pi) * (1 - b))
        return [math.log(e1 / n1), math.log(e2 / n2)]
    x = fsolve(eqs, [0.0, 0.0], xtol=1e-14)
    assert max(abs(v) for v in eqs(x)) < 1e-9
    a = math.exp(x[0]); b = 1 / (1 + math.exp(-x[1]))
    return K * b ** a, K, a, b

out = {}
for N in (100_000, 300_000, 1_000_000):
    p, th, al = pitman(N)
    s, K, a, b = snb(N)
    out[str(N)] = {"zayatz": zayatz(N), "pitman": p, "theta": th, "alpha": al,
                   "snb": s, "snb_K": K, "snb_a": a, "snb_b": b}
print(json.dumps(out, indent=1))
