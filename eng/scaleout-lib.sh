# eng/scaleout-lib.sh: shared by eng/load-scaleout.sh and eng/soak.sh (sourced, not run). Starts, on 127.0.0.1 only:
#   - a fresh PostgreSQL database (dropped at exit) on the server of PG_HOST/PG_PORT/PG_USER/PG_PASSWORD
#   - nginx: the load balancer (round robin over the instances) and a fake OpenAI-compatible upstream (`return 200` with a fixed
#     usage of 100 + 100 tokens), each in a temporary prefix, `daemon off`
#   - N sample processes (`dotnet Foundation.Sample.Web.dll`), each with its own data directory and port, configured by environment
# Everything started is stopped by its PID in `scaleout_cleanup` (the sourcing script traps EXIT), bounded in time.
# Knobs: SAMPLE_DLL (default: publish the sample, Release, into artifacts/scaleout/sample), PG_* (defaults: the test cluster's
# 127.0.0.1:5432 foundation/foundation), REDIS (a StackExchange.Redis configuration, e.g. 127.0.0.1:6379; only for the Redis cases).

SCALEOUT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCALEOUT_WORK="${SCALEOUT_WORK:-$SCALEOUT_ROOT/artifacts/scaleout}"
PG_HOST="${PG_HOST:-127.0.0.1}" PG_PORT="${PG_PORT:-5432}" PG_USER="${PG_USER:-foundation}" PG_PASSWORD="${PG_PASSWORD:-foundation}"
SCALEOUT_PIDS=()
SCALEOUT_DB=""
SCALEOUT_TMP=""
INSTANCE_PIDS=()
INSTANCE_PORTS=()
BALANCER_PORT=""
UPSTREAM_PORT=""

slog() { printf '[%s %s] %s\n' "${SCALEOUT_NAME:-scaleout}" "$(date +%H:%M:%S)" "$*" >&2; }
sdie() { slog "ERROR: $*"; exit 1; }

scaleout_require() {
  local tool missing=()
  for tool in dotnet nginx wrk curl jq psql "$@"; do
    command -v "$tool" >/dev/null || [[ -x "/usr/sbin/$tool" ]] || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) || sdie "missing: ${missing[*]} (apt-get install nginx wrk jq curl postgresql-client)"
}

nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

scaleout_sample() {
  if [[ -n "${SAMPLE_DLL:-}" ]]; then
    [[ -f "$SAMPLE_DLL" ]] || sdie "SAMPLE_DLL=$SAMPLE_DLL does not exist"
    SAMPLE_DLL="$(cd "$(dirname "$SAMPLE_DLL")" && pwd)/$(basename "$SAMPLE_DLL")"
    return
  fi
  mkdir -p "$SCALEOUT_WORK"
  slog "publishing the sample (Release) into $SCALEOUT_WORK/sample"
  dotnet publish "$SCALEOUT_ROOT/samples/Foundation.Sample.Web" -c Release -o "$SCALEOUT_WORK/sample" >"$SCALEOUT_WORK/publish.log" 2>&1 ||
    sdie "publish failed (see $SCALEOUT_WORK/publish.log)"
  SAMPLE_DLL="$SCALEOUT_WORK/sample/Foundation.Sample.Web.dll"
}

