#!/usr/bin/env bash
# make test-slurm: the quick study on a real one-node SLURM cluster started on this machine,
# every table compared with a local run of the same study.
#
# Installs what is missing (Debian's slurm-wlm and munge; the executor plugin from
# requirements-slurm.txt into the venv), starts munged/slurmctld/slurmd from a scratch
# directory (tests/slurm/cluster.sh), runs
#   snakemake --cores N --configfile $STUDY                 in one copy of the repository
#   snakemake --profile profiles/slurm --configfile $STUDY  in another,
# compares every CSV/parquet/JSON table (tests/slurm/compare_runs.py), stops the daemons it
# started by PID and exits non-zero on any difference or failure.
#
# Environment: VENV (default .venv); SLURM_PARTITION (default: the cluster's default
# partition); STUDY, the config files of both runs (default "config/quick.yaml
# tests/slurm/ci.yaml", the quick study with one SV setting and two generators, its jobs
# grouped into a few SLURM jobs; STUDY=config/quick.yaml runs the whole quick study);
# MAX_SLURM_JOBS (default 20) fails the check when more jobs are submitted (set it higher
# with a bigger STUDY); KEEP=1 keeps the scratch directory (both runs, their logs, the
# daemons' logs).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
venv=$(cd "$repo" && realpath -m "${VENV:-.venv}")
export PATH="$venv/bin:$PATH"
cd "$repo"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
        || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        slurm-wlm munge >/dev/null
fi
python -c "import snakemake_executor_plugin_slurm" 2>/dev/null \
    || python -m pip install --quiet -r requirements-slurm.txt

work=$(mktemp -d /tmp/synthvol-slurm.XXXXXX)
source tests/slurm/cluster.sh
cleanup() {
    cluster_stop "$work/cluster"
    [[ ${KEEP:-0} == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT
cluster_start "$work/cluster"

copy() {   # tracked and untracked-but-not-ignored files, as a fresh clone would have them
    mkdir -p "$1"
    git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
        if [[ -f $f ]]; then install -D -m "$(stat -c %a "$f")" "$f" "$1/$f"; fi
    done
}
copy "$work/local"
copy "$work/slurm"
read -r -a study <<< "${STUDY:-config/quick.yaml tests/slurm/ci.yaml}"
partition=()
[[ -n ${SLURM_PARTITION:-} ]] && partition=(--default-resources "slurm_partition=$SLURM_PARTITION")

start=$(date +%s)
# Each run imports the package from its own copy, whatever the venv's editable install says.
(cd "$work/local" && PYTHONPATH="$work/local/src" snakemake --cores "$(nproc)" --quiet rules --configfile "${study[@]}" \
    > "$work/local.log" 2>&1) || { tail -n 40 "$work/local.log"; exit 1; }
local_s=$(( $(date +%s) - start ))
start=$(date +%s)
(cd "$work/slurm" && PYTHONPATH="$work/slurm/src" snakemake --profile profiles/slurm "${partition[@]}" \
    --configfile "${study[@]}" > "$work/slurm.log" 2>&1) \
    || { tail -n 60 "$work/slurm.log"; exit 1; }
slurm_s=$(( $(date +%s) - start ))
local_jobs=$(grep -o "[0-9]* of [0-9]* steps (100%) done" "$work/local.log" | tail -n 1 \
    | cut -d' ' -f1 || true)
jobs=$(grep -c "has been submitted with SLURM jobid" "$work/slurm.log" || true)
echo "study: ${study[*]}; local run ${local_s}s (${local_jobs} steps, rule all included);" \
    "SLURM run ${slurm_s}s, ${jobs} SLURM jobs (grouped; report, figure and section rules" \
    "on the submitting host)"
(( jobs <= ${MAX_SLURM_JOBS:-20} )) || { echo "more than ${MAX_SLURM_JOBS:-20} SLURM jobs"; exit 1; }
python tests/slurm/compare_runs.py "$work/local" "$work/slurm"
