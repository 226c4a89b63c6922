#!/usr/bin/env bash
# Registration at full resolution (issue 21): five kinds of held-out pair, each registered by LabelFree (the affine alone;
# affine + VoxelMorph scored after every stage: the network alone, refined on its 4 mm grid, then on each finer level of
# the refinement pyramid) and by elastix 5 (affine + B-spline) in the same run, same threads. Per kind: mean Dice, mean
# HD95 (mm), folding (% of fixed-brain voxels with a Jacobian determinant <= 0) and seconds per pair.
#   bench/registration/pyramid.sh [threads] [voxelmorph model] [seed]
# Env: LEVELS (finer levels in mm, default "2 1"), LEVEL_STEPS, LEVEL_SMOOTHNESS, REFINE (steps on the 4 mm grid),
# KINDS (default "colin_1 colin_2 itk_1 itk_2 cross"), NO_ELASTIX=1 (LabelFree only), WORK (work folder).
# Pair kinds: Colin27 deformed copies scored on the 116 AAL labels and ITK head deformed copies scored on its tissue
# classes, each at deformation strength 1 and 2 (smooth displacement SD 3 and 6 mm; register synthesize --strength),
# two pairs each; and the two real brains registered to each other in both directions, scored on tissue classes
# (Colin27's from a 3-class k-means of its intensities, tissue.py). The model: bench/RESULTS.md, registration section.
# Tuning (defaults) used another seed: bench/registration/pyramid.sh 2 MODEL 11 with KINDS="colin_1 colin_2 itk_1 itk_2".
# Needs: apt-get install elastix python3-nibabel python3-scipy
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/bench/registration
threads=${1:-2}
model=${2:-$root/runs/voxelmorph/model}
seed=${3:-2026}
levels=${LEVELS:-2 1}
kinds=${KINDS:-colin_1 colin_2 itk_1 itk_2 cross}
work=${WORK:-$(mktemp -d)}
cd "$root"
./labelfree --help >/dev/null   # build first, outside the timings
D=data/imaging

for strength in 1 2; do
  [ -f "$work/s$strength/pairs.tsv" ] || ./labelfree register synthesize --data $D/ch2bet.nii.gz $D/KmeansTest_T1UCharRaw.nii.gz \
    --masks $D/ch2bet.nii.gz $D/KmeansTest_T1_brainmask.nii.gz --labels $D/aal.nii.gz $D/KmeansTest_T1KmeansPrelimSegmentation.nii.gz \
    --pairs 2 --strength $strength --seed $((seed + strength)) --out "$work/s$strength" >/dev/null
  { head -1 "$work/s$strength/pairs.tsv"; grep '^s0_' "$work/s$strength/pairs.tsv" | sed "s|s0_|s$strength/s0_|g"; } > "$work/colin_$strength.tsv"
  { head -1 "$work/s$strength/pairs.tsv"; grep '^s1_' "$work/s$strength/pairs.tsv" | sed "s|s1_|s$strength/s1_|g"; } > "$work/itk_$strength.tsv"
done
/usr/bin/python3 "$here/tissue.py" "$work/s1/s0_original.nii.gz" "$work/colin_tissue.nii.gz"
o=s1/s0_original; i=s1/s1_original
printf 'fixed\tmoving\tfixed_labels\tmoving_labels\tfixed_mask\tmoving_mask\n%s\n%s\n' \
  "$o.nii.gz	$i.nii.gz	colin_tissue.nii.gz	${i}_labels.nii.gz	${o}_mask.nii.gz	${i}_mask.nii.gz" \
  "$i.nii.gz	$o.nii.gz	${i}_labels.nii.gz	colin_tissue.nii.gz	${i}_mask.nii.gz	${o}_mask.nii.gz" > "$work/cross.tsv"

refine_flags=(--levels $levels)
[ -n "${REFINE:-}" ] && refine_flags+=(--refine "$REFINE")
[ -n "${LEVEL_STEPS:-}" ] && refine_flags+=(--level-steps "$LEVEL_STEPS")
[ -n "${LEVEL_SMOOTHNESS:-}" ] && refine_flags+=(--level-smoothness "$LEVEL_SMOOTHNESS")
for kind in $kinds; do
  ./labelfree register eval --affine-only --pairs "$work/$kind.tsv" --out "$work/affine_$kind" --threads "$threads" >/dev/null 2>&1
  ./labelfree register eval --model "$model" --every-stage "${refine_flags[@]}" --pairs "$work/$kind.tsv" --out "$work/vxm_$kind" --threads "$threads" >/dev/null 2>&1
  [ -n "${NO_ELASTIX:-}" ] && continue
  : > "$work/elastix_$kind.txt"
  tail -n +2 "$work/$kind.tsv" | while IFS=$'\t' read -r f m fl ml fm mm; do
    "$here/elastix_pair.sh" "$work/$f" "$work/$m" "$work/$fl" "$work/$ml" "$work/$fm" "$work/elastix_${kind}_$(basename "$m" .nii.gz)" "$threads" >> "$work/elastix_$kind.txt"
  done
done
/usr/bin/python3 "$here/table.py" "$work" "$threads" $kinds
echo "(work folder: $work; load $(cut -d' ' -f1-3 /proc/loadavg))"
