#!/usr/bin/env python3
"""Checks the evaluation frameworks of data/frameworks/ (Python 3.11+, standard library only).

    python3 data/frameworks/validate.py

For each framework folder: framework.toml has its keys and labels its demo data synthetic; iMeta.csv is
COINr's layout (plus iName_zh and Rationale) and a tree with one root, existing parents, levels one apart,
positive weights and directions of 1 or -1; every iMeta row of Level 1, Denominator or Group is a column
of iData and every iData column is described; the panel has one row per unit and year; numbers are
finite; denominators are present and positive; the share of empty indicator fields is the intended one;
generate.py reproduces the data file byte for byte. Prints what it checked and exits 1 on any problem.
"""
import csv
import math
import os
import re
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REGIONS = os.path.join(HERE, "..", "nanjing", "regions.toml")
COINR_COLUMNS = ["Level", "iCode", "iName", "Direction", "Weight", "Unit", "Target", "Denominator", "Parent", "Type"]
EXTRA_COLUMNS = ["iName_zh", "Rationale"]
TYPES = {"Indicator", "Aggregate", "Group", "Denominator"}
CJK = re.compile(r"[\u4e00-\u9fff]")
# Intended share of empty indicator fields, and the tolerance (in share points).
MISSING = 0.02
MISSING_TOLERANCE = 0.002

FRAMEWORKS = {
    "parks": {"unit_kind": "park", "years": [2021, 2022, 2023, 2024]},
    "nri": {"unit_kind": "institution", "years": [2022, 2023, 2024], "exit_rule": True},
}

problems = []


def problem(where, msg):
    problems.append(f"{where}: {msg}")


def read_csv(path):
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        problem(path, "starts with a byte-order mark")
    text = raw.decode("utf-8")
    return list(csv.reader(text.splitlines()))


def number(s):
    x = float(s)
    if not math.isfinite(x):
        raise ValueError(s)
    return x


def check_meta(name, path):
    rows = read_csv(path)
    header, body = rows[0], rows[1:]
    if header != COINR_COLUMNS + EXTRA_COLUMNS:
        problem(path, f"header {header} is not {COINR_COLUMNS + EXTRA_COLUMNS}")
    meta = [dict(zip(header, r)) for r in body]
    for i, m in enumerate(meta, start=2):
        if len(body[i - 2]) != len(header):
            problem(path, f"row {i} has {len(body[i - 2])} fields, not {len(header)}")
        if m["Type"] not in TYPES:
            problem(path, f"row {i} ({m['iCode']}): Type {m['Type']!r}")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", m["iCode"]):
            problem(path, f"row {i}: iCode {m['iCode']!r} is not a plain identifier")
        if not m["iName"] or not CJK.search(m["iName_zh"]) or not CJK.search(m["Rationale"]):
            problem(path, f"row {i} ({m['iCode']}): iName, iName_zh (Chinese) and Rationale (Chinese) are required")
        for col in ("Target",):
            if m[col]:
                try:
                    number(m[col])
                except ValueError:
                    problem(path, f"row {i} ({m['iCode']}): {col} {m[col]!r} is not a number")
    codes = [m["iCode"] for m in meta]
    dupes = {c for c in codes if codes.count(c) > 1}
    if dupes:
        problem(path, f"duplicate iCodes {sorted(dupes)}")
    by_code = {m["iCode"]: m for m in meta}
    tree = [m for m in meta if m["Type"] in ("Indicator", "Aggregate")]
    denominators = {m["iCode"] for m in meta if m["Type"] == "Denominator"}
    for m in tree:
        where = f"{path} ({m['iCode']})"
        try:
            level = int(m["Level"])
            weight = number(m["Weight"])
            direction = int(m["Direction"])
        except ValueError:
            problem(where, "Level, Weight and Direction must be numbers")
            continue
        if (level == 1) != (m["Type"] == "Indicator"):
            problem(where, "Level 1 rows must be exactly the Type Indicator rows")
        if weight <= 0:
            problem(where, f"weight {weight} is not positive")
        if direction not in (1, -1):
            problem(where, f"direction {direction} is not 1 or -1")
        if m["Denominator"] and m["Denominator"] not in denominators:
            problem(where, f"denominator {m['Denominator']!r} is not a Denominator row")
        if m["Parent"]:
            parent = by_code.get(m["Parent"])
            if parent is None or parent["Type"] != "Aggregate":
                problem(where, f"parent {m['Parent']!r} is not an aggregate of the file")
            elif int(parent["Level"]) != level + 1:
                problem(where, f"parent {m['Parent']!r} is at Level {parent['Level']}, not {level + 1}")
    roots = [m for m in tree if not m["Parent"]]
    top = max(int(m["Level"]) for m in tree)
    if len(roots) != 1 or int(roots[0]["Level"]) != top or roots[0]["Type"] != "Aggregate":
        problem(path, f"expected one root aggregate at the top level, found {[m['iCode'] for m in roots]}")
    for m in meta:
        if m["Type"] in ("Group", "Denominator") and (m["Level"] or m["Parent"] or m["Weight"]):
            problem(path, f"{m['iCode']}: a {m['Type']} row has no Level, Parent or Weight")
    children = {}
    for m in tree:
        children.setdefault(m["Parent"], []).append(m["iCode"])
    for m in tree:
        if m["Type"] == "Aggregate" and not children.get(m["iCode"]):
            problem(path, f"aggregate {m['iCode']} has no children")
    return meta, children, roots[0]["iCode"] if roots else None


