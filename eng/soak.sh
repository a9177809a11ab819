#!/usr/bin/env bash
# eng/soak.sh: the memory soak of issue 16 item 5. Three sample processes behind nginx on one PostgreSQL database (Redis when
# REDIS answers and the build knows Foundation:Redis:Configuration), wrk driving the gateway (POST /v1/chat/completions, as
# eng/load-scaleout.sh) for DURATION (10 minutes); every INTERVAL seconds each instance's resident set (VmRSS) is sampled into
# a CSV. At the end it prints, per instance, the RSS after warm-up (median of the samples in the first quarter of the run after
# WARMUP seconds, when JIT, pools and caches have filled) and at the end (median of the last quarter), the growth, and whether
# memory is flat: growth under FLAT_PERCENT (10%) on every instance.
#
# Usage: eng/soak.sh        (on a quiet machine; under /work/bin/cpu --exclusive on a shared one)
# Knobs: DURATION (600 s), WARMUP (60 s, counted in DURATION), INTERVAL (5 s), CONNS (32), THREADS (2; wrk runs flat out),
#        FLAT_PERCENT (10), REDIS (127.0.0.1:6379; REDIS= for none), SAMPLE_DLL, PG_*, POOL_SIZE, KEEP_LOGS=1.
set -euo pipefail
SCALEOUT_NAME=soak
# shellcheck source=eng/scaleout-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/scaleout-lib.sh"
trap scaleout_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DURATION="${DURATION:-600}" WARMUP="${WARMUP:-60}" INTERVAL="${INTERVAL:-5}" CONNS="${CONNS:-32}" THREADS="${THREADS:-2}" FLAT_PERCENT="${FLAT_PERCENT:-10}"
DURATION="${DURATION%s}" WARMUP="${WARMUP%s}"
((WARMUP < DURATION)) || sdie "WARMUP ($WARMUP s) must be shorter than DURATION ($DURATION s)"
REDIS="${REDIS-${FOUNDATION_TEST_REDIS:-127.0.0.1:6379}}"

scaleout_require python3
scaleout_sample
scaleout_database
UPSTREAM_PORT="$(free_port)"

redis=off
if [[ -n "$REDIS" ]] && command -v redis-cli >/dev/null && timeout 3 redis-cli -h "${REDIS%%:*}" -p "${REDIS##*:}" ping 2>/dev/null | grep -q PONG; then
  redis=on
fi
if ! scaleout_instances 3 "$redis"; then
  [[ "$redis" == on ]] || sdie "$INSTANCES_ERROR"
  slog "with Redis: $INSTANCES_ERROR; soaking without Redis"
  scaleout_stop_instances
  redis=off
  scaleout_instances 3 off || sdie "$INSTANCES_ERROR"
fi
scaleout_nginx "${INSTANCE_PORTS[@]}"
key="$(scaleout_api_key)"
script="$SCALEOUT_TMP/chat.lua"
scaleout_wrk_script "$key" "$script"

mkdir -p "$SCALEOUT_WORK"
CSV="$SCALEOUT_WORK/soak-rss.csv"
echo "seconds,instance,pid,rss_kib" >"$CSV"
slog "soaking ${DURATION}s (Redis $redis), sampling RSS every ${INTERVAL}s into $CSV"
timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 10s -s "$script" \
  "http://127.0.0.1:$BALANCER_PORT/v1/chat/completions" >"$SCALEOUT_TMP/wrk.out" 2>&1 &
WRK_PID=$!
SCALEOUT_PIDS+=("$WRK_PID")
start=$SECONDS
while kill -0 "$WRK_PID" 2>/dev/null && ((SECONDS - start <= DURATION + 30)); do
  for i in "${!INSTANCE_PIDS[@]}"; do
    pid="${INSTANCE_PIDS[$i]}"
    rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
    [[ -n "$rss" ]] || sdie "instance $i (pid $pid) is gone"
    echo "$((SECONDS - start)),$i,$pid,$rss" >>"$CSV"
  done
  sleep "$INTERVAL"
done
wait "$WRK_PID" || sdie "wrk failed: $(tail -5 "$SCALEOUT_TMP/wrk.out")"
read -r _ requests secs non2xx errors p50 p90 p99 max < <(grep '^RESULT ' "$SCALEOUT_TMP/wrk.out")

echo "# eng/soak.sh, $(date -u +%FT%TZ), $(nproc) cores, ${DURATION}s (the first ${WARMUP}s not compared), $CONNS connections, Redis $redis"
echo "# load: $requests requests ($(awk -v r="$requests" -v s="$secs" 'BEGIN { printf "%.0f", r / s }') req/s), non-2xx $non2xx, socket errors $errors, p50 ${p50} ms, p99 ${p99} ms"
python3 - "$CSV" "$FLAT_PERCENT" "$WARMUP" <<'PY'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if int(r["seconds"]) >= int(sys.argv[3])]
limit = float(sys.argv[2])
flat_all = True
print("| instance | samples | RSS after warm-up (MiB) | RSS at the end (MiB) | max (MiB) | growth | flat |")
print("|----------|---------|-------------------------|----------------------|-----------|--------|------|")
for inst in sorted({r["instance"] for r in rows}):
    rss = [int(r["rss_kib"]) / 1024 for r in rows if r["instance"] == inst]
    q = max(1, len(rss) // 4)
    early, late = statistics.median(rss[:q]), statistics.median(rss[-q:])
    growth = (late - early) / early * 100 if early else 0.0
    flat = growth < limit
    flat_all &= flat
    print(f"| {inst} | {len(rss)} | {early:.0f} | {late:.0f} | {max(rss):.0f} | {growth:+.1f}% | {'yes' if flat else 'NO'} |")
print(f"memory flat (growth under {limit:g}% on every instance): {'yes' if flat_all else 'NO'}")
PY
