#!/bin/sh
# bench/bench_env_step.sh: rlc's env step path against the machine's limit.
# Runs the bare C loop of CartPole-v1's exact dynamics (bench/cartpole_bare.c:
# float64 state, libm sin/cos, no FMA, 500-step time limit, autoreset; it
# first checks it computes what rlc computes) and `rlc bench-env CartPole-v1`
# in the same run, both pinned to one core, alternating, REPS times each; prints
# the medians and their ratio (the target is rlc within 1.5x of the bare loop).
# Usage: sh bench/bench_env_step.sh [STEPS] [REPS]
set -e
cd "$(dirname "$0")/.."
make -s build/rlc build/bench/cartpole_bare
STEPS=${1:-20000000}
REPS=${2:-3}
PIN=""
if command -v taskset >/dev/null 2>&1; then PIN="taskset -c 0"; fi
sps() { "$@" | tail -n 1 | sed 's/.*"steps_per_s": \([0-9.e+]*\).*/\1/'; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
bare="" lib=""
i=0
while [ "$i" -lt "$REPS" ]; do
  bare="$bare $(sps $PIN build/bench/cartpole_bare "$STEPS")"
  lib="$lib $(sps $PIN build/rlc bench-env CartPole-v1 --steps "$STEPS" --json)"
  i=$((i + 1))
done
b=$(echo "$bare" | median)
l=$(echo "$lib" | median)
awk -v b="$b" -v l="$l" -v n="$REPS" 'BEGIN {
  printf "bare C loop (bench/cartpole_bare):   %7.2fM steps/s (median of %d)\n", b / 1e6, n
  printf "rlc bench-env CartPole-v1:           %7.2fM steps/s (median of %d)\n", l / 1e6, n
  printf "bare / rlc: %.2fx (target <= 1.5x: %s)\n", b / l, (b / l <= 1.5 ? "met" : "MISSED")
}'
