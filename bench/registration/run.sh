#!/usr/bin/env bash
# Registration on held-out real-brain pairs: LabelFree (affine alone, affine + VoxelMorph, affine + MICDIR, each network
# also with its field refined on the pair: instance-specific optimisation, --refine) against elastix 5 (affine + B-spline,
# parameter files beside this script), same pairs, same thread count, side by side.
#   bench/registration/run.sh [threads] [voxelmorph model] [micdir model] [refine steps]
# Models default to runs/voxelmorph/model and runs/micdir/model, trained with (about 9 + 10 min on 2 quiet cores):
#   ./labelfree register train --data data/imaging/ch2bet.nii.gz data/imaging/KmeansTest_T1UCharRaw.nii.gz \
#     --masks data/imaging/ch2bet.nii.gz data/imaging/KmeansTest_T1_brainmask.nii.gz --method voxelmorph --steps 1000 --lr 1e-3 --seed 1 --out runs/voxelmorph
#   (the same with --method micdir --steps 500 --out runs/micdir)
# Needs: apt-get install elastix python3-nibabel
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/bench/registration
threads=${1:-2}
vxm=${2:-$root/runs/voxelmorph/model}
micdir=${3:-$root/runs/micdir/model}
refine=${4:-20}
work=${WORK:-$(mktemp -d)}
cd "$root"
./labelfree --help >/dev/null   # build first, outside the timings
D=data/imaging

# Held-out pairs: 2 per subject from a seed stream training never uses, plus the inter-subject pair (brain masks as labels).
./labelfree register synthesize --data $D/ch2bet.nii.gz $D/KmeansTest_T1UCharRaw.nii.gz --masks $D/ch2bet.nii.gz $D/KmeansTest_T1_brainmask.nii.gz \
  --labels $D/aal.nii.gz $D/KmeansTest_T1KmeansPrelimSegmentation.nii.gz --pairs 2 --seed 2026 --out "$work/pairs" >/dev/null

summary() { /usr/bin/python3 -c "import json;s=json.load(open('$1/summary.json'));print(f\"{s['mean_dice']:.4f} {s['mean_folding_fraction']:.6f} {s['mean_seconds']:.2f}\")"; }
for set in pairs cross; do
  ./labelfree register eval --affine-only --pairs "$work/pairs/$set.tsv" --out "$work/affine_$set" --threads "$threads" >/dev/null 2>&1
  ./labelfree register eval --model "$vxm" --refine 0 --pairs "$work/pairs/$set.tsv" --out "$work/vxm_$set" --threads "$threads" >/dev/null 2>&1
  ./labelfree register eval --model "$micdir" --refine 0 --pairs "$work/pairs/$set.tsv" --out "$work/micdir_$set" --threads "$threads" >/dev/null 2>&1
  ./labelfree register eval --model "$vxm" --refine "$refine" --pairs "$work/pairs/$set.tsv" --out "$work/vxmr_$set" --threads "$threads" >/dev/null 2>&1
  ./labelfree register eval --model "$micdir" --refine "$refine" --pairs "$work/pairs/$set.tsv" --out "$work/micdirr_$set" --threads "$threads" >/dev/null 2>&1
  # elastix on the same pairs (fixed mask restricts the metric, as LabelFree's brain-centred grid does).
  : > "$work/elastix_$set.txt"
  tail -n +2 "$work/pairs/$set.tsv" | while IFS=$'\t' read -r f m fl ml fm mm; do
    out="$work/elastix_${set}_$(basename "$m" .nii.gz)"
    mkdir -p "$out"
    start=$(date +%s.%N)
    elastix -f "$work/pairs/$f" -m "$work/pairs/$m" -fMask "$work/pairs/$fm" -p "$here/elastix_affine.txt" -p "$here/elastix_bspline.txt" \
      -out "$out" -threads "$threads" >/dev/null
    seconds=$(/usr/bin/python3 -c "print($(date +%s.%N) - $start)")
    sed -e 's/(FinalBSplineInterpolationOrder 3)/(FinalBSplineInterpolationOrder 0)/' -e 's/(ResultImagePixelType "float")/(ResultImagePixelType "short")/' \
      "$out/TransformParameters.1.txt" > "$out/labels.txt"
    transformix -in "$work/pairs/$ml" -tp "$out/labels.txt" -out "$out" -jac all -threads "$threads" >/dev/null
    echo "$(/usr/bin/python3 "$here/score.py" "$out/result.nii.gz" "$work/pairs/$fl" "$work/pairs/$fm" "$out/spatialJacobian.nii.gz") $seconds" >> "$work/elastix_$set.txt"
  done
  read -r ed ef es < <(awk '{d+=$1; f+=$2; s+=$NF; n++} END {printf "%.4f %.6f %.2f\n", d/n, f/n, s/n}' "$work/elastix_$set.txt")
  read -r ad af as < <(summary "$work/affine_$set")
  read -r vd vf vs < <(summary "$work/vxm_$set")
  read -r md mf ms < <(summary "$work/micdir_$set")
  read -r rd rf rs < <(summary "$work/vxmr_$set")
  read -r qd qf qs < <(summary "$work/micdirr_$set")
  label=$([ $set = pairs ] && echo "held-out pairs ($(($(wc -l < "$work/pairs/pairs.tsv") - 1)): Colin27 AAL + ITK head tissue classes" || echo "inter-subject Colin27 <- ITK head (brain masks)")
  echo
  echo "### $label, $threads threads, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
  echo "| method | mean Dice | folding (% brain voxels) | s per pair | Dice - elastix | speed-up vs elastix |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for row in "affine (LabelFree)|$ad|$af|$as" "affine + VoxelMorph (network alone)|$vd|$vf|$vs" "affine + MICDIR (network alone)|$md|$mf|$ms" \
    "affine + VoxelMorph + $refine refine steps|$rd|$rf|$rs" "affine + MICDIR + $refine refine steps|$qd|$qf|$qs" "elastix affine + B-spline|$ed|$ef|$es"; do
    IFS='|' read -r name d f s <<< "$row"
    /usr/bin/python3 -c "print(f'| $name | {$d:.4f} | {100*$f:.4f} | {$s:.1f} | {$d-$ed:+.4f} | {$es/$s:.2f}x |')"
  done
done
echo "(work folder: $work)"
