#!/usr/bin/env bash
# Checks that the sharded workflow's merged files equal a single run byte for byte: locally, and through a single-node
# Slurm when `slurm` is passed (started with slurm/start-local-slurm.sh, stopped afterwards).
# Run from the repository root: workflows/gwas/check.sh [slurm]
set -euo pipefail
cfg=workflows/gwas/config.yaml
get() { sed -n "s/^$1: *//p" "$cfg"; }
./labelfree --help > /dev/null   # build once before the jobs start
single=runs/gwas-single
rm -rf "$single" && mkdir -p "$single"
./labelfree gwas --bgen "$(get bgen)" "$(get bgen_ref)" --sample "$(get sample)" --pheno "$(get pheno)" --covar "$(get covar)" \
  --threads 1 --out "$single/gwas" > /dev/null
compare() {
  local dir=$1 n=0
  for f in "$single"/gwas.*.glm.*; do
    cmp "$f" "$dir/$(basename "$f")"
    n=$((n + 1))
  done
  echo "$dir: $n merged files byte-identical to the single run ($(ls "$dir"/chunks | wc -l) chunks)"
}
rm -rf runs/gwas-local
snakemake -s workflows/gwas/Snakefile --cores 2 -q --config out=runs/gwas-local > /dev/null
compare runs/gwas-local
if [ "${1:-}" = slurm ]; then
  eval "$(workflows/gwas/slurm/start-local-slurm.sh)"
  trap workflows/gwas/slurm/stop-local-slurm.sh EXIT
  rm -rf runs/gwas-slurm
  snakemake -s workflows/gwas/Snakefile --profile workflows/gwas/slurm -q --config out=runs/gwas-slurm > /dev/null
  compare runs/gwas-slurm
  echo "slurm jobs: $(sacct -n -X -o JobID 2>/dev/null | wc -l) accounted; $(ls slurm-*.out 2>/dev/null | wc -l) job logs"
  rm -f slurm-*.out
fi
