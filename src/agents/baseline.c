// baseline.c: the agents that do not learn: `random` (uniform over the
// possible actions, Gymnasium's action_space.sample()) and `heuristic` (the
// env's classic hand-written policy, e.g. the book's CartPole angle rule).
// They give the baselines a learning curve is read against.
// Depends on: rlc/agent.h, rlc/env.h.
#include <math.h>
#include <string.h>

#include "rlc/agent.h"

typedef struct {
  rlcAgent base;
  rlcRng rng;
  size_t obs_bytes, act_bytes;
  const rlcEnvSpec *unwrapped;
} Baseline;

static rlcStatus create(const rlcAgentDef *def, rlcAgent **out, const rlcAgentClass *cls) {
  const rlcEnvSpec *u = rlc_spec_unwrapped(def->spec);
  if (cls->name[0] == 'h' && !u->cls->heuristic)
    return rlc_error(RLC_ERR_UNSUPPORTED, "env '%s' has no heuristic policy (try --algo random)", def->spec->id);
  Baseline *b = rlc_calloc(1, sizeof *b);
  if (!b) return RLC_ERR_NOMEM;
  b->base = (rlcAgent){cls, def->spec, def->num_envs};
  rlc_rng_seed_child(&b->rng, def->seed, 1000);
  b->obs_bytes = rlc_space_bytes(&def->spec->observation_space);
  b->act_bytes = rlc_space_bytes(&def->spec->action_space);
  b->unwrapped = u;
  *out = &b->base;
  return RLC_OK;
}

static void destroy(rlcAgent *a) { rlc_free(a); }

static void act_random(rlcAgent *a, const void *obs, int n, bool explore, void *actions) {
  Baseline *b = (Baseline *)a;
  const rlcMdp *m = b->unwrapped->mdp;
  for (int i = 0; i < n; i++) {
    void *act = (char *)actions + i * b->act_bytes;
    if (m && !m->all_valid && a->spec->observation_space.type == RLC_SPACE_DISCRETE) {
      // Uniform over the state's possible actions.
      int st = *(const int32_t *)((const char *)obs + i * b->obs_bytes), k = 0, pick;
      for (int j = 0; j < m->n_actions; j++) k += m->valid[st * m->n_actions + j];
      pick = (int)rlc_rng_integers(&b->rng, 0, k);
      for (int j = 0; j < m->n_actions; j++)
        if (m->valid[st * m->n_actions + j] && pick-- == 0) *(int32_t *)act = j;
    } else rlc_space_sample(&a->spec->action_space, &b->rng, act);
  }
}

static void act_heuristic(rlcAgent *a, const void *obs, int n, bool explore, void *actions) {
  Baseline *b = (Baseline *)a;
  for (int i = 0; i < n; i++)
    b->unwrapped->cls->heuristic(b->unwrapped, (const char *)obs + i * b->obs_bytes,
                                 (char *)actions + i * b->act_bytes);
}

static rlcStatus observe(rlcAgent *a, const rlcStepBatch *batch) { return RLC_OK; }
static rlcStatus update(rlcAgent *a) { return RLC_OK; }

static void info(const rlcAgent *a, rlcAgentInfo *out) {
  memset(out, 0, sizeof *out);
  out->epsilon = out->temperature = out->lr = NAN;
}

static void save(const rlcAgent *a, rlcBuf *buf) { rlc_buf_put(buf, &((const Baseline *)a)->rng, sizeof(rlcRng)); }
static rlcStatus load(rlcAgent *a, rlcBuf *buf) { return rlc_rng_state_get(&((Baseline *)a)->rng, buf); }

static rlcStatus create_random(const rlcAgentDef *def, rlcAgent **out);
static rlcStatus create_heuristic(const rlcAgentDef *def, rlcAgent **out);

static const rlcPreset random_presets[] = {
    {NULL, NULL, "episodes=100,eval_episodes=100", "baseline: 100 episodes"},
};

const rlcAgentClass agents_random = {
    .name = "random", .doc = "uniformly random actions (the baseline)",
    .presets = random_presets, .n_presets = 1,
    .create = create_random, .destroy = destroy, .act = act_random, .observe = observe,
    .update = update, .info = info, .save = save, .load = load};
const rlcAgentClass agents_heuristic = {
    .name = "heuristic", .doc = "the env's hand-written policy (CartPole: push towards the pole's lean)",
    .presets = random_presets, .n_presets = 1,
    .create = create_heuristic, .destroy = destroy, .act = act_heuristic, .observe = observe,
    .update = update, .info = info, .save = save, .load = load};

static rlcStatus create_random(const rlcAgentDef *def, rlcAgent **out) { return create(def, out, &agents_random); }
static rlcStatus create_heuristic(const rlcAgentDef *def, rlcAgent **out) {
  return create(def, out, &agents_heuristic);
}
