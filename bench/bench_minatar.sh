#!/bin/sh
# bench/bench_minatar.sh: the MinAtar paper's DQN (`--preset minatar-dqn`) on
# one or more MinAtar games, one seed each, all at once (one process a game),
# then each learning curve: the average return of the last 100 training
# episodes at every CHECK frames (from the run's episodes.csv), and the
# process's wall and CPU time (user + sys, from /usr/bin/time).
# Usage: sh bench/bench_minatar.sh [--frames N] [--check N] [--out DIR] [GAME...]
#        sh bench/bench_minatar.sh --curve RUN_DIR [--check N]   (a run so far)
# Defaults: 5,000,000 frames, a row every 250,000, games Breakout-v0 and
# SpaceInvaders-v0 (all six actions, as the paper), runs into
# /tmp/rlc-minatar. RLC=path picks the binary (default build/rlc);
# PRESET=minatar-rainbow runs Revisiting Rainbow's configuration instead.
cd "$(dirname "$0")/.." || exit 1
RLC=${RLC:-build/rlc}
PRESET=${PRESET:-minatar-dqn}
FRAMES=5000000 CHECK=250000 OUT=/tmp/rlc-minatar CURVE=""
while [ $# -gt 0 ]; do
  case "$1" in
  --frames) FRAMES=$2; shift 2 ;;
  --check) CHECK=$2; shift 2 ;;
  --out) OUT=$2; shift 2 ;;
  --curve) CURVE=$2; shift 2 ;;
  *) break ;;
  esac
done

# The 100-episode average at each multiple of CHECK frames (episodes that
# ended at or before it), and at the last episode.
curve() {
  awk -F, -v check="$CHECK" '
    NR == 1 || NF < 4 { next }  # the header; a line still being written
    { while ($2 > next_at && n > 0) row(next_at); ret[n % 100] = $3; n++; last = $2 }
    function row(at,   k, s, m) {
      m = n < 100 ? n : 100; s = 0
      for (k = 0; k < m; k++) s += ret[k]
      printf "  frames %9d  episodes %6d  avg100 %7.2f\n", at, n, s / m
      next_at += check
    }
    BEGIN { next_at = check }
    END { if (n > 0) { m = n < 100 ? n : 100; s = 0; for (k = 0; k < m; k++) s += ret[k];
          printf "  last: frames %9d  episodes %6d  avg100 %7.2f\n", last, n, s / m } }
  ' "$1/episodes.csv"
}

if [ -n "$CURVE" ]; then
  curve "$CURVE"
  exit 0
fi
[ $# -eq 0 ] && set -- Breakout-v0 SpaceInvaders-v0
mkdir -p "$OUT"
for g in "$@"; do
  (/usr/bin/time -f "wall %e s, user %U s, sys %S s" -o "$OUT/$g.time" \
     "$RLC" train --preset "$PRESET" --env "MinAtar/$g" --steps "$FRAMES" --seed 0 \
     --out "$OUT/$g" --force --quiet --set gif=false > "$OUT/$g.log" 2>&1) &
done
wait
for g in "$@"; do
  echo "MinAtar/$g, $PRESET, seed 0, $FRAMES frames: $(cat "$OUT/$g.time" | tail -n 1)"
  curve "$OUT/$g"
done
