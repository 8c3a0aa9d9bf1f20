#!/usr/bin/env bash
# OpenFisca baseline for the policy engine (issue 5): set up, generate, test, time, serve.
#
#   scripts/bench-openfisca/run.sh [STAGE ...]
#
# Stages (default: all, in this order):
#   setup      venv at $VENV with the pinned packages; pip freeze -> $WORK/versions.txt
#   data       $WORK/data/enterprises_{100k,1m}.csv (seed 20240101), generated only if
#              missing or if its sha256 is not the recorded one; then checked
#   test       openfisca test on the package's 12 YAML tests
#   batch      run_openfisca.py under /usr/bin/time -v, $REPS runs per size
#   reference  reference_numpy.py against the results of each size, plus float32_cases.py
#   explain    explain_one.py for $EXPLAIN_ID
#   serve      openfisca serve on $PORT; serve_bench.py (and wrk if installed); server stopped
#
# Environment (defaults in brackets):
#   SHARED [/work/shared/bench/policy-openfisca]  the shared bench folder (read only)
#   WORK   [/work/openfisca-bench]                where data, outputs and logs go
#   VENV   [/work/ofvenv]   REPS [3]   PORT [5000]   EXPLAIN_ID [E0000002]
#
# Idempotent: the venv and data are reused when they are already right; every
# other output is overwritten. Nothing is written inside SHARED or this repository.
set -euo pipefail

SHARED=${SHARED:-/work/shared/bench/policy-openfisca}
WORK=${WORK:-/work/openfisca-bench}
VENV=${VENV:-/work/ofvenv}
REPS=${REPS:-3}
PORT=${PORT:-5000}
EXPLAIN_ID=${EXPLAIN_ID:-E0000002}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=$VENV/bin/python
SEED=20240101
# sha256 of the generated inputs with numpy 2.4.6 / pandas 3.1.1 (see README.md)
SHA_100k=cb28f6c0e63b5b0502783fa5c3b495076095c9d2651928a60734b7fd6edde92d
SHA_1m=f80568613e5678a5f77ca0588b500612a82a09fa3d1eb94bccf7666060c55bb5

