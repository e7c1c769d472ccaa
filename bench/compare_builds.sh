#!/bin/sh
# bench/compare_builds.sh: the same training runs with two rlc binaries, one
# line each, to check that a change keeps results (a refactor should give the
# same numbers, or differ only by rounding).
# Usage: sh bench/compare_builds.sh OLD_RLC NEW_RLC
# Runs on core 1 (taskset) one at a time; takes about 15 minutes on 2 cores.
OLD=${1:?usage: compare_builds.sh OLD_RLC NEW_RLC}
NEW=${2:?usage: compare_builds.sh OLD_RLC NEW_RLC}
T=$(mktemp -d /tmp/rlc-compare-XXXXXX)
trap 'rm -rf "$T"' EXIT
PIN=""
command -v taskset >/dev/null && PIN="taskset -c 1"
run() {  # label, rlc train arguments...
  label=$1
  shift
  for which in old new; do
    bin=$OLD
    [ $which = new ] && bin=$NEW
    line=$($PIN "$bin" train "$@" --out "$T/run" --force --json --quiet --set gif=false 2>"$T/err" | tail -n 1)
    printf '%s\t%s\t%s\n' "$label" "$which" "$line" | python3 -c '
import json, sys
label, which, js = sys.stdin.read().rstrip("\n").split("\t", 2)
try:
    r = json.loads(js)
    print("%-34s %s: eval %8.2f +- %6.2f  steps %-8s first at threshold %s" % (
        label, which, r["eval_mean_return"], r["eval_std_return"], r["steps"], r["solved_at_steps"]))
except Exception:
    print("%-34s %s: failed: %s" % (label, which, js[:200]))'
  done
}
for s in 0 1 2; do run "dqn CartPole-v1 seed $s" --seed $s; done
for s in 0 1 2; do run "ppo CartPole-v1 100k seed $s" --algo ppo --steps 100000 --seed $s; done
for s in 0 1 2; do run "ppo Pendulum-v1 seed $s" --algo ppo --env Pendulum-v1 --seed $s; done
run "a2c CartPole-v1 200k" --algo a2c --steps 200000
for p in homl-dqn homl-double-dqn homl-dueling-dqn tfagents-dqn rainbow-nstep homl-reinforce homl-imitation \
  homl-qlearning exercise-qlearning exercise-softmax exercise-qlambda; do
  run "preset $p" --preset $p
done
run "rainbow CartPole-v1" --algo rainbow
run "q-learning FrozenLake-v1" --algo q-learning --env FrozenLake-v1
run "sarsa-lambda Taxi-v3" --algo sarsa-lambda --env Taxi-v3