psql_admin() { PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"; }

scaleout_database() {
  SCALEOUT_DB="foundation_load_$(date +%s)_$$"
  psql_admin -c "CREATE DATABASE \"$SCALEOUT_DB\"" >/dev/null || sdie "cannot create a database on $PG_HOST:$PG_PORT as $PG_USER"
  slog "database $SCALEOUT_DB on $PG_HOST:$PG_PORT"
}

scaleout_connection_string() {
  # Maximum Pool Size: N instances x pool must stay under the server's max_connections (100 by default); see docs/scale-out.md.
  printf 'Host=%s;Port=%s;Username=%s;Password=%s;Database=%s;Maximum Pool Size=%s' \
    "$PG_HOST" "$PG_PORT" "$PG_USER" "$PG_PASSWORD" "$SCALEOUT_DB" "${POOL_SIZE:-25}"
}

# scaleout_nginx <instance ports...>: the balancer over them and the fake upstream, in one nginx.
scaleout_nginx() {
  [[ -n "$SCALEOUT_TMP" ]] || SCALEOUT_TMP="$(mktemp -d "${TMPDIR:-/tmp}/foundation-scaleout.XXXXXX")"
  local prefix="$SCALEOUT_TMP/nginx-$RANDOM" servers="" port user=""
  mkdir -p "$prefix"
  for port in "$@"; do servers+="        server 127.0.0.1:$port max_fails=1 fail_timeout=2s;"$'\n'; done
  BALANCER_PORT="$(free_port)"
  [[ $(id -u) -eq 0 ]] && user="user root;"
  cat >"$prefix/nginx.conf" <<NGINX
$user
daemon off;
worker_processes 2;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $prefix/client_body;
    proxy_temp_path $prefix/proxy;
    fastcgi_temp_path $prefix/fastcgi;
    uwsgi_temp_path $prefix/uwsgi;
    scgi_temp_path $prefix/scgi;
    upstream foundation {
$servers        keepalive 64;
    }
    server {
        listen 127.0.0.1:$BALANCER_PORT;
        location / {
            proxy_pass http://foundation;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
        }
    }
    server {
        listen 127.0.0.1:$UPSTREAM_PORT;
        location /v1/chat/completions {
            default_type application/json;
            return 200 '{"id":"chatcmpl-load","object":"chat.completion","created":1764720000,"model":"fake1","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":100,"total_tokens":200}}';
        }
    }
}
NGINX
  "$(nginx_bin)" -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" >"$prefix/out.log" 2>&1 &
  NGINX_PID=$!
  disown "$NGINX_PID" # stopped by PID below; no job-status noise
  SCALEOUT_PIDS+=("$NGINX_PID")
  local i
  for ((i = 0; i < 100; i++)); do
    curl -sf -o /dev/null "http://127.0.0.1:$BALANCER_PORT/health/live" && return 0
    kill -0 "$NGINX_PID" 2>/dev/null || sdie "nginx exited: $(cat "$prefix/error.log" "$prefix/out.log" 2>/dev/null | tail -5)"
    sleep 0.1
  done
  sdie "nginx does not proxy /health/live on 127.0.0.1:$BALANCER_PORT"
}

scaleout_stop_nginx() {
  if [[ -n "${NGINX_PID:-}" ]] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -TERM "$NGINX_PID" 2>/dev/null || true
    timeout 10 tail --pid="$NGINX_PID" -f /dev/null || kill -KILL "$NGINX_PID" 2>/dev/null || true
  fi
  NGINX_PID=""
}