def check_data(name, path, meta, years):
    rows = read_csv(path)
    header, body = rows[0], rows[1:]
    if header[:2] != ["uCode", "uName"]:
        problem(path, "the first columns must be uCode, uName")
    described = {m["iCode"]: m for m in meta if m["Type"] in ("Indicator", "Denominator", "Group")}
    for code, m in described.items():
        if code not in header:
            problem(path, f"{m['Type']} {code} of iMeta is not a column")
    for col in header:
        if col not in ("uCode", "uName", "Time") and col not in described:
            problem(path, f"column {col} is not described in iMeta")
    if len(set(header)) != len(header):
        problem(path, "duplicate column names")
    data = [dict(zip(header, r)) for r in body]
    keys = set()
    indicators = [m["iCode"] for m in meta if m["Type"] == "Indicator"]
    empty = 0
    for i, (raw, row) in enumerate(zip(body, data), start=2):
        if len(raw) != len(header):
            problem(path, f"row {i} has {len(raw)} fields, not {len(header)}")
            continue
        if not row["uCode"] or not row["uName"]:
            problem(path, f"row {i}: uCode and uName are required")
        try:
            year = int(row["Time"])
        except ValueError:
            problem(path, f"row {i}: Time {row['Time']!r} is not a year")
            continue
        if year not in years:
            problem(path, f"row {i}: year {year} not in {years}")
        key = (row["uCode"], year)
        if key in keys:
            problem(path, f"row {i}: a second row for {key}")
        keys.add(key)
        for col, m in described.items():
            s = row.get(col, "")
            if m["Type"] == "Group":
                if not s:
                    problem(path, f"row {i}: group {col} is empty")
                continue
            if s == "":
                if m["Type"] == "Denominator":
                    problem(path, f"row {i}: denominator {col} is empty")
                else:
                    empty += 1
                continue
            try:
                x = number(s)
            except ValueError:
                problem(path, f"row {i}, {col}: {s!r} is not a finite number")
                continue
            if m["Type"] == "Denominator" and x <= 0:
                problem(path, f"row {i}: denominator {col} = {x} is not positive")
    units = sorted({u for u, _ in keys})
    if len(keys) != len(units) * len(years):
        problem(path, f"unbalanced panel: {len(keys)} rows for {len(units)} units x {len(years)} years")
    names = {}
    for row in data:
        names.setdefault(row["uCode"], set()).add(row["uName"])
    for u, ns in names.items():
        if len(ns) != 1:
            problem(path, f"{u} has several names {sorted(ns)}")
    cells = len(data) * len(indicators)
    share = empty / cells
    if abs(share - MISSING) > MISSING_TOLERANCE:
        problem(path, f"{empty} of {cells} indicator fields empty ({share:.2%}), intended {MISSING:.0%}")
    for ind in indicators:
        present = [row[ind] for row in data if row[ind] != ""]
        if len(set(present)) < 2:
            problem(path, f"indicator {ind} has fewer than two distinct values")
    return units, {u: ns.pop() for u, ns in names.items()}, empty, cells


