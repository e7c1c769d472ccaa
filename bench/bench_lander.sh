#!/bin/sh
# bench/bench_lander.sh: learning on LunarLander-v3.
#   default  `rlc train --env LunarLander-v3` (the env's default algorithm and
#            preset, which stops at the first evaluation >= 200) for seeds
#            0..SEEDS-1, one at a time on one core: per seed the steps, wall
#            and CPU time (user + sys) until that evaluation, then a greedy
#            evaluation over 100 episodes (`rlc eval`); solved = its mean >= 200.
#            Last: solved runs, median wall and CPU time to the threshold
#            (a seed that never reached it counts as infinitely slow).
#   reinforce  the homl-lander-reinforce preset (Hands-On ML's exercise, 200
#            iterations of 16 episodes): the mean return of every 20th
#            iteration, wall and CPU time, and the 100-episode greedy mean.
# Usage: sh bench/bench_lander.sh [default|reinforce] [SEEDS] [rlc train options...]
#   ENV_ID=LunarLanderContinuous-v3 trains on another id; FIRST=K starts at seed
#   K (seeds K..K+SEEDS-1) and CORE=C pins to core C, so that two halves of a
#   study can run at once on two cores. Example, the continuous lander with
#   SAC (docs/OFFPOLICY.md):
#   ENV_ID=LunarLanderContinuous-v3 sh bench/bench_lander.sh default 5 --preset sac-lander
# The machine may be shared: compare CPU times, wall times only run to run.
B=${BUILD:-build}
ENV_ID=${ENV_ID:-LunarLander-v3}  # (not ENV: POSIX shells read a startup file from $ENV)
FIRST=${FIRST:-0}
CORE=${CORE:-0}
MODE=${1:-default}
N=${2:-5}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
T=$(mktemp -d /tmp/rlc-bench-lander-XXXXXX)
trap 'rm -rf "$T"' EXIT
PIN=""
command -v taskset >/dev/null && PIN="taskset -c $CORE"

# run NAME ARGS...: trains into $T/NAME; prints "wall cpu" of the process.
run() {
  name=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$T/$name.time" $PIN "$B/rlc" train "$@" --out "$T/$name" --json --quiet \
    --set gif=false >"$T/$name.json" 2>"$T/$name.err"
  awk '{printf "%.1f %.1f", $1, $2 + $3}' "$T/$name.time"
}

evaluate() {
  $PIN "$B/rlc" eval "$T/$1" --episodes 100 --json 2>/dev/null | tail -n 1 |
    python3 -c 'import json,sys; print("%.1f" % json.loads(sys.stdin.read())["eval_mean_return"])' 2>/dev/null
}

case "$MODE" in
default)
  : >"$T/rows"
  s=$FIRST
  while [ $s -lt $((FIRST + N)) ]; do
    tm=$(run "s$s" --env "$ENV_ID" --seed $s "$@")
    res=$(tail -n 1 "$T/s$s.json" | python3 -c 'import json,sys
r = json.loads(sys.stdin.read())
print(r.get("solved_at_steps"), r.get("solved_at_s"), r.get("steps"))' 2>/dev/null)
    ev=$(evaluate "s$s")
    echo "seed $s: wall/cpu $tm s; threshold at steps/wall-s/total-steps: $res; greedy 100-episode mean $ev"
    echo "$s $tm $res $ev" >>"$T/rows"
    s=$((s + 1))
  done
  python3 - "$T/rows" "$N" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
n = int(sys.argv[2])
ok = [r for r in rows if len(r) >= 7 and r[6] not in ("", "None") and float(r[6]) >= 200]
reached = [r for r in rows if r[3] not in ("None", "-1")]
print(f"solved (100-episode greedy mean >= 200): {len(ok)}/{n}")
# Medians over all seeds: a seed that never reached 200 counts as never (inf).
def med(col):
    v = statistics.median([float(r[col]) if r in reached else float("inf") for r in rows])
    return v
print(f"reached 200 in training evaluations: {len(reached)}/{n}; median to it over all seeds: "
      f"{med(4):.1f} s wall (of the training run), {med(2):.1f} s CPU (whole run), {med(3):.0f} steps")
PY
  ;;
reinforce)
  tm=$(run reinf --preset homl-lander-reinforce "$@")
  echo "homl-lander-reinforce: wall/cpu $tm s"
  python3 - "$T/reinf/episodes.csv" <<'PY'
import csv, sys
rets = [float(r["return"]) for r in csv.DictReader(open(sys.argv[1]))]
its = [sum(rets[i:i + 16]) / 16 for i in range(0, len(rets) - 15, 16)]
for i in range(0, len(its), 20):
    print(f"iteration {i + 1:3d}: mean return {its[i]:8.1f}")
print(f"iteration {len(its):3d}: mean return {its[-1]:8.1f}; last 10 iterations {sum(its[-10:]) / len(its[-10:]):.1f}")
PY
  echo "greedy 100-episode mean: $(evaluate reinf)"
  ;;
*) echo "usage: sh bench/bench_lander.sh [default|reinforce] [SEEDS]" >&2; exit 2 ;;
esac
