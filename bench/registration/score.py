"""Scores elastix's output like `labelfree register eval`: over the fixed labels with at least 100 voxels, the mean Dice
and the mean 95th-percentile Hausdorff distance (mm; surface voxels = label voxels with a 6-neighbour outside the label;
distances from each surface to the other, both directions pooled, nearest-rank 95th percentile), and the fraction of
fixed-brain voxels whose Jacobian determinant is 0 or less. Prints: mean_dice folding_fraction mean_hd95."""
import sys
import nibabel as nib
import numpy as np
from scipy import ndimage

warped, fixed_labels, fixed_mask, jacobian = sys.argv[1:5]
a = np.rint(np.asarray(nib.load(warped).dataobj)).astype(np.int64)
image = nib.load(fixed_labels)
b = np.rint(np.asarray(image.dataobj)).astype(np.int64)
spacing = image.header.get_zooms()[:3]
mask = np.asarray(nib.load(fixed_mask).dataobj) > 0


def hd95(first, second):
    box = np.argwhere(first | second)
    low, high = box.min(0), box.max(0) + 1
    first, second = [np.pad(m[low[0]:high[0], low[1]:high[1], low[2]:high[2]], 1) for m in (first, second)]
    surfaces = [m & ~ndimage.binary_erosion(m) for m in (first, second)]
    distances = []
    for source, target in ((0, 1), (1, 0)):
        to_target = ndimage.distance_transform_edt(~surfaces[target], sampling=spacing)
        distances.append(to_target[surfaces[source]])
    pooled = np.sort(np.concatenate(distances))
    return pooled[int(np.ceil(0.95 * len(pooled))) - 1]


dice, hd = [], []
for label in np.unique(b):
    if label == 0 or (b == label).sum() < 100:
        continue
    both = np.logical_and(a == label, b == label).sum()
    dice.append(2.0 * both / ((a == label).sum() + (b == label).sum()))
    if (a == label).any():
        hd.append(hd95(a == label, b == label))
det = np.asarray(nib.load(jacobian).dataobj).reshape(mask.shape)
print(f"{np.mean(dice):.5f} {float((det[mask] <= 0).mean()):.6g} {np.mean(hd):.4f}")
