#!/usr/bin/env python3
"""List the rows where the float64 reference (reference_numpy.evaluate) and the
OpenFisca results CSV disagree beyond reference_numpy's tolerances (rd_subsidy
more than 2 CNY apart, any other column different). Each one is a float32
effect in OpenFisca.

    python float32_cases.py SHARED_BENCH_DIR data/enterprises_1m.csv out/openfisca_1m.csv
"""
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, sys.argv[1])
from reference_numpy import evaluate  # noqa: E402

df = pd.read_csv(sys.argv[2], dtype={"id": str, "registration_date": str})
exp = pd.read_csv(sys.argv[3], dtype={"id": str})
r = evaluate(df)
f32 = np.float32

d = np.abs(exp["rd_subsidy"].to_numpy() - r["rd_subsidy"])
print(f"rd_subsidy: rows > 0.005 CNY apart: {int((d > 0.005).sum())}, > 2 CNY: {int((d > 2).sum())}, max {d.max():.4f}")
for i in np.where(d > 2.0)[0]:
    a, b = int(df["rd_expense_2023"][i]), int(df["rd_expense_2022"][i])
    print(f"  {df['id'][i]} rd_expense 2022={b} 2023={a}: openfisca={exp['rd_subsidy'][i]:.2f} float64={r['rd_subsidy'][i]:.2f}"
          f"  (as float32: 2022={float(f32(b)):.0f} 2023={float(f32(a)):.0f})")

for col in exp.columns[1:]:
    if col == "rd_subsidy":
        continue
    for i in np.where(exp[col].to_numpy() != r[col].astype(int))[0]:
        row = df.iloc[i]
        print(f"  {row['id']} {col}: openfisca={exp[col][i]} float64={int(r[col][i])}")
        for num, den in (("rd_expense_2023", "revenue_2023"), ("st_staff_2023", "employees_2023")):
            x64 = float(row[num] / row[den]) if row[den] else 0.0
            x32 = float(f32(row[num]) / f32(row[den])) if row[den] else 0.0
            print(f"      {num}/{den} = {row[num]}/{row[den]}: float64 {x64!r}, float32 {x32!r}")
