// tests/reference_minatar.c: the MinAtar recordings, replayed in full from
// each episode's seed (the README's second way): a fresh env per episode
// (all six actions, the episode's sticky_action_prob), reset(seed), then every
// recorded action. Every record is compared exactly: the observation, the
// game's internal columns, the applied (sticky) action, reward and terminal,
// and the random draws: their values, in order (replayed on a copy of the
// RandomState from before the step), and the raw outputs consumed.
// Depends on: the public rlc API and src/env/envs/minatar.h (internal
// columns).
#include <stdlib.h>
#include <string.h>

#include "env/envs/minatar.h"
#include "reference.h"

// The reference's tokens from `first` on as ints: a 100-char 0/1 token is a
// map of 100 ints, any other token one int.
static int expand_tokens(const Reader *r, int first, int32_t *out, int max) {
  int n = 0;
  for (int i = first; i < r->ntok; i++) {
    const char *t = r->tok[i];
    if (strlen(t) == 100 && strspn(t, "01") == 100) {
      for (int k = 0; k < 100 && n < max; k++) out[n++] = t[k] - '0';
    } else if (n < max) {
      out[n++] = (int32_t)strtol(t, NULL, 10);
    }
  }
  return n;
}

static int check_obs(const Reader *r, const char *tok, const uint8_t *obs, int channels) {
  int len = 100 * channels;
  if ((int)strlen(tok) != len) return fail(r, "observation token has %zu chars, the env %d", strlen(tok), len);
  for (int i = 0; i < len; i++)
    if (obs[i] != tok[i] - '0')
      return fail(r, "observation differs at y %d x %d channel %d", i / channels / 10, i / channels % 10, i % channels);
  return 0;
}

static int check_internal(const Reader *r, int first, const rlcMinAtarGame *g, const void *game) {
  static int32_t want[RLC_MINATAR_MAX_INTERNAL], got[RLC_MINATAR_MAX_INTERNAL];
  int nw = expand_tokens(r, first, want, RLC_MINATAR_MAX_INTERNAL);
  int ng = g->internal(game, got, RLC_MINATAR_MAX_INTERNAL);
  for (int i = 0; i < nw && i < ng; i++)
    if (want[i] != got[i]) return fail(r, "internal column %d: %d, recorded %d", i, got[i], want[i]);
  if (nw != ng) return fail(r, "%d internal values, recorded %d", ng, nw);
  return 0;
}

// A D record against the draws between `before` and `after`: each listed
// value drawn again from a copy of `before`, which must then equal `after`.
static int check_draws(const Reader *r, const rlcMt19937 *before, const rlcMt19937 *after) {
  if (r->ntok < 5 || strcmp(r->tok[0], "D")) return fail(r, "expected a D record");
  int n = atoi(r->tok[3]), nraw = atoi(r->tok[4]);
  int used = ((after->pos - before->pos) % 624 + 624) % 624;
  if (used != nraw) return fail(r, "%d raw draws, recorded %d", used, nraw);
  rlcMt19937 mt = *before;
  for (int k = 0; k < n; k++) {
    int i = 5 + 4 * k;
    if (i + 3 >= r->ntok) return fail(r, "short D record");
    if (!strcmp(r->tok[i], "U")) {
      double u = rlc_mt_rand(&mt), want = strtod(r->tok[i + 3], NULL);
      if (u != want) return fail(r, "draw %d: rand() %.17g, recorded %.17g", k, u, want);
    } else {
      int64_t v = rlc_mt_randint(&mt, atoll(r->tok[i + 1]), atoll(r->tok[i + 2]));
      if (v != atoll(r->tok[i + 3])) return fail(r, "draw %d: randint %lld, recorded %s", k, (long long)v, r->tok[i + 3]);
    }
  }
  if (memcmp(&mt, after, sizeof mt)) return fail(r, "the game drew other numbers than the recorded ones");
  return 0;
}

int replay_minatar(const char *path, const char *env_id, Counts *c) {
  Reader rd, *r = &rd;
  if (!reader_open(r, path)) return fail(NULL, "cannot open %s", path);
  rlcEnv *env = NULL;
  const rlcMinAtarGame *g = NULL;
  uint8_t obs[100 * RLC_MINATAR_MAX_CHANNELS];
  rlcMt19937 before;
  int rc = 0;
  bool have = reader_next(r);
  while (have && !rc) {
    if (strcmp(r->tok[0], "B") || r->ntok < 7) {
      rc = fail(r, "expected a B record");
      break;
    }
    rlc_env_destroy(env);
    env = NULL;
    char opts[128];
    snprintf(opts, sizeof opts, "sticky_action_prob=%s,minimal_action_set=false", r->tok[3]);
    if (rlc_env_create(env_id, opts, &env)) {
      rc = fail(r, "%s: %s", env_id, rlc_last_error());
      break;
    }
    g = minatar_game_of(env->spec);
    rlcMinAtarState *ms = rlc_env_unwrapped_state(env);
    void *game = minatar_game_state(env->spec, env->state);
    // reset(seed) seeds the RandomState; the draws of reset() are the D record's.
    rlc_mt_seed(&before, (uint32_t)atoll(r->tok[2]));
    if (rlc_env_reset(env, atoll(r->tok[2]), obs)) {
      rc = fail(r, "reset: %s", rlc_last_error());
      break;
    }
    if ((rc = check_obs(r, r->tok[6], obs, g->channels)) || (rc = check_internal(r, 7, g, game))) break;
    int nsteps = atoi(r->tok[5]);
    if (!reader_next(r) || (rc = check_draws(r, &before, &ms->mt))) {
      if (!rc) rc = fail(r, "missing D record after B");
      break;
    }
    for (int t = 1; t <= nsteps && !rc; t++) {
      if (!reader_next(r) || strcmp(r->tok[0], "S") || r->ntok < 8) {
        rc = fail(r, "expected S record %d", t);
        break;
      }
      int32_t a = atoi(r->tok[3]);
      double reward;
      bool term, trunc;
      before = ms->mt;
      if (rlc_env_step(env, &a, obs, &reward, &term, &trunc)) {
        rc = fail(r, "step: %s", rlc_last_error());
        break;
      }
      if (ms->last_action != atoi(r->tok[4])) rc = fail(r, "applied action %d, recorded %s", ms->last_action, r->tok[4]);
      else if (reward != atof(r->tok[5])) rc = fail(r, "reward %g, recorded %s", reward, r->tok[5]);
      else if (term != (atoi(r->tok[6]) != 0) || trunc) rc = fail(r, "terminated %d truncated %d, recorded %s", term, trunc, r->tok[6]);
      else if (!(rc = check_obs(r, r->tok[7], obs, g->channels)) && !(rc = check_internal(r, 8, g, game))) {
        if (!reader_next(r)) rc = fail(r, "missing D record of step %d", t);
        else rc = check_draws(r, &before, &ms->mt);
      }
      c->steps++;
      c->open_loop_exact_steps += !rc;
    }
    have = !rc && reader_next(r);
  }
  rlc_env_destroy(env);
  fclose(r->f);
  return rc;
}
