#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, for CI: munged, slurmctld and slurmd run as root
# from a private directory with their own slurm.conf (proctrack/linuxproc, task/none, no
# cgroups, no accounting), their own munge key and socket and their own ports, so they touch
# no system configuration and no other SLURM or munge on the machine.
#
#   source tests/slurm/cluster.sh
#   cluster_start DIR      # starts the daemons, exports SLURM_CONF, waits for the node
#
# The SLURM executor's job step (snakemake-executor-plugin-slurm-jobstep 0.6.1) removes every
# SLURM_* variable, SLURM_CONF included, before its nested srun, which then looks for the
# system's /etc/slurm/slurm.conf. Rather than write there, DIR/bin/srun puts SLURM_CONF
# back; DIR/bin goes first on PATH, which sbatch --export=ALL hands to every job.
#   cluster_stop DIR       # stops exactly the daemons it started, by PID
set -euo pipefail

cluster_start() {
    local dir=$1 host cpus mem_mb
    host=$(hostname -s)
    cpus=$(nproc)
    mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 9 / 10 ))
    mkdir -p "$dir"/{state,spool,munge}
    chmod 700 "$dir" "$dir/munge"
    head -c 1024 /dev/urandom > "$dir/munge/munge.key"
    chmod 400 "$dir/munge/munge.key"
    cat > "$dir/slurm.conf" <<EOF
ClusterName=synthvol-ci
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MpiDefault=none
ReturnToService=2
MinJobAge=600
SlurmdTimeout=300
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF=$dir/slurm.conf
    mkdir -p "$dir/bin"
    printf '#!/bin/sh\nSLURM_CONF=%s exec %s "$@"\n' "$SLURM_CONF" "$(command -v srun)" \
        > "$dir/bin/srun"
    chmod 755 "$dir/bin/srun"
    export PATH="$dir/bin:$PATH"
    munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
        --seed-file="$dir/munge/munged.seed"
    slurmctld -f "$SLURM_CONF"
    slurmd -f "$SLURM_CONF"
    local i
    for i in $(seq 60); do
        if sinfo -h -N -o '%t' 2>/dev/null | grep -Eq '^(idle|mix|alloc)'; then
            sinfo -N -o '%N %c %m %t %P'
            return 0
        fi
        sleep 1
    done
    echo "slurm: the node did not come up; logs follow" >&2
    tail -n 20 "$dir"/slurmctld.log "$dir"/slurmd.log >&2 || true
    return 1
}

cluster_stop() {
    local dir=$1 pidfile pid i
    for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
        [[ -s $pidfile ]] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || continue
        for i in $(seq 30); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    done
}
