#!/bin/sh
# fuzz/run.sh SECONDS [NAME...]: runs each libFuzzer harness (build-fuzz/fuzz_NAME,
# `make fuzz` builds them) for SECONDS, starting from its seed corpus
# fuzz/corpus/NAME (kept in the repository; new inputs go to
# build-fuzz/corpus/NAME, not into the tree). Prints executions per harness and
# the total; exits nonzero on any crash, timeout or leak (the input is left in
# build-fuzz/artifacts/).
secs=${1:-10}
shift
B=${FUZZ_BUILD:-build-fuzz}
names=$*
[ -z "$names" ] && names=$(ls fuzz/fuzz_*.c | sed 's|fuzz/fuzz_\(.*\)\.c|\1|')
mkdir -p "$B/artifacts"
total=0
status=0
for n in $names; do
  mkdir -p "$B/corpus/$n"
  log="$B/fuzz_$n.log"
  LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp nice -n 10 "$B/fuzz_$n" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$B/artifacts/$n-" "$B/corpus/$n" "fuzz/corpus/$n" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
  if [ $rc -ne 0 ]; then
    status=1
    echo "fuzz $n: FAILED (exit $rc), see $log:"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 5
  fi
  echo "fuzz $n: ${execs:-0} executions in ${secs}s ($cov)"
  total=$((total + ${execs:-0}))
done
echo "fuzz total: $total executions"
exit $status
