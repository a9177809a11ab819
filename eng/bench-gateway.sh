#!/usr/bin/env bash
# Gateway overhead with and without budgets (issue 12), in one run of the loopback peers harness:
#   Portkey, the bare .NET floor and the sample (published Release, SQLite, rate limits off) forwarding to the
#   harness' fake upstream, (1) with the sample's hard role budget applying to the caller, (2) with budgets off.
# Installs what it needs (nginx-light and wrk with apt-get when missing; Portkey with npm ci in a copy of the harness),
# copies ../shared/peers (PEERS_SRC) to $TMPDIR/foundation-bench-gateway/peers (PEERS_DIR), and prints one table.
# Usage: eng/bench-gateway.sh   (run it under /work/bin/cpu --exclusive on a shared machine)
# Knobs: PEERS_SRC, DURATION (10s), WARMUP (5s), CONNS (16), PORT (5080); the harness' own knobs pass through.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS_SRC="${PEERS_SRC:-$ROOT/../shared/peers}"
[[ -d "$PEERS_SRC" ]] || PEERS_SRC=/work/shared/peers
WORK="$ROOT/artifacts/bench-gateway"
# Outside the repository: the repository's Directory.Build.props (analyzers, warnings as errors) must not apply to the floor.
PEERS="${PEERS_DIR:-${TMPDIR:-/tmp}/foundation-bench-gateway/peers}"
PORT="${PORT:-5080}"
B="http://127.0.0.1:$PORT"
export DURATION="${DURATION:-10s}" WARMUP="${WARMUP:-5s}" CONNS="${CONNS:-16}"
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

run_case() {
  local name="$1" budgets="$2" data="$WORK/data-$1"
  rm -rf "$data" "$data.log"
  start_sample "$data" "$budgets"
  local key; key=$(api_key)
  if [[ "$budgets" == true ]]; then
    local n; n=$(curl -sf "$B/api/v1/budgets" -H "Authorization: Bearer $key" | jq 'length' 2>/dev/null || echo '?')
    log "$name: budgets applying in the tenant: $n (the sample's seeded role budgets; hard, \$1 a month per owner)"
  fi
  log "$name: running the peers harness"
  (cd "$PEERS" && TARGET_URL="$B/v1/chat/completions" TARGET_NAME="$name" \
     TARGET_HEADERS="Authorization: Bearer $key" ./run-peers.sh) | tee "$WORK/$name.txt" >&2
  stop_sample
}

run_case foundation-budgets true
run_case foundation-nobudget false

# ---------------------------------------------------------------- one table
echo "# eng/bench-gateway.sh, $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $CONNS connections, $DURATION per run"
for f in foundation-budgets foundation-nobudget; do
  sed -n '/^target /,/^# add_/p' "$WORK/$f.txt" | sed "s/^/[$f run] /"
done
