#!/usr/bin/env bash
# Live events on loopback. Latency from cause to a WebSocket client of the coordinator: a
# line printed by a service on a worker, a service's state change on a worker (it exits;
# the change is its backoff), and a sample taken on a worker (sampling every 500 ms there),
# N of each. Then fan-out: NODES nodes (a coordinator and NODES-1 workers sampling every
# 2 s) and CLIENTS sockets on the coordinator subscribed to metrics for SECONDS, with the
# coordinator's CPU and RSS beside the same window without subscribers.
# Usage: bench/events.sh [N] [NODES] [CLIENTS] [SECONDS]   (builds release unless
# P2P_BENCH_NO_BUILD is set)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
nodes=${2:-50}
clients=${3:-100}
secs=${4:-60}
if [ -z "${P2P_BENCH_NO_BUILD:-}" ]; then
  cargo build --release -q -p p2pd -p p2pctl
  cargo build --release -q -p p2p-tests --example events_bench
fi
bin=$PWD/target/release
work=$(mktemp -d)
# As root, services run as `nobody`: let them into the work directory, and give the
# flapping service a place to count its runs.
chmod 755 "$work"
mkdir -m 777 "$work/flap"
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export P2PD_PASSWORD=bench-password P2PCTL_CONFIG=$work/p2pctl.toml
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

node() { # i name extra
  mkdir -p "$work/$2-services"
  cat > "$work/$2.yaml" <<YAML
node_id: $2
coordinator_mode: $([ "$1" = 1 ] && echo true || echo false)
port: $port
bind_address: 127.0.3.$1
challenge_port: $((port + 1))
state_directory: $work/$2
services_directory: $work/$2-services
services_reload_interval: 200ms
coordinator_addresses: [127.0.3.1:$port]
$3
YAML
}
# Every subscriber of the fan-out runs in one process on one address, as one user: let the
# coordinator take them all (by default 64 connections per source, 8 streams per caller).
node 1 coord "max_connections_per_source: 512
rate_limits:
  stream: {concurrent: 512}"
"$bin/p2pd" --config "$work/coord.yaml" 2>"$work/coord.log" &
coord=$!
until grep -q "p2pd ready" "$work/coord.log"; do sleep 0.05; done
fp=$(grep -o 'ca_fingerprint=SHA256:[0-9a-f]*' "$work/coord.log" | head -1 | cut -d= -f2)
P2PCTL_PASSWORD=$(cat "$work/coord/initial-admin-password") "$bin/p2pctl" login \
  --server "https://127.0.3.1:$port" --ca-fingerprint "$fp" --user admin >/dev/null
token=$("$bin/p2pctl" token create --uses "$nodes" --ttl 1h)
start_worker() { # i name
  P2PD_JOIN_TOKEN=$token "$bin/p2pd" --config "$work/$2.yaml" 2>"$work/$2.log" &
}
node 2 w1 "metrics_interval: 500ms"
start_worker 2 w1
until grep -q "p2pd ready" "$work/w1.log"; do sleep 0.05; done

# ---- latency ----
cat > "$work/w1-services/stamp.yaml" <<YAML
command: /usr/bin/python3
args: ["-c", "import time\nwhile True:\n    print('stamp', time.time_ns(), flush=True)\n    time.sleep(0.02)"]
YAML
cat > "$work/w1-services/flap.yaml" <<YAML
command: /usr/bin/python3
args: ["-c", "import os, time\np = '$work/flap/runs'\nn = int(open(p).read()) + 1 if os.path.exists(p) else 1\nopen(p, 'w').write(str(n))\ntime.sleep(0.3)\nprint('exit', n, time.time_ns(), flush=True)\nos._exit(1)"]
restart: {policy: always, backoff_initial: 100ms, backoff_max: 100ms, jitter: 0, reset_after: 100ms}
YAML
"$bin/examples/events_bench" latency "$n"
rm "$work/w1-services/stamp.yaml" "$work/w1-services/flap.yaml"

# ---- fan-out ----
for i in $(seq 3 "$nodes"); do
  node "$i" "w$((i - 1))" ""
  start_worker "$i" "w$((i - 1))"
done
alive() { "$bin/p2pctl" nodes ls -o json 2>/dev/null | python3 -c 'import json,sys; print(sum(x["state"]=="alive" for x in json.load(sys.stdin)))' 2>/dev/null || echo 0; }
until [ "$(alive)" = "$nodes" ]; do sleep 0.5; done
sleep 20
t0=$(ticks "$coord"); sleep "$secs"; t1=$(ticks "$coord")
echo "coordinator of $nodes nodes, no subscribers: CPU $(python3 -c "print(f'{($t1 - $t0) / $hz / $secs * 100:.2f}')")%, RSS $(rss_mib "$coord") MiB"
"$bin/examples/events_bench" fanout "$clients" "$((secs + 10))" &
fan=$!
sleep 10
t0=$(ticks "$coord"); sleep "$secs"; t1=$(ticks "$coord")
echo "coordinator of $nodes nodes, $clients subscribers to metrics: CPU $(python3 -c "print(f'{($t1 - $t0) / $hz / $secs * 100:.2f}')")%, RSS $(rss_mib "$coord") MiB"
wait "$fan"
