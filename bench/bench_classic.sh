#!/bin/sh
# bench/bench_classic.sh: issue 3's speed targets in one run. For MountainCar-v0,
# Acrobot-v1, Pendulum-v1 and FrozenLake-v1: rlc's steps per second (1 env, 1
# thread, pinned to one core when taskset exists) against (a) a Python stand-in
# of Gymnasium's step loop measured in the same run (bench/gym_classic_baseline.py;
# needs Debian's python3-numpy) and (b) Gymnasium's own speed on this machine as
# the issue gives it. The target is 500x (b). Usage: sh bench/bench_classic.sh [STEPS]
set -e
cd "$(dirname "$0")/.."
make -s build/rlc
STEPS=${1:-20000000}
PIN=""
if command -v taskset >/dev/null 2>&1; then PIN="taskset -c 0"; fi
PY=""
for p in python3 /usr/bin/python3; do
  if $p -c "import numpy" 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || echo "python3-numpy is missing (apt-get install python3-numpy): no same-run baseline"
printf "%-16s %14s %18s %8s %18s %8s %s\n" env "rlc steps/s" "Python stand-in" ratio "Gymnasium (issue)" ratio "target 500x"
for pair in MountainCar-v0:24000 Acrobot-v1:8500 Pendulum-v1:9100 FrozenLake-v1:50000; do
  id=${pair%%:*} gym=${pair#*:}
  sps=$($PIN build/rlc bench-env "$id" --steps "$STEPS" --json | tail -n 1 |
        sed 's/.*"steps_per_s": \([0-9.e+]*\).*/\1/')
  base=0
  if [ -n "$PY" ]; then base=$(cd bench && $PIN $PY gym_classic_baseline.py "$id" 100000); fi
  awk -v id="$id" -v s="$sps" -v b="$base" -v g="$gym" 'BEGIN {
    r = s / g
    printf "%-16s %13.2fM %18s %8s %18d %7.0fx %s\n", id, s / 1e6, (b > 0 ? sprintf("%d", b) : "-"),
           (b > 0 ? sprintf("%.0fx", s / b) : "-"), g, r, (r >= 500 ? "met" : "MISSED")
  }'
done
echo "(FrozenLake's Gymnasium figure is the top of the issue's 40-50k; all rlc runs use the exact dynamics with the time limit and autoreset)"
