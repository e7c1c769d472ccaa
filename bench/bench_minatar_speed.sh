#!/bin/sh
# bench/bench_minatar_speed.sh: training frames per second of the MinAtar
# paper's DQN on MinAtar/Breakout-v0, rlc (`--preset minatar-dqn`) against the
# PyTorch script written from the paper (bench/minatar_dqn_torch.py), over
# the 25,000 frames after the 5,000-frame replay start (one update of 32 per
# frame): rlc on one core (taskset -c 0), rlc on two (taskset -c 0,1,
# nn_threads=2: the update's products split over two threads, the same bits),
# then PyTorch on one core, one after the other.
#   rlc:     wall from metrics.csv (the rows at 5,000 and 30,000 frames); CPU
#            from two runs, 5,000 and 30,000 frames, the difference of their
#            user + sys times (with two threads it includes the worker's
#            spinning between jobs)
#   PyTorch: wall and CPU over the same frames, measured inside the script;
#            one thread; the BLAS it uses is printed (it should be OpenBLAS:
#            bench/deps.sh installs libopenblas0 and python3-torch)
# Then the update alone (`rlc bench-nn --arch minatar`, forward + backward +
# optimizer step at batch 32) as a fraction of the FMA peak measured by
# bench/fma_peak.c (12 independent 8-wide FMA chains): on one thread from
# its CPU time, on two from its wall time against two cores' peak.
# Last, the one-thread update alone and on both cores at once (two processes):
# whether the host gives two cores' worth right now.
# Usage: sh bench/bench_minatar_speed.sh [FRAMES_AFTER_START]   (default 25000)
cd "$(dirname "$0")/.." || exit 1
B=${BUILD:-build}
N=${1:-25000}
TOTAL=$((N + 5000))
make -s BUILD="$B" "$B/rlc" || exit 1
PIN1="" PIN2=""
command -v taskset >/dev/null && PIN1="taskset -c 0" PIN2="taskset -c 0,1"
T=$(mktemp -d /tmp/rlc-bench-minatar-XXXXXX)
trap 'rm -rf "$T"' EXIT
cc -O2 -o "$T/fma_peak" bench/fma_peak.c || exit 1
blas=$(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p')
echo "libblas.so.3 -> ${blas:-unknown}"

cpu_of() { awk '{print $1 + $2}' "$1"; }
# rlc_rate THREADS: "wall_fps cpu_fps" over the frames after the replay start
rlc_rate() {
  pin=$PIN1
  [ "$1" -gt 1 ] && pin=$PIN2
  for steps in 5000 "$TOTAL"; do
    /usr/bin/time -f "%U %S" -o "$T/time$steps" $pin "$B/rlc" train --preset minatar-dqn --steps "$steps" \
      --out "$T/run$steps" --force --quiet \
      --set gif=false,eval_interval=0,eval_episodes=1,log_interval=5000,nn_threads="$1" || exit 1
  done
  w0=$(awk -F, '$1 == 5000 { print $3; exit }' "$T/run$TOTAL/metrics.csv")
  w1=$(awk -F, -v n="$TOTAL" '$1 == n { print $3; exit }' "$T/run$TOTAL/metrics.csv")
  c0=$(cpu_of "$T/time5000")
  c1=$(cpu_of "$T/time$TOTAL")
  echo "$N $w0 $w1 $c0 $c1" | awk '{ printf "%.1f %.1f", $1 / ($3 - $2), $1 / ($5 - $4) }'
}
r1=$(rlc_rate 1) || exit 1
r2=$(rlc_rate 2) || exit 1
set -- $r1 $r2
rlc_wall1=$1 rlc_cpu1=$2 rlc_wall2=$3 rlc_cpu2=$4
echo "rlc, 1 thread  (taskset -c 0):   $N frames after the replay start: $rlc_wall1 frames/s wall, $rlc_cpu1 frames/s CPU"
echo "rlc, 2 threads (taskset -c 0,1): $N frames after the replay start: $rlc_wall2 frames/s wall, $rlc_cpu2 frames/s CPU"

PY=""
for p in /usr/bin/python3 python3; do
  if $p -c "import torch" 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
  echo "python3-torch is missing (sh bench/deps.sh)"
else
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $PIN1 $PY bench/minatar_dqn_torch.py "$TOTAL" 0 > "$T/torch.txt" || exit 1
  cat "$T/torch.txt"
  t_wall=$(sed -n 's/.*: \([0-9.]*\) frames\/s wall.*/\1/p' "$T/torch.txt")
  t_cpu=$(sed -n 's/.*wall, \([0-9.]*\) frames\/s CPU.*/\1/p' "$T/torch.txt")
  echo "rlc 1 thread / PyTorch:  $(echo "$rlc_wall1 $t_wall" | awk '{ printf "%.2f", $1 / $2 }')x wall, $(echo "$rlc_cpu1 $t_cpu" | awk '{ printf "%.2f", $1 / $2 }')x CPU"
  echo "rlc 2 threads / PyTorch: $(echo "$rlc_wall2 $t_wall" | awk '{ printf "%.2f", $1 / $2 }')x wall, $(echo "$rlc_cpu2 $t_cpu" | awk '{ printf "%.2f", $1 / $2 }')x CPU"
fi

peak=$("$T/fma_peak")
# One thread: CPU time, not bench-nn's wall clock (the machine may be shared).
# Two threads: wall time against two cores' peak (CPU time would count the
# worker's spinning).
ITERS=3000
for th in 1 2; do
  pin=$PIN1
  [ "$th" -gt 1 ] && pin=$PIN2
  /usr/bin/time -f "%U %S" -o "$T/nn.time" $pin "$B/rlc" bench-nn --arch minatar --iters "$ITERS" --threads "$th" --json > "$T/nn.json"
  nn=$(tail -n 1 "$T/nn.json")
  us=$(echo "$nn" | sed -n 's/.*"us_per_update": *\([0-9.e+-]*\).*/\1/p')
  gf=$(echo "$nn" | sed -n 's/.*"gflops": *\([0-9.e+-]*\).*/\1/p')
  cpu_us=$(awk -v n="$ITERS" '{ printf "%.1f", 1e6 * ($1 + $2) / (2 * n) }' "$T/nn.time")  # a warm-up round, then the timed one
  echo "$us $gf $cpu_us $peak $th" | awk '{ flop = $1 * 1e-6 * $2 * 1e9;
    if ($5 == 1) { g = flop / ($3 * 1e-6) / 1e9;
      printf "update (bench-nn --arch minatar, batch 32, 1 thread): %.0f us CPU (%.0f us wall), %.1f GFLOP/s = %.0f%% of the measured FMA peak (%.1f GFLOP/s)\n", $3, $1, g, 100 * g / $4, $4 }
    else { g = flop / ($1 * 1e-6) / 1e9;
      printf "update (bench-nn --arch minatar, batch 32, 2 threads): %.0f us wall (%.0f us CPU), %.1f GFLOP/s = %.0f%% of two cores'"'"' FMA peak (%.1f GFLOP/s)\n", $1, $3, g, 100 * g / (2 * $4), 2 * $4 } }'
done

# Whether the two cores are two cores' worth for this working set right now:
# the one-thread update alone on core 0, then on cores 0 and 1 at once (two
# processes, nothing shared). On a shared host the two may slow each other
# (cache and memory bandwidth taken by other guests); then no split of one
# update over two threads can approach twice one thread's speed.
if [ -n "$PIN1" ]; then
  us_of() { tail -n 1 "$1" | sed -n 's/.*"us_per_update": *\([0-9.e+-]*\).*/\1/p'; }
  taskset -c 0 "$B/rlc" bench-nn --arch minatar --iters "$ITERS" --json > "$T/alone.json"
  taskset -c 0 "$B/rlc" bench-nn --arch minatar --iters "$ITERS" --json > "$T/both0.json" &
  taskset -c 1 "$B/rlc" bench-nn --arch minatar --iters "$ITERS" --json > "$T/both1.json"
  wait
  echo "$(us_of "$T/alone.json") $(us_of "$T/both0.json") $(us_of "$T/both1.json")" | awk '{
    printf "one-thread updates, core 0 alone: %.0f us; cores 0 and 1 at once: %.0f and %.0f us (%+.0f%%, %+.0f%%)\n",
      $1, $2, $3, 100 * ($2 - $1) / $1, 100 * ($3 - $1) / $1 }'
fi
