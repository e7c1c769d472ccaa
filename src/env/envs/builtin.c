// builtin.c: the table of built-in envs, with Gymnasium's registered limits
// and thresholds.
// Depends on: rlc/env.h, the envs in this folder.
#include <math.h>

#include "make.h"
#include "rlc/envs.h"

static const rlcEnvRegistration builtin[] = {
    {"CartPole-v1", rlc_make_cartpole, 500, 475.0, NULL, "balance a pole on a cart (Gymnasium)"},
    {"CartPole-v0", rlc_make_cartpole, 200, 195.0, NULL, "CartPole with the 200-step limit (Gymnasium)"},
};

void rlc_envs_register_builtin(void) {
  for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) rlc_env_register(&builtin[i]);
}
