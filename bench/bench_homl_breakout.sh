#!/bin/sh
# bench/bench_homl_breakout.sh: Hands-On ML ch. 18's TF-Agents Breakout
# pipeline (`--preset homl-breakout`: rendered MinAtar/Breakout-v1 frames ->
# AtariPreprocessing 84x84 gray, skip 4 -> FrameStack 4, the Nature CNN,
# batch 64, an update every 4 steps) at a budget smaller than the book's 1M
# steps, against random play, with the update split over nn_threads threads.
#   random play: the preset's first random_steps (20,000) steps act
#     uniformly at random: the mean return of the episodes that ended in them
#   learning: the greedy evaluations in metrics.csv (eval_every steps,
#     eval_episodes each) and the mean training return between them
# ε falls from 1 to 0.01 over EPS_UPDATES updates after the replay start
# (the book: 62,500 updates = 250,000 steps; a shorter budget shortens it so
# that the run also exploits). Prints the wall and CPU time of the run.
# Usage: sh bench/bench_homl_breakout.sh [STEPS] [EPS_UPDATES] [OUT]
#        (defaults 250000, 15000, /tmp/rlc-homl-breakout)
#        sh bench/bench_homl_breakout.sh --curve RUN_DIR   (a run so far)
# Env: THREADS (nn_threads, default 2), EVAL_EVERY (default 10000),
#      EVAL_EPISODES (default 20), RLC (default build/rlc).
cd "$(dirname "$0")/.." || exit 1
RLC=${RLC:-build/rlc}
THREADS=${THREADS:-2} EVAL_EVERY=${EVAL_EVERY:-10000} EVAL_EPISODES=${EVAL_EPISODES:-20}

curve() {
  rs=$(sed -n 's/.*\(^\|,\)random_steps=\([0-9]*\).*/\2/p' "$1/config.txt" | head -n 1)
  rs=${rs:-20000}
  awk -F, -v rs="$rs" 'NR > 1 && NF >= 4 && $2 <= rs { s += $3; q += $3 * $3; n++ }
    END { if (n) { m = s / n; printf "random play (the first %d steps, uniform actions): %d episodes, mean return %.3f (std %.3f)\n", rs, n, m, sqrt(q / n - m * m) } }' \
    "$1/episodes.csv"
  echo "     step   eval_return (std, length)   train_return  epsilon  updates"
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $(c["train_return"]) != "" { tr = sprintf("%.3f", $(c["train_return"])) }
    $(c["eval_return"]) != "" && $1 != last {
      last = $1
      printf "  %7d   %6.3f (%.3f, %.1f)   %12s  %7.3f  %7d\n", $1, $(c["eval_return"]), $(c["eval_std"]),
        $(c["eval_length"]), tr, $(c["epsilon"]), $(c["updates"]) }' "$1/metrics.csv"
}

if [ "$1" = "--curve" ]; then
  curve "$2"
  exit 0
fi
STEPS=${1:-250000}
EPS=${2:-15000}
OUT=${3:-/tmp/rlc-homl-breakout}
make -s "$RLC" || exit 1
/usr/bin/time -f "%e s wall, %U s user, %S s sys" -o "$OUT.time" "$RLC" train --preset homl-breakout \
  --steps "$STEPS" --out "$OUT" --force --quiet \
  --set "nn_threads=$THREADS,epsilon_steps=$EPS,eval_interval=$EVAL_EVERY,eval_episodes=$EVAL_EPISODES,gif=false" ||
  exit 1
echo "rlc train --preset homl-breakout --steps $STEPS --set nn_threads=$THREADS,epsilon_steps=$EPS,eval_interval=$EVAL_EVERY,eval_episodes=$EVAL_EPISODES"
curve "$OUT"
echo "time: $(cat "$OUT.time")"
