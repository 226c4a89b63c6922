#!/usr/bin/env bash
# StRegA speed on this machine: LabelFree's training slices/s and detection seconds per volume, and the same network's
# training step in Debian's PyTorch (python3-torch, OpenMP OpenBLAS) in the same run, printed as a ratio.
#   bench/strega/run.sh [threads]          (needs: apt-get install python3-torch libopenblas0-openmp)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
threads=${1:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
./labelfree --help >/dev/null   # build first, outside the timings

./labelfree anomaly train --data data/imaging/ch2bet.nii.gz --out "$work/run" --steps 40 --min-volumes 1 --threads "$threads" >/dev/null 2>"$work/train.err"
lf_train=$(/usr/bin/python3 -c "
import json
lines=[json.loads(l) for l in open('$work/run/metrics.jsonl') if '\"train\"' in l]
print(f\"{16*lines[-1]['steps_per_second']:.2f}\")")
./labelfree anomaly eval --model "$work/run/model" --data data/imaging/ch2bet.nii.gz --synthetic-lesions 3 --out "$work/eval" --threads "$threads" > "$work/eval.txt" 2>/dev/null
lf_detect=$(/usr/bin/python3 -c "import json;print(f\"{json.load(open('$work/eval/metrics.json'))['summary']['seconds_per_scan']:.2f}\")")
py_train=$(LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 "$root/bench/strega/peer_cevae.py" --threads "$threads" --steps 20)

echo "| StRegA on $(nproc) cores, $threads threads | LabelFree (TorchSharp 0.107, LibTorch 2.10) | PyTorch $(/usr/bin/python3 -c 'import torch;print(torch.__version__)') | ratio |"
echo "| --- | --- | --- | --- |"
echo "| training slices/s (batch 16, 1x112x96, VAE + CE pass, Adam) | $lf_train | $py_train | $(/usr/bin/python3 -c "print(f'{$lf_train/$py_train:.2f}')") |"
echo "| detection s per volume (Colin27 181x217x181, incl. preprocessing and resampling back) | $lf_detect | | |"
