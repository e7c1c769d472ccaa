#!/bin/sh
# tests/run_all.sh: the whole suite (unit tests, reference replays, CLI checks).
# Prints each part, then the total as the last line: "N passed, N failed".
B=${BUILD:-build}
total_pass=0
total_fail=0
status=0
run_part() {
  name=$1
  shift
  echo "== $name"
  "$@" >"$B/$name.log" 2>&1
  rc=$?
  cat "$B/$name.log"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$B/$name.log" | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
  f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
  if [ -z "$line" ]; then
    echo "$name: no summary line (exit $rc)"
    p=0
    f=1
  fi
  [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
  total_pass=$((total_pass + ${p:-0}))
  total_fail=$((total_fail + ${f:-0}))
  [ $rc -ne 0 ] && status=1
}
run_part unit "$B/test_rlc"
run_part reference "$B/test_reference"
# Every tests/cli*.sh is a part of its own (one file per command family).
for f in tests/cli*.sh; do
  run_part "$(basename "$f" .sh)" sh "$f" "$B"
done
echo "$total_pass passed, $total_fail failed"
exit $status
