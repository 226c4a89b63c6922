#!/usr/bin/env bash
# Training-step speed of StRegA and scVI in two checkouts of LabelFree, run alternately in the same session, to
# measure a Trainer change (for example one host read per step instead of 2 + terms):
#   bench/trainer/steps.sh OTHER_CHECKOUT [rounds]      (this checkout is "new", OTHER_CHECKOUT "old")
# StRegA: `anomaly train` on Colin27, 60 steps of 16 slices, 2 threads, steps/s over the whole run (metrics.jsonl).
# scVI: bench/LabelFree.Bench.Cells, 10,000 simulated cells x 2,000 genes, 100 timed steps of 128 cells, 1 thread.
set -euo pipefail
new=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
old=$(cd "${1:?usage: steps.sh OTHER_CHECKOUT [rounds]}" && pwd)
rounds=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for root in "$old" "$new"; do
  (cd "$root" && ./labelfree --help >/dev/null && dotnet build bench/LabelFree.Bench.Cells -c Release -v quiet -nologo >/dev/null)
done

strega() {
  (cd "$1" && ./labelfree anomaly train --data data/imaging/ch2bet.nii.gz --out "$work/run" --steps 60 --min-volumes 1 --threads 2 >/dev/null 2>&1)
  /usr/bin/python3 -c "
import json
lines=[json.loads(l) for l in open('$work/run/metrics.jsonl') if '\"train\"' in l]
print(lines[-1]['steps_per_second'])"
  rm -rf "$work/run"
}
scvi() {
  "$1/artifacts/bin/LabelFree.Bench.Cells/release/LabelFree.Bench.Cells" 10000 2000 100 1 |
    /usr/bin/python3 -c "import json,sys;print(1/json.load(sys.stdin)['seconds_per_step'])"
}

declare -A results
for r in $(seq "$rounds"); do
  for which in old new; do
    root=$([ "$which" = old ] && echo "$old" || echo "$new")
    results[$which-strega]+="$(strega "$root") "
    results[$which-scvi]+="$(scvi "$root") "
  done
done
/usr/bin/python3 - "${results[old-strega]}" "${results[new-strega]}" "${results[old-scvi]}" "${results[new-scvi]}" <<'PY'
import statistics, sys
old_s, new_s, old_c, new_c = ([float(v) for v in a.split()] for a in sys.argv[1:])
print("| steps/s (median of rounds) | old | new | new / old |")
print("| --- | --- | --- | --- |")
for name, o, n in (("StRegA, 16 slices 112x96, 2 threads", old_s, new_s), ("scVI, 128 cells x 2,000 genes, 1 thread", old_c, new_c)):
    print(f"| {name} | {statistics.median(o):.3f} | {statistics.median(n):.3f} | {statistics.median(n) / statistics.median(o):.3f} |")
PY
