// fuzz_opts.c: the string parsers under every option a user types, fast
// enough for millions of runs: "k=v,..." lists (env options, --set), applied
// to an algorithm's settings table and filled into its struct (ranges,
// choices, numbers), the number parsers, and the network torso grammar
// ("64-64", "c16k3s2p1-128"). The first byte picks the algorithm.
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fuzz_setup("opts");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!size) return 0;
  const rlcAgentClass *cls = rlc_agent_get(data[0] % rlc_agent_count());
  char *text = malloc(size);
  memcpy(text, data + 1, size - 1);
  text[size - 1] = 0;
  static rlcOpts opts, cfg;
  if (!rlc_opts_parse(&opts, text)) rlc_opts_check_unused(&opts, "fuzz");
  int64_t i64;
  double d;
  bool b;
  rlc_parse_int64(text, &i64);
  rlc_parse_double(text, &d);
  rlc_parse_bool(text, &b);
  memset(&cfg, 0, sizeof cfg);
  if (!rlc_settings_apply(&cfg, text, cls->settings, cls->n_settings, NULL, 0, "fuzz")) {
    void *base = calloc(1, cls->settings_size ? cls->settings_size : 1);
    rlc_settings_fill(base, cls->settings, cls->n_settings, &cfg);
    free(base);
  }
  rlcNetDef def = rlc_net_default_def();
  const int shape[3] = {10, 10, 4};
  rlcSpace img = rlc_space_box_uniform(RLC_U8, 3, shape, 0, 1);
  if (!rlc_net_def_input(&def, &img)) rlc_net_def_torso(&def, text, RLC_LAYER_RELU);
  free(text);
  return 0;
}
