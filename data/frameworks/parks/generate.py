#!/usr/bin/env python3
"""Synthetic demo data for the parks framework (iData.synthetic.csv).

SYNTHETIC DATA: every number written by this script is invented. The 15 park
codes and names are the real ones of data/nanjing/regions.toml; the figures are
not theirs. The output is labelled synthetic by its file name, by the [demo]
table of framework.toml and by data/frameworks/README.md (a CSV read by the
index engine cannot carry a comment line).

Reproducible: Python 3, standard library only, one seed, and only
random.Random.random() is used (its sequence for a given seed is stable across
Python versions; the normal draws are our own Box-Muller).

    python3 generate.py            # writes iData.synthetic.csv next to this file
    python3 generate.py -o -       # writes to standard output
    python3 generate.py --check    # exit 1 if the committed file differs
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from synth import clip, main, to_csv  # noqa: E402  (the shared draws and command line)

SEED = 20250115
YEARS = [2021, 2022, 2023, 2024]
MISSING_SHARE = 0.02  # share of indicator fields left empty
NO_BUDGET_PARKS = 2  # parks without a budget of their own: fiscal_st_share empty in every year

# (code, name as in data/nanjing/regions.toml, profile, employees in 2021 (万人), value added in 2021 (亿元)).
# Profiles and sizes are invented: "industrial" (manufacturing), "urban" (硅巷, services), "mixed".
PARKS = [
    ("NJHZ-01", "江北新区高新园", "mixed", 30.0, 1100.0),
    ("NJHZ-02", "新港高新园", "industrial", 18.0, 700.0),
    ("NJHZ-03", "江宁国家高新园", "industrial", 20.0, 750.0),
    ("NJHZ-04", "江宁园", "industrial", 12.0, 420.0),
    ("NJHZ-05", "玄武园", "urban", 8.0, 380.0),
    ("NJHZ-06", "秦淮园", "urban", 5.0, 200.0),
    ("NJHZ-07", "高淳园", "industrial", 3.5, 90.0),
    ("NJHZ-08", "麒麟园", "mixed", 6.0, 180.0),
    ("NJHZ-09", "建邺园", "urban", 9.0, 420.0),
    ("NJHZ-10", "鼓楼园", "urban", 6.0, 260.0),
    ("NJHZ-11", "栖霞园", "mixed", 7.0, 230.0),
    ("NJHZ-12", "雨花台园", "urban", 15.0, 600.0),
    ("NJHZ-13", "浦口园", "industrial", 6.0, 170.0),
    ("NJHZ-14", "六合园", "industrial", 4.0, 110.0),
    ("NJHZ-15", "溧水园", "industrial", 4.5, 130.0),
]

DENOMINATORS = ["gdp", "employees"]
INDICATORS = [
    "incubator_area", "venture_investment", "fiscal_st_share", "new_tech_firms",
    "enterprise_rd_intensity", "rd_staff_share", "high_tech_enterprises", "quality_enterprises",
    "new_rd_institutions", "innovation_platforms", "new_high_level_talents", "st_services_revenue",
    "tech_contract_turnover", "invention_patents", "high_tech_output_share", "pct_applications",
    "energy_per_value_added", "labour_productivity", "mfg_value_added_rate", "revenue_growth",
]

# Per-profile levels: (industrial, mixed, urban).
LEVEL = {
    "incubator_per_emp": (2.5, 4.0, 6.0),       # 万平方米 per 万人
    "venture_share": (0.015, 0.035, 0.045),     # 亿元 per 亿元 value added
    "fiscal_share": (5.0, 7.0, 9.0),            # %
    "new_firms_per_emp": (45.0, 80.0, 120.0),   # 家 per 万人
    "rd_intensity": (3.0, 4.0, 5.0),            # %
    "rd_staff": (10.0, 14.0, 20.0),             # %
    "hte_per_gdp": (0.8, 1.1, 1.4),             # 家 per 亿元
    "rdi_per_emp": (1.2, 2.0, 3.0),             # 家 per 万人
    "platforms_per_emp": (4.0, 5.0, 5.0),       # 家 per 万人
    "talents_per_emp": (3.0, 4.0, 5.0),         # 人 per 万人 and year
    "st_services_share": (0.12, 0.30, 0.45),    # 亿元 per 亿元 value added
    "contracts_per_emp": (1.8, 3.5, 5.0),       # 亿元 per 万人
    "patents_per_emp": (150.0, 300.0, 400.0),   # 件 per 万人
    "high_tech_share": (55.0, 60.0, 65.0),      # %
    "pct_per_emp": (2.0, 2.5, 3.5),             # 件 per 万人
    "energy": (0.35, 0.20, 0.06),               # 吨标准煤/万元
    "mfg_va_rate": (24.0, 26.0, 28.0),          # %
}
PROFILE_INDEX = {"industrial": 0, "mixed": 1, "urban": 2}
MARKET = [1.0, 0.85, 0.75, 0.80]       # venture investment cycle, 2021–2024
GROWTH_SHOCK = [0.0, -3.0, 1.0, 0.0]   # revenue growth, percentage points, 2021–2024


def generate(rng):
    rows = []
    for code, name, profile, emp0, gdp0 in PARKS:
        p = PROFILE_INDEX[profile]
        lv = {k: v[p] for k, v in LEVEL.items()}
        innov = rng.noise(0.25)             # how innovative the park is, beyond its profile
        g_gdp = rng.uniform(0.04, 0.12)     # yearly growth of value added
        g_emp = rng.uniform(0.01, 0.05)     # yearly growth of employees
        fiscal0 = lv["fiscal_share"] * innov ** 0.5 * rng.noise(0.2)
        equity_bias = rng.noise(0.3)        # some parks attract more capital than their profile says
        stocks = {"rdi": None, "platforms": None, "patents": None, "hte": None}
        for t, year in enumerate(YEARS):
            gdp = round(gdp0 * (1 + g_gdp) ** t * rng.noise(0.02), DECIMALS["gdp"])
            emp = round(emp0 * (1 + g_emp) ** t * rng.noise(0.02), DECIMALS["employees"])
            v = {"gdp": gdp, "employees": emp}
            v["incubator_area"] = emp * lv["incubator_per_emp"] * innov * 1.06 ** t * rng.noise(0.05)
            v["venture_investment"] = gdp * lv["venture_share"] * innov * equity_bias * MARKET[t] * rng.noise(0.25)
            v["fiscal_st_share"] = clip(fiscal0 + 0.3 * t + rng.normal(0, 0.4), 1.0, 25.0)
            v["new_tech_firms"] = round(emp * lv["new_firms_per_emp"] * innov * 1.03 ** t * rng.noise(0.1))
            v["enterprise_rd_intensity"] = clip(lv["rd_intensity"] * innov * 1.03 ** t * rng.noise(0.05), 0.5, 15.0)
            v["rd_staff_share"] = clip(lv["rd_staff"] * innov ** 0.7 + 0.3 * t + rng.normal(0, 0.6), 3.0, 45.0)
            # Stocks never fall: a count of enterprises, institutions, platforms or patents.
            hte = gdp * lv["hte_per_gdp"] * innov * 1.02 ** t * rng.noise(0.04)
            stocks["hte"] = hte if stocks["hte"] is None else max(stocks["hte"], hte)
            v["high_tech_enterprises"] = round(stocks["hte"])
            v["quality_enterprises"] = max(1, round(gdp * 0.06 * innov ** 1.5 * 1.08 ** t * rng.noise(0.1)))
            rdi = emp * lv["rdi_per_emp"] * innov * 1.06 ** t * rng.noise(0.05)
            stocks["rdi"] = rdi if stocks["rdi"] is None else max(stocks["rdi"], rdi)
            v["new_rd_institutions"] = max(1, round(stocks["rdi"]))
            plat = emp * lv["platforms_per_emp"] * innov * 1.05 ** t * rng.noise(0.05)
            stocks["platforms"] = plat if stocks["platforms"] is None else max(stocks["platforms"], plat)
            v["innovation_platforms"] = round(stocks["platforms"])
            v["new_high_level_talents"] = round(emp * lv["talents_per_emp"] * innov * rng.noise(0.2))
            v["st_services_revenue"] = gdp * lv["st_services_share"] * innov ** 0.5 * 1.02 ** t * rng.noise(0.06)
            v["tech_contract_turnover"] = emp * lv["contracts_per_emp"] * innov * 1.12 ** t * rng.noise(0.12)
            pats = emp * lv["patents_per_emp"] * innov * 1.12 ** t * rng.noise(0.04)
            stocks["patents"] = pats if stocks["patents"] is None else max(stocks["patents"], pats)
            v["invention_patents"] = round(stocks["patents"])
            v["high_tech_output_share"] = clip(lv["high_tech_share"] * innov ** 0.3 + 0.8 * t + rng.normal(0, 1.0), 25.0, 92.0)
            v["pct_applications"] = round(emp * lv["pct_per_emp"] * innov ** 1.2 * rng.noise(0.25))
            v["energy_per_value_added"] = lv["energy"] * innov ** -0.5 * 0.96 ** t * rng.noise(0.05)
            v["labour_productivity"] = gdp / emp  # 亿元 / 万人 = 万元/人, from the values as written
            v["mfg_value_added_rate"] = clip(lv["mfg_va_rate"] * innov ** 0.3 + rng.normal(0, 1.2), 15.0, 40.0)
            v["revenue_growth"] = 100 * g_gdp + GROWTH_SHOCK[t] + rng.normal(0, 3.0)
            rows.append({"uCode": code, "uName": name, "Time": year, **v})
    return rows


DECIMALS = {
    "gdp": 1, "employees": 2, "incubator_area": 1, "venture_investment": 2, "fiscal_st_share": 2,
    "enterprise_rd_intensity": 2, "rd_staff_share": 2, "st_services_revenue": 1,
    "tech_contract_turnover": 2, "high_tech_output_share": 2, "energy_per_value_added": 3,
    "labour_productivity": 2, "mfg_value_added_rate": 2, "revenue_growth": 1,
}


def blank_some(rng, rows):
    """Leave MISSING_SHARE of the indicator fields empty: whole series of fiscal_st_share for
    NO_BUDGET_PARKS parks (no budget of their own), the rest scattered at random."""
    n_cells = len(rows) * len(INDICATORS)
    target = round(MISSING_SHARE * n_cells)
    no_budget = {PARKS[i][0] for i in rng.pick(len(PARKS), NO_BUDGET_PARKS)}
    blanked = set()
    for r, row in enumerate(rows):
        if row["uCode"] in no_budget:
            blanked.add((r, INDICATORS.index("fiscal_st_share")))
    free = [(r, c) for r in range(len(rows)) for c in range(len(INDICATORS)) if (r, c) not in blanked]
    for k in rng.pick(len(free), target - len(blanked)):
        blanked.add(free[k])
    for r, c in blanked:
        rows[r][INDICATORS[c]] = None
    return len(blanked), n_cells


def make(rng):
    rows = generate(rng)
    n_missing, n_cells = blank_some(rng, rows)
    return to_csv(rows, ["uCode", "uName", "Time"] + DENOMINATORS + INDICATORS, DECIMALS), len(rows), n_missing, n_cells


if __name__ == "__main__":
    main(__doc__.splitlines()[0], os.path.dirname(os.path.abspath(__file__)), SEED, make)
