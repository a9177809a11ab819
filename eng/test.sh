#!/usr/bin/env bash
# eng/test.sh: THE test command of Foundation. CI runs it (through .ci/run) on a clean clone of a fresh machine.
#
#   ./eng/test.sh                    install what the tests need, start PostgreSQL, run every test
#   ./eng/test.sh --filter EXPR      pass a test filter to `dotnet test` (e.g. "Category!=Packaging")
#   ./eng/test.sh --no-install       skip the apt/npm install step (everything must already be there)
#   ./eng/test.sh -- ARGS...         pass further arguments to `dotnet test`
#
# Phases:
#   1. install    Debian packages (postgresql 15, prometheus, jq, oathtool, zbar-tools, python3, nginx) when missing, `npm ci` in eng/node
#   2. postgres   start Debian's 15/main cluster on 127.0.0.1, ensure role `foundation` (CREATEDB, pg_signal_backend) and
#                 database `foundation_test`, export FOUNDATION_TEST_POSTGRES, check it with psql
#   2b. redis     start a private redis-server (Debian's) on 127.0.0.1 and a free port, export FOUNDATION_TEST_REDIS (host:port)
#   3. test       dotnet test Foundation.sln -c Release, TRX files in artifacts/test-results/
#   4. summary    the last line is `N passed, N failed, N skipped`, summed over every test project
# On exit the PostgreSQL cluster is stopped again if a run of this script started it (and no other run
# of this script on the machine is still using it); the private redis-server is always stopped.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

FILTER=""
INSTALL=1
EXTRA_ARGS=()
while (($#)); do
  case "$1" in
    --filter) [[ $# -ge 2 ]] || { echo "--filter needs a value" >&2; exit 2; }; FILTER="$2"; shift 2 ;;
    --filter=*) FILTER="${1#--filter=}"; shift ;;
    --no-install) INSTALL=0; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; EXTRA_ARGS+=("$@"); break ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

CI="${CI:-false}"
export CI
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=1 DOTNET_CLI_UI_LANGUAGE=en
# No build server may outlive the run (they would hold the output pipe open and make CI hang).
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDTERMINALLOGGER=off

PG_VERSION=15
PG_CLUSTER="${FOUNDATION_TEST_PG_CLUSTER:-main}" # another name only to try this script on a scratch cluster
PG_PORT=""
PG_USER=foundation
PG_PASSWORD=foundation
PG_DATABASE=foundation_test
APT_PACKAGES=(postgresql prometheus jq oathtool zbar-tools python3 nginx)
APT_PACKAGES+=(redis-server) # Foundation:Redis tests (shared rate limits, cache invalidation, key ring)
REDIS_DIR=""
REDIS_PORT=""
RESULTS_DIR="$ROOT/artifacts/test-results"
# Shared by every run of this script on the machine (several worktrees may test at once).
PG_STATE_DIR="${TMPDIR:-/tmp}/foundation-test-postgres/$PG_VERSION-$PG_CLUSTER"

log() { printf '[test.sh %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[test.sh] ERROR: %s\n' "$*" >&2; exit 1; }

PHASES=()
phase_begin() { PHASE_NAME="$1"; PHASE_START=$SECONDS; log "== $1"; }
phase_end() { PHASES+=("$PHASE_NAME $((SECONDS - PHASE_START))s"); }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}
as_postgres() {
  # From / so that the postgres user is not refused our working directory.
  if [[ $(id -u) -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else (cd / && sudo -n -u postgres "$@"); fi
}

# ---------------------------------------------------------------- 1. install
install_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    if [[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true) != installed ]]; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    log "apt: ${APT_PACKAGES[*]} already installed"
    return
  fi

  log "apt: installing ${missing[*]}"
  local apt_log policy_added=0
  apt_log="$(mktemp)"
  # Keep package scripts from starting services (prometheus would listen on every interface):
  # this script starts what the tests need itself, on loopback.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod +x /usr/sbin/policy-rc.d
    policy_added=1
  fi
  local ok=1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$apt_log" 2>&1 || ok=0
  if ((ok)); then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >>"$apt_log" 2>&1 || ok=0
  fi
  if ((policy_added)); then as_root rm -f /usr/sbin/policy-rc.d; fi
  if ((!ok)); then
    cat "$apt_log" >&2
    rm -f "$apt_log"
    die "apt-get failed to install ${missing[*]}"
  fi
  rm -f "$apt_log"
}

install_node_packages() {
  local dir="$ROOT/eng/node"
  [[ -f "$dir/package.json" || -f "$dir/package-lock.json" ]] || return 0
  command -v npm >/dev/null || die "npm is not on PATH (Node.js is needed for eng/node)"
  local stamp="$dir/node_modules/.foundation-install-stamp" want
  want="$(cat "$dir/package.json" "$dir/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    log "npm: eng/node is up to date"
    return
  fi
  log "npm: npm ci in eng/node"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in eng/node"
  printf '%s\n' "$want" >"$stamp"
}

check_tools() {
  local tool missing=()
  for tool in pg_ctlcluster pg_lsclusters pg_createcluster pg_conftool psql pg_isready promtool prometheus jq oathtool zbarimg node; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) || die "missing tools: ${missing[*]} (run without --no-install?)"
}