STAGES=("$@")
[ ${#STAGES[@]} -eq 0 ] && STAGES=(setup data test batch reference explain serve)

mkdir -p "$WORK"/{data,out,results,logs,serve}
cd "$WORK"
export PYTHONPATH=$SHARED
export PYTHONDONTWRITEBYTECODE=1   # SHARED is read only; keep it clean anyway

log() { printf '== %s\n' "$*"; }

stage_setup() {
  if [ ! -x "$PY" ]; then
    log "creating venv $VENV"
    python3 -m venv "$VENV"
  fi
  if ! "$VENV/bin/pip" show openfisca-core 2>/dev/null | grep -qx 'Version: 46.0.1'; then
    "$VENV/bin/pip" install --upgrade pip
    "$VENV/bin/pip" install 'openfisca-core[web-api]==46.0.1' 'pandas==3.1.1' 'numpy==2.4.6'
  fi
  "$PY" -VV > versions.txt
  "$VENV/bin/pip" freeze >> versions.txt
  grep -iE '^Python|^openfisca-core|^numpy|^pandas|^gunicorn|^flask=' versions.txt
}

stage_data() {
  for N in 100k 1m; do
    f=data/enterprises_${N}.csv
    want=SHA_$N; want=${!want}
    if [ ! -f "$f" ] || [ "$(sha256sum "$f" | cut -d' ' -f1)" != "$want" ]; then
      n=$([ "$N" = 100k ] && echo 100000 || echo 1000000)
      "$PY" "$SHARED/gen_enterprises.py" --n "$n" --seed "$SEED" --out "$f"
    fi
    got=$(sha256sum "$f" | cut -d' ' -f1)
    if [ "$got" = "$want" ]; then echo "$f sha256 OK $got"
    else echo "WARNING: $f sha256 $got != recorded $want (numpy/pandas version?)"; fi
  done
  (cd data && sha256sum enterprises_100k.csv enterprises_1m.csv > SHA256SUMS)
}

stage_test() {
  "$VENV/bin/openfisca" test -c openfisca_sti "$SHARED/openfisca_sti/tests" 2>&1 \
    | grep -v 'Unable to load package metadata' | tee logs/openfisca_test.txt | tail -3
}

stage_batch() {
  : > results/bench_summary.txt
  for N in 100k 1m; do
    for i in $(seq 1 "$REPS"); do
      t=results/time_${N}_run${i}.txt
      /usr/bin/time -v "$PY" "$SHARED/run_openfisca.py" \
        --input data/enterprises_${N}.csv --output out/openfisca_${N}.csv > "$t" 2>&1
      line="N=$N run=$i wall=$(grep 'Elapsed (wall' "$t" | awk '{print $NF}')"
      line+=" user=$(grep 'User time' "$t" | awk '{print $NF}')s sys=$(grep 'System time' "$t" | awk '{print $NF}')s"
      line+=" maxrss_kB=$(grep 'Maximum resident' "$t" | awk '{print $NF}') $(grep '^TIMINGS' "$t")"
      echo "$line" | tee -a results/bench_summary.txt
    done
    grep '^SUMMARY' "results/time_${N}_run1.txt" | tee -a results/bench_summary.txt
  done
  (cd out && sha256sum openfisca_100k.csv openfisca_1m.csv > SHA256SUMS && cat SHA256SUMS)
}

stage_reference() {
  for N in 100k 1m; do
    set +e
    "$PY" "$SHARED/reference_numpy.py" --input data/enterprises_${N}.csv \
      --expected out/openfisca_${N}.csv > logs/reference_numpy_${N}.txt 2>&1
    rc=$?
    set -e
    echo "reference_numpy $N: exit $rc, $(grep TOTAL logs/reference_numpy_${N}.txt)"
    "$PY" "$HERE/float32_cases.py" "$SHARED" data/enterprises_${N}.csv out/openfisca_${N}.csv \
      | tee logs/float32_cases_${N}.txt
  done
}

stage_explain() {
  "$PY" "$SHARED/explain_one.py" --input data/enterprises_100k.csv --id "$EXPLAIN_ID" \
    > "logs/explain_${EXPLAIN_ID}.txt" 2>&1
  echo "wrote logs/explain_${EXPLAIN_ID}.txt"
}

stage_serve() {
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "port $PORT is already in use; set PORT" >&2; return 1
  fi
  "$VENV/bin/openfisca" serve -c openfisca_sti -p "$PORT" > logs/serve.log 2>&1 &
  local pid=$!
  echo "$pid" > serve/server.pid
  trap 'kill '"$pid"' 2>/dev/null || true' EXIT
  for _ in $(seq 1 60); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
    sleep 0.5
  done
  "$PY" "$HERE/serve_bench.py" --input data/enterprises_100k.csv --expected out/openfisca_100k.csv \
    --url "http://127.0.0.1:$PORT" --outdir serve --one-id "$EXPLAIN_ID" | tee logs/serve_bench.txt
  if command -v wrk > /dev/null; then
    cat > serve/one.lua <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open(os.getenv("BODY"), "r")
wrk.body = f:read("*a")
f:close()
LUA
    BODY=serve/request_one_all19.json wrk -t1 -c1 -d20s --latency -s serve/one.lua \
      "http://127.0.0.1:$PORT/calculate" | tee logs/wrk_one_c1.txt
    BODY=serve/request_one_all19.json wrk -t2 -c3 -d20s --latency -s serve/one.lua \
      "http://127.0.0.1:$PORT/calculate" | tee logs/wrk_one_c3.txt
  else
    echo "wrk not installed; skipped (apt-get install -y wrk)"
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
  trap - EXIT
  rm -f serve/server.pid
}

for s in "${STAGES[@]}"; do
  log "$s"
  "stage_$s"
done
