"""What the two demo-data generators (parks/generate.py, nri/generate.py) share:
the seeded draws, the CSV writer and the command line.

SYNTHETIC DATA: everything drawn here is invented. Only random.Random.random()
is used (its sequence for a given seed is stable across Python versions; the
normal draws are our own Box-Muller), so a seed always gives the same bytes.
"""
import argparse
import csv
import io
import math
import os
import random
import sys


class Rng:
    """Draws built on random.Random.random() only, so the sequence is stable across Python versions."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def uniform(self, a, b):
        return a + (b - a) * self.r.random()

    def normal(self, mu=0.0, sigma=1.0):
        u1 = 1.0 - self.r.random()  # in (0, 1]
        u2 = self.r.random()
        return mu + sigma * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def noise(self, sd):
        """A multiplicative noise factor with median 1."""
        return math.exp(self.normal(0.0, sd))

    def count(self, mean):
        """A non-negative integer near mean (rounded gamma-like draw), zero when mean is small."""
        return max(0, round(mean * self.noise(0.35) + self.normal(0, 0.5)))

    def pick(self, n, k):
        """k distinct indices out of range(n) (partial Fisher-Yates)."""
        idx = list(range(n))
        for i in range(k):
            j = i + int(self.r.random() * (n - i))
            idx[i], idx[j] = idx[j], idx[i]
        return sorted(idx[:k])


def clip(x, lo, hi):
    return max(lo, min(hi, x))


def to_csv(rows, header, decimals):
    """The rows as CSV in `header` order: floats with their column's decimals, None empty."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        cells = []
        for col in header:
            x = row[col]
            if x is None:
                cells.append("")
            elif isinstance(x, float):
                cells.append(f"{x:.{decimals[col]}f}")
            else:
                cells.append(str(x))
        w.writerow(cells)
    return out.getvalue()


def main(description, folder, seed, make):
    """The command line of a generator: `make(rng)` returns (csv text, rows,
    missing fields, indicator fields); writes iData.synthetic.csv in `folder`,
    or standard output with -o -, or compares with the file with --check."""
    default = os.path.join(folder, "iData.synthetic.csv")
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("-o", "--output", default=default, help="output file, or - for standard output")
    ap.add_argument("--check", action="store_true", help="compare with the existing file instead of writing")
    args = ap.parse_args()
    text, n_rows, n_missing, n_cells = make(Rng(seed))
    if args.check:
        with open(default, encoding="utf-8") as f:
            same = f.read() == text
        print("iData.synthetic.csv is up to date" if same else "iData.synthetic.csv differs from generate.py's output")
        sys.exit(0 if same else 1)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        print(f"wrote {args.output}: {n_rows} rows, {n_missing} of {n_cells} indicator fields empty "
              f"({100 * n_missing / n_cells:.1f}%), seed {seed}", file=sys.stderr)
