#!/usr/bin/env bash
# eng/soak.sh: the memory soak of issue 16 item 5. Three sample processes behind nginx on one PostgreSQL database (Redis when
# REDIS answers and the build knows Foundation:Redis:Configuration), wrk driving the gateway (POST /v1/chat/completions, as
# eng/load-scaleout.sh) for DURATION (10 minutes). Every INTERVAL seconds each instance's resident set (VmRSS) and, from its
# /metrics, the GC heap after the last collection (gen 2, LOH), the GC's committed memory, allocations, thread-pool threads and
# the number of metric series are sampled into artifacts/scaleout/soak-rss.csv. With dotnet-gcdump (GCDUMP=path, or on PATH)
# each instance's live managed heap is measured twice under load, after WARMUP and GCDUMP_LEAD (90 s) before the end: a gcdump
# forces a full blocking GC first, so its total is what a leak of managed objects grows, free of the GC's budget and timing
# (the .gcdump files stay in artifacts/scaleout for `dotnet-gcdump report` or a diff).
# The verdict "memory flat" is the live managed heap: growth under FLAT_PERCENT (10%) on every instance. RSS is printed beside
# it (medians of the first and last quarter after WARMUP) with its own yes/no: it swings with the server GC's committed memory
# (tens of MiB between two gen 2 collections), so on its own it cannot tell a leak from the GC's budget.
#
# Usage: eng/soak.sh        (on a quiet machine; under /work/bin/cpu --exclusive on a shared one)
# Knobs: DURATION (600 s), WARMUP (60 s, counted in DURATION), INTERVAL (5 s), CONNS (32), THREADS (2; wrk runs flat out),
#        FLAT_PERCENT (10), REDIS (127.0.0.1:6379; REDIS= for none), GCDUMP, GCDUMP_LEAD (90 s), SAMPLE_DLL, PG_*, POOL_SIZE,
#        KEEP_LOGS=1.
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
echo "seconds,instance,pid,rss_kib,heap_bytes,gen2_bytes,loh_bytes,committed_bytes,allocated_bytes,gen2_collections,threads,series" >"$CSV"

# sample <instance> <seconds>: one CSV row: VmRSS, and from the instance's /metrics (System.Runtime, exported by default) the GC
# heap after the last collection (all generations; gen 2; LOH), the GC's committed memory, bytes allocated so far, gen 2
# collections, thread-pool threads, and the number of series the exposition carries (a label whose cardinality grows per
# request shows there).
sample() {
  local i="$1" t="$2" pid="${INSTANCE_PIDS[$1]}" rss metrics
  rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
  [[ -n "$rss" ]] || sdie "instance $i (pid $pid) is gone"
  metrics="$(curl -s --max-time 5 "http://127.0.0.1:${INSTANCE_PORTS[$i]}/metrics" || true)"
  awk -v t="$t" -v i="$i" -v pid="$pid" -v rss="$rss" '
    /^#/ || NF == 0 { next }
    { series++ }
    /^dotnet_gc_last_collection_heap_size_bytes/ { heap += $NF; if ($0 ~ /"gen2"/) gen2 = $NF; if ($0 ~ /"loh"/) loh = $NF }
    /^dotnet_gc_last_collection_memory_committed_size_bytes/ { committed = $NF }
    /^dotnet_gc_heap_total_allocated_bytes/ { allocated = $NF }
    /^dotnet_gc_collections_total/ && /"gen2"/ { gen2c = $NF }
    /^dotnet_thread_pool_thread_count/ { threads = $NF }
    END { printf "%s,%s,%s,%s,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%d\n", t, i, pid, rss, heap, gen2, loh, committed, allocated, gen2c, threads, series }
  ' <<<"$metrics" >>"$CSV"
}