def check_framework(name, spec):
    folder = os.path.join(HERE, name)
    fw_path = os.path.join(folder, "framework.toml")
    with open(fw_path, "rb") as f:
        fw = tomllib.load(f)
    for key in ("code", "version", "name_zh", "name_en", "unit_kind", "sources", "rationale_zh", "rationale_en", "demo"):
        if key not in fw:
            problem(fw_path, f"missing key {key}")
    if fw.get("unit_kind") != spec["unit_kind"]:
        problem(fw_path, f"unit_kind {fw.get('unit_kind')!r}, expected {spec['unit_kind']!r}")
    for s in fw.get("sources", []):
        for key in ("title", "publisher", "year", "url_or_reference"):
            if key not in s:
                problem(fw_path, f"source {s.get('title')!r} has no {key}")
    demo = fw.get("demo", {})
    if demo.get("synthetic") is not True or "合成数据" not in demo.get("note_zh", "") or "synthetic" not in demo.get("note_en", ""):
        problem(fw_path, "[demo] must say synthetic = true and note_zh/note_en must say 合成数据 / synthetic")
    if spec.get("exit_rule"):
        rule = fw.get("exit_rule", {})
        for key in ("index", "bottom_n", "consecutive_years", "rank_uncertainty", "rule_zh", "rule_en"):
            if key not in rule:
                problem(fw_path, f"[exit_rule] has no {key}")
    data_name = demo.get("data", "iData.synthetic.csv")
    if ".synthetic." not in data_name:
        problem(fw_path, f"the demo data file {data_name!r} is not named *.synthetic.csv")
    meta, children, root = check_meta(name, os.path.join(folder, "iMeta.csv"))
    if spec.get("exit_rule") and fw.get("exit_rule", {}).get("index") != root:
        problem(fw_path, f"[exit_rule] index is not the root {root!r}")
    units, names, empty, cells = check_data(name, os.path.join(folder, data_name), meta, spec["years"])
    gen = subprocess.run([sys.executable, os.path.join(folder, "generate.py"), "--check"], capture_output=True, text=True)
    if gen.returncode != 0:
        problem(folder, f"generate.py --check: {gen.stdout.strip()} {gen.stderr.strip()}")
    return fw, meta, children, root, units, names, empty, cells


def main():
    with open(REGIONS, "rb") as f:
        parks = {r["code"]: r["name_zh"] for r in tomllib.load(f)["regions"] if r["kind"] == "park"}
    for name, spec in FRAMEWORKS.items():
        fw, meta, children, root, units, names, empty, cells = check_framework(name, spec)
        if name == "parks":
            if set(units) != set(parks):
                problem("parks/iData.synthetic.csv", f"units {units} are not the parks of regions.toml")
            for u in units:
                if names.get(u) != parks.get(u):
                    problem("parks/iData.synthetic.csv", f"{u} is named {names.get(u)!r}, regions.toml says {parks.get(u)!r}")
        n_ind = sum(m["Type"] == "Indicator" for m in meta)
        pillars = children.get(root, [])
        print(f"{name}: {fw['code']} {fw['version']}: {n_ind} indicators, {len(pillars)} pillars "
              f"({', '.join(f'{p} {len(children.get(p, []))}' for p in pillars)}), root {root}; "
              f"{len(units)} units x {len(spec['years'])} years; {empty}/{cells} indicator fields empty ({empty / cells:.2%})")
    if problems:
        print(f"{len(problems)} problem(s):")
        for p in problems:
            print("  " + p)
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
