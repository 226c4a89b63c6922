#!/usr/bin/env bash
# Anomaly Transformer and MAAT training speed on this machine: LabelFree's training windows per second on the bundled
# MIT-BIH record 208 (small defaults: width 64, 3 layers, window 100, batch 32; MAAT's Mamba scan included), and the
# same models, data and batch in Debian's PyTorch (python3-torch, OpenMP OpenBLAS; MAAT with mamba-ssm's per-step
# reference scan) in the same run, as ratios.
#   bench/signals/run.sh [threads] [steps]      (needs: apt-get install python3-torch libopenblas0-openmp)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
threads=${1:-2}
steps=${2:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
./labelfree --help >/dev/null   # build first, outside the timings
input=data/signals/mitbih208_mlii_360hz.csv.gz
peer_env=(env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp)

"${peer_env[@]}" /usr/bin/python3 -c "import torch; print('peer:', 'PyTorch', torch.__version__); print([l.strip() for l in torch.__config__.show().splitlines() if 'BLAS' in l or 'OpenMP' in l or 'MKL' in l])" >&2
"${peer_env[@]}" ldd "$(/usr/bin/python3 -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib","libtorch_cpu.so"))')" 2>/dev/null \
  | grep -i blas | sed 's/^/peer links: /' >&2 || true

echo "| signals training on $(nproc) cores, $threads threads, $steps steps | LabelFree (TorchSharp 0.107, LibTorch 2.10) | PyTorch $(/usr/bin/python3 -c 'import torch;print(torch.__version__)') | ratio |"
echo "| --- | --- | --- | --- |"
for method in anomaly-transformer maat; do
  # Validation every 200 steps would be timed too; the log's steps/s covers training steps only.
  ./labelfree signals train --input "$input" --until 0.5 --method "$method" --steps "$steps" --threads "$threads" --out "$work/$method" >/dev/null 2>"$work/$method.err"
  lf=$(/usr/bin/python3 -c "
import json
lines=[json.loads(l) for l in open('$work/$method/metrics.jsonl') if '\"train\"' in l]
print(f\"{32*lines[-1]['steps_per_second']:.1f}\")")
  py=$("${peer_env[@]}" /usr/bin/python3 "$root/bench/signals/peer_signals.py" --input "$input" --method "$method" --steps "$steps" --threads "$threads")
  echo "| $method: training windows/s (MIT-BIH 208, window 100, batch 32, Adam, minimax loss) | $lf | $py | $(/usr/bin/python3 -c "print(f'{$lf/$py:.2f}')") |"
done
