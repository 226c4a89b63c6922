#!/usr/bin/env bash
# scVI speed and memory on this machine: LabelFree's seconds per training step and per epoch (extrapolated from timed
# steps), peak memory, embedding and exact-kNN time for CELLS simulated cells x GENES genes, and the same model's
# training step in Debian's PyTorch (python3-torch) in the same run, printed as a ratio.
#   bench/cells/run.sh            (env: CELLS="10000 100000" GENES=2000 STEPS=20 THREADS=1)
# THREADS=1 by default: on a shared 2-core machine, two OpenMP threads per process slow both LabelFree and PyTorch
# by an order of magnitude (threads spin at barriers while the other core runs someone else's work).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CELLS=${CELLS:-"10000 100000"}; GENES=${GENES:-2000}; STEPS=${STEPS:-20}; THREADS=${THREADS:-1}
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 2; }
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "python3-torch not found (apt-get install python3-torch)" >&2; exit 2; }
dotnet build "$root/bench/LabelFree.Bench.Cells" -c Release -v quiet -nologo > /dev/null
bench="$root/artifacts/bin/LabelFree.Bench.Cells/release/LabelFree.Bench.Cells"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

py=$(/usr/bin/python3 "$root/bench/cells/peer_scvi.py" --genes "$GENES" --steps "$STEPS" --threads "$THREADS")
py_step=$(/usr/bin/python3 -c "import json,sys;print(json.loads(sys.argv[1])['seconds_per_step'])" "$py")
py_version=$(/usr/bin/python3 -c "import json,sys;print(json.loads(sys.argv[1])['torch'])" "$py")

echo "| scVI on $(nproc) cores, $THREADS thread(s), $GENES genes | LabelFree s/step | PyTorch $py_version s/step | ratio (LabelFree / PyTorch) | steps/epoch | LabelFree s/epoch (extrapolated) | peak RSS MiB | CSR MiB | embed s | exact 15-NN s |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for n in $CELLS; do
  /usr/bin/time -v "$bench" "$n" "$GENES" "$STEPS" "$THREADS" > "$work/lf.json" 2> "$work/time.txt"
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/time.txt")
  /usr/bin/python3 - "$work/lf.json" "$py_step" "$rss" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); py = float(sys.argv[2])
print(f"| {r['cells']:,} cells | {r['seconds_per_step']:.4f} | {py:.4f} | {r['seconds_per_step'] / py:.2f} | {r['steps_per_epoch']} | "
      f"{r['seconds_per_epoch']:.1f} | {sys.argv[3]} | {r['csr_mib']:.0f} | {r['embed_seconds']:.1f} | {r['knn15_seconds']:.1f} |")
PY
done
