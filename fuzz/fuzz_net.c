// fuzz_net.c: a network file. The input is an architecture line (the
// rlc_net_def_mlp grammar a user writes: "4-64-2", "c16k3-128") and then the
// file's payload (everything between the version and the CRC), framed with
// a valid header and CRC; the net is built from the line and loaded, then
// run forward and backward once.
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  fuzz_setup("net");
  // Small nets: the file checks are the same, and big ones only spend the
  // time initializing weights.
  rlc_set_memory_limit((size_t)16 << 20);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *arch = fuzz_take(&data, &size, '\n');
  rlcNetDef def = rlc_net_default_def();
  def.max_batch = 2;
  rlcNet *net = NULL;
  if (!rlc_net_def_mlp(&def, arch, RLC_LAYER_RELU) && !rlc_net_create(&def, &net)) {
    fuzz_write_framed("net.rlcnet", "RLCNET\r\n", 1, data, size);
    char p[512];
    fuzz_path(p, sizeof p, "net.rlcnet");
    if (!rlc_net_load(net, p)) {
      size_t in = (size_t)net->in_size * 2, out = (size_t)net->out_size * 2;
      float *x = calloc(in, sizeof *x), *d = calloc(out, sizeof *d);
      const float *y = rlc_net_forward(net, x, 2);
      if (y) rlc_net_backward(net, d, NULL);
      free(x);
      free(d);
    }
  }
  rlc_net_destroy(net);
  free(arch);
  return 0;
}
