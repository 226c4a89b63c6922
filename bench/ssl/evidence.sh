#!/usr/bin/env bash
# The issue's done-when evidence: SimCLR, MICLe and DINO pre-trained without labels, then
#  (1) brain: AAL-lobe probes on Colin27 patches, trained on the left hemisphere and tested on the right (and on the
#      right mirrored), beside the same encoder with random weights and PCA of the pixels;
#  (2) Visium: RNAPath-style expression (ridge per gene, held-out spatial blocks) beside the same baselines;
#  (3) ContIG-style tile/expression retrieval on held-out blocks.
#   bench/ssl/evidence.sh OUT [threads]       (CPU sizes: narrow ResNet-18, 4-layer ViT-tiny, 4,096 prototypes)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: evidence.sh OUT [threads]}
threads=${2:-1}
cd "$root"
lf() { ./labelfree "$@" --threads "$threads" --seed 1; }
brain=data/imaging/ch2bet.nii.gz
atlas=(--labels data/imaging/aal.nii.gz --label-names data/imaging/aal.nii.txt --label-level lobe --patch-stride 6)
visium=data/singlecell/visium_mouse_brain
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

lf ssl pretrain --images $brain --hemisphere left --method simclr --width 16 --steps 200 --batch-size 128 --out "$out/brain_simclr"
lf ssl pretrain --images data/imaging/ch2.nii.gz $brain --hemisphere left --group-by position --method micle --width 16 --steps 200 --batch-size 128 --out "$out/brain_micle"
lf ssl pretrain --images $brain --hemisphere left --method dino --layers 4 --prototypes 4096 --steps 200 --batch-size 64 --out "$out/brain_dino"
for m in simclr micle dino; do
  lf ssl probe --model "$out/brain_$m/model" --train $brain --train-hemisphere left --test $brain --test-hemisphere right "${atlas[@]}" --out "$out/probe_$m"
  lf ssl probe --model "$out/brain_$m/model" --train $brain --train-hemisphere left --test $brain --test-hemisphere right --mirror "${atlas[@]}" --out "$out/probe_mirrored_$m"
done

lf ssl pretrain --images $visium --method simclr --width 16 --steps 200 --batch-size 128 --out "$out/visium_simclr"
lf ssl pretrain --images $visium --method dino --layers 4 --prototypes 4096 --steps 60 --batch-size 64 --out "$out/visium_dino"
for m in simclr dino; do lf ssl expression --model "$out/visium_$m/model" --visium $visium --out "$out/expression_$m"; done
lf ssl crossmodal --visium $visium --width 16 --steps 300 --batch-size 128 --out "$out/crossmodal"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
