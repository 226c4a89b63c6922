#!/usr/bin/env bash
# Stops the daemons that start-local-slurm.sh started (by their pid files).
home=${SLURM_HOME:-/tmp/labelfree-slurm}
for pid in "$home/slurmd.pid" "$home/slurmctld.pid" "$home/munge/munged.pid"; do
  [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
done
