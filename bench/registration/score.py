"""Scores elastix's output like `labelfree register eval`: mean Dice over the fixed labels with at least 100 voxels,
and the fraction of fixed-brain voxels whose Jacobian determinant is 0 or less. Prints: mean_dice folding_fraction."""
import sys
import nibabel as nib
import numpy as np

warped, fixed_labels, fixed_mask, jacobian = sys.argv[1:5]
a = np.rint(np.asarray(nib.load(warped).dataobj)).astype(np.int64)
b = np.rint(np.asarray(nib.load(fixed_labels).dataobj)).astype(np.int64)
mask = np.asarray(nib.load(fixed_mask).dataobj) > 0
dice = []
for label in np.unique(b):
    if label == 0 or (b == label).sum() < 100:
        continue
    both = np.logical_and(a == label, b == label).sum()
    dice.append(2.0 * both / ((a == label).sum() + (b == label).sum()))
det = np.asarray(nib.load(jacobian).dataobj).reshape(mask.shape)
print(f"{np.mean(dice):.5f} {float((det[mask] <= 0).mean()):.6g}")
