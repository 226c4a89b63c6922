#!/usr/bin/env bash
# BEHRT pre-training speed on this machine: LabelFree's training patients per second on the bundled NAFLD cohort, and
# the same model, data and batch in Debian's PyTorch (python3-torch, OpenMP OpenBLAS) in the same run, as a ratio.
#   bench/ehr/run.sh [threads] [steps]      (needs: apt-get install python3-torch libopenblas0-openmp)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
threads=${1:-2}
steps=${2:-150}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
./labelfree --help >/dev/null   # build first, outside the timings
events=data/ehr/nafld_events.csv.gz
patients=data/ehr/nafld_patients.csv.gz
peer_env=(env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp)

"${peer_env[@]}" /usr/bin/python3 -c "import torch; print('peer:', 'PyTorch', torch.__version__); print([l.strip() for l in torch.__config__.show().splitlines() if 'BLAS' in l or 'OpenMP' in l or 'MKL' in l])" >&2
"${peer_env[@]}" ldd "$(/usr/bin/python3 -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib","libtorch_cpu.so"))')" 2>/dev/null \
  | grep -i blas | sed 's/^/peer links: /' >&2 || true

./labelfree ehr pretrain --events "$events" --patients "$patients" --out "$work/run" --steps "$steps" --threads "$threads" >/dev/null 2>"$work/train.err"
lf=$(/usr/bin/python3 -c "
import json
lines=[json.loads(l) for l in open('$work/run/metrics.jsonl') if '\"train\"' in l]
print(f\"{64*lines[-1]['steps_per_second']:.1f}\")")
py=$("${peer_env[@]}" /usr/bin/python3 "$root/bench/ehr/peer_behrt.py" --events "$events" --patients "$patients" --steps "$steps" --threads "$threads")

echo "| BEHRT pre-training on $(nproc) cores, $threads threads, $steps steps | LabelFree (TorchSharp 0.107, LibTorch 2.10) | PyTorch $(/usr/bin/python3 -c 'import torch;print(torch.__version__)') | ratio |"
echo "| --- | --- | --- | --- |"
echo "| training patients/s (NAFLD, batch 64, up to 64 tokens, hidden 96, 2 layers, MLM, AdamW) | $lf | $py | $(/usr/bin/python3 -c "print(f'{$lf/$py:.2f}')") |"
