#!/usr/bin/env bash
# The DNA language models' done-when evidence on the bundled data, as recorded in bench/RESULTS.md:
#   1. pre-train a small Nucleotide Transformer on dm3 promoter regions; held-out bits per nucleotide beside the Markov chain;
#   2. dm3 core promoters (300 bases before the TSS) of held-out records against dinucleotide-shuffled copies: fine-tuning
#      from the pre-trained model and from an untrained one, linear probes, and the k-mer spectrum baseline, on held-out rows;
#   3. the E. coli promoters, 5-fold cross-validation: probes, fine-tuning, k-mer baseline;
#   4. DNABERT's attention motifs of the fine-tuned promoter classifier on the held-out promoters.
#   bench/dna/evidence.sh OUT [steps] [threads]     (steps: 2,000 by default, about 28 minutes on one busy core)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: evidence.sh OUT [steps] [threads]}
steps=${2:-2000}
threads=${3:-1}
lf="$root/labelfree"
dm3="$root/data/sequences/dm3_upstream2000.fa.gz"
ecoli="$root/data/sequences/ecoli_promoters_kernlab.csv"
common=(--threads "$threads" --seed 1)

[ -f "$out/pretrain/model/model.safetensors" ] ||
  /usr/bin/time -f "pretrain: %e s wall, %U s user, %S s sys" "$lf" dna pretrain --fasta "$dm3" --method nt --steps "$steps" --out "$out/pretrain" "${common[@]}"
"$lf" dna pretrain --fasta "$dm3" --method nt --steps 1 --evaluation-windows 20 --out "$out/untrained" "${common[@]}" > /dev/null
"$lf" dna controls --fasta "$dm3" --split "$out/pretrain/split.tsv" --out "$out/promoters" --seed 1
for model in pretrain untrained; do
  "$lf" dna finetune --model "$out/$model/model" --train "$out/promoters/train.csv" --test "$out/promoters/test.csv" --out "$out/promoters/finetune_$model" "${common[@]}"
done
"$lf" dna probe --model "$out/pretrain/model" --train "$out/promoters/train.csv" --test "$out/promoters/test.csv" --out "$out/promoters/probe" "${common[@]}"
"$lf" dna probe --model "$out/pretrain/model" --train "$ecoli" --sequence-column seq --label-column class --out "$out/ecoli_probe" "${common[@]}"
"$lf" dna finetune --model "$out/pretrain/model" --train "$ecoli" --sequence-column seq --label-column class --folds 5 --out "$out/ecoli_finetune" "${common[@]}"
"$lf" dna motifs --model "$out/promoters/finetune_pretrain/model" --input "$out/promoters/test.csv" --positive promoter --out "$out/motifs" "${common[@]}"
"$lf" dna motifs --model "$out/promoters/finetune_pretrain/model" --input "$out/promoters/test.csv" --positive promoter --over-minimum 2 --out "$out/motifs_over2" "${common[@]}"
