#!/usr/bin/env bash
# plink2's results on the fixtures (PLINK v2.00a3.5 AVX2, Debian package plink2); run after make_bgen.py.
# y: quantitative (.glm.linear); b: case/control 1/2 (.glm.logistic.hybrid, plink2's default firth-fallback).
set -euo pipefail
cd "$(dirname "$0")"
for f in v12_zlib_8bit v13_zstd_16bit_phased v12_none_24bit; do
  plink2 --bgen "$f.bgen" ref-first --sample samples.sample --pheno pheno.txt --covar covar.txt \
    --glm hide-covar cols=+a1freq --threads 1 --memory 1000 --out "plink2.$f" > /dev/null
  rm -f "plink2.$f.log"
done
# rs2 on the same samples without missing genotypes (its missing samples' b set to NA): plink2's SE here equals ours,
# while its SE with the genotypes missing differs (OR identical).
plink2 --bgen v12_zlib_8bit.bgen ref-first --sample samples.sample --pheno pheno_rs2_na.txt --pheno-name b --covar covar.txt \
  --glm hide-covar cols=+a1freq --threads 1 --memory 1000 --snp rs2 --out plink2.rs2_na > /dev/null
rm -f plink2.rs2_na.log
