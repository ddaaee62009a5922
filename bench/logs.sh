#!/usr/bin/env bash
# Log pipeline: latency from a service printing a line on a worker to `p2pctl logs -f`
# (connected to the coordinator) printing it, and the ingest rate the pipeline sustains.
# Usage: bench/logs.sh [LINES] [BURST_SECS]   (builds the release binaries first)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000}
burst=${2:-10}
cargo build --release -q -p p2pd -p p2pctl
bin=$PWD/target/release
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export P2PD_PASSWORD=bench-password P2PCTL_CONFIG=$work/p2pctl.toml
mkdir -p "$work/coord-services" "$work/w1-services"
node() { # name ip extra
  cat > "$work/$1.yaml" <<YAML
node_id: $1
port: $port
bind_address: $2
challenge_port: $((port + 1))
state_directory: $work/$1
services_directory: $work/$1-services
services_reload_interval: 200ms
$3
YAML
}
node coord 127.0.0.1 ""
node w1 127.0.0.2 "coordinator_mode: false
coordinator_addresses: ['127.0.0.1:$port']"
"$bin/p2pd" --config "$work/coord.yaml" 2>"$work/coord.log" &
until grep -q "p2pd ready" "$work/coord.log"; do sleep 0.05; done
fp=$(grep -o 'ca_fingerprint=SHA256:[0-9a-f]*' "$work/coord.log" | head -1 | cut -d= -f2)
P2PCTL_PASSWORD=$(cat "$work/coord/initial-admin-password") \
  "$bin/p2pctl" login --server "https://127.0.0.1:$port" --ca-fingerprint "$fp" --user admin >/dev/null
token=$("$bin/p2pctl" token create --ttl 10m)
P2PD_JOIN_TOKEN=$token "$bin/p2pd" --config "$work/w1.yaml" 2>"$work/w1.log" &
until grep -q "p2pd ready" "$work/w1.log"; do sleep 0.05; done

# Latency: the service prints its clock with each line, every 20 ms; the reader stamps
# each record as p2pctl prints it.
python3 -c '
import json, subprocess, sys, time
n = int(sys.argv[1])
follow = subprocess.Popen([sys.argv[2], "-o", "json", "logs", "-f", "--service", "stamp", "--tail", "0"],
                          stdout=subprocess.PIPE, text=True)
lat = []
for line in follow.stdout:
    now = time.time_ns()
    msg = json.loads(line)["message"].split()
    if msg[0] == "stamp":
        lat.append((now - int(msg[1])) / 1e6)
    if len(lat) >= n:
        break
follow.kill()
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(round(p * (len(lat) - 1))))]
print(f"latency service print -> p2pctl logs -f on the coordinator, {len(lat)} lines: p50 {q(.5):.1f} ms  p99 {q(.99):.1f} ms  max {lat[-1]:.1f} ms")
' "$lines" "$bin/p2pctl" &
reader=$!
sleep 1
cat > "$work/w1-services/stamp.yaml" <<YAML
command: /usr/bin/python3
args: ["-c", "import time\nfor i in range($lines):\n    print('stamp', time.time_ns(), flush=True)\n    time.sleep(0.02)\ntime.sleep(100000)"]
YAML
wait "$reader"

# Ingest: a service writes lines as fast as it can for BURST_SECS seconds. What the
# pipeline sustains is what reaches the coordinator in that time (sequence numbers count
# stored records); the rest is dropped at the source and counted, never blocking it.
last_seq() {
  "$bin/p2pctl" -o json logs --node w1 --tail 1 | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r[-1]["seq"] if r else 0)'
}
s0=$(last_seq)
cat > "$work/w1-services/burst.yaml" <<YAML
command: /usr/bin/python3
args: ["-c", "import sys, time\nend = time.time() + $burst\ni = 0\nw = sys.stdout.write\nwhile time.time() < end:\n    i += 1\n    w('burst %d\\\\n' % i)\nsys.stdout.flush()\nopen('written', 'w').write(str(i))\ntime.sleep(100000)"]
YAML
sleep "$burst"
s1=$(last_seq)
sleep 5
s2=$(last_seq)
written=$(cat "$work/w1-services/written" 2>/dev/null || echo 0)
python3 -c "
window, total, secs, written = $s1 - $s0, $s2 - $s0, $burst, $written
print(f'ingest at saturation: {written} lines written in {secs} s; {window} on the coordinator by the end of the burst ({window/secs:.0f} lines/s end to end), {total} after 5 s more; {written-total} dropped at the source (counted)')"
