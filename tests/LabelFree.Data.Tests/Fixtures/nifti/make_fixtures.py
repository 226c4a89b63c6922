"""Makes the NIfTI fixtures of LabelFree.Data.Tests with Debian's python3-nibabel, and expected.json with what nibabel
reads from each (shape, affine, scaled voxel values). Run: /usr/bin/python3 make_fixtures.py
"""
import json
from pathlib import Path

import nibabel as nib
import numpy as np

here = Path(__file__).resolve().parent
rng = np.random.default_rng(7)
expected = {}


def record(name, image):
    nib.save(image, here / name)
    back = nib.load(here / name)
    data = np.asarray(back.get_fdata(dtype=np.float64))
    expected[name] = {
        "shape": list(back.shape),
        "affine": [float(v) for v in back.affine.ravel()],
        "values": [float(v) for v in data.ravel(order="F")],
    }


# Big-endian int16 with scl_slope/scl_inter and only a qform (oblique rotation, qfac -1).
data = rng.integers(-300, 300, size=(5, 4, 3)).astype(">i2")
img = nib.Nifti1Image(data, None)
angle = np.deg2rad(20)
q_affine = np.array([[np.cos(angle) * 1.5, -np.sin(angle) * 2, 0, -10],
                     [np.sin(angle) * 1.5, np.cos(angle) * 2, 0, 12],
                     [0, 0, -3, 30],
                     [0, 0, 0, 1]])
img.set_qform(q_affine, code=1)
img.set_sform(None, code=0)
img.header.set_slope_inter(0.5, -7)
img.header.set_data_dtype(">i2")
record("int16_bigendian_scaled_qform.nii", img)

# NIfTI-2, float64, sform.
data = rng.normal(size=(3, 4, 5)).astype(np.float64)
s_affine = np.array([[0, -2, 0, 40], [1.5, 0, 0, -20], [0, 0, 2.5, 5], [0, 0, 0, 1]])
record("nifti2_float64_sform.nii.gz", nib.Nifti2Image(data, s_affine))

# 4-D uint8 (two volumes), like a short fMRI run.
data = rng.integers(0, 255, size=(4, 3, 2, 2)).astype(np.uint8)
record("uint8_4d.nii.gz", nib.Nifti1Image(data, np.diag([2.0, 2.0, 2.2, 1.0])))

# int32 and uint16 little-endian.
record("int32.nii", nib.Nifti1Image(rng.integers(-10**6, 10**6, size=(3, 3, 3)).astype(np.int32), np.eye(4)))
record("uint16.nii.gz", nib.Nifti1Image(rng.integers(0, 60000, size=(3, 2, 2)).astype(np.uint16), np.eye(4)))

(here / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
print("wrote", ", ".join(expected))
