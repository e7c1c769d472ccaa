#!/bin/sh
# tests/mutants.sh: do the learning tests judge the code, not the rounding?
# Builds copies of the working tree with one change each and runs every
# learning test on them:
#   ulp        every dense layer's output moved up by one ulp (nextafterf):
#              a kernel that rounds differently; every learning test must pass
#   bias-sign  the bias gradient of dense layers with the wrong sign: must fail
#   target     DQN bootstraps through terminal states (discount 0.99 always):
#              must fail
# Usage: sh tests/mutants.sh [BUILD_FLAGS...] (e.g. PORTABLE=1). Slow (a full
# build per mutant): run by hand or `make mutants`, not by `make test`.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/rlc-mutants-XXXXXX)
trap 'rm -rf "$W"' EXIT
LEARNING="nn_learns_xor nn_learns_sine dqn_learns_the_corridor_with_every_option pg_imitation_copies_the_teacher
pg_reinforce_learns_cartpole pg_reinforce_softmax_and_baseline pg_ppo_learns_cartpole pg_a2c_learns_cartpole
pg_ppo_gaussian_learns_pendulum deep_agents_uint8_observations_train_like_float tabular_gridworld_learns
tabular_cliffwalking_q_learning_vs_sarsa"
bad=0

mutate() {
  case $1 in
    ulp) python3 - "$2/src/nn/kernels.c" <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
old = "  if (b < B) dense_forward_rows(out + (size_t)b * OC, inp + (size_t)b * C, weight, bias, B - b, C, OC);\n}"
assert old in s
s = s.replace(old, old[:-1] + "  for (size_t i = 0; i < (size_t)B * OC; i++) out[i] = nextafterf(out[i], INFINITY);\n}")
open(p, "w").write(s)
EOF
    ;;
    bias-sign) python3 - "$2/src/nn/kernels.c" <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
old = "for (int o = 0; o < OC; o++) db[o] += d[o];"
assert old in s
open(p, "w").write(s.replace(old, "for (int o = 0; o < OC; o++) db[o] -= d[o];"))
EOF
    ;;
    target) python3 - "$2/src/agents/dqn.c" <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
old = "a->disc[r * B + b] = bt->discount[b], r++;"
assert old in s
open(p, "w").write(s.replace(old, "a->disc[r * B + b] = 0.99f, r++;"))
EOF
    ;;
  esac
}

for m in ulp bias-sign target; do
  d="$W/$m"
  mkdir -p "$d"
  (cd "$ROOT" && git ls-files -z | xargs -0 tar cf - 2>/dev/null) | (cd "$d" && tar xf -)
  rm -rf "$d/build"
  mutate "$m" "$d" || { echo "mutants: cannot apply $m"; bad=1; continue; }
  if ! (cd "$d" && make -s -j2 "$@" build/test_rlc >"$W/$m.build" 2>&1); then
    echo "mutants: $m does not build: $(tail -c 300 "$W/$m.build")"
    bad=1
    continue
  fi
  # shellcheck disable=SC2086
  (cd "$d" && RLC_REFERENCE_DIR="$ROOT/../shared/reference" build/test_rlc $LEARNING) >"$W/$m.log" 2>&1
  failed=$(grep -c '^FAIL' "$W/$m.log")
  summary=$(tail -n 1 "$W/$m.log")
  case $m in
    ulp) if [ "$failed" -eq 0 ]; then echo "ok   ulp: every learning test passes ($summary)"
         else echo "FAIL ulp: a one-ulp change fails learning tests:"; grep '^FAIL' "$W/$m.log"; bad=1; fi ;;
    *) if [ "$failed" -gt 0 ]; then echo "ok   $m: caught by $(grep '^FAIL' "$W/$m.log" | awk '{print $2}' | tr '\n' ' ')"
       else echo "FAIL $m: no learning test catches it ($summary)"; bad=1; fi ;;
  esac
done
exit $bad
