#!/usr/bin/env python3
"""Latency of `openfisca serve` /calculate: one enterprise x N sequential requests,
and K enterprises in one request (repeated R times). Also checks the answers
against the run_openfisca.py results CSV.
usage: serve_bench.py --input data/enterprises_100k.csv --expected out/openfisca_100k.csv --url http://127.0.0.1:5000 --outdir serve
"""
import argparse, http.client, json, os, statistics, time, urllib.parse
import pandas as pd

POLICY = ["hte_eligible", "sme_eligible", "gazelle_eligible", "rd_subsidy"]
CRIT = ["hte_registered_1y", "hte_has_core_ip", "hte_st_staff_ok", "hte_rd_intensity_ok",
        "hte_rd_domestic_ok", "hte_high_tech_revenue_ok", "hte_innovation_score_ok",
        "hte_no_major_violation", "sme_employees_ok", "sme_revenue_ok", "sme_total_assets_ok",
        "sme_score", "gazelle_growth_ok", "gazelle_revenue_ok", "gazelle_age_ok"]


def enterprise_json(row, outputs, period="2024"):
    e = {"registration_date": {"ETERNITY": row["registration_date"]}}
    for col, val in row.items():
        if col in ("id", "registration_date"):
            continue
        var, year = col.rsplit("_", 1)
        v = int(val)
        if var == "major_violation":
            v = bool(v)
        e.setdefault(var, {})[year] = v
    for o in outputs:
        e[o] = {period: None}
    return e


def body_for(rows, outputs):
    return json.dumps({"enterprises": {r["id"]: enterprise_json(r, outputs) for _, r in rows.iterrows()}})


def post(url, body):
    u = urllib.parse.urlparse(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    t0 = time.perf_counter()
    c.request("POST", "/calculate", body=body, headers={"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    dt = time.perf_counter() - t0
    c.close()
    if r.status != 200:
        raise SystemExit(f"HTTP {r.status}: {data[:500]!r}")
    return dt, json.loads(data)


def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    f = int(k)
    return xs[f] + (xs[min(f + 1, len(xs) - 1)] - xs[f]) * (k - f)


def check(resp, exp, ids):
    """(mismatches, rd_subsidy values that differ from the CSV by 0.005..0.02 CNY).
    The API prints float32 in its shortest repr (162393.9) while the CSV rounds the
    float64 widening to 2 decimals (162393.91), so allow 0.02 CNY."""
    bad = 0
    repr_diff = 0
    for i in ids:
        got = resp["enterprises"][i]
        want = exp.loc[i]
        for o in POLICY + CRIT:
            g = got[o]["2024"]
            w = want[o]
            if o == "rd_subsidy":
                d = abs(g - w)
                bad += d > 0.02
                repr_diff += 0.005 < d <= 0.02
            else:
                bad += int(g) != int(w)
    return [int(bad), int(repr_diff)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--url", default="http://127.0.0.1:5000")
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--one-id", default="E0000002")
    ap.add_argument("--n-single", type=int, default=200)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--batch-reps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=10)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    df = pd.read_csv(a.input, dtype={"id": str, "registration_date": str}, nrows=max(a.batch, 10000))
    exp = pd.read_csv(a.expected, dtype={"id": str}, nrows=max(a.batch, 10000)).set_index("id")
    res = {}
    for label, outputs in (("all19", POLICY + CRIT), ("policies4", POLICY)):
        one = df[df["id"] == a.one_id]
        body1 = body_for(one, outputs)
        open(f"{a.outdir}/request_one_{label}.json", "w").write(json.dumps(json.loads(body1), indent=2) + "\n")
        for _ in range(a.warmup):
            post(a.url, body1)
        lat = []
        for _ in range(a.n_single):
            dt, resp = post(a.url, body1)
            lat.append(dt * 1000)
        open(f"{a.outdir}/response_one_{label}.json", "w").write(json.dumps(resp, indent=2) + "\n")
        res[f"single_{label}"] = {"requests": a.n_single, "request_bytes": len(body1),
                                  "p50_ms": round(pct(lat, 50), 2), "p90_ms": round(pct(lat, 90), 2),
                                  "p99_ms": round(pct(lat, 99), 2), "min_ms": round(min(lat), 2),
                                  "max_ms": round(max(lat), 2), "mean_ms": round(statistics.mean(lat), 2),
                                  "mismatches_vs_csv": check(resp, exp, [a.one_id]) if label == "all19" else None}
        batch = df.iloc[: a.batch]
        bodyb = body_for(batch, outputs)
        if label == "all19":
            open(f"{a.outdir}/request_batch{a.batch}_{label}.json", "w").write(bodyb)
        post(a.url, bodyb)  # warm-up
        lb = []
        for _ in range(a.batch_reps):
            dt, respb = post(a.url, bodyb)
            lb.append(dt * 1000)
        res[f"batch{a.batch}_{label}"] = {"requests": a.batch_reps, "request_bytes": len(bodyb),
                                          "p50_ms": round(pct(lb, 50), 1), "min_ms": round(min(lb), 1),
                                          "max_ms": round(max(lb), 1), "mean_ms": round(statistics.mean(lb), 1),
                                          "mismatches_vs_csv": check(respb, exp, list(batch["id"])) if label == "all19" else None}
        if label == "all19":
            open(f"{a.outdir}/response_batch{a.batch}_{label}.json", "w").write(json.dumps(respb) + "\n")
    print("SERVE " + json.dumps(res))
    open(f"{a.outdir}/serve_results.json", "w").write(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()
