#!/usr/bin/env bash
# DNA language-model training speed on this machine: training tokens per second of the same encoder (Nucleotide
# Transformer family, 4 layers of 256, 4 heads, SwiGLU 1,024, rotary; MLM head on the masked 15%; AdamW) in LabelFree
# (bench/LabelFree.Bench.Dna, through the Trainer) and in Debian's PyTorch (bench/dna/peer_transformer.py, OpenMP
# OpenBLAS), same run, at 512 tokens (batch 8) and 2,048 tokens (batch 2), printed as ratios; with user and system
# CPU seconds and peak memory of each process (/usr/bin/time), and two LabelFree variants that locate the difference:
# glibc's default allocator (HeapTuning off: any MALLOC_* variable disables it; MALLOC_TOP_PAD_ is set to glibc's
# own default) and explicit softmax attention instead of LibTorch's fused scaled_dot_product_attention; and PyTorch
# with LabelFree's allocator settings given through glibc's environment variables.
#   bench/dna/run.sh [threads] [steps]     (needs: apt-get install python3-torch libopenblas0-openmp time)
# Measure on a quiet machine: two processes of two OpenMP threads each on two cores slow both by an order of magnitude.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
threads=${1:-2}
steps=${2:-10}
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 2; }
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "python3-torch not found (apt-get install python3-torch)" >&2; exit 2; }
[ -d /usr/lib/x86_64-linux-gnu/openblas-openmp ] || { echo "OpenMP OpenBLAS not found (apt-get install libopenblas0-openmp)" >&2; exit 2; }
dotnet build "$root/bench/LabelFree.Bench.Dna" -c Release -v quiet -nologo > /dev/null
bench="$root/artifacts/bin/LabelFree.Bench.Dna/release/LabelFree.Bench.Dna"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Which BLAS the peer loaded, and its OpenMP threads.
peer_info=$(LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 -c "
import torch
torch.set_num_threads($threads)
torch.ones(64, 64) @ torch.ones(64, 64)
loaded = next((l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.lower()), 'no BLAS library loaded')
print(loaded + ', ' + [l.strip() for l in torch.__config__.parallel_info().splitlines() if 'get_num_threads' in l][0])")
echo "peer: $peer_info"
echo

# One measurement: NAME, then the command; prints "tokens_per_second user_s system_s peak_mib".
measure() {
  local name=$1; shift
  /usr/bin/time -f "%U %S %M" -o "$work/$name.time" "$@" > "$work/$name.json"
  /usr/bin/python3 - "$work/$name.json" "$work/$name.time" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
user, system, rss = open(sys.argv[2]).read().split()[-3:]
print(r["tokens_per_second"], user, system, round(int(rss) / 1024))
PY
}

tuned="MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=2147483647 MALLOC_TOP_PAD_=1073741824"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| $threads thread(s), $steps timed steps | tokens | LabelFree tokens/s | PyTorch $(/usr/bin/python3 -c 'import torch;print(torch.__version__)') tokens/s | ratio | LabelFree user/sys s, peak MiB | PyTorch user/sys s, peak MiB | LabelFree, glibc default heap: tokens/s, user/sys s | PyTorch, LabelFree's heap settings: tokens/s, user/sys s | LabelFree, explicit attention: tokens/s | managed KiB per step |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for config in "512 8" "2048 2"; do
  set -- $config
  tokens=$1; batch=$2
  read -r py py_user py_sys py_rss < <(measure "py$tokens" env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 "$root/bench/dna/peer_transformer.py" --tokens "$tokens" --batch "$batch" --steps "$steps" --threads "$threads")
  read -r lf lf_user lf_sys lf_rss < <(measure "lf$tokens" "$bench" "$tokens" "$batch" "$steps" "$threads")
  read -r heap heap_user heap_sys _ < <(measure "heap$tokens" env MALLOC_TOP_PAD_=131072 "$bench" "$tokens" "$batch" "$steps" "$threads")
  read -r pyt pyt_user pyt_sys _ < <(measure "pyt$tokens" env $tuned LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 "$root/bench/dna/peer_transformer.py" --tokens "$tokens" --batch "$batch" --steps "$steps" --threads "$threads")
  read -r explicit _ _ _ < <(measure "explicit$tokens" "$bench" "$tokens" "$batch" "$steps" "$threads" explicit)
  ratio=$(/usr/bin/python3 -c "print(f'{$lf / $py:.2f}')")
  managed=$(/usr/bin/python3 -c "import json;print(json.loads(open('$work/lf$tokens.json').read().strip().splitlines()[-1])['managed_kib_per_step'])")
  echo "| NT 4 x 256, batch $batch | $tokens | $lf | $py | $ratio | $lf_user / $lf_sys, $lf_rss | $py_user / $py_sys, $py_rss | $heap, $heap_user / $heap_sys | $pyt, $pyt_user / $pyt_sys | $explicit | $managed |"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
