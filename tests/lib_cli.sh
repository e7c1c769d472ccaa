# tests/lib_cli.sh: what the CLI test files share (sourced, not run): a temp
# dir, pass/fail counters and checks. Each file sets PART and sources this
# with its build dir as $1; it ends with cli_summary.
B=${1:-build}
RLC="$B/rlc"
T=$(mktemp -d "/tmp/rlc-$PART-XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { echo "ok   $PART: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $PART: $1"; fail=$((fail + 1)); }

# expect_fail NAME PATTERN CMD...: nonzero exit, exactly one stderr line matching PATTERN.
expect_fail() {
  name=$1 pat=$2
  shift 2
  "$@" >"$T/out" 2>"$T/err"
  rc=$?
  lines=$(wc -l <"$T/err")
  if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] && grep -q "^rlc: error: .*$pat" "$T/err"; then ok "$name"
  else ko "$name (exit $rc, stderr: $(head -c 300 "$T/err"))"; fi
}
# last_json CMD...: the last stdout line must be a JSON object; stores it in $J.
last_json() {
  "$@" >"$T/out" 2>"$T/err" || return 1
  J=$(tail -n 1 "$T/out")
  case "$J" in "{"*"}") return 0 ;; *) return 1 ;; esac
}
json_get() { echo "$J" | sed -n "s/.*\"$1\": \([^,}]*\).*/\1/p"; }

# The part's verdict: the summary line run_all.sh reads, and the exit status.
cli_summary() {
  echo "$pass passed, $fail failed"
  [ $fail -eq 0 ]
}
