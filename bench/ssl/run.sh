#!/usr/bin/env bash
# Self-supervised pre-training speed on this machine: training images per second of SimCLR (ResNet-18, width 64, CIFAR
# stem, 32x32 RGB views, batch 64) and DINO (ViT-tiny, 12 layers, patch 4, 2 global 32x32 and 8 local 12x12 crops,
# 4,096 prototypes, batch 32) in LabelFree (ssl pretrain on the bundled Visium H&E tiles, through the Trainer, views
# made on the fly) and the same models in Debian's PyTorch (bench/ssl/peer_ssl.py, OpenMP OpenBLAS, views made before
# the timed loop), same run, printed as ratios with the load average.
#   bench/ssl/run.sh [threads] [steps]     (needs: apt-get install python3-torch libopenblas0-openmp)
# Measure on a quiet machine: two processes of two OpenMP threads each on two cores slow both by an order of magnitude.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
threads=${1:-2}
steps=${2:-10}
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "python3-torch not found (apt-get install python3-torch)" >&2; exit 2; }
[ -d /usr/lib/x86_64-linux-gnu/openblas-openmp ] || { echo "OpenMP OpenBLAS not found (apt-get install libopenblas0-openmp)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
./labelfree --help >/dev/null   # build first, outside the timings
peer() { LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 "$@"; }
echo "peer: $(peer -c "
import torch
torch.set_num_threads($threads)
torch.ones(64, 64) @ torch.ones(64, 64)
print(next((l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.lower()), 'no BLAS library loaded') + ', ' + [l.strip() for l in torch.__config__.parallel_info().splitlines() if 'get_num_threads' in l][0])")"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# LabelFree: images/s over the last logged window of a run of 2 + steps steps (the first steps warm up).
labelfree() {
  local name=$1; shift
  ./labelfree ssl pretrain --images data/singlecell/visium_mouse_brain --steps $((steps + 2)) --threads "$threads" --out "$work/$name" "$@" >/dev/null 2>&1
  /usr/bin/python3 -c "
import json
lines=[json.loads(l) for l in open('$work/$name/metrics.jsonl') if '\"train\"' in l]
print(f\"{lines[-1]['steps_per_second']*$BATCH:.2f}\")"
}
BATCH=64
lf_simclr=$(labelfree simclr --method simclr --width 64 --batch-size 64)
py_simclr=$(peer bench/ssl/peer_ssl.py --method simclr --threads "$threads" --steps "$steps" --batch 64 | /usr/bin/python3 -c "import json,sys;print(f\"{json.load(sys.stdin)['images_per_second']:.2f}\")")
BATCH=32
lf_dino=$(labelfree dino --method dino --encoder vittiny --prototypes 4096 --batch-size 32)
py_dino=$(peer bench/ssl/peer_ssl.py --method dino --threads "$threads" --steps "$steps" --batch 32 --out 4096 | /usr/bin/python3 -c "import json,sys;print(f\"{json.load(sys.stdin)['images_per_second']:.2f}\")")

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| training images/s, $(nproc) cores, $threads threads | LabelFree (TorchSharp 0.107, LibTorch 2.10) | PyTorch $(/usr/bin/python3 -c 'import torch;print(torch.__version__)') | ratio |"
echo "| --- | --- | --- | --- |"
echo "| SimCLR, ResNet-18 (width 64), 2 views of 32x32, batch 64 | $lf_simclr | $py_simclr | $(/usr/bin/python3 -c "print(f'{$lf_simclr/$py_simclr:.2f}')") |"
echo "| DINO, ViT-tiny (12 layers), 2 x 32x32 + 8 x 12x12 crops, 4,096 prototypes, batch 32 | $lf_dino | $py_dino | $(/usr/bin/python3 -c "print(f'{$lf_dino/$py_dino:.2f}')") |"