# ---------------------------------------------------------------- 2. postgres
cluster_field() { # $1 = column number of pg_lsclusters
  pg_lsclusters --no-header 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" -v f="$1" '$1 == v && $2 == c { print $f }'
}
port_listening() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
port_claimed_by_other_cluster() {
  pg_lsclusters --no-header 2>/dev/null |
    awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" -v p="$1" '!($1 == v && $2 == c) && $3 == p { found = 1 } END { exit !found }'
}

configure_stopped_cluster() {
  local listen
  listen="$(pg_conftool -s "$PG_VERSION" "$PG_CLUSTER" show listen_addresses 2>/dev/null || true)"
  if [[ -n "$listen" && "$listen" != localhost && "$listen" != 127.0.0.1 ]]; then
    log "postgres: listen_addresses was '$listen'; setting it to 127.0.0.1"
    as_root pg_conftool "$PG_VERSION" "$PG_CLUSTER" set listen_addresses 127.0.0.1
  fi

  local port
  port="$(cluster_field 3)"
  if port_claimed_by_other_cluster "$port" || port_listening "$port"; then
    local candidate new_port=""
    for ((candidate = 5432; candidate < 5533; candidate++)); do
      if ! port_claimed_by_other_cluster "$candidate" && ! port_listening "$candidate"; then
        new_port=$candidate
        break
      fi
    done
    [[ -n "$new_port" ]] || die "no free port for PostgreSQL between 5432 and 5532"
    log "postgres: port $port is taken (by another cluster in pg_lsclusters or another process); moving $PG_VERSION/$PG_CLUSTER to port $new_port"
    as_root pg_conftool "$PG_VERSION" "$PG_CLUSTER" set port "$new_port"
  fi
}

start_postgres() {
  mkdir -p "$PG_STATE_DIR"
  chmod 1777 "${PG_STATE_DIR%/*}" 2>/dev/null || true
  exec 9>"$PG_STATE_DIR/lock"
  flock 9
  touch "$PG_STATE_DIR/user.$$"

  if [[ -z "$(cluster_field 1)" ]]; then
    log "postgres: creating cluster $PG_VERSION/$PG_CLUSTER"
    as_root pg_createcluster "$PG_VERSION" "$PG_CLUSTER" >/dev/null
  fi
  if [[ "$(cluster_field 4)" == online* ]]; then
    log "postgres: $PG_VERSION/$PG_CLUSTER already running (left running at exit)"
  else
    configure_stopped_cluster
    log "postgres: starting $PG_VERSION/$PG_CLUSTER"
    if ! as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start; then
      tail -n 30 "$(cluster_field 7)" >&2 2>/dev/null || true
      die "pg_ctlcluster $PG_VERSION $PG_CLUSTER start failed"
    fi
    touch "$PG_STATE_DIR/started-by-test-sh"
  fi
  flock -u 9

  PG_PORT="$(cluster_field 3)"
  local i
  for ((i = 0; i < 60; i++)); do
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.5
  done
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" ||
    die "PostgreSQL $PG_VERSION/$PG_CLUSTER does not accept TCP connections on 127.0.0.1:$PG_PORT (check listen_addresses)"

  as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres >/dev/null <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END
\$\$;
-- The tests drop their databases WITH (FORCE); an autovacuum worker still in such a database belongs to no role,
-- and only pg_signal_backend may end it (otherwise: 42501 "must be a member of the role whose process is being terminated").
GRANT pg_signal_backend TO $PG_USER;
SQL
  if [[ "$(as_postgres psql -X -tA -p "$PG_PORT" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != 1 ]]; then
    as_postgres createdb -p "$PG_PORT" -O "$PG_USER" "$PG_DATABASE"
  fi

  export FOUNDATION_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=$PG_USER;Password=$PG_PASSWORD;Database=$PG_DATABASE"
  local answer
  answer="$(PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -tA -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DATABASE" \
    -c "SELECT current_user || ' ' || rolcreatedb FROM pg_roles WHERE rolname = current_user" 2>&1)" ||
    die "cannot connect as $PG_USER to 127.0.0.1:$PG_PORT/$PG_DATABASE: $answer"
  [[ "$answer" == "$PG_USER true" ]] || die "unexpected answer from PostgreSQL as $PG_USER: '$answer' (expected '$PG_USER true': a login role with CREATEDB)"
  log "postgres: FOUNDATION_TEST_POSTGRES=$FOUNDATION_TEST_POSTGRES (checked with psql)"
}

stop_postgres() {
  [[ -f "$PG_STATE_DIR/user.$$" ]] || return 0
  exec 9>"$PG_STATE_DIR/lock"
  flock 9
  rm -f "$PG_STATE_DIR/user.$$"
  local user others=0
  for user in "$PG_STATE_DIR"/user.*; do
    [[ -e "$user" ]] || continue
    if kill -0 "${user##*.}" 2>/dev/null; then others=1; else rm -f "$user"; fi
  done
  if [[ -f "$PG_STATE_DIR/started-by-test-sh" ]]; then
    if ((others)); then
      log "postgres: another eng/test.sh run still uses $PG_VERSION/$PG_CLUSTER; leaving it running"
    else
      log "postgres: stopping $PG_VERSION/$PG_CLUSTER"
      as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop -m fast || log "postgres: stop failed"
      rm -f "$PG_STATE_DIR/started-by-test-sh"
    fi
  fi
  flock -u 9
}

# ---------------------------------------------------------------- 2b. redis
# A redis-server of this run only (no persistence, loopback, a free port): tests never share it with another run.
start_redis() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || die "missing tools: redis-server redis-cli (run without --no-install?)"
  REDIS_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  REDIS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/foundation-test-redis.XXXXXX")"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes --save '' --appendonly no \
    --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --daemonize yes >/dev/null \
    || die "redis-server did not start (see $REDIS_DIR/redis.log)"
  local i
  for i in $(seq 1 100); do
    [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]] && break
    ((i < 100)) || die "redis-server on port $REDIS_PORT does not answer PING (see $REDIS_DIR/redis.log)"
    sleep 0.1
  done
  export FOUNDATION_TEST_REDIS="127.0.0.1:$REDIS_PORT"
  log "redis: FOUNDATION_TEST_REDIS=$FOUNDATION_TEST_REDIS (checked with redis-cli ping)"
}

