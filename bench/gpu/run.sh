#!/usr/bin/env bash
# Run on a CUDA machine with PyTorch installed for python3, from the repository root, after bench/gpu/prepare.sh
# here (carry .device). Checks `labelfree doctor --device cuda`, trains the demo's autoencoder on the GPU, times the
# same network's training step in PyTorch in the same run, and prints a table (paste it into bench/RESULTS.md).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dev=$root/.device
out=${OUT:-$root/gpu-out}
mkdir -p "$out" /tmp/dotnet
tar -xJf "$dev/dotnet.tar.xz" -C /tmp/dotnet
export DOTNET_ROOT=/tmp/dotnet PATH=/tmp/dotnet:$PATH
export LABELFREE_TORCH_LIB=$(python3 -c "import torch,os;print(os.path.join(os.path.dirname(torch.__file__),'lib'))")
export LD_LIBRARY_PATH=$LABELFREE_TORCH_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LABELFREE_DATA=$root/data
labelfree() { dotnet "$dev/labelfree/labelfree.dll" "$@"; }

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"
python3 -c "import torch; print('PyTorch', torch.__version__, 'CUDA', torch.version.cuda)" | tee -a "$out/gpu.txt"
labelfree doctor --device cuda | tee "$out/doctor.txt"

start=$(date +%s.%N)
labelfree demo --device cuda --steps 2000 --out "$out/demo" > "$out/demo.txt" 2> "$out/demo.err"
end=$(date +%s.%N)
lf_rate=$(python3 -c "import json;l=[json.loads(x) for x in open('$out/demo/metrics.jsonl') if '\"train\"' in x];print(f\"{l[-1]['steps_per_second']:.1f}\")")
py_rate=$(python3 "$root/bench/gpu/peer_autoencoder.py" --device cuda --steps 2000)

echo
echo "| workload (GPU) | LabelFree | PyTorch | ratio |"
echo "| --- | --- | --- | --- |"
echo "| demo autoencoder train steps/s (batch 16, 1x112x96, AdamW, incl. data and logging) | $lf_rate | $py_rate | $(python3 -c "print(f'{$lf_rate/$py_rate:.2f}')") |"
echo "| demo wall time, 2000 steps incl. start-up and report (s) | $(python3 -c "print(f'{$end-$start:.1f}')") | | |"
cat "$out/demo.txt"
