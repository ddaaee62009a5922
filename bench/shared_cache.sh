#!/usr/bin/env bash
# svc status on 20 nodes, and a dashboard-like workload over two coordinators, without and
# then with a shared Redis. Two coordinators (127.0.0.1, .2) and 18 workers (.3-.20), all
# running the service `web` (release build).
#  - cold: `GET /v1/services/web` after its cached answer expired (a fan-out to 20 nodes);
#    warm: asked again at once (from memory); with Redis also "other": coordinator 2 asked
#    right after coordinator 1 built the answer (from Redis).
#  - dashboards: D clients, each asking every second for nodes, services, certificates and
#    web's status, each request to the next coordinator in turn, for S seconds; then each
#    coordinator's cache counters and how many fan-outs were made in all.
# Usage: bench/shared_cache.sh [DASHBOARDS] [SECONDS]   (needs curl, python3, redis-server;
# builds release unless P2P_BENCH_NO_BUILD is set)
set -euo pipefail
cd "$(dirname "$0")/.."
dashboards=${1:-10}
seconds=${2:-20}
[ -z "${P2P_BENCH_NO_BUILD:-}" ] && cargo build --release -q -p p2pd -p p2pctl
bin=$PWD/target/release
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; pkill -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT
export P2PD_PASSWORD=bench-password P2PCTL_CONFIG=$work/p2pctl.toml
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)

node_yaml() { # name host worker extra
  local dir=$work/$mode/$1
  mkdir -p "$dir/services"
  printf 'command: /bin/sh\nargs: ["-c", "while :; do sleep 1; done"]\n' > "$dir/services/web.yaml"
  cat > "$dir.yaml" <<YAML
node_id: $1
port: $port
bind_address: 127.0.0.$2
challenge_port: $((port + 1))
state_directory: $dir/state
services_directory: $dir/services
services_default_user: root
rate_limit_rpc_requests: 6000000
rate_limit_rpc_burst: 1000000
$4
YAML
  if [ "$3" = worker ]; then
    printf 'coordinator_mode: false\ncoordinator_addresses: ["127.0.0.1:%s"]\n' "$port" >> "$dir.yaml"
  elif [ "$1" != c1 ]; then
    printf 'coordinator_addresses: ["127.0.0.1:%s"]\n' "$port" >> "$dir.yaml"
  fi
}

start() { # name [token]
  if [ -n "${2:-}" ]; then
    P2PD_JOIN_TOKEN=$2 "$bin/p2pd" --config "$work/$mode/$1.yaml" 2>"$work/$mode/$1.log" &
  else
    "$bin/p2pd" --config "$work/$mode/$1.yaml" 2>"$work/$mode/$1.log" &
  fi
}

ready() { until grep -q "p2pd ready" "$work/$mode/$1.log"; do sleep 0.05; done; }

api() { # host path
  curl -sk "https://127.0.0.$1:$port$2" -H "Authorization: Bearer $token"
}

timed() { # host path -> ms
  curl -sk -o /dev/null -w '%{time_total}\n' "https://127.0.0.$1:$port$2" \
    -H "Authorization: Bearer $token" | python3 -c 'import sys; print(f"{float(sys.stdin.read())*1000:.1f}")'
}

summary() { # label values...
  python3 - "$@" <<'PY'
import statistics, sys
label, xs = sys.argv[1], sorted(float(x) for x in sys.argv[2:])
print(f"  {label}: p50 {statistics.median(xs):.1f} ms, max {xs[-1]:.1f} ms ({len(xs)} asks)")
PY
}

