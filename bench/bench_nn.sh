#!/bin/sh
# bench/bench_nn.sh: rlc's training update against PyTorch (one thread) in the
# same run, for the rainbow notebook's net, the book's ELU net and the MinAtar
# conv net. Needs Debian's python3-torch for the baseline.
cd "$(dirname "$0")/.." || exit 1
make -s build/rlc || exit 1
PY=""
for p in /usr/bin/python3 python3; do
  if $p -c "import torch" 2>/dev/null; then PY=$p; break; fi
done
[ -z "$PY" ] && echo "python3-torch is missing (apt-get install python3-torch): rlc numbers only"
for spec in "4-128-128-2 relu" "4-32-32-2 elu" "minatar relu"; do
  set -- $spec
  line=$(build/rlc bench-nn --arch "$1" --act "$2" --batch 32 --json | tail -n 1)
  us=$(echo "$line" | sed 's/.*"us_per_update": \([0-9.e+-]*\).*/\1/')
  peak=$(echo "$line" | sed 's/.*"peak_fraction": \([0-9.e+-]*\).*/\1/')
  if [ -n "$PY" ]; then
    t=$($PY bench/bench_nn_torch.py "$1" "$2" 32)
    awk -v a="$1 $2" -v r="$us" -v t="$t" -v p="$peak" 'BEGIN{printf "%-18s rlc %8.2f us  PyTorch %8.2f us  = %.0fx faster  (rlc at %.1f%% of peak FLOP/s)\n", a, r, t, t/r, 100*p}'
  else
    awk -v a="$1 $2" -v r="$us" -v p="$peak" 'BEGIN{printf "%-18s rlc %8.2f us  (%.1f%% of peak FLOP/s)\n", a, r, 100*p}'
  fi
done
