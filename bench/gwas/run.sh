#!/usr/bin/env bash
# GWAS benchmark: LabelFree `gwas` against `plink2 --glm` on the same simulated files in the same run.
# Simulates N samples x M variants, 182 phenotypes, C covariates (no missing data), then for each P in PS runs both
# tools on P phenotypes with C covariates, checks the outputs agree, and prints wall time, peak memory (GNU time),
# the ratio, and a lower bound from this machine's measured memory bandwidth and block-product rate.
# Usage: bench/gwas/run.sh            (env: N=10000 M=100000 C=4 PS="1 16 182" THREADS=2 WORK=/tmp/labelfree-bench-gwas)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-10000}; M=${M:-100000}; C=${C:-4}; PS=${PS:-"1 16 182"}; THREADS=${THREADS:-2}
work=${WORK:-/tmp/labelfree-bench-gwas}
command -v plink2 > /dev/null || { echo "plink2 not found (apt-get install plink2)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 2; }

dotnet build "$root/bench/LabelFree.Bench.Gwas" -c Release -v quiet -nologo > /dev/null
bench="$root/artifacts/bin/LabelFree.Bench.Gwas/release/LabelFree.Bench.Gwas"
mkdir -p "$work"
cd "$work"
if [ ! -f sim.bed ] || [ "$(wc -l < sim.fam)" != "$N" ] || [ "$(wc -l < sim.bim)" != "$M" ]; then
  echo "simulating N=$N M=$M P=182 C=$C in $work" >&2
  "$bench" simulate . "$N" "$M" 182 "$C" 1
fi
cat sim.bed > /dev/null   # both tools then read the .bed from the page cache

roof=$("$bench" roofline "$N")
bandwidth=$(sed -E 's/.*memory read ([0-9.]+) GB\/s.*/\1/' <<< "$roof")
gflops=$(sed -E 's/.*block product ([0-9.]+) GFLOP\/s.*/\1/' <<< "$roof")
bed_bytes=$(stat -c %s sim.bed)

echo "# GWAS benchmark: N=$N samples, M=$M variants, C=$C covariates, $THREADS threads, $(nproc) cores; $(date -u +%FT%TZ)"
echo "# machine: $roof"
echo "# plink2: $(plink2 --version)"
printf "%-4s %10s %10s %10s %10s %8s %10s %10s %s\n" P lf_s lf_MiB plink2_s plink2_MiB ratio bound_s bound_of check
for P in $PS; do
  names=$(seq -s, -f "P%g" 1 "$P")
  range=$([ "$P" = 1 ] && echo P1 || echo "P1-P$P")
  /usr/bin/time -f "%e %M" -o lf.time "$bench" gwas --bfile sim --pheno pheno.txt --pheno-name "$names" --covar covar.txt \
    --out "lf$P" --threads "$THREADS" > /dev/null 2> lf.log
  /usr/bin/time -f "%e %M" -o pl.time plink2 --bfile sim --pheno pheno.txt --pheno-name "$range" --covar covar.txt \
    --glm hide-covar cols=+a1freq --threads "$THREADS" --out "pl$P" > /dev/null
  check=$("$bench" compare "lf$P" "pl$P" $(tr , ' ' <<< "$names") | tail -1 || true)
  read -r lf_s lf_kb < lf.time
  read -r pl_s pl_kb < pl.time
  # Lower bound: the .bed read once at memory bandwidth, or 2*N*M*P flops at the block-product rate, whichever is larger.
  bound=$(awk -v b="$bed_bytes" -v bw="$bandwidth" -v n="$N" -v m="$M" -v p="$P" -v g="$gflops" \
    'BEGIN { io = b / (bw * 1e9); fl = 2 * n * m * p / (g * 1e9); if (io > fl) printf "%.3f io", io; else printf "%.3f flops", fl }')
  printf "%-4s %10s %10.0f %10s %10.0f %8.2f %10s %10s %s\n" "$P" "$lf_s" "$((lf_kb / 1024))" "$pl_s" "$((pl_kb / 1024))" \
    "$(awk -v a="$pl_s" -v b="$lf_s" 'BEGIN { printf "%.2f", a / b }')" ${bound} "$check"
  rm -f lf"$P".*.glm.linear pl"$P".*.glm.linear
done
