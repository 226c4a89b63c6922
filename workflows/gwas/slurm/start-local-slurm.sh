#!/usr/bin/env bash
# Starts a single-node Slurm (munged, slurmctld, slurmd from the Debian packages munge and slurm-wlm) under
# $SLURM_HOME (default /tmp/labelfree-slurm), with its own munge key and socket and no change to /etc.
# Prints the line to source (export SLURM_CONF=...), or exits non-zero with the reason. Stop: stop-local-slurm.sh.
set -euo pipefail
home=${SLURM_HOME:-/tmp/labelfree-slurm}
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p "$home"/{spool/ctld,spool/d,log,munge}
chmod 700 "$home/munge"
[ -f "$home/munge/munge.key" ] || dd if=/dev/urandom of="$home/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$home/munge/munge.key"
socket=$home/munge/munge.socket
munged --force --key-file "$home/munge/munge.key" --socket "$socket" --pid-file "$home/munge/munged.pid" \
  --log-file "$home/log/munged.log" --seed-file "$home/munge/seed"
cat > "$home/slurm.conf" <<CONF
ClusterName=labelfree
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=$home/spool/ctld
SlurmdSpoolDir=$home/spool/d
SlurmctldPidFile=$home/slurmctld.pid
SlurmdPidFile=$home/slurmd.pid
SlurmctldLogFile=$home/log/slurmctld.log
SlurmdLogFile=$home/log/slurmd.log
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$home/slurm.conf
slurmctld -i
slurmd
for _ in $(seq 1 30); do
  if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    echo "export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 1
done
echo "Slurm did not become ready in 30 s; see $home/log/*.log" >&2
sinfo >&2 || true
exit 1
