#!/usr/bin/env python3
"""Synthetic demo data for the new R&D institutions framework (iData.synthetic.csv).

SYNTHETIC DATA: the 40 institutions are invented ("示例新型研发机构 01（合成）" …),
and so is every number. The output is labelled synthetic by its file name, by
the [demo] table of framework.toml and by data/frameworks/README.md (a CSV read
by the index engine cannot carry a comment line).

Reproducible: Python 3, standard library only, one seed, and only
random.Random.random() is used (its sequence for a given seed is stable across
Python versions; the normal draws are our own Box-Muller).

A few institutions are made weak on purpose (and one weakens over time, one
improves), so that the exit rule of framework.toml has something to flag and
something to spare in a demonstration.

    python3 generate.py            # writes iData.synthetic.csv next to this file
    python3 generate.py -o -       # writes to standard output
    python3 generate.py --check    # exit 1 if the committed file differs
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from synth import clip, main, to_csv  # noqa: E402  (the shared draws and command line)

SEED = 20250116
YEARS = [2022, 2023, 2024]
N_INSTITUTIONS = 40
MISSING_SHARE = 0.02  # share of indicator fields left empty
FIELDS = ["ICT", "IC", "BIO", "MFG", "MAT", "ENE"]
WEAK = 3  # institutions weak in every year
DECLINING = 1  # an institution that weakens year after year
IMPROVING = 1  # a weak institution that recovers

GROUPS = ["Field_group", "Founded"]
DENOMINATORS = ["staff"]
INDICATORS = [
    "rd_staff", "rd_spending", "invention_patents_granted", "high_level_talent",
    "tech_contract_income", "innovation_products", "tech_service_clients", "transfer_projects",
    "enterprises_incubated", "new_rd_institution_revenue", "incubated_high_tech", "incubated_financing",
    "team_equity_share", "non_fiscal_income_share", "engineering_platforms", "patents_transferred_licensed",
]
DECIMALS = {"rd_spending": 1, "tech_contract_income": 1, "new_rd_institution_revenue": 2,
            "incubated_financing": 1, "team_equity_share": 1, "non_fiscal_income_share": 1}


def generate(rng):
    special = rng.pick(N_INSTITUTIONS, WEAK + DECLINING + IMPROVING)
    weak, declining, improving = special[:WEAK], special[WEAK:WEAK + DECLINING], special[WEAK + DECLINING:]
    rows = []
    for i in range(N_INSTITUTIONS):
        code = f"NRI{i + 1:03d}"
        name = f"示例新型研发机构 {i + 1:02d}（合成）"
        field = FIELDS[int(rng.uniform(0, len(FIELDS)))]
        founded = 2016 + int(rng.uniform(0, 6))  # 2016–2021
        size = rng.noise(0.6)                     # scale of the institution
        quality = rng.noise(0.3)                  # performance beyond its size
        if i in weak:
            quality *= 0.45
        trend = [1.0, 1.0, 1.0]
        if i in declining:
            trend = [1.0, 0.7, 0.5]
        if i in improving:
            quality *= 0.5
            trend = [1.0, 1.6, 2.2]
        equity0 = rng.uniform(20, 80)
        nonfiscal0 = clip(45 + 25 * (quality - 1) + rng.normal(0, 10), 5, 95)
        age0 = YEARS[0] - founded + 1
        stock = {"talent": 0, "platforms": 0, "incubated": 0.0, "hte": 0}
        for t, year in enumerate(YEARS):
            q = quality * trend[t]
            staff = max(12, round(60 * size * 1.05 ** t * rng.noise(0.05)))
            v = {"Field_group": field, "Founded": str(founded), "staff": staff}
            v["rd_staff"] = round(staff * clip(0.45 + 0.15 * (q - 1) + rng.normal(0, 0.05), 0.2, 0.9))
            v["rd_spending"] = staff * 25 * q * rng.noise(0.2)
            v["invention_patents_granted"] = rng.count(v["rd_staff"] * 0.12 * q)
            stock["talent"] = max(stock["talent"], round(staff * 0.04 * q ** 1.2 + rng.normal(0, 0.7)))
            v["high_level_talent"] = stock["talent"]
            v["tech_contract_income"] = staff * 20 * q ** 1.3 * rng.noise(0.3)
            v["innovation_products"] = rng.count(0.6 * size ** 0.5 * q ** 1.5)
            v["tech_service_clients"] = max(0, round(staff * 0.8 * q * rng.noise(0.25)))
            v["transfer_projects"] = rng.count(2.0 * size ** 0.6 * q)
            new_firms = rng.count(6 * size ** 0.6 * q)
            v["enterprises_incubated"] = new_firms
            # Enterprises incubated before the first year: a few a year since recognition.
            if t == 0:
                stock["incubated"] = 4 * size ** 0.6 * quality * age0
            stock["incubated"] += new_firms
            own_revenue = staff * 40 * q ** 0.8 * rng.noise(0.2)            # 万元
            incubated_revenue = stock["incubated"] * 900 * q ** 0.8 * 1.1 ** t * rng.noise(0.15)  # 万元
            v["new_rd_institution_revenue"] = (own_revenue + incubated_revenue) / 10000  # 亿元
            stock["hte"] = max(stock["hte"], round(stock["incubated"] * 0.15 * q * rng.noise(0.2)))
            v["incubated_high_tech"] = stock["hte"]
            v["incubated_financing"] = max(0.0, stock["incubated"] * 300 * q ** 1.5 * rng.noise(0.5) - 200)
            v["team_equity_share"] = clip(equity0 + rng.normal(0, 1.5), 5, 95)
            v["non_fiscal_income_share"] = clip(nonfiscal0 + 4 * t * (q - 0.6) + rng.normal(0, 3), 5, 98)
            stock["platforms"] = max(stock["platforms"], rng.count(0.8 * size ** 0.5 * q))
            v["engineering_platforms"] = stock["platforms"]
            v["patents_transferred_licensed"] = rng.count(1.5 * size ** 0.5 * q ** 1.2)
            rows.append({"uCode": code, "uName": name, "Time": year, **v})
    return rows


def blank_some(rng, rows):
    """Leave MISSING_SHARE of the indicator fields empty, at random."""
    n_cells = len(rows) * len(INDICATORS)
    target = round(MISSING_SHARE * n_cells)
    for k in rng.pick(n_cells, target):
        rows[k // len(INDICATORS)][INDICATORS[k % len(INDICATORS)]] = None
    return target, n_cells


def make(rng):
    rows = generate(rng)
    n_missing, n_cells = blank_some(rng, rows)
    return to_csv(rows, ["uCode", "uName"] + GROUPS + ["Time"] + DENOMINATORS + INDICATORS, DECIMALS), len(rows), n_missing, n_cells


if __name__ == "__main__":
    main(__doc__.splitlines()[0], os.path.dirname(os.path.abspath(__file__)), SEED, make)
