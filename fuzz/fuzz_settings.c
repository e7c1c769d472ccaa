// fuzz_settings.c: what `rlc train` takes as text: --algo, --env, --preset and
// a list of --set "k=v,..." strings, one per line:
//   algo \n env \n preset \n set \n set ...   (an empty line: not given)
// resolved into a configuration. When the algo line starts with '+' (slow:
// a whole run is made), the run is also built from it (no directory): every
// accepted value must give a run or a one-line error, within the memory
// limit.
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  fuzz_setup("settings");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *algo = fuzz_take(&data, &size, '\n'), *env = fuzz_take(&data, &size, '\n');
  char *preset = fuzz_take(&data, &size, '\n');
  char *sets[8];
  int n = 0;
  while (size && n < 8) sets[n++] = fuzz_take(&data, &size, '\n');
  rlcOpts *cfg = malloc(sizeof *cfg);
  bool create = algo[0] == '+';
  const char *a = algo + create;
  if (!rlc_run_config(cfg, *a ? a : NULL, *env ? env : NULL, *preset ? preset : NULL,
                      (const char *const *)sets, n) && create) {
    rlcRun *r;
    if (!rlc_run_create(cfg, NULL, false, &r)) rlc_run_destroy(r);
  }
  free(cfg);
  for (int i = 0; i < n; i++) free(sets[i]);
  free(algo);
  free(env);
  free(preset);
  return 0;
}