# gcdump <label>: a heap snapshot of every instance (dotnet-gcdump forces a full, blocking GC first, so its total is the live
# managed heap: what a leak of managed objects grows); the .gcdump files stay in $SCALEOUT_WORK for `dotnet-gcdump report`.
GCDUMP="${GCDUMP:-$(command -v dotnet-gcdump || true)}"
GCDUMPS="$SCALEOUT_WORK/soak-gcdump.csv"
echo "label,seconds,instance,live_bytes,live_objects" >"$GCDUMPS"
gcdump() {
  local label="$1" i file report
  for i in "${!INSTANCE_PIDS[@]}"; do
    file="$SCALEOUT_WORK/soak-$label-$i.gcdump"
    rm -f "$file"
    timeout 120 "$GCDUMP" collect -p "${INSTANCE_PIDS[$i]}" -o "$file" >"$SCALEOUT_TMP/gcdump.log" 2>&1 ||
      { slog "ERROR: dotnet-gcdump collect failed on instance $i: $(tail -3 "$SCALEOUT_TMP/gcdump.log")"; return 1; }
    report="$("$GCDUMP" report "$file" | head -3)"
    echo "$label,$((SECONDS - start)),$i,$(awk '/GC Heap bytes/ { gsub(",", "", $1); print $1 }' <<<"$report"),$(awk '/GC Heap objects/ { gsub(",", "", $1); print $1 }' <<<"$report")" >>"$GCDUMPS"
  done
}
if [[ -n "$GCDUMP" ]]; then
  slog "heap snapshots with $GCDUMP after warm-up and before the end"
else
  slog "dotnet-gcdump not found (GCDUMP=, or on PATH; dotnet tool install -g dotnet-gcdump): no live-heap verdict, RSS and GC counters only"
fi

slog "soaking ${DURATION}s (Redis $redis), sampling RSS and /metrics every ${INTERVAL}s into $CSV"
timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 10s -s "$script" \
  "http://127.0.0.1:$BALANCER_PORT/v1/chat/completions" >"$SCALEOUT_TMP/wrk.out" 2>&1 &
WRK_PID=$!
SCALEOUT_PIDS+=("$WRK_PID")
start=$SECONDS
early_dump=0 late_dump=0 DUMP_PID=""
# Both snapshots are taken while the load runs, in the background (on two busy cores one takes 10-30 s): the early one at WARMUP,
# the late one GCDUMP_LEAD (90 s) before wrk stops, so that it is finished before the load ends.
late_at=$((DURATION - ${GCDUMP_LEAD:-90}))
while kill -0 "$WRK_PID" 2>/dev/null && ((SECONDS - start <= DURATION + 30)); do
  now=$((SECONDS - start))
  for i in "${!INSTANCE_PIDS[@]}"; do sample "$i" "$now"; done
  if [[ -n "$GCDUMP" ]] && ((!early_dump && now >= WARMUP)); then
    gcdump early &
    DUMP_PID=$! early_dump=1
  fi
  if [[ -n "$GCDUMP" ]] && ((early_dump && !late_dump && now >= late_at && late_at > WARMUP)) && ! kill -0 "$DUMP_PID" 2>/dev/null; then
    gcdump late &
    DUMP_PID=$! late_dump=1
  fi
  sleep "$INTERVAL"
done
wait "$WRK_PID" || sdie "wrk failed: $(tail -5 "$SCALEOUT_TMP/wrk.out")"
[[ -z "$DUMP_PID" ]] || wait "$DUMP_PID" || sdie "a heap snapshot failed (see above)"
read -r _ requests secs non2xx errors p50 p90 p99 max < <(grep '^RESULT ' "$SCALEOUT_TMP/wrk.out")

