// fuzz_env_options.c: --env-options text for each registered env. The first
// byte picks the env (low 7 bits) and whether to render it once (high bit,
// slow: cairo), the rest is the options string; the env is made, reset and
// stepped with sampled actions.
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  fuzz_setup("env_options");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!size) return 0;
  int n = rlc_env_registry_count();
  const rlcEnvRegistration *reg = rlc_env_registry_get((data[0] & 0x7f) % n);
  char *opts = malloc(size);
  memcpy(opts, data + 1, size - 1);
  opts[size - 1] = 0;
  rlcEnv *env;
  if (!rlc_env_create(reg->id, opts, &env)) {
    const rlcEnvSpec *spec = env->spec;
    size_t ob = rlc_space_bytes(&spec->observation_space), ab = rlc_space_bytes(&spec->action_space);
    uint8_t *obs = malloc(ob ? ob : 1), *act = malloc(ab ? ab : 1);
    rlcRng rng;
    rlc_rng_seed(&rng, size);
    bool term = false, trunc = false;
    if (!rlc_env_reset(env, 1, obs))
      for (int t = 0; t < 64 && !term && !trunc; t++) {
        double rew;
        rlc_space_sample(&spec->action_space, &rng, act);
        if (rlc_env_step(env, act, obs, &rew, &term, &trunc)) break;
      }
    if ((data[0] & 0x80) && spec->render_width && (size_t)spec->render_width * spec->render_height < (1u << 22)) {
      uint8_t *rgb = malloc((size_t)spec->render_width * spec->render_height * 3);
      rlc_env_render(env, NULL, rgb);
      free(rgb);
    }
    free(obs);
    free(act);
    rlc_env_destroy(env);
  }
  free(opts);
  return 0;
}
