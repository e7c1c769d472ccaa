#!/bin/sh
# bench/bench_env_step.sh: rlc's env step path against the machine's limit.
# Runs the bare C loop of CartPole-v1's exact dynamics (bench/cartpole_bare.c:
# float64 state, libm sin/cos, no FMA, 500-step time limit, autoreset; it
# first checks it computes what rlc computes) and `rlc bench-env CartPole-v1`
# in the same run, both pinned to one core, alternating, REPS times each.
# Prints the medians and the best runs of wall-clock and of CPU-time rates,
# and their ratios (the target is rlc within 1.5x of the bare loop). On a
# machine shared with other jobs, single runs swing both ways by tens of
# percent: the CPU time leaves out time the scheduler gives to others, and the
# best of several runs is the least disturbed one (interference only slows).
# Usage: sh bench/bench_env_step.sh [STEPS] [REPS]   (defaults 20000000, 5)
set -e
cd "$(dirname "$0")/.."
make -s build/rlc build/bench/cartpole_bare
STEPS=${1:-20000000}
REPS=${2:-5}
PIN=""
if command -v taskset >/dev/null 2>&1; then PIN="taskset -c 0"; fi
field() { sed "s/.*\"$1\": \([0-9.e+]*\).*/\1/"; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
best() { tr ' ' '\n' | grep . | sort -g | tail -n 1; }
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
row() {  # name, then the rates of the bare loop and of rlc
  awk -v name="$1" -v b="$2" -v l="$3" 'BEGIN {printf "%-26s %9.2fM %9.2fM %7.2fx\n", name, b / 1e6, l / 1e6, b / l}'
}
echo "CartPole-v1: $STEPS steps, $REPS runs each (target: bare/rlc <= 1.5x)"
printf "%-26s %10s %10s %8s\n" "steps/s" "bare loop" "rlc" "bare/rlc"
row "wall clock, median" "$(echo "$bw" | median)" "$(echo "$lw" | median)"
row "wall clock, best" "$(echo "$bw" | best)" "$(echo "$lw" | best)"
row "CPU time, median" "$(echo "$bc" | median)" "$(echo "$lc" | median)"
row "CPU time, best" "$(echo "$bc" | best)" "$(echo "$lc" | best)"
