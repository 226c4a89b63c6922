"""Writes the BGEN parity fixtures (python3 stdlib + the zstd command line tool), independent of LabelFree's writer.

400 samples, 80 biallelic variants on chromosomes 1 and 2, the same genotype probabilities stored three ways:
  v12_zlib_8bit.bgen      BGEN v1.2, unphased, 8 bits, zlib, sample identifiers in the file
  v13_zstd_16bit_phased.bgen  BGEN v1.3, phased haplotype probabilities, 16 bits, zstd
  v12_none_24bit.bgen     BGEN v1.2, unphased, 24 bits, uncompressed, no sample identifiers
plus samples.sample, pheno.txt (y quantitative; b case/control coded 1/2, some NA) and covar.txt (c1, c2).
About 40% of genotypes are uncertain (probabilities spread around the true call), 1% missing (flagged), one variant
is constant, a few have ALT as the major allele, and the last is carried by controls only (Firth fallback for b). Run from this folder: python3 make_bgen.py; then make_expected.sh.
"""
import math, random, struct, subprocess, zlib

random.seed(19)
N, M = 400, 80
ids = [(f"F{i}", f"S{i}") for i in range(N)]

def u16(x): return struct.pack('<H', x)
def u32(x): return struct.pack('<I', x)

variants = []   # (chrom, pos, rsid, varid, allele1, allele2, haps) haps[i] = (p1, p2): P(haplotype carries allele 1)
for j in range(M - 1):
    chrom = "1" if j < 50 else "2"
    p = random.uniform(0.03, 0.97)          # frequency of allele 1 (REF with ref-first): above 0.5 often
    if j == 7: p = 1.0                      # constant
    haps, missing = [], []
    for i in range(N):
        h = []
        for _ in range(2):
            carries = random.random() < p
            if j != 7 and random.random() < 0.2:   # uncertain haplotype
                q = random.uniform(0.5, 0.99)
                h.append(q if carries else 1 - q)
            else:
                h.append(1.0 if carries else 0.0)
        haps.append(tuple(h))
        missing.append(j % 5 == 1 and random.random() < 0.05)
    variants.append((chrom, 1000 + 137 * j, f"rs{j + 1}", f"{chrom}:{1000 + 137 * j}", "A" if j % 2 else "G", "T" if j % 3 else "C", haps, missing))

def quant(x, bits): return int(math.floor(x * ((1 << bits) - 1) + 0.5))

def pack(values, bits):
    acc, nbits, out = 0, 0, bytearray()
    for v in values:
        acc |= v << nbits
        nbits += bits
        while nbits >= 8:
            out.append(acc & 0xFF); acc >>= 8; nbits -= 8
    if nbits: out.append(acc & 0xFF)
    return bytes(out)

def genotype_block(haps, missing, bits, phased):
    mx = (1 << bits) - 1
    values = []
    for (a, b), miss in zip(haps, missing):
        if miss: values += [0, 0]; continue
        if phased: values += [quant(a, bits), quant(b, bits)]
        else:
            paa, pab = a * b, a * (1 - b) + (1 - a) * b
            qa, qb = quant(paa, bits), quant(pab, bits)
            if qa + qb > mx: qb = mx - qa
            values += [qa, qb]
    ploidy = bytes(0x82 if m else 2 for m in missing)
    return u32(N) + u16(2) + bytes([2, 2]) + ploidy + bytes([1 if phased else 0, bits]) + pack(values, bits)

def write(path, bits, phased, compression, sample_ids):
    sample_block = b""
    if sample_ids:
        body = b"".join(u16(len(s)) + s.encode() for _, s in ids)
        sample_block = u32(8 + len(body)) + u32(N) + body
    flags = compression | (2 << 2) | ((1 << 31) if sample_ids else 0)
    out = bytearray(u32(20 + len(sample_block)) + u32(20) + u32(M) + u32(N) + b"bgen" + u32(flags) + sample_block)
    for chrom, pos, rsid, varid, a1, a2, haps, missing in variants:
        out += u16(len(varid)) + varid.encode() + u16(len(rsid)) + rsid.encode() + u16(len(chrom)) + chrom.encode()
        out += u32(pos) + u16(2) + u32(len(a1)) + a1.encode() + u32(len(a2)) + a2.encode()
        plain = genotype_block(haps, missing, bits, phased)
        if compression == 0:
            out += u32(len(plain)) + plain
        else:
            packed = zlib.compress(plain, 6) if compression == 1 else \
                subprocess.run(["zstd", "-q", "-3", "-c"], input=plain, stdout=subprocess.PIPE, check=True).stdout
            out += u32(len(packed) + 4) + u32(len(plain)) + packed
    open(path, "wb").write(out)

with open("samples.sample", "w") as f:
    f.write("ID_1 ID_2 missing\n0 0 0\n")
    for fid, iid in ids: f.write(f"{fid} {iid} 0\n")
dosage0 = [0 if m else 2 - a - b for (a, b), m in zip(variants[0][6], variants[0][7])]
c1 = [random.gauss(0, 1) for _ in range(N)]
c2 = [random.choice([0, 1]) for _ in range(N)]
with open("covar.txt", "w") as f:
    f.write("#FID\tIID\tc1\tc2\n")
    for i, (fid, iid) in enumerate(ids): f.write(f"{fid}\t{iid}\t{c1[i]:.5f}\t{c2[i]}\n")
cases = []
with open("pheno.txt", "w") as f:
    f.write("#FID\tIID\ty\tb\n")
    for i, (fid, iid) in enumerate(ids):
        y = 0.5 * dosage0[i] + 0.3 * c1[i] + random.gauss(0, 1)
        eta = -0.5 + 0.8 * dosage0[i] + 0.4 * c1[i]
        b = "NA" if i % 37 == 0 else (2 if random.random() < 1 / (1 + math.exp(-eta)) else 1)
        f.write(f"{fid}\t{iid}\t{y:.5f}\t{b}\n")
        cases.append(b == 2)

# Variant 80: allele 2 carried by a few controls only (complete separation in b: plink2 falls back to Firth).
haps = [(1.0, 1.0) if cases[i] or random.random() > 0.06 else (1.0, 0.0) for i in range(N)]
variants.append(("2", 1000 + 137 * (M - 1), f"rs{M}", f"2:{1000 + 137 * (M - 1)}", "A", "C", haps, [False] * N))
write("v12_zlib_8bit.bgen", 8, False, 1, True)
write("v13_zstd_16bit_phased.bgen", 16, True, 2, True)
write("v12_none_24bit.bgen", 24, False, 0, False)

# The phenotypes with b set to NA wherever rs2's genotype is missing: plink2 on this file gives rs2's regression on
# exactly the samples that the run with missing genotypes uses (see make_expected.sh).
rs2_missing = set(i for i, m in enumerate(variants[1][7]) if m)
with open("pheno.txt") as src, open("pheno_rs2_na.txt", "w") as f:
    for k, line in enumerate(src):
        fields = line.rstrip("\n").split("\t")
        if k > 0 and k - 1 in rs2_missing: fields[3] = "NA"
        f.write("\t".join(fields) + "\n")
