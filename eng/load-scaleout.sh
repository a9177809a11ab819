#!/usr/bin/env bash
# eng/load-scaleout.sh: the load run of issue 16 item 5. wrk against nginx in front of 1 and of 3 sample processes on one PostgreSQL
# database, with Redis off and (when REDIS answers and the build knows Foundation:Redis:Configuration) on; DURATION each (60s),
# loopback only, every process bounded and stopped at exit. The request is the gateway's hot path: POST /v1/chat/completions with
# an API key of a tenant with a hard budget (leases, decision 0012), forwarded to a fake upstream (nginx `return 200`), metered
# into the ledger. Rate limiting stays on with limits no run reaches, so its cost (per instance, or in Redis) is in the numbers.
# Prints one table: configuration, req/s, latency p50/p90/p99/max, non-2xx answers, socket errors.
#
# Usage: eng/load-scaleout.sh            (on a quiet machine; under /work/bin/cpu --exclusive on a shared one)
# Knobs: DURATION (60s), WARMUP (10s), CONNS (64), THREADS (2), INSTANCES ("1 3"), REDIS (127.0.0.1:6379; REDIS= to skip),
#        SAMPLE_DLL (skip the publish), PG_HOST/PG_PORT/PG_USER/PG_PASSWORD, POOL_SIZE (25 per instance), KEEP_LOGS=1.
set -euo pipefail
SCALEOUT_NAME=load-scaleout
# shellcheck source=eng/scaleout-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/scaleout-lib.sh"
trap scaleout_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DURATION="${DURATION:-60s}" WARMUP="${WARMUP:-10s}" CONNS="${CONNS:-64}" THREADS="${THREADS:-2}" INSTANCES="${INSTANCES:-1 3}"
REDIS="${REDIS-${FOUNDATION_TEST_REDIS:-127.0.0.1:6379}}"
seconds() { local d="$1"; case "$d" in *m) echo $((${d%m} * 60)) ;; *s) echo "${d%s}" ;; *) echo "$d" ;; esac; }

scaleout_require python3
scaleout_sample
scaleout_database
UPSTREAM_PORT="$(free_port)"

REDIS_MODES=(off)
if [[ -n "$REDIS" ]]; then
  if command -v redis-cli >/dev/null && timeout 3 redis-cli -h "${REDIS%%:*}" -p "${REDIS##*:}" ping 2>/dev/null | grep -q PONG; then
    REDIS_MODES+=(on)
  else
    slog "Redis at $REDIS does not answer: Redis-on runs skipped"
  fi
fi

ROWS=()
for redis in "${REDIS_MODES[@]}"; do
  for n in $INSTANCES; do
    name="$n instance(s), Redis $redis"
    slog "== $name"
    if ! scaleout_instances "$n" "$redis"; then
      ROWS+=("$(printf '| %-26s | %s |' "$name" "not run: $INSTANCES_ERROR")")
      scaleout_stop_instances
      continue
    fi
    scaleout_nginx "${INSTANCE_PORTS[@]}"
    key="$(scaleout_api_key)"
    script="$SCALEOUT_TMP/chat.lua"
    scaleout_wrk_script "$key" "$script"
    url="http://127.0.0.1:$BALANCER_PORT/v1/chat/completions"
    slog "warm-up $WARMUP"
    timeout $(($(seconds "$WARMUP") + 30)) wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$script" "$url" >/dev/null 2>&1 || true
    slog "measuring $DURATION, $CONNS connections"
    out="$(timeout $(($(seconds "$DURATION") + 30)) wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s -s "$script" "$url" 2>&1)" ||
      sdie "wrk failed: $out"
    read -r _ requests secs non2xx errors p50 p90 p99 max < <(grep '^RESULT ' <<<"$out")
    rps=$(awk -v r="$requests" -v s="$secs" 'BEGIN { printf "%.0f", r / s }')
    ROWS+=("$(printf '| %-26s | %8s | %7s | %7s | %7s | %8s | %7s | %6s |' "$name" "$rps" "$p50" "$p90" "$p99" "$max" "$non2xx" "$errors")")
    scaleout_stop_nginx
    scaleout_stop_instances
  done
done

echo "# eng/load-scaleout.sh, $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $CONNS connections, $THREADS wrk threads, $DURATION per run"
echo "| configuration              |    req/s | p50 ms  | p90 ms  | p99 ms  | max ms   | non-2xx | errors |"
echo "|----------------------------|----------|---------|---------|---------|----------|---------|--------|"
printf '%s\n' "${ROWS[@]}"
