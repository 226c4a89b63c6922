#!/usr/bin/env bash
# Regenerates the plink2 reference outputs in this folder (needs plink2 2.00a3.5 and python3; run from this folder).
set -euo pipefail
data=../../../../data/genetics
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The missing-genotype fileset: GEUVADIS chr22 with genotype (sample i, variant j) set missing where (7i + 13j) % 97 == 0.
python3 - "$data/geuv_chr22" "$work/miss" <<'PY'
import shutil, sys
src, dst = sys.argv[1], sys.argv[2]
n = sum(1 for _ in open(src + ".fam")); m = sum(1 for _ in open(src + ".bim")); bpv = (n + 3) // 4
bed = bytearray(open(src + ".bed", "rb").read())
for j in range(m):
    for i in range(n):
        if (7 * i + 13 * j) % 97 == 0:
            k = 3 + j * bpv + i // 4; s = 2 * (i % 4)
            bed[k] = (bed[k] & ~(3 << s)) | (1 << s)
open(dst + ".bed", "wb").write(bed)
shutil.copy(src + ".bim", dst + ".bim"); shutil.copy(src + ".fam", dst + ".fam")
PY

common="--glm allow-no-covars hide-covar cols=+a1freq --threads 2"
plink2 --bfile "$data/geuv_chr22" --pheno pheno.txt $common --out "$work/nocov" > /dev/null
plink2 --bfile "$data/geuv_chr22" --pheno pheno.txt --covar covar.txt $common --out "$work/cov" > /dev/null
plink2 --bfile "$work/miss" --pheno pheno_na.txt --covar covar.txt $common --out "$work/miss" > /dev/null

# Keep the header, every 40th variant and every variant with P < 1e-8 (small p-values, printed from ln P).
for run in nocov cov miss; do
  for gene in ENSG00000172404.4 ENSG00000215270.3; do
    awk -F'\t' 'NR == 1 || (NR - 2) % 40 == 0 || ($13 != "NA" && $13 + 0 < 1e-8)' "$work/$run.$gene.glm.linear" \
      | gzip -n -9 > "$run.$gene.glm.linear.gz"
  done
done
