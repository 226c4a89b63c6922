#!/usr/bin/env bash
# The anomaly benchmark on the bundled brains, and SCAD's training speed beside the same network in Debian's PyTorch.
#   bench/anomaly/run.sh [steps] [threads]      (needs: apt-get install python3-torch libopenblas0-openmp)
# Test sets: 3 deformed Colin27 copies and 3 deformed copies of the ITK head (another person and scanner, non-zero
# background, brain masks given), each with 2-4 lesions of every kind (anomaly synthesize --mixed-lesions).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
steps=${1:-300}
threads=${2:-2}
work=${BENCH_OUT:-$(mktemp -d)}
cd "$root"
./labelfree --help >/dev/null   # build first, outside the timings

./labelfree anomaly synthesize --data data/imaging/ch2bet.nii.gz --copies 3 --mixed-lesions --seed 2000 --out "$work/colin" >/dev/null
./labelfree anomaly synthesize --data data/imaging/KmeansTest_T1UCharRaw.nii.gz --masks data/imaging/KmeansTest_T1_brainmask.nii.gz \
    --copies 3 --mixed-lesions --seed 2001 --out "$work/itk" >/dev/null
./labelfree anomaly benchmark --train data/imaging/ch2bet.nii.gz --test "$work/colin" "$work/itk" \
    --masks "$work/colin/lesion_masks" "$work/itk/lesion_masks" --brain-masks "$work/colin/brain_masks" "$work/itk/brain_masks" \
    --steps "$steps" --threads "$threads" --seed 1 --out "$work/bench" >/dev/null 2>"$work/bench.err"
cat "$work/bench/table.md"

lf_scad=$(/usr/bin/python3 -c "
import json
lines=[json.loads(l) for l in open('$work/bench/scad/metrics.jsonl') if '\"train\"' in l and 'steps_per_second' in l]
print(f\"{16*lines[-1]['steps_per_second']:.2f}\")")
py_scad=$(LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 "$root/bench/anomaly/peer_scad.py" --threads "$threads" --steps 20)
blas=$(LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 -c "import torch;print(' '.join(l.strip() for l in torch.__config__.show().splitlines() if 'BLAS' in l))")
echo
echo "peer BLAS: $blas"
echo "| SCAD on $(nproc) cores, $threads threads | LabelFree (TorchSharp 0.107, LibTorch 2.10) | PyTorch $(/usr/bin/python3 -c 'import torch;print(torch.__version__)') | ratio |"
echo "| --- | --- | --- | --- |"
echo "| training slices/s (batch 16, 1x112x96, teacher ResNet-18 w32, clean + noisy pass, Adam) | $lf_scad | $py_scad | $(/usr/bin/python3 -c "print(f'{$lf_scad/$py_scad:.2f}')") |"
