#!/bin/sh
# bench/bench_solve.sh: how reliably and how fast an algorithm solves an env.
# Trains SEEDS runs (seeds 0..SEEDS-1) with `rlc train --json` and prints each
# run's result, then: runs solved (final greedy evaluation >= the env's reward
# threshold), the median wall time and steps until an evaluation first reached
# the threshold, and the median total wall time.
# Usage: sh bench/bench_solve.sh [SEEDS] [rlc train options...]
#   sh bench/bench_solve.sh 10                       # rlc train's default (DQN, CartPole-v1)
#   sh bench/bench_solve.sh 5 --algo ppo --steps 100000
#   sh bench/bench_solve.sh 3 --algo ppo --env Pendulum-v1
# Runs one at a time on one core (taskset) so wall times are single-core times.
B=${BUILD:-build}
N=${1:-10}
[ $# -gt 0 ] && shift
T=$(mktemp -d /tmp/rlc-bench-solve-XXXXXX)
trap 'rm -rf "$T"' EXIT
PIN=""
command -v taskset >/dev/null && PIN="taskset -c 0"
: >"$T/all"
s=0
while [ $s -lt "$N" ]; do
  line=$($PIN "$B/rlc" train "$@" --seed $s --out "$T/run$s" --json --quiet --set gif=false 2>"$T/err" | tail -n 1)
  case "$line" in
  "{"*) echo "$line" >>"$T/all"; echo "seed $s: $line" ;;
  *) echo "seed $s: failed: $(cat "$T/err")" ;;
  esac
  s=$((s + 1))
done
python3 - "$T/all" "$N" <<'PY' 2>/dev/null || awk 'END { print "(python3 missing: see the JSON lines above)" }' </dev/null
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
solved = [r for r in rows if r.get("solved")]
reached = [r for r in rows if r.get("solved_at_s") is not None and r["solved_at_s"] == r["solved_at_s"]]
print(f"solved (final eval >= threshold): {len(solved)}/{n}")
if rows:
    print(f"final eval mean: median {statistics.median(r['eval_mean_return'] for r in rows):.1f}")
if reached:
    print(f"reached the threshold: {len(reached)}/{n}; median time to it {statistics.median(r['solved_at_s'] for r in reached):.2f} s, "
          f"median steps {statistics.median(r['solved_at_steps'] for r in reached):.0f}")
if rows:
    print(f"median wall time per run: {statistics.median(r['wall_s'] for r in rows):.2f} s")
PY
