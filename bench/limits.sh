#!/usr/bin/env bash
# Overload protection: API throughput with request budgets on and off (h2load, two
# coordinators side by side, alternating runs), the time /v1/health takes to answer with
# 1100 idle TLS connections open, and the coordinator's RSS after connections from 100 000
# distinct source addresses (127.0.0.0/8).
# Usage: bench/limits.sh [REQUESTS] [FLOOD_ADDRESSES]   (needs h2load, python3; builds release)
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-50000}
flood=${2:-100000}
cargo build --release -q -p p2pd -p p2pctl
bin=$PWD/target/release
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
ulimit -n "$(ulimit -Hn)"
export P2PD_PASSWORD=bench-password P2PCTL_CONFIG=$work/p2pctl.toml
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start() { # name ip port extra
  cat > "$work/$1.yaml" <<YAML
node_id: $1
port: $3
bind_address: $2
challenge_port: $(($3 + 1))
state_directory: $work/$1
$4
YAML
  "$bin/p2pd" --config "$work/$1.yaml" 2>"$work/$1.log" &
  until grep -q "p2pd ready" "$work/$1.log"; do sleep 0.05; done
}
token_of() { # name ip port
  local fp pw
  fp=$(grep -o 'ca_fingerprint=SHA256:[0-9a-f]*' "$work/$1.log" | head -1 | cut -d= -f2)
  pw=$(cat "$work/$1/initial-admin-password")
  curl -sk "https://$2:$3/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"user\":\"admin\",\"password\":\"$pw\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
on_port=$(free_port); off_port=$(free_port)
# "on": the limiter checks every request, with budgets no benchmark client exhausts.
start on 127.0.0.1 "$on_port" "rate_limit_rpc_requests: 6000000
rate_limit_rpc_burst: 1000000"
start off 127.0.0.2 "$off_port" "rate_limiting: false"
on_token=$(token_of on 127.0.0.1 "$on_port")
off_token=$(token_of off 127.0.0.2 "$off_port")

rate() { # url [header]
  local args=(-n "$requests" -c 16 -m 8 -t 1)
  [ $# -gt 1 ] && args+=(-H "$2")
  h2load "${args[@]}" "$1" 2>/dev/null | awk '/^finished in/ {gsub(",", "", $4); print $4}'
}
echo "throughput (requests/s, h2load -n $requests -c 16 -m 8, two rounds, alternating):"
for round in 1 2; do
  for path in /v1/health /v1/nodes; do
    for mode in on off; do
      if [ $mode = on ]; then url="https://127.0.0.1:$on_port$path"; tok=$on_token
      else url="https://127.0.0.2:$off_port$path"; tok=$off_token; fi
      if [ $path = /v1/health ]; then r=$(rate "$url"); else r=$(rate "$url" "Authorization: Bearer $tok"); fi
      echo "  round $round  $path  limiter $mode: $r"
    done
  done
done

# 1100 idle connections (TLS done, nothing sent) from 22 addresses, then time /v1/health.
python3 - "$on_port" <<'PY'
import socket, ssl, subprocess, sys, time
port = int(sys.argv[1])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
held = []
for i in range(1100):
    s = socket.socket(); s.bind((f"127.0.1.{10 + i % 22}", 0)); s.connect(("127.0.0.1", port))
    held.append(ctx.wrap_socket(s))
times = []
for _ in range(20):
    t = time.monotonic()
    out = subprocess.run(["curl", "-sk", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}",
                          f"https://127.0.0.1:{port}/v1/health"], capture_output=True, text=True).stdout
    times.append((time.monotonic() - t) * 1000)
    assert out == "200", out
times.sort()
print(f"/v1/health with 1100 idle connections open: p50 {times[10]:.1f} ms, max {times[-1]:.1f} ms (curl, new connection each)")
PY

# Connections from FLOOD distinct addresses, each sending one unauthenticated read, against
# a fresh coordinator (the runs above leave their own allocations behind).
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
flood_port=$(free_port)
start flood 127.0.0.3 "$flood_port" ""
flood_token=$(token_of flood 127.0.0.3 "$flood_port")
pid=$(pgrep -f "p2pd --config $work/flood.yaml")
sleep 2
before=$(rss "$pid")
python3 - "$flood_port" "$flood" <<'PY'
import socket, ssl, sys
from concurrent.futures import ThreadPoolExecutor
port, n = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
def one(i):
    src = f"127.{2 + i // 62500}.{(i // 250) % 250 + 1}.{i % 250 + 1}"
    try:
        s = socket.socket(); s.bind((src, 0)); s.connect(("127.0.0.3", port))
        t = ctx.wrap_socket(s)
        t.sendall(b"GET /v1/nodes HTTP/1.1\r\nHost: p2pd\r\nConnection: close\r\n\r\n")
        t.recv(4096); t.close()
        return True
    except OSError:
        return False
with ThreadPoolExecutor(32) as ex:
    ok = sum(ex.map(one, range(n)))
print(f"flood: {ok} of {n} addresses answered")
PY
sleep 2
after=$(rss "$pid")
echo "coordinator RSS: $((before / 1024)) MiB before the flood, $((after / 1024)) MiB after $flood addresses"
curl -sk "https://127.0.0.3:$flood_port/v1/limits" -H "Authorization: Bearer $flood_token" | python3 -c '
import json, sys
s = json.load(sys.stdin)
read = [c for c in s["classes"] if c["class"] == "read"][0]
pub = [p for p in s["pools"] if p["pool"] == "public"][0]
print("read budget: %d callers tracked now, %d allowed, %d refused; public pool: %d open, %d admitted"
      % (read["tracked"], read["allowed"], read["limited"], pub["open"], pub["admitted"]))'
