#!/usr/bin/env bash
# The credential cache: h2load on one coordinator (release, the limiter on with budgets
# no client exhausts) against GET /v1/health (no authentication) and the authenticated
# GET /v1/auth/whoami and GET /v1/nodes, alternating, three rounds; then the cache's
# counters.
# Usage: bench/cache.sh [REQUESTS]   (needs h2load, curl, python3; builds release unless
# P2P_BENCH_NO_BUILD is set; with P2P_BENCH_REDIS set, the coordinator uses a redis-server
# started here, so every request also spends from the shared rate budget in Redis)
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-50000}
[ -z "${P2P_BENCH_NO_BUILD:-}" ] && cargo build --release -q -p p2pd -p p2pctl
bin=$PWD/target/release
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export P2PD_PASSWORD=bench-password
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/c.yaml" <<YAML
node_id: c
port: $port
bind_address: 127.0.0.1
challenge_port: $((port + 1))
state_directory: $work/c
rate_limit_rpc_requests: 6000000
rate_limit_rpc_burst: 1000000
YAML
if [ -n "${P2P_BENCH_REDIS:-}" ]; then
  redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --logfile "$work/redis.log" &
  until redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; do sleep 0.05; done
  echo "redis_url: redis://127.0.0.1:$redis_port" >> "$work/c.yaml"
fi
"$bin/p2pd" --config "$work/c.yaml" 2>"$work/c.log" &
until grep -q "p2pd ready" "$work/c.log"; do sleep 0.05; done
pw=$(cat "$work/c/initial-admin-password")
token=$(curl -sk "https://127.0.0.1:$port/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"user\":\"admin\",\"password\":\"$pw\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
rate() { # path
  h2load -n "$requests" -c 16 -m 10 -t 1 -H "Authorization: Bearer $token" \
    "https://127.0.0.1:$port$1" 2>/dev/null | tee -a "$work/h2load.out" | awk '/^finished in/ {gsub(",", "", $4); print $4} /^status codes/ {if ($3 != "'"$requests"'") print "  (not all 2xx: " $0 ")"}'
}
echo "requests/s (h2load -n $requests -c 16 -m 10, alternating):"
for round in 1 2 3; do
  h=$(rate /v1/health | head -1); w=$(rate /v1/auth/whoami | head -1); n=$(rate /v1/nodes | head -1)
  python3 -c "h,w,n=float('$h'),float('$w'),float('$n'); print(f'  round $round: health {h:.0f}, whoami {w:.0f} ({w/h*100:.0f}%), nodes {n:.0f} ({n/h*100:.0f}%)')"
done
grep -h "^status codes" "$work/h2load.out" | sort | uniq -c | head -5
curl -sk "https://127.0.0.1:$port/v1/cache" -H "Authorization: Bearer $token" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["caches"]:
    print("cache {name}: {entries} entries, {bytes} B of {capacity_bytes}, {hits} hits, {misses} misses".format(**c))'
