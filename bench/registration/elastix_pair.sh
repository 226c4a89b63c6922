#!/usr/bin/env bash
# One pair with elastix 5 (affine + B-spline, parameter files beside this script; the fixed mask restricts the metric, as
# LabelFree's brain-centred grids do), the moving labels warped by transformix (nearest neighbour), scored by score.py.
#   elastix_pair.sh fixed moving fixed_labels moving_labels fixed_mask out_folder threads
# Prints: mean_dice folding_fraction mean_hd95 seconds (seconds: the elastix call alone).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
f=$1 m=$2 fl=$3 ml=$4 fm=$5 out=$6 threads=$7
mkdir -p "$out"
start=$(date +%s.%N)
elastix -f "$f" -m "$m" -fMask "$fm" -p "$here/elastix_affine.txt" -p "$here/elastix_bspline.txt" -out "$out" -threads "$threads" >/dev/null
seconds=$(/usr/bin/python3 -c "print(f'{$(date +%s.%N) - $start:.2f}')")
sed -e 's/(FinalBSplineInterpolationOrder 3)/(FinalBSplineInterpolationOrder 0)/' -e 's/(ResultImagePixelType "float")/(ResultImagePixelType "short")/' \
  "$out/TransformParameters.1.txt" > "$out/labels.txt"
transformix -in "$ml" -tp "$out/labels.txt" -out "$out" -jac all -threads "$threads" >/dev/null
echo "$(/usr/bin/python3 "$here/score.py" "$out/result.nii.gz" "$fl" "$fm" "$out/spatialJacobian.nii.gz") $seconds"
