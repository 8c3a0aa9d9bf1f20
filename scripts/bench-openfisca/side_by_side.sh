#!/usr/bin/env bash
# Zijin and OpenFisca on the same generated files, alternately, in one session
# (issue 5's benchmark): CSV in → CSV out under /usr/bin/time -v, then the
# outputs compared (same columns; booleans and sme_score equal, rd_subsidy
# within 2 CNY is checked by the agreement test, here only by cmp when equal).
#
#   scripts/bench-openfisca/side_by_side.sh [REPS]
#
# Needs scripts/bench-openfisca/run.sh setup data (the venv and the files) and a
# release build of zijin ($ZIJIN, default $CARGO_TARGET_DIR/release/zijin).
set -euo pipefail
REPS=${1:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-/work/shared/bench/policy-openfisca}
WORK=${WORK:-/work/openfisca-bench}
VENV=${VENV:-/work/ofvenv}
ZIJIN=${ZIJIN:-${CARGO_TARGET_DIR:-$HOME/.cache/zijin-target}/release/zijin}
PACK=$REPO/policies/benchmark-openfisca/pack.toml
export PYTHONPATH=$SHARED PYTHONDONTWRITEBYTECODE=1
cd "$WORK"
mkdir -p out results
summary() { # tool size run file
  printf '%-9s N=%-4s run=%s wall=%s user=%ss sys=%ss maxrss_kB=%s\n' "$1" "$2" "$3" \
    "$(grep 'Elapsed (wall' "$4" | awk '{print $NF}')" \
    "$(grep 'User time' "$4" | awk '{print $NF}')" \
    "$(grep 'System time' "$4" | awk '{print $NF}')" \
    "$(grep 'Maximum resident' "$4" | awk '{print $NF}')"
}
echo "machine: $(nproc) cores, $(uname -r); $(date -u +%FT%TZ); zijin $(git -C "$REPO" rev-parse --short HEAD)"
for N in 100k 1m; do
  for i in $(seq 1 "$REPS"); do
    t=results/side_openfisca_${N}_$i.txt
    /usr/bin/time -v "$VENV/bin/python" "$SHARED/run_openfisca.py" \
      --input data/enterprises_${N}.csv --output out/openfisca_${N}.csv > "$t" 2>&1
    summary openfisca "$N" "$i" "$t"
    t=results/side_zijin_${N}_$i.txt
    /usr/bin/time -v "$ZIJIN" policy run --pack "$PACK" --input data/enterprises_${N}.csv \
      --period 2024 --out out/zijin_${N}.csv --force > "$t" 2>&1
    summary zijin "$N" "$i" "$t"
    grep '用时' "$t"
  done
  grep -E '^(TIMINGS|SUMMARY)' results/side_openfisca_${N}_1.txt || true
  head -1 out/zijin_${N}.csv | cmp - <(head -1 out/openfisca_${N}.csv) && echo "same columns ($N)"
done
