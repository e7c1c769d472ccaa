#!/bin/sh
# bench/bench_record.sh: what recording the trained agent costs in a default
# training run (issue 17: under 10% of the run's wall time). `rlc train` (DQN
# on CartPole-v1, stopping at the reward threshold) with gif=false against the
# default gif=true (agent.gif), video=true alone (agent.mp4 and the evaluation
# videos under videos/) and both; REPEATS rounds, the configurations alternating
# in each, medians of wall and CPU (user + sys) time. Every run trains the same
# (seed 0), so the differences are the recordings. RLC=path/to/rlc measures
# another build (default: this tree's, built first); CONFIGS="gif=false gif=true"
# picks the configurations (the first is the baseline). Usage:
#   sh bench/bench_record.sh [REPEATS] [extra rlc train arguments...]
set -e
cd "$(dirname "$0")/.."
if [ -z "$RLC" ]; then make -s build/rlc; RLC=build/rlc; fi
REPEATS=${1:-7}
[ $# -gt 0 ] && shift
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
CONFIGS=${CONFIGS:-"gif=false gif=true gif=false,video=true gif=true,video=true"}
i=0
while [ $i -lt "$REPEATS" ]; do
  for c in $CONFIGS; do
    /usr/bin/time -f "%e %U %S" -o "$TMP/t" "$RLC" train --set "$c" --out "$TMP/run" --force --quiet "$@" >/dev/null
    echo "$c $(cat "$TMP/t")" >>"$TMP/times"
  done
  i=$((i + 1))
done
median() {  # the median of column $2 (wall) or user + sys for config $1
  awk -v c="$1" -v k="$2" '$1 == c { print (k == "wall" ? $2 : $3 + $4) }' "$TMP/times" | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
BASE=${CONFIGS%% *}
BW=$(median "$BASE" wall)
BC=$(median "$BASE" cpu)
printf "%-22s %9s %9s %10s %10s   (%s rounds, medians; %s)\n" settings "wall s" "cpu s" "+wall" "+cpu" "$REPEATS" "$(nproc) cores"
for c in $CONFIGS; do
  W=$(median "$c" wall)
  C=$(median "$c" cpu)
  awk -v c="$c" -v base="$BASE" -v w="$W" -v cp="$C" -v bw="$BW" -v bc="$BC" 'BEGIN {
    if (c == base) { printf "%-22s %9.3f %9.3f %10s %10s\n", c, w, cp, "-", "-"; exit }
    printf "%-22s %9.3f %9.3f %+9.1f%% %+9.1f%%\n", c, w, cp, 100 * (w - bw) / bw, 100 * (cp - bc) / bc
  }'
done
echo "(gif=true is the default; the target is +wall under 10% for it)"
