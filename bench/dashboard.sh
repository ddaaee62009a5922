#!/usr/bin/env bash
# The dashboard: its weight (every file a first visit loads, raw and gzip -9), then in a
# real headless chromium against a release `p2pd dev` on loopback: time to the overview's
# first render over RENDERS fresh loads, and a service's line (20 per second, each with
# the time it was printed) to that line shown in the log view, over SECONDS.
# Usage: bench/dashboard.sh [RENDERS] [SECONDS]   (builds release unless P2P_BENCH_NO_BUILD
# is set; needs chromium and chromium-driver)
set -euo pipefail
cd "$(dirname "$0")/.."
renders=${1:-20}
secs=${2:-30}
if [ -z "${P2P_BENCH_NO_BUILD:-}" ]; then
  cargo build --release -q -p p2pd -p p2pctl
  cargo build --release -q -p p2p-tests --example dashboard_bench
fi
raw=0
gz=0
for f in $(find agent/assets/ui -type f | sort); do
  raw=$((raw + $(wc -c < "$f")))
  gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
done
echo "page weight: $(find agent/assets/ui -type f | wc -l) files, $raw bytes raw, $gz bytes gzip -9 (each file compressed on its own)"
target/release/examples/dashboard_bench "$renders" "$secs"
