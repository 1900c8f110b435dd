"""Zayatz's population-uniques estimate in exact rational arithmetic, for the
unit test risk::population::tests::zayatz_matches_the_exact_formula_for_large_populations.

P = n1*H(1;N,1,n) / sum_j n_j*H(1;N,j,n), H(1;N,j,n) = j*C(N-j, n-1)/C(N, n),
PU = n1*P/pi with pi = n/N (Zayatz 1991; docs/metrics.md). The ratio form
H(1;N,j,n)/H(1;N,1,n) = j*prod_{i=1}^{j-1} (N-n+1-i)/(N-i) is checked against
the binomial coefficients for N = 10^6.
"""
from fractions import Fraction as F
from math import comb

hist = [(1, 50), (2, 20), (3, 10), (5, 4)]
n = sum(j * nj for j, nj in hist)
n1 = 50

for N in [10**6, 10**8, 10**10, 10**12]:
    def r(j):
        p = F(j)
        for i in range(1, j):
            p *= F(N - n + 1 - i, N - i)
        return p
    P = F(n1) / sum(nj * r(j) for j, nj in hist)
    print(N, repr(float(n1 * P * F(N, n))))

N = 10**6
H = lambda j: F(j * comb(N - j, n - 1), comb(N, n))
P = F(n1) * H(1) / sum(nj * H(j) for j, nj in hist)
print("binomials, N = 10^6:", repr(float(n1 * P * F(N, n))))
