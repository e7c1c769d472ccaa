#!/bin/sh
# bench/bench_env_step.sh: rlc's env step path against the machine's limit.
# Runs the bare C loop of CartPole-v1's exact dynamics (bench/cartpole_bare.c:
# float64 state, libm sin/cos, no FMA, 500-step time limit, autoreset; it
# first checks it computes what rlc computes) and `rlc bench-env CartPole-v1`
# in the same run, both pinned to one core, alternating, REPS times each.
# Prints the medians of wall-clock and of CPU-time rates, and the ratios (the
# target is rlc within 1.5x of the bare loop). On a machine shared with other
# jobs the CPU-time figures are the steadier ones: time the scheduler gives to
# others counts in wall time only.
# Usage: sh bench/bench_env_step.sh [STEPS] [REPS]
set -e
cd "$(dirname "$0")/.."
make -s build/rlc build/bench/cartpole_bare
STEPS=${1:-20000000}
REPS=${2:-3}
PIN=""
if command -v taskset >/dev/null 2>&1; then PIN="taskset -c 0"; fi
field() { sed "s/.*\"$1\": \([0-9.e+]*\).*/\1/"; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
bw="" bc="" lw="" lc=""
i=0
while [ "$i" -lt "$REPS" ]; do
  j=$($PIN build/bench/cartpole_bare "$STEPS" | tail -n 1)
  bw="$bw $(echo "$j" | field steps_per_s)"
  bc="$bc $(echo "$j" | field cpu_seconds | awk -v n="$STEPS" '{print n / $1}')"
  j=$($PIN build/rlc bench-env CartPole-v1 --steps "$STEPS" --json | tail -n 1)
  lw="$lw $(echo "$j" | field steps_per_s)"
  lc="$lc $(echo "$j" | field cpu_seconds | awk -v n="$STEPS" '{print n / $1}')"
  i=$((i + 1))
done
awk -v bw="$(echo "$bw" | median)" -v bc="$(echo "$bc" | median)" -v lw="$(echo "$lw" | median)" \
    -v lc="$(echo "$lc" | median)" -v n="$REPS" 'BEGIN {
  printf "medians of %d runs, steps/s        wall clock    CPU time\n", n
  printf "bare C loop (bench/cartpole_bare)  %9.2fM  %9.2fM\n", bw / 1e6, bc / 1e6
  printf "rlc bench-env CartPole-v1          %9.2fM  %9.2fM\n", lw / 1e6, lc / 1e6
  printf "bare / rlc                         %9.2fx  %9.2fx   (target <= 1.5x)\n", bw / lw, bc / lc
}'
