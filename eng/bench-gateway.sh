#!/usr/bin/env bash
# Gateway overhead with and without budgets (issue 12), in one run of the loopback peers harness:
#   Portkey, the bare .NET floor and the sample (published Release, SQLite, rate limits off) forwarding to the
#   harness' fake upstream, (1) with the sample's hard role budget applying to the caller, (2) with budgets off.
# Installs what it needs (nginx-light and wrk with apt-get when missing; Portkey with npm ci in a copy of the harness),
# copies ../shared/peers (PEERS_SRC) to $TMPDIR/foundation-bench-gateway/peers (PEERS_DIR), and prints one table.
# Usage: eng/bench-gateway.sh             the table (run it under /work/bin/cpu --exclusive on a shared machine)
#        eng/bench-gateway.sh --profile   no peers: the sample alone under wrk (budgets on, then off) while dotnet-trace samples
#                                         its threads (installed as a local .NET tool under artifacts/); prints each case's top
#                                         frames with waits left out (eng/tools/trace-top.py) and keeps the .nettrace and
#                                         speedscope files (PerfView, speedscope.app)
#        eng/bench-gateway.sh --perf      the same load, sampled by Linux perf (cpu-clock, whole machine; apt-installs
#                                         linux-perf): CPU per process (the sample, wrk, nginx) and the sample's top symbols
# Knobs: PEERS_SRC, DURATION (10s), WARMUP (20s, every target), CONNS (16), PORT (5080), BUDGET_USD (1000), TOP (25, profile mode); the harness' own knobs pass
# through.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS_SRC="${PEERS_SRC:-$ROOT/../shared/peers}"
[[ -d "$PEERS_SRC" ]] || PEERS_SRC=/work/shared/peers
WORK="$ROOT/artifacts/bench-gateway"
# Outside the repository: the repository's Directory.Build.props (analyzers, warnings as errors) must not apply to the floor.
PEERS="${PEERS_DIR:-${TMPDIR:-/tmp}/foundation-bench-gateway/peers}"
PORT="${PORT:-5080}"
B="http://127.0.0.1:$PORT"
# A 20 s warm-up: the sample's tiered compilation is still busy after 5 s (measured: 4,900 req/s after 5 s, 6,800 after 30 s).
export DURATION="${DURATION:-10s}" WARMUP="${WARMUP:-20s}" CONNS="${CONNS:-16}"
MODE=table
[[ "${1:-}" == --profile ]] && MODE=profile
[[ "${1:-}" == --perf ]] && MODE=perf
log() { printf '[bench-gateway] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# ---------------------------------------------------------------- install
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  log "installing nginx-light and wrk"
  apt-get update -qq && apt-get install -y -qq nginx-light wrk >/dev/null
fi
command -v jq >/dev/null || { apt-get install -y -qq jq >/dev/null; }
mkdir -p "$WORK" "$(dirname "$PEERS")"
if [[ ! -d "$PEERS" ]]; then
  log "copying $PEERS_SRC to $PEERS"
  cp -r "$PEERS_SRC" "$PEERS"
  rm -rf "$PEERS/run"
fi
if [[ ! -d "$PEERS/node_modules/@portkey-ai/gateway" ]]; then
  log "npm ci (Portkey 1.15.2)"
  (cd "$PEERS" && npm ci --no-audit --no-fund >/dev/null 2>&1) || die "npm ci failed in $PEERS"
fi

# ---------------------------------------------------------------- the sample
log "publishing the sample (Release)"
dotnet publish "$ROOT/samples/Foundation.Sample.Web" -c Release -o "$WORK/sample" >"$WORK/publish.log" 2>&1 || die "publish failed (see $WORK/publish.log)"

SAMPLE_PID=
stop_sample() {
  if [[ -n "$SAMPLE_PID" ]] && kill -0 "$SAMPLE_PID" 2>/dev/null; then
    kill -TERM "$SAMPLE_PID"; wait "$SAMPLE_PID" 2>/dev/null || true
  fi
  SAMPLE_PID=
}
trap stop_sample EXIT

# start_sample <data dir> <budgets enabled: true|false>
start_sample() {
  local data="$1" budgets="$2"
  (cd "$WORK/sample" && exec dotnet Foundation.Sample.Web.dll --urls "$B" \
    --Foundation:DataDirectory="$data" \
    --Logging:LogLevel:Default=Warning \
    --Foundation:Hosting:RateLimiting:Enabled=false \
    --Foundation:Llm:Providers:upstream:Type=OpenAICompatible \
    --Foundation:Llm:Providers:upstream:BaseUrl=http://127.0.0.1:18081/v1 \
    --Foundation:Llm:Providers:upstream:ApiKey=sk-peerbench-dummy \
    --Foundation:Llm:Providers:upstream:System=openai \
    --Foundation:Llm:Models:gpt-4o-mini:Deployments:0:Provider=upstream \
    --Foundation:Llm:Models:gpt-4o-mini:Deployments:0:Model=gpt-4o-mini \
    --Foundation:Costing:Budgets:Enabled="$budgets") >"$data.log" 2>&1 &
  SAMPLE_PID=$!
  for _ in $(seq 1 120); do curl -sf -o /dev/null "$B/health/ready" && return 0; sleep 0.5; done
  die "the sample did not come up (see $data.log)"
}

# An owner of the default tenant (the first account is its owner; the sample seeds a hard $1/month budget for each owner) and an
# API key of theirs: what wrk sends.
api_key() {
  local email="bench@example.com" password="violet kettle drum marsh 42"
  curl -sf -o /dev/null -X POST "$B/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" || die "register failed"
  local at
  at=$(curl -sf -X POST "$B/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" | jq -r .accessToken) || die "login failed"
  curl -sf -X POST "$B/api/v1/api-keys" -H 'Content-Type: application/json' -H "Authorization: Bearer $at" \
    -d '{"name":"peer bench"}' | jq -r .key
}

# The sample seeds a hard $1-a-month budget per owner: a long run (thousands of calls a second, each about $0.000005 as gpt-4o-mini)
# would spend it and measure refusals. The owner's budget stays hard and applying, through the same code path, with a higher limit.
BUDGET_USD="${BUDGET_USD:-1000}"
raise_owner_budget() {
  local key="$1" id
  id=$(curl -sf "$B/api/v1/budgets" -H "Authorization: Bearer $key" | jq -r '.[] | select(.name == "owner monthly") | .id') || die "listing budgets failed"
  [[ -n "$id" ]] || die "the sample's 'owner monthly' budget is missing"
  curl -sf -o /dev/null -X PUT "$B/api/v1/budgets/$id" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "{\"name\":\"owner monthly\",\"scope\":\"role\",\"scopeValue\":\"owner\",\"period\":\"month\",\"limitUsd\":$BUDGET_USD,\"hardLimit\":true}" \
    || die "raising the owner's budget failed"
}

run_case() {
  local name="$1" budgets="$2" data="$WORK/data-$1"
  rm -rf "$data" "$data.log"
  start_sample "$data" "$budgets"
  local key; key=$(api_key)
  if [[ "$budgets" == true ]]; then
    raise_owner_budget "$key"
    local n; n=$(curl -sf "$B/api/v1/budgets" -H "Authorization: Bearer $key" | jq 'length' 2>/dev/null || echo '?')
    log "$name: budgets in the tenant: $n (the sample's seeded role budgets, hard; the owner's raised to \$$BUDGET_USD a month)"
  fi
  log "$name: running the peers harness"
  (cd "$PEERS" && TARGET_URL="$B/v1/chat/completions" TARGET_NAME="$name" \
     TARGET_HEADERS="Authorization: Bearer $key" ./run-peers.sh) | tee "$WORK/$name.txt" >&2
  stop_sample
}

# ---------------------------------------------------------------- profile mode
TOOLS="$WORK/tools"
profile_case() {
  local name="$1" budgets="$2" data="$WORK/data-$1"
  rm -rf "$data" "$data.log"
  start_sample "$data" "$budgets"
  local key; key=$(api_key)
  [[ "$budgets" == true ]] && raise_owner_budget "$key"
  log "$name: warm-up $WARMUP, then $DURATION of wrk while dotnet-trace samples the sample (pid $SAMPLE_PID)"
  PROFILED_PID=$SAMPLE_PID
  wrk -t1 -c"$CONNS" -d"$WARMUP" -s "$PEERS/bench/chat.lua" -H "Authorization: Bearer $key" "$B/v1/chat/completions" >/dev/null
  local secs="${DURATION%s}"
  if [[ "$MODE" == perf ]]; then
    perf record -e cpu-clock -F 499 -a -g -o "$WORK/$name.perf.data" -- sleep "$secs" >"$WORK/$name.perf.log" 2>&1 &
  else
    "$TOOLS/dotnet-trace" collect -p "$SAMPLE_PID" --profile dotnet-sampled-thread-time \
      --duration "00:00:00:$(printf '%02d' "$secs")" -o "$WORK/$name.nettrace" >"$WORK/$name.trace.log" 2>&1 &
  fi
  local tracer=$!
  wrk -t1 -c"$CONNS" -d"$DURATION" --latency -s "$PEERS/bench/chat.lua" -H "Authorization: Bearer $key" "$B/v1/chat/completions" \
    | grep -E 'Requests/sec|RESULT' >&2
  wait "$tracer" || log "the profiler failed (see $WORK/$name.*.log)"
  stop_sample
  if [[ "$MODE" == perf ]]; then
    echo "## $name: CPU per thread name (perf, cpu-clock, whole machine; .NET threads are the sample's)"
    perf report -i "$WORK/$name.perf.data" --stdio --no-children --sort comm -g none 2>/dev/null | grep -E '^ +[0-9]' | head -12 || true
    echo "## $name: the sample's top symbols (self CPU; JIT-compiled code named through the perf map)"
    perf report -i "$WORK/$name.perf.data" --stdio --no-children --pid "$PROFILED_PID" --sort dso,sym -g none 2>/dev/null \
      | grep -E '^ +[0-9]' | head -"${TOP:-40}" | cut -c1-170 || true
    return
  fi
  "$TOOLS/dotnet-trace" convert --format Speedscope "$WORK/$name.nettrace" -o "$WORK/$name" >/dev/null
  echo "## $name: where the busy threads were (dotnet-trace thread-time samples, waits left out)"
  python3 "$ROOT/eng/tools/trace-top.py" "$WORK/$name.speedscope.json" -n "${TOP:-25}" --focus Sqlite --focus System.Net.Http | cut -c1-170
}

if [[ "$MODE" == profile || "$MODE" == perf ]]; then
  if [[ "$MODE" == perf ]]; then
    command -v perf >/dev/null || apt-get install -y -qq linux-perf >/dev/null
    # The sample writes /tmp/perf-<pid>.map, so perf names JIT-compiled frames (W^X off: JIT code at the addresses the map gives);
    # a longer warm-up lets tiered compilation finish first.
    export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
    WARMUP="${PERF_WARMUP:-30s}"
  fi
  [[ -x "$TOOLS/dotnet-trace" ]] || dotnet tool install --tool-path "$TOOLS" dotnet-trace --version 10.0.750501 >/dev/null
  NGINX_RUN="$WORK/upstream"; mkdir -p "$NGINX_RUN"
  nginx -p "$NGINX_RUN/" -e "$NGINX_RUN/nginx-error.log" -c "$PEERS/nginx/nginx.conf" &
  NGINX_PID=$!
  trap 'stop_sample; kill -TERM "$NGINX_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 1 50); do curl -sf -o /dev/null http://127.0.0.1:18081/healthz && break; sleep 0.1; done
  echo "# eng/bench-gateway.sh --$MODE, $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  profile_case foundation-budgets true
  profile_case foundation-nobudget false
  exit 0
fi

run_case foundation-budgets true
run_case foundation-nobudget false

# ---------------------------------------------------------------- one table
echo "# eng/bench-gateway.sh, $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $CONNS connections, $DURATION per run"
for f in foundation-budgets foundation-nobudget; do
  sed -n '/^target /,/^# add_/p' "$WORK/$f.txt" | sed "s/^/[$f run] /"
done
