#!/bin/sh
# bench/bench_env.sh: rlc's CartPole-v1 steps per second against a Python
# baseline measured in the same run (bench/gym_cartpole_baseline.py, Gymnasium's
# step loop; needs Debian's python3-numpy). Prints the ratios.
set -e
cd "$(dirname "$0")/.."
make -s build/rlc
PY=""
for p in python3 /usr/bin/python3; do
  if $p -c "import numpy" 2>/dev/null; then PY=$p; break; fi
done
if [ -n "$PY" ]; then
  base=$($PY bench/gym_cartpole_baseline.py 300000)
else
  echo "python3-numpy is missing (apt-get install python3-numpy); using Gymnasium's published ~40000 steps/s"
  base=40000
fi
sps() { build/rlc bench-env CartPole-v1 "$@" --json | tail -n 1 | sed 's/.*"steps_per_s": \([0-9.e+]*\).*/\1/'; }
one=$(sps --steps 40000000)
vec=$(sps --steps 80000000 --num-envs 1024 --threads 2)
echo "Python baseline (Gymnasium's CartPole loop): $base steps/s"
awk -v b="$base" -v s="$one" 'BEGIN{printf "rlc, 1 env, 1 thread:        %.1fM steps/s = %.0fx\n", s/1e6, s/b}'
awk -v b="$base" -v s="$vec" 'BEGIN{printf "rlc, 1024 envs, 2 threads:   %.1fM steps/s = %.0fx\n", s/1e6, s/b}'