echo "# eng/soak.sh, $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), ${DURATION}s (the first ${WARMUP}s not compared), $CONNS connections, Redis $redis"
echo "# load: $requests requests ($(awk -v r="$requests" -v s="$secs" 'BEGIN { printf "%.0f", r / s }') req/s), non-2xx $non2xx, socket errors $errors, p50 ${p50} ms, p99 ${p99} ms"
python3 - "$CSV" "$FLAT_PERCENT" "$WARMUP" "$GCDUMPS" <<'PY'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if int(r["seconds"]) >= int(sys.argv[3])]
limit = float(sys.argv[2])
dumps = list(csv.DictReader(open(sys.argv[4])))
MiB = 1024 * 1024
def quarters(values):
    q = max(1, len(values) // 4)
    return statistics.median(values[:q]), statistics.median(values[-q:])
def growth(a, b):
    return (b - a) / a * 100 if a else 0.0
print("| instance | RSS after warm-up -> end (max), MiB | RSS growth | GC heap after warm-up -> end, MiB | gen 2 -> end | LOH -> end | GC committed -> end | threads | series | alloc MiB/s |")
print("|---|---|---:|---|---|---|---|---|---|---:|")
for inst in sorted({r["instance"] for r in rows}):
    mine = [r for r in rows if r["instance"] == inst]
    col = lambda name: [float(r[name]) for r in mine]
    rss = [v / 1024 for v in col("rss_kib")]
    (r0, r1), (h0, h1), (g0, g1), (l0, l1), (c0, c1) = (quarters(rss), quarters([v / MiB for v in col("heap_bytes")]),
        quarters([v / MiB for v in col("gen2_bytes")]), quarters([v / MiB for v in col("loh_bytes")]), quarters([v / MiB for v in col("committed_bytes")]))
    threads, series = col("threads"), col("series")
    alloc = (col("allocated_bytes")[-1] - col("allocated_bytes")[0]) / max(1, int(mine[-1]["seconds"]) - int(mine[0]["seconds"])) / MiB
    print(f"| {inst} | {r0:.0f} -> {r1:.0f} ({max(rss):.0f}) | {growth(r0, r1):+.1f}% | {h0:.0f} -> {h1:.0f} | {g0:.0f} -> {g1:.0f} | {l0:.1f} -> {l1:.1f} | {c0:.0f} -> {c1:.0f} "
          f"| {threads[0]:.0f} -> {threads[-1]:.0f} | {series[0]:.0f} -> {series[-1]:.0f} | {alloc:.0f} |")
rss_flat = all(growth(*quarters([float(r["rss_kib"]) for r in rows if r["instance"] == i])) < limit for i in {r["instance"] for r in rows})
print(f"RSS flat (median of the last quarter under {limit:g}% above the first quarter's, every instance): {'yes' if rss_flat else 'NO'}")
early = {d["instance"]: d for d in dumps if d["label"] == "early"}
late = {d["instance"]: d for d in dumps if d["label"] == "late"}
if not late:
    print("live managed heap: not measured (no dotnet-gcdump, or the run was too short for two snapshots)")
    print(f"memory flat: {'yes' if rss_flat else 'NO'} (on RSS alone)")
    sys.exit(0)
heap_flat = True
print("| instance | live heap after warm-up (s, MiB, objects) | live heap at the end (s, MiB, objects) | growth | flat |")
print("|---|---|---|---:|---|")
for inst in sorted(late):
    a, b = early[inst], late[inst]
    g = growth(float(a["live_bytes"]), float(b["live_bytes"]))
    heap_flat &= g < limit
    print(f"| {inst} | {a['seconds']} s, {float(a['live_bytes']) / MiB:.1f}, {int(a['live_objects']):,} | {b['seconds']} s, {float(b['live_bytes']) / MiB:.1f}, "
          f"{int(b['live_objects']):,} | {g:+.1f}% | {'yes' if g < limit else 'NO'} |")
print(f"live managed heap flat (after a forced full GC, growth under {limit:g}% on every instance): {'yes' if heap_flat else 'NO'}")
print(f"memory flat: {'yes' if heap_flat else 'NO'} (the live heap is the verdict; RSS above)")
PY
