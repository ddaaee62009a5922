#!/usr/bin/env bash
# Idle footprint side by side with Serf: N nodes of each system on loopback, one system
# after the other. p2pd runs one coordinator (127.0.1.1) and N-1 workers (127.0.1.2...);
# Serf runs N agents (127.0.2.1...) with an encryption key, as p2pd always seals its gossip.
# For each: the time for the last node to be seen alive by the first, then, after SETTLE
# seconds, an idle window of WINDOW seconds counted by nftables at the IP level (what
# the nodes put on the wire, headers included; loopback is counted once, at output), RSS
# and CPU of every process, and finally the time until every other node declares a
# SIGKILLed node dead.
# Usage: bench/vs_serf.sh [N] [WINDOW] [SETTLE]   (root; installs serf and nftables if
# missing; builds release)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
window=${2:-60}
settle=${3:-30}
[ "$(id -u)" = 0 ] || { echo "needs root (nftables counters, 127.0.x.y addresses)"; exit 1; }
command -v serf >/dev/null || apt-get install -y -q serf >/dev/null
command -v nft >/dev/null || apt-get install -y -q nftables >/dev/null
[ -n "${P2P_BENCH_NO_BUILD:-}" ] || cargo build --release -q -p p2pd -p p2pctl
bin=$PWD/target/release
work=$(mktemp -d)
table=p2p_vs_serf_$$
cleanup() {
  kill -9 $(jobs -p) 2>/dev/null || true
  nft delete table inet "$table" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export P2PD_PASSWORD=bench-password P2PCTL_CONFIG=$work/p2pctl.toml
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# Client sockets are not bound to a node's address (the kernel picks 127.0.0.1), so TCP is
# matched by the listening side's address and port, in both directions.
rules() { # system net port
  cat <<NFT
    ip daddr 127.0.$2.0/24 udp dport $3 counter comment "$1 udp"
    ip daddr 127.0.$2.0/24 tcp dport $3 tcp flags & (syn|ack) == syn counter comment "$1 syn"
    ip daddr 127.0.$2.0/24 tcp dport $3 counter comment "$1 tcp"
    ip saddr 127.0.$2.0/24 tcp sport $3 counter comment "$1 tcp"
NFT
}
nft -f - <<NFT
table inet $table {
  chain out {
    type filter hook output priority 0; policy accept;
$(rules p2pd 1 "$port")
$(rules serf 2 7946)
  }
}
NFT
# counters SYSTEM: "udp_bytes udp_packets syns tcp_bytes tcp_packets"
counters() {
  nft list chain inet "$table" out | awk -v sys="$1" '
    $0 ~ "comment \"" sys " " { for (i = 1; i < NF; i++) { if ($i == "packets") p = $(i+1); if ($i == "bytes") b = $(i+1) }
      if ($0 ~ /udp"/) { ub += b; up += p } else if ($0 ~ /syn"/) { s += p } else { tb += b; tp += p } }
    END { print ub + 0, up + 0, s + 0, tb + 0, tp + 0 }'
}
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# Where a process's resident memory is: its own executable's pages, shared libraries, and
# anonymous memory (heap, arenas, stacks), in KiB.
where_rss() {
  awk -v exe="$(readlink "/proc/$1/exe")" '
    /^[0-9a-f]+-[0-9a-f]+ / { name = $6 }
    /^Rss:/ { if (name == exe) e += $2; else if (name ~ /\.so/) l += $2; else a += $2 }
    END { printf "%d KiB executable, %d KiB libraries, %d KiB anonymous", e, l, a }' "/proc/$1/smaps"
}
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
now_ms() { date +%s%3N; }
hz=$(getconf CLK_TCK)

# idle SYSTEM PIDS... -> prints "bytes/s/node udp/s tcp/s packets/s syns/s cpu%"
idle() {
  local sys=$1; shift
  sleep "$settle"
  local c0 t0 c1 t1
  read -r -a c0 <<<"$(counters "$sys")"; t0=$(ticks "$@")
  sleep "$window"
  read -r -a c1 <<<"$(counters "$sys")"; t1=$(ticks "$@")
  python3 - "$n" "$window" "$hz" "$t0" "$t1" "${c0[@]}" "${c1[@]}" <<'PY'
import sys
n, w, hz, t0, t1 = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
a = list(map(int, sys.argv[6:11])); b = list(map(int, sys.argv[11:16]))
d = [y - x for x, y in zip(a, b)]
per = lambda v: v / w / n
print(f"{per(d[0] + d[3]):.0f} {per(d[0]):.0f} {per(d[3]):.0f} {per(d[1] + d[4]):.2f} {d[2] / w:.2f} {(t1 - t0) / hz / w / n * 100:.3f}")
PY
}

# detect LOGDIR VICTIM PATTERN-PREFIX: ms until every other node's log names VICTIM dead
detect() {
  python3 - "$@" <<'PY'
import os, re, sys, time
logdir, victim, pattern, t0 = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
files = [os.path.join(logdir, f) for f in os.listdir(logdir) if f.endswith(".log") and f != victim + ".log"]
rx = re.compile(pattern.replace("VICTIM", re.escape(victim)))
seen = {}
deadline = time.time() + 60
while len(seen) < len(files) and time.time() < deadline:
    for f in files:
        if f not in seen and rx.search(open(f, errors="replace").read()):
            seen[f] = time.time() * 1000 - t0
    time.sleep(0.01)
if len(seen) < len(files):
    print("not-detected"); sys.exit(0)
v = sorted(seen.values())
print(f"{v[len(v) // 2] / 1000:.2f} {v[-1] / 1000:.2f}")
PY
}

# ---- p2pd ----
mkdir -p "$work/p2pd"
declare -a ppid
for i in $(seq 1 "$n"); do
  name=$([ "$i" = 1 ] && echo coord || echo "w$i")
  cat > "$work/p2pd/$name.yaml" <<YAML
node_id: $name
coordinator_mode: $([ "$i" = 1 ] && echo true || echo false)
port: $port
bind_address: 127.0.1.$i
challenge_port: $((port + 1))
state_directory: $work/p2pd/$name
coordinator_addresses: [127.0.1.1:$port]
YAML
done
"$bin/p2pd" --config "$work/p2pd/coord.yaml" 2>"$work/p2pd/coord.log" &
ppid[1]=$!
until grep -q "p2pd ready" "$work/p2pd/coord.log"; do sleep 0.05; done
fp=$(grep -o 'ca_fingerprint=SHA256:[0-9a-f]*' "$work/p2pd/coord.log" | head -1 | cut -d= -f2)
P2PCTL_PASSWORD=$(cat "$work/p2pd/coord/initial-admin-password") "$bin/p2pctl" login \
  --server "https://127.0.1.1:$port" --ca-fingerprint "$fp" --user admin >/dev/null
token=$("$bin/p2pctl" token create --uses "$n" --ttl 1h)
alive_p2pd() { "$bin/p2pctl" nodes ls -o json 2>/dev/null | python3 -c 'import json,sys; print(sum(x["state"]=="alive" for x in json.load(sys.stdin)))' 2>/dev/null || echo 0; }
start_worker() {
  P2PD_JOIN_TOKEN=$token "$bin/p2pd" --config "$work/p2pd/w$1.yaml" 2>"$work/p2pd/w$1.log" &
  ppid[$1]=$!
}
for i in $(seq 2 $((n - 1))); do start_worker "$i"; done
until [ "$(alive_p2pd)" = $((n - 1)) ]; do sleep 0.2; done
sleep 5
t_last=$(now_ms)
start_worker "$n"
until [ "$(alive_p2pd)" = "$n" ]; do sleep 0.02; done
p2pd_join=$(( $(now_ms) - t_last ))
read -r -a p2pd_idle <<<"$(idle p2pd "${ppid[@]}")"
p2pd_coord_rss=$(rss_kib "${ppid[1]}")
p2pd_worker_rss=$(for i in $(seq 2 "$n"); do rss_kib "${ppid[$i]}"; done | median)
echo "p2pd coordinator: $(where_rss "${ppid[1]}"); worker w2: $(where_rss "${ppid[2]}")"
victim=w$n
t0=$(now_ms); kill -9 "${ppid[$n]}"
p2pd_detect=$(detect "$work/p2pd" "$victim" 'member is dead.*member=VICTIM\b' "$t0")
{ kill -9 "${ppid[@]}"; wait; } 2>/dev/null || true

# ---- Serf ----
mkdir -p "$work/serf"
key=$(serf keygen)
declare -a spid
start_serf() {
  serf agent -node="s$1" -bind="127.0.2.$1:7946" -rpc-addr="127.0.2.$1:7373" -encrypt="$key" \
    $([ "$1" = 1 ] || echo "-join=127.0.2.1:7946") >"$work/serf/s$1.log" 2>&1 &
  spid[$1]=$!
}
alive_serf() { serf members -rpc-addr=127.0.2.1:7373 -status=alive 2>/dev/null | wc -l; }
start_serf 1
until serf members -rpc-addr=127.0.2.1:7373 >/dev/null 2>&1; do sleep 0.05; done
for i in $(seq 2 $((n - 1))); do start_serf "$i"; done
until [ "$(alive_serf)" = $((n - 1)) ]; do sleep 0.2; done
sleep 5
t_last=$(now_ms)
start_serf "$n"
until [ "$(alive_serf)" = "$n" ]; do sleep 0.02; done
serf_join=$(( $(now_ms) - t_last ))
read -r -a serf_idle <<<"$(idle serf "${spid[@]}")"
serf_rss=$(for i in $(seq 1 "$n"); do rss_kib "${spid[$i]}"; done | median)
serf_rss1=$(rss_kib "${spid[1]}")
echo "serf s2: $(where_rss "${spid[2]}")"
t0=$(now_ms); kill -9 "${spid[$n]}"
serf_detect=$(detect "$work/serf" "s$n" 'EventMemberFailed: VICTIM\b' "$t0")
{ kill -9 "${spid[@]}"; wait; } 2>/dev/null || true

python3 - "$n" "$window" "$p2pd_join" "$serf_join" "$p2pd_coord_rss" "$p2pd_worker_rss" "$serf_rss1" "$serf_rss" \
  "$p2pd_detect" "$serf_detect" "${p2pd_idle[@]}" "${serf_idle[@]}" <<'PY'
import sys
a = sys.argv[1:]
n, w = a[0], a[1]
pj, sj, pc, pw, s1, sw = (int(x) for x in a[2:8])
pd, sd = a[8].split(), a[9].split()
p = [float(x) for x in a[10:16]]; s = [float(x) for x in a[16:22]]
ratio = lambda x, y: f"{x / y:.2f}" if y else "-"
rows = [
    ("network, UDP + TCP (B/s)", p[0], s[0]),
    ("of which UDP (gossip)", p[1], s[1]),
    ("of which TCP", p[2], s[2]),
    ("packets /s", p[3], s[3]),
]
print(f"N={n}, idle window {w} s, loopback, per node unless said")
print(f"| per node, idle | p2pd | Serf | p2pd / Serf |")
print(f"|---|---|---|---|")
for label, x, y in rows:
    print(f"| {label} | {x:g} | {y:g} | {ratio(x, y)} |")
print(f"| new TCP connections /s, whole cluster | {p[4]:g} | {s[4]:g} | {ratio(p[4], s[4])} |")
print(f"| RSS, median worker (MiB) | {pw / 1024:.1f} | {sw / 1024:.1f} | {ratio(pw, sw)} |")
print(f"| RSS, coordinator / first node (MiB) | {pc / 1024:.1f} | {s1 / 1024:.1f} | {ratio(pc, s1)} |")
print(f"| CPU (% of a core) | {p[5]:.3f} | {s[5]:.3f} | {ratio(p[5], s[5])} |")
if len(pd) == 2 and len(sd) == 2:
    print(f"| crash detected by every node (s) | {pd[1]} | {sd[1]} | {ratio(float(pd[1]), float(sd[1]))} |")
    print(f"| crash detected, median node (s) | {pd[0]} | {sd[0]} | {ratio(float(pd[0]), float(sd[0]))} |")
else:
    print(f"| crash detected by every node (s) | {' '.join(pd)} | {' '.join(sd)} | - |")
print(f"| a new node seen alive by the first, from its start (ms) | {pj} | {sj} | {ratio(pj, sj)} |")
PY
