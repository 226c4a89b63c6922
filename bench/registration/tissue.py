"""Tissue classes of a skull-stripped T1 scan for the inter-subject pairs: a 3-class k-means of the brain's intensities
(non-zero voxels), labelled 4, 5, 6 from dark to bright (CSF, grey, white matter), as the ITK head's
KmeansTest_T1KmeansPrelimSegmentation labels them; 0 outside the brain.   tissue.py scan.nii.gz out.nii.gz"""
import sys
import nibabel as nib
import numpy as np

scan, out = sys.argv[1:3]
image = nib.load(scan)
data = np.asarray(image.dataobj, dtype=np.float64)
brain = data > 0
values = data[brain]
centres = np.percentile(values, [15, 50, 85])
for _ in range(100):
    nearest = np.abs(values[:, None] - centres[None, :]).argmin(1)
    updated = np.array([values[nearest == k].mean() for k in range(3)])
    if np.allclose(updated, centres):
        break
    centres = updated
labels = np.zeros(data.shape, dtype=np.int16)
labels[brain] = 4 + np.argsort(np.argsort(centres))[nearest]
nib.save(nib.Nifti1Image(labels, image.affine), out)
