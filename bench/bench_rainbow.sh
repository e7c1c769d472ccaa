#!/bin/sh
# bench/bench_rainbow.sh: `rlc train --preset rainbow-nstep` against the
# rainbow-is-all-you-need notebook 07 re-typed in PyTorch
# (bench/rainbow_nstep_torch.py), seed by seed, one core each (taskset), one
# after the other. Prints each run, then the final scores and the ratio of the
# median wall times.
#   rlc:     greedy mean over the driver's 10 evaluation episodes at the end
#   PyTorch: the notebook's test (one greedy episode from the seed-777 start)
#            and the greedy mean over 10 episodes seeded 0..9
# Two times each: training (PyTorch: from the agent's creation to the end of
# training; rlc: the run's wall_s, which also includes its final evaluation
# and checkpoint) and the whole process (PyTorch also imports torch and runs
# its tests; rlc also writes curve.png).
# Usage: sh bench/bench_rainbow.sh [SEEDS]   (default 3; PyTorch takes ~35 s a seed)
# Needs Debian's python3-torch. PyTorch's speed depends on the system BLAS
# (docs/PERFORMANCE.md): the line "BLAS:" says which one it used.
cd "$(dirname "$0")/.." || exit 1
B=${BUILD:-build}
N=${1:-3}
make -s BUILD="$B" "$B/rlc" || exit 1
PY=""
for p in /usr/bin/python3 python3; do
  if $p -c "import torch" 2>/dev/null; then PY=$p; break; fi
done
[ -z "$PY" ] && { echo "python3-torch is missing (apt-get install python3-torch)"; exit 1; }
PIN=""
command -v taskset >/dev/null && PIN="taskset -c 0"
T=$(mktemp -d /tmp/rlc-bench-rainbow-XXXXXX)
trap 'rm -rf "$T"' EXIT
blas=$(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p')
echo "BLAS: ${blas:-unknown} (LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-})"
s=1
while [ "$s" -le "$N" ]; do
  t0=$(date +%s.%N)
  r=$($PIN "$B/rlc" train --preset rainbow-nstep --seed "$s" --out "$T/run$s" --json --quiet \
      --set gif=false 2>"$T/err" | tail -n 1)
  case "$r" in
  "{"*) ;;
  *) echo "seed $s: rlc failed: $(cat "$T/err")"; exit 1 ;;
  esac
  rp=$(echo "$t0 $(date +%s.%N)" | awk '{print $2 - $1}')
  rw=$(echo "$r" | sed 's/.*"wall_s": \([0-9.e+-]*\).*/\1/')
  re=$(echo "$r" | sed 's/.*"eval_mean_return": \([0-9.e+-]*\).*/\1/')
  t0=$(date +%s.%N)
  t=$($PIN $PY bench/rainbow_nstep_torch.py "$s" 2>"$T/err" | tail -n 1)
  tp=$(echo "$t0 $(date +%s.%N)" | awk '{print $2 - $1}')
  case "$t" in
  seed*) ;;
  *) echo "seed $s: PyTorch failed: $(cat "$T/err")"; exit 1 ;;
  esac
  set -- $t  # seed S score X mean10 Y wall_s W
  echo "seed $s: rlc eval mean $re, training $rw s, process $rp s | PyTorch score $4, mean10 $6, training $8 s, process $tp s"
  echo "$rw $re $8 $4 $6 $rp $tp" >>"$T/all"
  s=$((s + 1))
done
$PY - "$T/all" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
rw, re, tw, ts, tm, rp, tp = (statistics.median(r[i] for r in rows) for i in range(7))
print(f"final score (median): rlc {re:.1f} (mean of 10 greedy episodes) | "
      f"PyTorch {ts:.1f} (test episode), {tm:.1f} (mean of 10)")
print(f"median training time: rlc {rw:.2f} s, PyTorch {tw:.2f} s: rlc is {tw / rw:.0f}x faster")
print(f"median process wall time: rlc {rp:.2f} s, PyTorch {tp:.2f} s: rlc is {tp / rp:.0f}x faster")
PY
