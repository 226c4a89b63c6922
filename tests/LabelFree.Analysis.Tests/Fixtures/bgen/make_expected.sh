#!/usr/bin/env bash
# plink2's results on the fixtures (PLINK v2.00a3.5 AVX2, Debian package plink2); run after make_bgen.py.
set -euo pipefail
cd "$(dirname "$0")"
for f in v12_zlib_8bit v13_zstd_16bit_phased v12_none_24bit; do
  plink2 --bgen "$f.bgen" ref-first --sample samples.sample --pheno pheno.txt --pheno-name y --covar covar.txt \
    --glm hide-covar cols=+a1freq --threads 1 --out "plink2.$f" > /dev/null
  rm -f "plink2.$f.log"
done
