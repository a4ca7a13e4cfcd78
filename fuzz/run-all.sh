#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600) one after the other, then minimises
# each corpus. Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Usage: fuzz/run-all.sh [SECONDS]
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
mkdir -p logs
for t in split actors csv jsonl model; do
  cargo +nightly fuzz run -a "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=65536 \
    -print_final_stats=1 >"logs/$t.log" 2>&1
  echo "$t: exit $? $(grep -E 'stat::number_of_executed_units' "logs/$t.log")"
done
for t in split actors csv jsonl model; do
  cargo +nightly fuzz cmin -a "$t" "corpus/$t" -- -max_len=65536 >"logs/$t.cmin.log" 2>&1
  echo "$t: corpus $(ls "corpus/$t" | wc -l) files"
done
