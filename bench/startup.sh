#!/usr/bin/env bash
# Measures p2pd start-to-ready (with and without the vault KDF) and idle RSS.
# Usage: bench/startup.sh [RUNS]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
cargo build --release -q -p p2pd
bin=target/release/p2pd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/node.yaml" <<YAML
node_id: bench
port: $port
bind_address: 127.0.0.1
challenge_port: $((port + 1))
state_directory: $work/state
YAML
export P2PD_PASSWORD=bench-password
"$bin" --config "$work/node.yaml" init >/dev/null
ready=()
kdf=()
for i in $(seq "$runs"); do
  log="$work/run-$i.log"
  "$bin" --config "$work/node.yaml" --log-level info 2>"$log" &
  pid=$!
  until grep -q "p2pd ready" "$log"; do sleep 0.01; done
  line=$(grep "p2pd ready" "$log")
  ready+=("$(sed -E 's/.*startup_ms=([0-9]+).*/\1/' <<<"$line")")
  kdf+=("$(sed -E 's/.*kdf_ms=([0-9]+).*/\1/' <<<"$line")")
  if [ "$i" = "$runs" ]; then
    sleep 2
    rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  fi
  kill -TERM "$pid"; wait "$pid"
done
python3 - "$rss_kb" "${ready[*]}" "${kdf[*]}" <<'PY'
import statistics, sys
rss = int(sys.argv[1]); ready = list(map(int, sys.argv[2].split())); kdf = list(map(int, sys.argv[3].split()))
without = sorted(r - k for r, k in zip(ready, kdf))
q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]
print(f"runs: {len(ready)}")
print(f"start-to-ready incl. KDF:  p50 {q(ready,.5)} ms  p99 {q(ready,.99)} ms")
print(f"KDF (Argon2id 64MiB/t3/p4): p50 {q(kdf,.5)} ms")
print(f"start-to-ready excl. KDF:  p50 {q(without,.5)} ms  p99 {q(without,.99)} ms")
print(f"idle RSS after 2 s: {rss/1024:.1f} MiB")
PY