# scaleout_instances <count> <redis: on|off>: starts the instances and waits (bounded) for /health/ready.
scaleout_instances() {
  local count="$1" redis="$2" i port data
  [[ -n "$SCALEOUT_TMP" ]] || SCALEOUT_TMP="$(mktemp -d "${TMPDIR:-/tmp}/foundation-scaleout.XXXXXX")"
  INSTANCE_PIDS=() INSTANCE_PORTS=()
  for ((i = 0; i < count; i++)); do
    port="$(free_port)"
    data="$SCALEOUT_TMP/data-$RANDOM-$i"
    mkdir -p "$data"
    local extra=()
    if [[ "$redis" == on ]]; then
      extra+=("Foundation__Redis__Configuration=$REDIS" "Foundation__Redis__KeyPrefix=foundation-load-$$:")
    fi
    (cd "$(dirname "$SAMPLE_DLL")" && exec env ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production \
      Foundation__DataDirectory="$data" \
      Foundation__Database__Provider=PostgreSql \
      Foundation__Database__ConnectionString="$(scaleout_connection_string)" \
      Foundation__Hosting__HttpsRedirection=false \
      Foundation__Hosting__RateLimiting__General__PermitLimit=1000000 \
      Foundation__Hosting__RateLimiting__Api__PermitLimit=1000000 \
      Foundation__Hosting__RateLimiting__Auth__PermitLimit=1000000 \
      Foundation__Hosting__RateLimiting__Llm__PermitLimit=1000000 \
      Foundation__Auth__AllowSelfRegistrationIntoNamedTenants=true \
      Foundation__Llm__Providers__upstream__Type=OpenAICompatible \
      Foundation__Llm__Providers__upstream__BaseUrl="http://127.0.0.1:$UPSTREAM_PORT/v1" \
      Foundation__Llm__Providers__upstream__ApiKey=sk-load-0000000000000000 \
      Foundation__Llm__Models__chat__Deployments__0__Provider=upstream \
      Foundation__Llm__Models__chat__Deployments__0__Model=fake1 \
      Foundation__Costing__Prices__upstream__fake1__InputPerMillion=1 \
      Foundation__Costing__Prices__upstream__fake1__OutputPerMillion=2 \
      Logging__LogLevel__Default=Warning \
      "${extra[@]}" \
      dotnet "$SAMPLE_DLL" --urls "http://127.0.0.1:$port") >"$data.log" 2>&1 &
    INSTANCE_PIDS+=($!)
    INSTANCE_PORTS+=("$port")
    SCALEOUT_PIDS+=($!)
    disown $!
  done
  for ((i = 0; i < count; i++)); do
    local j ok=0
    for ((j = 0; j < 300; j++)); do
      if curl -sf -o /dev/null "http://127.0.0.1:${INSTANCE_PORTS[$i]}/health/ready"; then ok=1; break; fi
      kill -0 "${INSTANCE_PIDS[$i]}" 2>/dev/null || break
      sleep 0.2
    done
    if ((!ok)); then
      local log
      log="$(ls -t "$SCALEOUT_TMP"/data-*-"$i".log | head -1)"
      if grep -q "Foundation:Redis" "$log" 2>/dev/null; then
        INSTANCES_ERROR="this build does not know Foundation:Redis:Configuration"
      else
        INSTANCES_ERROR="instance $i did not become ready: $(tail -3 "$log" | tr '\n' ' ')"
      fi
      return 1
    fi
  done
}

scaleout_stop_instances() {
  local pid
  for pid in "${INSTANCE_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${INSTANCE_PIDS[@]}"; do
    timeout 20 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  done
  INSTANCE_PIDS=() INSTANCE_PORTS=()
}

# scaleout_api_key: an owner of a new tenant, a roomy hard budget (so the lease path runs), and an API key; prints the key.
scaleout_api_key() {
  local b="http://127.0.0.1:$BALANCER_PORT" tenant="load$RANDOM$RANDOM" email="load@example.com" password="violet kettle drum marsh 42" at
  curl -sf -o /dev/null -X POST "$b/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\",\"tenant\":\"$tenant\"}" || sdie "register failed"
  at=$(curl -sf -X POST "$b/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\",\"tenant\":\"$tenant\"}" | jq -r .accessToken) || sdie "login failed"
  curl -sf -o /dev/null -X POST "$b/api/v1/budgets" -H 'Content-Type: application/json' -H "Authorization: Bearer $at" \
    -d '{"name":"load","scope":"tenant","period":"day","limitUsd":1000000,"hardLimit":true}' || sdie "budget failed"
  curl -sf -X POST "$b/api/v1/api-keys" -H 'Content-Type: application/json' -H "Authorization: Bearer $at" \
    -d '{"name":"load"}' | jq -r .key
}

# scaleout_wrk_script <api key> <file>: POSTs a chat completion of 400 characters (100 input tokens), max 100 output tokens;
# prints one RESULT line (requests, seconds, non-2xx, socket errors, p50/p90/p99/max in ms).
scaleout_wrk_script() {
  local prompt
  prompt="$(printf 'x%.0s' $(seq 1 400))"
  cat >"$2" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"chat","max_tokens":100,"messages":[{"role":"user","content":"$prompt"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $1"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.3f %d %d %.2f %.2f %.2f %.2f\n", summary.requests, summary.duration / 1e6, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
LUA
}

scaleout_cleanup() {
  local rc=$?
  scaleout_stop_instances
  scaleout_stop_nginx
  local pid
  for pid in "${SCALEOUT_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [[ -n "$SCALEOUT_DB" ]]; then psql_admin -c "DROP DATABASE IF EXISTS \"$SCALEOUT_DB\" WITH (FORCE)" >/dev/null 2>&1 || true; fi
  if [[ -n "$SCALEOUT_TMP" && -z "${KEEP_LOGS:-}" ]]; then rm -rf "$SCALEOUT_TMP"; fi
  exit "$rc"
}
