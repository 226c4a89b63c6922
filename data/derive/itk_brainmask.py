"""Derives data/imaging/KmeansTest_T1_brainmask.nii.gz from the ITK example's tissue segmentation.

The segmentation (KmeansTest_T1KmeansPrelimSegmentation.nii.gz) labels background 1, two scalp/skull classes 2-3,
and CSF, grey and white matter 4-6. The brain mask is labels 4-6, smoothed by a 3x3x3 majority vote, keeping the
largest 6-connected component. Run with Debian's python3-nibabel: /usr/bin/python3 data/derive/itk_brainmask.py
"""
from collections import deque
from pathlib import Path

import nibabel as nib
import numpy as np

here = Path(__file__).resolve().parent.parent / "imaging"
seg = nib.load(here / "KmeansTest_T1KmeansPrelimSegmentation.nii.gz")
labels = np.asarray(seg.dataobj)
mask = np.isin(labels, [4, 5, 6]).astype(np.int16)

padded = np.pad(mask, 1)
votes = sum(np.roll(np.roll(np.roll(padded, dx, 0), dy, 1), dz, 2)
            for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1))[1:-1, 1:-1, 1:-1]
mask = votes >= 14

component = np.zeros(mask.shape, dtype=np.int32)
sizes = {}
current = 0
for start in zip(*np.nonzero(mask)):
    if component[start]:
        continue
    current += 1
    component[start] = current
    queue, size = deque([start]), 0
    while queue:
        x, y, z = queue.popleft()
        size += 1
        for dx, dy, dz in ((1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)):
            n = (x + dx, y + dy, z + dz)
            if all(0 <= n[a] < mask.shape[a] for a in range(3)) and mask[n] and not component[n]:
                component[n] = current
                queue.append(n)
    sizes[current] = size
largest = max(sizes, key=sizes.get)
brain = (component == largest).astype(np.uint8)
out = nib.Nifti1Image(brain, seg.affine, seg.header)
out.set_data_dtype(np.uint8)
nib.save(out, here / "KmeansTest_T1_brainmask.nii.gz")
print(f"brain mask: {int(brain.sum())} voxels of {brain.size}")
