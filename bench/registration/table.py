"""The pyramid bench's table (pyramid.sh): per pair kind, the affine, every stage of affine + VoxelMorph and elastix.
   table.py WORK THREADS KIND..."""
import json
import os
import sys

work, threads, kinds = sys.argv[1], sys.argv[2], sys.argv[3:]
names = {"colin_1": "Colin27 deformed copies, strength 1, 116 AAL labels", "colin_2": "Colin27 deformed copies, strength 2, 116 AAL labels",
         "itk_1": "ITK head deformed copies, strength 1, tissue classes", "itk_2": "ITK head deformed copies, strength 2, tissue classes",
         "cross": "inter-subject Colin27 <-> ITK head, both directions, tissue classes"}
load = open("/proc/loadavg").read().split()[0]
print(f"{threads} threads, {os.cpu_count()} cores, load {load} at the end")
for kind in kinds:
    rows = []
    affine = json.load(open(f"{work}/affine_{kind}/summary.json"))
    rows.append(("affine (LabelFree)", affine["mean_dice"], affine["mean_hd95"], affine["mean_folding_fraction"], affine["max_folding_fraction"], affine["mean_seconds"]))
    vxm = json.load(open(f"{work}/vxm_{kind}/summary.json"))
    for stage in vxm["stages"]:
        name = "VoxelMorph alone" if stage["stage"] == "network" else f"+ refined to {stage['stage']} ({stage['mean_steps']:.0f} steps)"
        rows.append((name, stage["mean_dice"], stage["mean_hd95"], stage["mean_folding_fraction"], stage["max_folding_fraction"], stage["mean_seconds"]))
    elastix_file = f"{work}/elastix_{kind}.txt"
    elastix = None
    if os.path.exists(elastix_file) and os.path.getsize(elastix_file) > 0:
        values = [list(map(float, line.split())) for line in open(elastix_file)]
        mean = [sum(v[i] for v in values) / len(values) for i in range(4)]
        elastix = ("elastix affine + B-spline", mean[0], mean[2], mean[1], max(v[1] for v in values), mean[3])
        rows.append(elastix)
    print(f"\n| {names.get(kind, kind)} ({vxm['pairs']} pairs) | mean Dice | HD95 (mm) | folding % (max) | s per pair | Dice - elastix | speed-up vs elastix |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, dice, hd, fold, fold_max, seconds in rows:
        versus = f"{dice - elastix[1]:+.4f} | {elastix[5] / seconds:.1f}x" if elastix else "- | -"
        print(f"| {name} | {dice:.4f} | {hd:.2f} | {100 * fold:.4f} ({100 * fold_max:.4f}) | {seconds:.1f} | {versus} |")
