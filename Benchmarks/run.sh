#!/usr/bin/env bash
# Builds the release binaries, then runs Benchmarks/run.py (Focal vs onnxruntime,
# Pillow and scikit-learn, interleaved, medians). Arguments go to run.py, e.g.:
#   Benchmarks/run.sh                      # full run (~10 min on a busy 2-CPU host)
#   Benchmarks/run.sh --quick --json /tmp/bench.json
#   Benchmarks/run.sh --only occlusion --only store
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# One product per invocation: `swift build` keeps only the last of repeated --product options.
swift build -c release --product focal-benchmark
if ! swift build -c release --product focal; then
    echo "warning: building focal failed; the memory measure uses whatever .build/release/focal exists" >&2
fi
exec python3 "$root/Benchmarks/run.py" "$@"
