#!/usr/bin/env bash
# Coordinator failover: three coordinator processes in one Raft group on 127.0.0.1-3; the
# leader is SIGKILLed ROUNDS times, and each time the script measures how long until a
# write through p2pctl (`token create`) and a read (`nodes ls`) succeed again (p2pctl
# fails over by itself), then restarts the killed coordinator and waits for it to catch
# up. Also: committed writes per second and their latency (h2load POST /v1/tokens with 4
# clients), and the idle RSS and CPU of the leader.
# Usage: bench/failover.sh [ROUNDS] [WRITES]   (needs h2load, curl, python3; builds release)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
writes=${2:-2000}
cargo build --release -q -p p2pd -p p2pctl
bin=$PWD/target/release
work=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export P2PD_PASSWORD=bench-password P2PCTL_CONFIG=$work/p2pctl.toml
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
declare -A pid
config() { # name host
  cat > "$work/$1.yaml" <<YAML
node_id: $1
port: $port
bind_address: 127.0.0.$2
challenge_port: $((port + 1))
state_directory: $work/$1
rate_limiting: false
coordinator_addresses: [127.0.0.1:$port]
YAML
}
run() { # name [token]
  if [ $# -gt 1 ]; then
    P2PD_JOIN_TOKEN=$2 "$bin/p2pd" --config "$work/$1.yaml" 2>>"$work/$1.log" &
  else
    "$bin/p2pd" --config "$work/$1.yaml" 2>>"$work/$1.log" &
  fi
  pid[$1]=$!
}
ctl() { "$bin/p2pctl" --timeout 10 "$@"; }
group() { ctl cluster coordinators -o json 2>/dev/null || echo '{}'; }
at_leader() { # the group as the leader sees it (it alone knows every peer's lag)
  local l; l=$(leader)
  [ -n "$l" ] && ctl --endpoint "https://127.0.0.${l#coord-}:$port" cluster coordinators -o json 2>/dev/null || echo '{}'
}
voters() { group | python3 -c 'import json,sys; g=json.load(sys.stdin); print(sum(c["voter"] for c in g.get("coordinators",[])))'; }
leader() { group | python3 -c 'import json,sys; g=json.load(sys.stdin); print(next((c["node_id"] for c in g.get("coordinators",[]) if c["leader"]), ""))'; }
caught_up() { # name: a voter, and the leader sees it at most 1 entry behind
  at_leader | python3 -c '
import json,sys; g=json.load(sys.stdin); n=sys.argv[1]
c=[c for c in g.get("coordinators",[]) if c["node_id"]==n]
print(1 if c and c[0]["voter"] and c[0]["lag"] is not None and c[0]["lag"]<=1 and c[0]["last_contact_ms"] is not None and c[0]["last_contact_ms"]<1000 else 0)' "$1"
}
now_ms() { date +%s%3N; }

for h in 1 2 3; do config "coord-$h" "$h"; done
run coord-1
until grep -q "p2pd ready" "$work/coord-1.log"; do sleep 0.05; done
fp=$(grep -o 'ca_fingerprint=SHA256:[0-9a-f]*' "$work/coord-1.log" | head -1 | cut -d= -f2)
login() { P2PCTL_PASSWORD=$(cat "$work/coord-1/initial-admin-password") ctl login --server "https://127.0.0.1:$port" --ca-fingerprint "$fp" --user admin >/dev/null 2>&1; }
login
join=$(ctl token create --coordinator --uses 2 --ttl 1h)
run coord-2 "$join"
run coord-3 "$join"
until [ "$(voters)" = 3 ]; do sleep 0.1; done
login   # learns the other coordinators

: > "$work/times"
for i in $(seq 1 "$rounds"); do
  victim=$(leader)
  kill -9 "${pid[$victim]}"; wait "${pid[$victim]}" 2>/dev/null || true
  t0=$(now_ms)
  ( until ctl token create --ttl 10m >/dev/null 2>&1; do :; done; echo "write $(( $(now_ms) - t0 ))" >> "$work/times" ) &
  w=$!
  ( until ctl nodes ls >/dev/null 2>&1; do :; done; echo "read $(( $(now_ms) - t0 ))" >> "$work/times" ) &
  r=$!
  wait $w $r
  run "$victim"
  until [ "$(caught_up "$victim")" = 1 ]; do sleep 0.1; done
  echo "round $i: killed $victim; $(tail -2 "$work/times" | tr '\n' ' ')"
done
python3 - "$work/times" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
for kind in ("write", "read"):
    v = sorted(int(ms) for k, ms in rows if k == kind)
    p = lambda q: v[min(len(v) - 1, int(q * len(v)))]
    print(f"time from SIGKILL of the leader until a {kind} through p2pctl succeeds: "
          f"p50 {p(0.5)} ms, p99 {p(0.99)} ms, max {v[-1]} ms ({len(v)} kills)")
PY

# Committed writes: h2load POSTs new join tokens to the leader.
lead=$(leader); host=${lead#coord-}
token=$(python3 -c 'import sys,tomllib; c=tomllib.load(open(sys.argv[1],"rb")); print(c["contexts"][c["current_context"]]["token"])' "$P2PCTL_CONFIG")
echo '{"ttl_seconds":600,"uses":1}' > "$work/body.json"
h2load -n "$writes" -c 4 -m 1 -t 1 -d "$work/body.json" -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $token" "https://127.0.0.$host:$port/v1/tokens" 2>/dev/null \
  | awk '/^finished in/ {print "committed writes: " $4 " per second (" $0 ")"} /^status codes/ {print "  " $0} /^time for request/ {print "  commit latency (" $0 ")"}'

# Idle: the leader's RSS and CPU over 20 s with nothing to do but heartbeats.
sleep 5
lp=${pid[$lead]}
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
c0=$(cpu "$lp"); sleep 20; c1=$(cpu "$lp")
hz=$(getconf CLK_TCK)
python3 -c "print(f'idle leader: RSS {int(open(\"/proc/$lp/status\").read().split(\"VmRSS:\")[1].split()[0])//1024} MiB, CPU {($c1-$c0)/$hz/20*100:.2f}% of one core (heartbeats to 2 followers)')"
