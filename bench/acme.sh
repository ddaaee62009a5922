#!/usr/bin/env bash
# The ACME server on one coordinator (release): lego's cold start (a new client directory,
# so a new account key, a new account with its binding key, an order, http-01, finalize,
# download) timed over RUNS runs, then orders a coordinator completes per second with
# CONCURRENCY clients (tests/examples/acme_bench.rs).
# Usage: bench/acme.sh [RUNS] [ORDERS] [CONCURRENCY]   (needs lego, curl, python3; builds
# release)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
orders=${2:-300}
concurrency=${3:-8}
cargo build --release -q -p p2pd -p p2pctl
cargo build --release -q -p p2p-tests --example acme_bench
bin=$PWD/target/release
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export P2PD_PASSWORD=bench-password P2PCTL_CONFIG=$work/p2pctl.toml
free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free)
acme_port=$(free)
cat > "$work/c.yaml" <<YAML
node_id: c
port: $port
bind_address: 127.0.0.1
challenge_port: $((port + 1))
state_directory: $work/c
acme_http_port: $acme_port
rate_limiting: false
YAML
"$bin/p2pd" --config "$work/c.yaml" 2>"$work/c.log" &
until grep -q "p2pd ready" "$work/c.log"; do sleep 0.05; done
fp=$(grep -o 'ca_fingerprint=SHA256:[0-9a-f]*' "$work/c.log" | head -1 | cut -d= -f2)
P2PCTL_PASSWORD=$(cat "$work/c/initial-admin-password") "$bin/p2pctl" login \
  --server "https://127.0.0.1:$port" --ca-fingerprint "$fp" --user admin >/dev/null
echo | openssl s_client -showcerts -connect "127.0.0.1:$port" 2>/dev/null \
  | awk '/BEGIN CERT/{c++} c==2{print} /END CERT/{if(c==2) exit}' > "$work/ca.pem"
eab() { "$bin/p2pctl" acme eab create --names localhost,127.0.0.0/8 -o json; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
dir="https://127.0.0.1:$port/acme/directory"
echo "lego cold start (new account, one certificate for localhost), ms:"
times=()
for i in $(seq "$runs"); do
  key=$(eab)
  kid=$(echo "$key" | field key_id); hmac=$(echo "$key" | field hmac_key)
  t0=$(date +%s%N)
  LEGO_CA_CERTIFICATES="$work/ca.pem" lego --server "$dir" --path "$work/lego-$i" --accept-tos \
    --email ops@example.com --eab --kid "$kid" --hmac "$hmac" --domains localhost --http \
    --http.port ":$acme_port" run >"$work/lego-$i.log" 2>&1
  times+=($(( ($(date +%s%N) - t0) / 1000000 )))
done
echo "  ${times[*]}"
python3 -c "import statistics,sys; v=sorted(map(int,sys.argv[1:])); print(f'  p50 {statistics.median(v):.0f} ms, min {v[0]} ms, max {v[-1]} ms')" "${times[@]}"
key=$(eab)
"$bin/examples/acme_bench" "$dir" "$work/ca.pem" "$(echo "$key" | field key_id)" \
  "$(echo "$key" | field hmac_key)" "$acme_port" "$orders" "$concurrency"