stop_redis() {
  [[ -n "$REDIS_DIR" ]] || return 0
  local pid i
  pid="$(cat "$REDIS_DIR/redis.pid" 2>/dev/null || true)"
  if [[ -n "$pid" ]]; then
    log "redis: stopping the redis-server on port $REDIS_PORT"
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do # gone, or a zombie waiting for its parent to reap it
      kill -0 "$pid" 2>/dev/null && [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" != Z* ]] || break
      sleep 0.1
    done
  fi
  rm -rf "$REDIS_DIR"
  REDIS_DIR=""
}

cleanup() {
  local rc=$?
  stop_redis || true
  stop_postgres || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- 3. test, 4. summary
test_projects() {
  local project
  dotnet sln Foundation.sln list | tr -d '\r' | grep -E '\.csproj$' | sed 's#\\#/#g' | while read -r project; do
    if grep -qE 'Microsoft\.NET\.Test\.Sdk|<IsTestProject>\s*true' "$project" 2>/dev/null; then
      echo "$project"
    fi
  done
}

counter() { # $1 = <Counters .../> element, $2 = attribute
  sed -n "s/.* $2=\"\([0-9]*\)\".*/\1/p" <<<"$1"
}

summarize() {
  local test_rc=$1 expected=$2
  local passed=0 failed=0 skipped=0 files=0 trx counters total executed
  shopt -s nullglob
  for trx in "$RESULTS_DIR"/*.trx; do
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
    [[ -n "$counters" ]] || continue
    files=$((files + 1))
    total=$(counter "$counters" total)
    executed=$(counter "$counters" executed)
    passed=$((passed + $(counter "$counters" passed)))
    failed=$((failed + $(counter "$counters" failed) + $(counter "$counters" error) + $(counter "$counters" timeout) + $(counter "$counters" aborted)))
    skipped=$((skipped + total - executed))
  done
  shopt -u nullglob
  if ((files < expected)); then
    log "only $files of $expected test projects wrote results (a build failure or a crashed test host): each missing one counts as 1 failed"
    failed=$((failed + expected - files))
  fi
  if ((test_rc != 0 && failed == 0)); then
    log "dotnet test exited with $test_rc although no test failed: counted as 1 failed"
    failed=1
  fi
  echo
  log "phases: ${PHASES[*]}"
  echo "$passed passed, $failed failed, $skipped skipped"
  if ((failed > 0)); then
    SUMMARY_RC=1
  else
    SUMMARY_RC=0
  fi
}

if ((INSTALL)); then
  phase_begin install
  install_apt_packages
  install_node_packages
  phase_end
fi
check_tools

phase_begin postgres
start_postgres
phase_end

phase_begin redis
start_redis
phase_end

phase_begin test
rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"
mapfile -t PROJECTS < <(test_projects)
((${#PROJECTS[@]} > 0)) || die "Foundation.sln lists no test project"
log "test projects: ${PROJECTS[*]}"
TEST_ARGS=(test Foundation.sln -c Release
  --results-directory "$RESULTS_DIR"
  --logger trx
  --logger "console;verbosity=normal"
  --blame-hang-timeout 20m --blame-hang-dump-type none
  -nodeReuse:false --disable-build-servers)
if [[ -n "$FILTER" ]]; then TEST_ARGS+=(--filter "$FILTER"); fi
set +e
dotnet "${TEST_ARGS[@]}" "${EXTRA_ARGS[@]}" </dev/null
TEST_RC=$?
set -e
phase_end

# Stop PostgreSQL now (not only in the EXIT trap) so that the summary stays the last line printed.
phase_begin stop
stop_redis
stop_postgres
phase_end

summarize "$TEST_RC" "${#PROJECTS[@]}"
exit "$SUMMARY_RC"
