#!/bin/sh
# tests/cli_solve.sh: `rlc solve` end to end: the book's MDP and the 5x5
# GridWorld against the reference values, the book's 50 sweeps, the JSON line
# (null for impossible actions, Taxi's table beyond the old 8 KB line), and
# one-line errors.
# Usage: sh tests/cli_solve.sh BUILD_DIR. Last line: "N passed, N failed".
PART=cli_solve
. "$(dirname "$0")/lib_cli.sh"
# json_row KEY: the first row of a JSON table ("Q": [[a,b,c],...] -> a,b,c).
json_row() { echo "$J" | sed -n "s/.*\"$1\": \[\[\([^]]*\)\].*/\1/p"; }
# json_list KEY: a flat JSON list's items ("policy": [0,0,1] -> 0,0,1).
json_list() { echo "$J" | sed -n "s/.*\"$1\": \[\([^]]*\)\].*/\1/p"; }
# near X Y TOL
near() { awk "BEGIN{d=$1-($2); if (d<0) d=-d; exit !(d <= $3)}"; }
field() { echo "$1" | cut -d, -f"$2"; }

if "$RLC" solve --help >"$T/out" 2>&1 && grep -q "^usage: rlc solve" "$T/out"; then ok "solve --help"; else ko "solve --help"; fi

# The book's MDP (reference/homl_mdp_qvalues.txt), every method, both gammas.
for m in q-value-iteration value-iteration policy-iteration; do
  if last_json "$RLC" solve --env ThreeStateMDP-v0 --method $m --gamma 0.90 --json; then
    r=$(json_row Q)
    if near "$(field "$r" 1)" 18.91891891891892 1e-8 && near "$(field "$r" 2)" 17.027027027027028 1e-8 &&
      near "$(field "$r" 3)" 13.621621621621621 1e-8 && [ "$(json_list policy)" = "0,0,1" ] &&
      echo "$J" | grep -q '"Q": \[\[[^]]*\],\[0,null,-4.879714879' && [ "$(json_get method)" = "\"$m\"" ]; then
      ok "$m gamma 0.90 matches the reference"
    else ko "$m gamma 0.90: $J"; fi
  else ko "$m gamma 0.90 --json"; fi
  if last_json "$RLC" solve --env ThreeStateMDP-v0 --method $m --gamma 0.95 --json; then
    r=$(json_row Q)
    if near "$(field "$r" 1)" 21.89925005117517 1e-8 && [ "$(json_list policy)" = "0,2,1" ] &&
      echo "$J" | grep -q '\[null,53.873494984' && [ "$(json_get converged)" = true ]; then ok "$m gamma 0.95 matches the reference"
    else ko "$m gamma 0.95: $J"; fi
  else ko "$m gamma 0.95 --json"; fi
done
# The book's own procedure: exactly 50 sweeps (its printed, not yet converged values).
if last_json "$RLC" solve --env ThreeStateMDP-v0 --method q-value-iteration --gamma 0.95 --sweeps 50 --json &&
  [ "$(field "$(json_row Q)" 1)" = 21.733041884309515 ] && [ "$(json_get sweeps)" = 50 ]; then ok "the book's 50 sweeps, bit for bit"
else ko "the book's 50 sweeps: $J"; fi
# The readable table shows impossible actions as '-'.
if "$RLC" solve --env ThreeStateMDP-v0 --method qvi >"$T/out" 2>&1 && grep -Eq '^ +1 +0\.0000 +- +-4\.8797 +0\.0000 +0$' "$T/out" &&
  grep -Eq '^ +2 +- +50\.1337 +- ' "$T/out"; then ok "table marks impossible actions"
else ko "table: $(cat "$T/out")"; fi

# GridWorld 5x5 at gamma 0.9 (reference/gridworld5x5_qstar.txt).
for m in value-iteration policy-iteration q-value-iteration; do
  if last_json "$RLC" solve --env GridWorld-v0 --method $m --gamma 0.9 --json; then
    r=$(json_row Q)
    v=$(json_list V)
    if near "$(field "$r" 1)" 48.45851 1e-8 && near "$(field "$r" 3)" 42.612659 1e-8 && near "$(field "$v" 25)" 79.1 1e-8 &&
      [ "$(json_list policy | cut -d, -f1-5)" = "0,0,0,0,1" ] && [ "$(json_get states)" = 25 ]; then ok "GridWorld $m Q*"
    else ko "GridWorld $m: $J"; fi
  else ko "GridWorld $m --json"; fi
done
if "$RLC" solve --env GridWorld-v0 >"$T/out" && grep -q "greedy policy:" "$T/out" && grep -q '> v < \. v' "$T/out"; then
  ok "GridWorld policy drawn as arrows"
else ko "GridWorld arrows: $(tail -6 "$T/out")"; fi

# Larger tables: Taxi's 500 x 6 Q is one JSON line of ~60 KB.
if last_json "$RLC" solve --env Taxi-v3 --gamma 0.99 --json --quiet && [ "$(json_get states)" = 500 ] &&
  [ "$(echo "$J" | wc -c)" -gt 20000 ] && [ "$(echo "$J" | grep -o '\],\[' | wc -l)" -eq 499 ]; then ok "Taxi --json ($(echo "$J" | wc -c) bytes)"
else ko "Taxi --json"; fi
# The methods agree on FrozenLake's optimal value of the start.
v1=$("$RLC" solve --env FrozenLake-v1 --method vi --gamma 0.99 --json --quiet | tail -n 1 | sed -n 's/.*"V": \[\([^,]*\),.*/\1/p')
v2=$("$RLC" solve --env FrozenLake-v1 --method pi --gamma 0.99 --json --quiet | tail -n 1 | sed -n 's/.*"V": \[\([^,]*\),.*/\1/p')
v3=$("$RLC" solve --env FrozenLake-v1 --method qvi --gamma 0.99 --json --quiet | tail -n 1 | sed -n 's/.*"V": \[\([^,]*\),.*/\1/p')
if [ -n "$v1" ] && near "$v1" "$v2" 1e-8 && near "$v1" "$v3" 1e-8; then ok "FrozenLake: the three methods agree (V0 $v1)"
else ko "FrozenLake V0: $v1 $v2 $v3"; fi
if last_json "$RLC" solve --env CliffWalking-v1 --gamma 1 --tol 0 --json && [ "$(json_list V | cut -d, -f37)" = -13 ]; then
  ok "CliffWalking gamma 1: V(start) = -13"
else ko "CliffWalking: $(json_list V | cut -d, -f37)"; fi

# Errors: one line, nonzero exit.
expect_fail "env without a model" "CartPole-v1 has no transition model.*GridWorld-v0" "$RLC" solve --env CartPole-v1
expect_fail "no --env" "solve needs --env ID" "$RLC" solve
expect_fail "unknown method" "unknown planning method 'sarsa'" "$RLC" solve --env GridWorld-v0 --method sarsa
expect_fail "gamma out of range" "--gamma 2: must be in" "$RLC" solve --env GridWorld-v0 --gamma 2
expect_fail "negative tol" "--tol -1: must be in" "$RLC" solve --env GridWorld-v0 --tol -1
expect_fail "policy iteration at gamma 1" "policy-iteration needs gamma < 1" "$RLC" solve --env GridWorld-v0 --method pi --gamma 1
expect_fail "action_repeat changes the model" "planning uses the bare env" "$RLC" solve --env GridWorld-v0 --options action_repeat=2
expect_fail "unknown env" "unknown env id" "$RLC" solve --env GridWorld-v9
expect_fail "bad env option" "" "$RLC" solve --env GridWorld-v0 --options size=abc

cli_summary