run_mode() { # mode extra-yaml
  mode=$1
  mkdir -p "$work/$mode"
  node_yaml c1 1 coordinator "$2"
  start c1; ready c1
  local pw
  pw=$(cat "$work/$mode/c1/state/initial-admin-password")
  rm -f "$P2PCTL_CONFIG"
  fp=$(grep -o 'ca_fingerprint=SHA256:[0-9a-f]*' "$work/$mode/c1.log" | head -1 | cut -d= -f2)
  P2PCTL_PASSWORD=$pw "$bin/p2pctl" login --server "https://127.0.0.1:$port" \
    --ca-fingerprint "$fp" --user admin >/dev/null
  token=$(curl -sk "https://127.0.0.1:$port/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"user\":\"admin\",\"password\":\"$pw\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  node_yaml c2 2 coordinator "$2"
  start c2 "$("$bin/p2pctl" token create --coordinator --ttl 10m 2>/dev/null)"; ready c2
  local wt
  wt=$("$bin/p2pctl" token create --uses 18 --ttl 10m 2>/dev/null)
  for h in $(seq 3 20); do node_yaml "w$h" "$h" worker "$2"; start "w$h" "$wt"; done
  for h in $(seq 3 20); do ready "w$h"; done
  until [ "$(api 1 /v1/services/web | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("instances",[])))' 2>/dev/null)" = 20 ]; do sleep 0.5; done
  until [ "$(api 2 /v1/services/web | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("instances",[])))' 2>/dev/null)" = 20 ]; do sleep 0.5; done
  echo "$mode: svc status of web on 20 nodes (curl, a new TLS connection each):"
  local cold=() warm=() other=()
  for _ in $(seq 10); do
    sleep 1.2
    cold+=("$(timed 1 /v1/services/web)")
    warm+=("$(timed 1 /v1/services/web)")
    other+=("$(timed 2 /v1/services/web)")
  done
  summary "cold (a fan-out)" "${cold[@]}"
  summary "warm (kept by the same coordinator)" "${warm[@]}"
  summary "the other coordinator, right after" "${other[@]}"
  before1=$(api 1 /v1/cache); before2=$(api 2 /v1/cache)
  for d in $(seq "$dashboards"); do
    (
      end=$((SECONDS + seconds)); i=$d
      while [ $SECONDS -lt $end ]; do
        for p in /v1/nodes /v1/services /v1/certs /v1/services/web; do
          api $((i % 2 + 1)) "$p" >/dev/null; i=$((i + 1))
        done
        sleep 1
      done
    ) &
  done
  wait_dashboards=$(jobs -p | tail -n "$dashboards")
  # shellcheck disable=SC2086
  wait $wait_dashboards
  python3 - "$before1" "$before2" "$(api 1 /v1/cache)" "$(api 2 /v1/cache)" "$dashboards" "$seconds" <<'PY'
import json, sys
b1, b2, a1, a2 = (json.loads(x) for x in sys.argv[1:5])
d, s = sys.argv[5], int(sys.argv[6])
def delta(before, after):
    old = {c["name"]: c for c in before["caches"]}
    return {c["name"]: {k: c[k] - old.get(c["name"], {}).get(k, 0) for k in ("hits", "misses")} for c in after["caches"]}
fanouts = 0
print(f"  {d} dashboards for {s} s, round-robin over 2 coordinators:")
for name, (b, a) in (("coordinator 1", (b1, a1)), ("coordinator 2", (b2, a2))):
    x = delta(b, a)
    parts = []
    for cache in ("credentials", "store_certs", "service_status", "shared_values"):
        if cache in x:
            h, m = x[cache]["hits"], x[cache]["misses"]
            parts.append(f"{cache} {h}/{h + m} hits ({h / max(h + m, 1) * 100:.0f}%)")
    shared_hits = x.get("shared_values", {}).get("hits", 0)
    fanouts += x["service_status"]["misses"] - shared_hits
    print(f"    {name}: " + ", ".join(parts))
print(f"    fan-outs of web's status in all: {fanouts} ({fanouts / s:.2f}/s)")
PY
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
}

run_mode memory ""
redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
  --logfile "$work/redis.log" &
until redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; do sleep 0.05; done
run_mode redis "redis_url: redis://127.0.0.1:$redis_port"
