"""Reference figures for missing values as wildcards (sdcMicro freqCalc,
alpha = 1): record i's frequency is the number of records r with r_q == i_q
or r_q missing or i_q missing on every key q. Brute force over all pairs
with numpy on sdcMicro's testdata_na (keys7; empty cell = missing).
Run: python3 wildcard.py > wildcard.json
"""
import json, os
import numpy as np
import pandas as pd

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "datasets")
KEYS7 = ["urbrur", "roof", "walls", "water", "electcon", "relat", "sex"]
df = pd.read_csv(os.path.join(D, "sdcmicro", "testdata_na.csv"), dtype=str, keep_default_na=False)
vals = df[KEYS7].to_numpy()
miss = vals == ""
n = len(df)
freq = np.zeros(n, dtype=np.int64)
for i in range(n):
    ok = (vals == vals[i]) | miss | miss[i]
    freq[i] = ok.all(axis=1).sum()
w = df["sampling_weight"].astype(float).to_numpy()
wfreq = np.array([w[((vals == vals[i]) | miss | miss[i]).all(axis=1)].sum() for i in range(n)])
out = {
    "k": int(freq.min()),
    "sample_uniques": int((freq == 1).sum()),
    "records_below_5": int((freq < 5).sum()),
    "prosecutor_highest": 1.0 / freq.min(),
    "prosecutor_average": float((1.0 / freq).mean()),
    "records_at_risk": float((1.0 / freq > 0.2).sum() / n),
    "smallest_weighted_frequency": float(wfreq.min()),
}
print(json.dumps(out, indent=1))
