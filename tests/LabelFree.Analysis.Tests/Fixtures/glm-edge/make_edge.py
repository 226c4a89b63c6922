import random, sys
random.seed(4)
n=200
with open('edge.fam','w') as fam:
    for i in range(n): fam.write(f"F{i} S{i} 0 0 0 -9\n")
cov=[random.choice([0,1,2]) for _ in range(n)]
def perturb(frac, miss=0.0):
    r=[]
    for i in range(n):
        if random.random()<miss: r.append(-1); continue
        r.append(random.choice([0,1,2]) if random.random()<frac else cov[i])
    return r
rows=[[random.choice([0,1,2]) for _ in range(n)], [1]*n, [0]*n, cov[:],
      [(-1 if i>4 else random.choice([0,1,2])) for i in range(n)],
      [random.choice([1,2,2,2]) for _ in range(n)],
      perturb(0.15), perturb(0.03), perturb(0.01), perturb(0.0, 0.05), perturb(0.02, 0.05), perturb(0.3, 0.1),
      [(-1 if i > 2 else i) for i in range(n)]]
with open('edge.bim','w') as bim:
    for j in range(len(rows)): bim.write(f"1\tv{j}\t0\t{100+j}\tA\tC\n")
bpv=(n+3)//4
data=bytearray([0x6c,0x1b,0x01]); code={2:0,-1:1,1:2,0:3}
for r in rows:
    b=bytearray(bpv)
    for i,d in enumerate(r): b[i//4]|=code[d]<<(2*(i%4))
    data+=b
open('edge.bed','wb').write(data)
with open('edge.pheno.txt','w') as f:
    f.write("#FID\tIID\ty\n")
    for i in range(n): f.write(f"F{i}\tS{i}\t{random.gauss(0,1)+0.3*cov[i]:.6f}\n")
with open('edge.covar.txt','w') as f:
    f.write("#FID\tIID\tc1\tc2\n")
    for i in range(n): f.write(f"F{i}\tS{i}\t{cov[i]+0.0}\t{random.gauss(0,1):.6f}\n")
