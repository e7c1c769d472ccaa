#!/bin/sh
# tests/cli_lib.sh: the library as users see it. librlc.so exports exactly the
# functions include/rlc/ declares (each declaration marked RLC_API, nothing
# internal leaking out), and README.md's library example, built with the
# README's own command against the plain build/librlc.a, trains PPO.
# Usage: sh tests/cli_lib.sh BUILD_DIR. Last line: "N passed, N failed".
PART=cli_lib
. "$(dirname "$0")/lib_cli.sh"
ROOT=$(pwd)

# The public headers without comments, one declaration per line where they
# start at column 0.
sed 's://.*$::' include/rlc/*.h >"$T/headers"
# Function declarations: top-level lines naming a function before "(", not
# typedefs, static inlines or preprocessor lines.
grep -E '^[A-Za-z]' "$T/headers" | grep -vE '^(typedef|static|#|extern "C"|struct|enum|union|\})' |
  grep -E '[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\(' >"$T/decls"
grep -v '^RLC_API ' "$T/decls" >"$T/unmarked"
if [ -s "$T/decls" ] && [ ! -s "$T/unmarked" ]; then ok "every public declaration is RLC_API ($(wc -l <"$T/decls"))"
else ko "declarations without RLC_API: $(head -c 300 "$T/unmarked")"; fi
sed -n 's/^RLC_API[^(]*[^A-Za-z0-9_]\([A-Za-z_][A-Za-z0-9_]*\)[[:space:]]*(.*/\1/p' "$T/decls" | sort -u >"$T/declared"

if nm -D --defined-only "$B/librlc.so" >"$T/nm" 2>"$T/err"; then
  # Only the library's own symbols: a sanitized build also defines the
  # sanitizers' interceptors.
  awk '$2 ~ /^[TDBRV]$/ {print $3}' "$T/nm" | grep -vE '^(__asan|__ubsan|__lsan|__sanitizer|_init$|_fini$)' |
    sort -u >"$T/exported"
  comm -23 "$T/exported" "$T/declared" >"$T/extra"
  comm -13 "$T/exported" "$T/declared" >"$T/missing"
  if [ -s "$T/exported" ] && [ ! -s "$T/extra" ]; then ok "librlc.so exports only the public API ($(wc -l <"$T/exported") symbols)"
  else ko "librlc.so exports what include/rlc/ does not declare: $(tr '\n' ' ' <"$T/extra" | head -c 400)"; fi
  if [ ! -s "$T/missing" ]; then ok "every public function is exported"
  else ko "declared but not exported (no definition?): $(tr '\n' ' ' <"$T/missing" | head -c 400)"; fi
else ko "nm -D $B/librlc.so: $(head -c 200 "$T/err")"; fi

# The public prefix belongs to the public API: any external rlc_* symbol of the
# static library is declared in include/rlc/ (internal helpers are named after
# their module: envs_make_cartpole, agents_dqn, nn_gemm_acc).
if nm --defined-only "$B/librlc.a" >"$T/nma" 2>/dev/null; then
  awk '$2 ~ /^[TDBR]$/ {print $3}' "$T/nma" | grep '^rlc_' | sort -u >"$T/prefixed"
  comm -23 "$T/prefixed" "$T/declared" >"$T/internal"
  if [ -s "$T/prefixed" ] && [ ! -s "$T/internal" ]; then ok "every rlc_ symbol of librlc.a is public API"
  else ko "internal symbols with the public prefix: $(tr '\n' ' ' <"$T/internal" | head -c 400)"; fi
else ko "nm $B/librlc.a"; fi

# README.md's library example and build line, as written. The command names
# build/librlc.a and include/: the temp dir links both to this build's.
awk '/^## The library/ {f = 1; next} f && /^```c$/ {c = 1; next} c && /^```$/ {exit} c {print}' README.md \
  >"$T/demo.c"
cmd=$(sed -n '/^## The library/,/^## /s/^Build with `\([^`]*\)`.*/\1/p' README.md | head -n 1)
mkdir -p "$T/build" "$T/bin"
ln -s "$ROOT/include" "$T/include"
ln -s "$ROOT/$B/librlc.a" "$T/build/librlc.a"
# A sanitized library needs its runtime at link time: the same command, with
# `cc` adding the flags.
if nm "$B/librlc.a" 2>/dev/null | grep -q __asan_; then
  cc_path=$(command -v cc)
  printf '#!/bin/sh\nexec %s "$@" -fsanitize=address,undefined\n' "$cc_path" >"$T/bin/cc"
  chmod +x "$T/bin/cc"
fi
case "$cmd" in
  *whole-archive*) ko "README's build line links with --whole-archive: $cmd" ;;
  "cc demo.c "*librlc.a*)
    if (cd "$T" && PATH="$T/bin:$PATH" sh -c "$cmd") >"$T/out" 2>&1; then ok "README example builds: $cmd"
    else ko "README example does not build: $(head -c 600 "$T/out")"; fi ;;
  *) ko "README's build line not found or not 'cc demo.c ... librlc.a': '$cmd'" ;;
esac
if [ -x "$T/a.out" ]; then
  (cd "$T" && ./a.out) >"$T/out" 2>"$T/err"
  rc=$?
  ret=$(sed -n 's/^PPO, [0-9]* steps: greedy return \([0-9.-]*\) .*/\1/p' "$T/out")
  # Untrained, PPO's greedy policy falls within a few dozen steps; 20000
  # steps of training reach 200 to 500 over the seeds tried.
  if [ $rc -eq 0 ] && [ -n "$ret" ] && awk "BEGIN{exit !($ret > 100)}"; then ok "README example trains PPO: $(cat "$T/out")"
  else ko "README example (exit $rc): $(head -c 300 "$T/out") $(head -c 300 "$T/err")"; fi
else ko "README example: no a.out"; fi

# The same program against librlc.so: the exports are enough for it.
if (cd "$T" && PATH="$T/bin:$PATH" cc demo.c -Iinclude -L"$ROOT/$B" -lrlc -lm -o demo_so) >"$T/out" 2>&1 &&
  (cd "$T" && LD_LIBRARY_PATH="$ROOT/$B" ./demo_so) >"$T/out2" 2>&1 && grep -q '^PPO, ' "$T/out2" &&
  readelf -d "$B/librlc.so" | grep -q 'SONAME.*librlc\.so\.0'; then
  ok "README example against librlc.so.0: $(cat "$T/out2")"
else ko "README example against librlc.so: $(head -c 300 "$T/out") $(head -c 300 "$T/out2")"; fi

cli_summary
