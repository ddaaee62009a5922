#!/usr/bin/env bash
# Supervisor overhead: agent CPU and RSS idle with no services, then with N supervised
# services (half with a command health check every 2 s), plus the time from ready to all N
# running and the time to stop them all on shutdown.
# Usage: bench/services.sh [N] [WINDOW_SECS]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
window=${2:-30}
cargo build --release -q -p p2pd
bin=$PWD/target/release/p2pd
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/services"
cat > "$work/node.yaml" <<YAML
node_id: bench
port: $port
bind_address: 127.0.0.1
challenge_port: $((port + 1))
state_directory: $work/state
services_directory: $work/services
YAML
export P2PD_PASSWORD=bench-password
"$bin" --config "$work/node.yaml" init >/dev/null

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)

measure() { # pid label
  local t0 t1
  t0=$(ticks "$1"); sleep "$window"; t1=$(ticks "$1")
  python3 -c "import sys; print(f'$2: CPU {($t1-$t0)/$hz/$window*100:.2f}% of one core over ${window}s, RSS {$(rss_kib "$1")/1024:.1f} MiB')"
}

run() { # label
  local log="$work/$1.log"
  "$bin" --config "$work/node.yaml" --log-level info 2>"$log" &
  pid=$!
  until grep -q "p2pd ready" "$log"; do sleep 0.01; done
}

run empty
sleep 2
measure "$pid" "0 services"
kill -TERM "$pid"; wait "$pid"

for i in $(seq "$n"); do
  if [ $((i % 2)) = 0 ]; then
    health=$'health:\n  command: ["/bin/true"]\n  interval: 2s\n'
  else
    health=""
  fi
  printf 'command: /bin/sleep\nargs: ["1000000"]\n%s' "$health" > "$work/services/svc$i.yaml"
done
start=$(date +%s%N)
run full
until [ "$(grep -c 'service started' "$work/full.log")" -ge "$n" ]; do sleep 0.01; done
echo "all $n services started $(( ($(date +%s%N) - start) / 1000000 )) ms after exec (incl. KDF)"
sleep 3
measure "$pid" "$n services"
children=$(pgrep -c -P "$pid" || true)
echo "direct children: $children"
stop=$(date +%s%N)
kill -TERM "$pid"; wait "$pid"
echo "shutdown with $n services: $(( ($(date +%s%N) - stop) / 1000000 )) ms"
left=$(pgrep -fc "sleep 1000000" || true)
echo "supervised processes left after shutdown: $left"
