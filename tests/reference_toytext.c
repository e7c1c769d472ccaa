// tests/reference_toytext.c: toy-text replays. Trajectories of FrozenLake,
// CliffWalking and Taxi (R / B / S records, full replay from reset(seed) with
// kind-1 states injected), their P tables (*_P.txt, entry for entry and bit
// for bit), and Blackjack (full replay from reset(seed): the cards rlc draws
// must be the recorded ones). Each file's env options come from its
// "# make kwargs: {...}" and "max_episode_steps (TimeLimit): N" header, so
// a reference set recorded with other kwargs or seeds replays as well.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"

//------------------------------------------------------------------------------
// Options from the header
//------------------------------------------------------------------------------

static void append(char *out, size_t n, const char *text) {
  size_t len = strlen(out);
  while (*text && len + 1 < n) out[len++] = *text++;
  out[len] = 0;
}

// One Python literal at *p (a repr: 'str', True/False/None, a number, or a
// list/tuple of those) as an rlc option value: lists become [a;b;c].
// Returns false for None (the option is left out).
static bool python_value(const char **pp, char *val, size_t n) {
  const char *p = *pp;
  val[0] = 0;
  bool some = true;
  if (*p == '[' || *p == '(') {
    char close = *p == '[' ? ']' : ')';
    p++;
    append(val, n, "[");
    bool first = true;
    while (*p && *p != close) {
      while (*p == ' ' || *p == ',') p++;
      if (*p == close) break;
      char item[256];
      if (!python_value(&p, item, sizeof item)) continue;
      if (!first) append(val, n, ";");
      append(val, n, item);
      first = false;
    }
    if (*p == close) p++;
    append(val, n, "]");
  } else if (*p == '\'' || *p == '"') {
    char q = *p++;
    size_t k = 0;
    while (*p && *p != q && k + 1 < n) val[k++] = *p++;
    val[k] = 0;
    if (*p == q) p++;
  } else {
    size_t k = 0;
    while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ')' && k + 1 < n) val[k++] = *p++;
    while (k && val[k - 1] == ' ') k--;
    val[k] = 0;
    if (!strcmp(val, "True")) snprintf(val, n, "true");
    else if (!strcmp(val, "False")) snprintf(val, n, "false");
    else if (!strcmp(val, "None")) some = false;
  }
  *pp = p;
  return some;
}

// Reads the header of `path` into rlc options: the make kwargs, then the time
// limit ("None" -> max_episode_steps=0). False when there is no kwargs line.
static bool header_options(const char *path, char *opts, size_t n) {
  FILE *f = fopen(path, "r");
  if (!f) return false;
  char line[4096];
  bool found = false;
  opts[0] = 0;
  while (fgets(line, sizeof line, f) && line[0] == '#') {
    const char *p = strstr(line, "make kwargs: {");
    if (!p) continue;
    found = true;
    p += strlen("make kwargs: {");
    while (*p && *p != '}') {
      while (*p == ' ' || *p == ',') p++;
      if (*p != '\'') break;
      char key[128], val[1024];
      python_value(&p, key, sizeof key);
      while (*p == ':' || *p == ' ') p++;
      bool some = python_value(&p, val, sizeof val);
      if (!some && !strcmp(key, "map_name")) snprintf(val, sizeof val, "random"), some = true;
      if (!some) continue;
      if (opts[0]) append(opts, n, ",");
      append(opts, n, key);
      append(opts, n, "=");
      append(opts, n, val);
    }
    const char *t = strstr(line, "max_episode_steps (TimeLimit):");
    if (t) {
      t += strlen("max_episode_steps (TimeLimit):");
      while (*t == ' ') t++;
      char limit[32];
      snprintf(limit, sizeof limit, "%d", strncmp(t, "None", 4) ? atoi(t) : 0);
      if (opts[0]) append(opts, n, ",");
      append(opts, n, "max_episode_steps=");
      append(opts, n, limit);
    }
  }
  fclose(f);
  return found;
}

static rlcEnv *create_from_header(const char *path, const char *env_id) {
  char opts[2048];
  if (!header_options(path, opts, sizeof opts)) {
    fail(NULL, "no '# make kwargs: {...}' line in the header");
    return NULL;
  }
  rlcEnv *env = NULL;
  if (rlc_env_create(env_id, opts, &env)) fail(NULL, "%s(%s): %s", env_id, opts, rlc_last_error());
  return env;
}

//------------------------------------------------------------------------------
// FrozenLake, CliffWalking, Taxi trajectories
//------------------------------------------------------------------------------

int replay_toytext(const char *path, const char *env_id, Counts *c) {
  Reader r;
  if (!reader_open(&r, path)) return fail(NULL, "cannot open: %s", strerror(errno));
  rlcEnv *env = create_from_header(path, env_id);
  bool taxi = !strncmp(env_id, "Taxi", 4);
  int traj = -1, left = 0;
  while (env && !why[0] && reader_next(&r)) {
    const char *t = r.tok[0];
    int32_t obs;
    if (!strcmp(t, "R")) {  // R seed obs
      if (r.ntok != 3) return fail(&r, "R record has %d fields", r.ntok);
      if (rlc_env_reset(env, (int64_t)num(&r, 1), &obs)) fail(&r, "reset: %s", rlc_last_error());
      else if (obs != atoi(r.tok[2])) fail(&r, "reset(seed=%s) obs %d, Gymnasium %s", r.tok[1], obs, r.tok[2]);
    } else if (!strcmp(t, "B")) {  // B traj seed kind nsteps s0
      if (r.ntok != 6) return fail(&r, "B record has %d fields", r.ntok);
      if (left) return fail(&r, "trajectory %d ended after too few S records", traj);
      traj = atoi(r.tok[1]);
      left = atoi(r.tok[4]);
      int kind = atoi(r.tok[3]), s0 = atoi(r.tok[5]);
      if (rlc_env_reset(env, (int64_t)num(&r, 2), &obs)) return fail(&r, "reset: %s", rlc_last_error());
      if (kind == 0 && obs != s0) return fail(&r, "traj %d: reset(seed=%s) obs %d, Gymnasium %d", traj, r.tok[2], obs, s0);
      if (kind == 1) ((rlcToyTextState *)rlc_env_unwrapped_state(env))->s = s0;  // env.unwrapped.s = s0
    } else if (!strcmp(t, "S")) {  // S traj t action obs reward term trunc [row col pass dest mask0..5]
      int want = taxi ? 18 : 8;
      if (r.ntok != want) return fail(&r, "S record has %d fields, expected %d", r.ntok, want);
      if (atoi(r.tok[1]) != traj || left <= 0) return fail(&r, "S record outside its trajectory");
      left--;
      int32_t action = atoi(r.tok[3]);
      double reward;
      bool term, trunc;
      if (rlc_env_step(env, &action, &obs, &reward, &term, &trunc)) return fail(&r, "step: %s", rlc_last_error());
      if (obs != atoi(r.tok[4])) return fail(&r, "traj %d step %s: obs %d, Gymnasium %s", traj, r.tok[2], obs, r.tok[4]);
      if (reward != num(&r, 5)) return fail(&r, "traj %d step %s: reward %.17g, Gymnasium %s", traj, r.tok[2], reward, r.tok[5]);
      if (term != (bool)atoi(r.tok[6]) || trunc != (bool)atoi(r.tok[7]))
        return fail(&r, "traj %d step %s: terminated/truncated %d/%d, Gymnasium %s/%s", traj, r.tok[2], term, trunc,
                    r.tok[6], r.tok[7]);
      if (taxi) {
        int v[4];
        int8_t mask[6];
        rlc_taxi_decode(obs, &v[0], &v[1], &v[2], &v[3]);
        rlc_taxi_action_mask(obs, mask);
        for (int i = 0; i < 4; i++)
          if (v[i] != atoi(r.tok[8 + i])) return fail(&r, "decode(%d)[%d] = %d, Gymnasium %s", obs, i, v[i], r.tok[8 + i]);
        for (int i = 0; i < 6; i++)
          if (mask[i] != atoi(r.tok[12 + i])) return fail(&r, "action_mask(%d)[%d] = %d, Gymnasium %s", obs, i, mask[i], r.tok[12 + i]);
      }
      c->steps++;
      c->open_loop_exact_steps++;  // a full replay from reset(seed): every step is open loop
    }
  }
  if (!why[0] && left) fail(&r, "file ends inside trajectory %d", traj);
  rlc_env_destroy(env);
  fclose(r.f);
  return why[0] != 0;
}

//------------------------------------------------------------------------------
// P tables
//------------------------------------------------------------------------------

int replay_mdp(const char *path, const char *env_id, Counts *c) {
  Reader r;
  if (!reader_open(&r, path)) return fail(NULL, "cannot open: %s", strerror(errno));
  rlcEnv *env = create_from_header(path, env_id);
  const rlcMdp *m = env ? rlc_spec_mdp(rlc_spec_unwrapped(env->spec)) : NULL;
  if (env && !m) fail(NULL, "%s has no transition model", env_id);
  long entries = 0;
  bool header = false;
  while (m && !why[0] && reader_next(&r)) {
    if (!strcmp(r.tok[0], "N")) {  // N nS nA
      if (r.ntok != 3) return fail(&r, "N record has %d fields", r.ntok);
      if (m->n_states != atoi(r.tok[1]) || m->n_actions != atoi(r.tok[2]))
        return fail(&r, "model is %d x %d, Gymnasium %s x %s", m->n_states, m->n_actions, r.tok[1], r.tok[2]);
      header = true;
    } else if (!strcmp(r.tok[0], "P")) {  // P s a k n prob next_state reward terminated
      if (r.ntok != 9) return fail(&r, "P record has %d fields", r.ntok);
      if (!header) return fail(&r, "P record before the N record");
      int s = atoi(r.tok[1]), a = atoi(r.tok[2]), k = atoi(r.tok[3]), n = atoi(r.tok[4]);
      if (s < 0 || s >= m->n_states || a < 0 || a >= m->n_actions) return fail(&r, "(%d, %d) outside the model", s, a);
      if (rlc_mdp_count(m, s, a) != n)
        return fail(&r, "P[%d][%d] has %d entries, Gymnasium %d", s, a, rlc_mdp_count(m, s, a), n);
      if (k < 0 || k >= n) return fail(&r, "entry %d of %d", k, n);
      const rlcTransition *e = rlc_mdp_entries(m, s, a) + k;
      double prob = num(&r, 5), reward = num(&r, 7);
      if (memcmp(&e->prob, &prob, sizeof prob))
        return fail(&r, "P[%d][%d][%d] prob %.17g, Gymnasium %s", s, a, k, e->prob, r.tok[5]);
      if (e->next_state != atoi(r.tok[6]))
        return fail(&r, "P[%d][%d][%d] next state %d, Gymnasium %s", s, a, k, e->next_state, r.tok[6]);
      if (e->reward != reward) return fail(&r, "P[%d][%d][%d] reward %.17g, Gymnasium %s", s, a, k, e->reward, r.tok[7]);
      if (e->terminated != (bool)atoi(r.tok[8]))
        return fail(&r, "P[%d][%d][%d] terminated %d, Gymnasium %s", s, a, k, e->terminated, r.tok[8]);
      entries++;
      c->steps++;
      c->open_loop_exact_steps++;
    }
  }
  // Every entry of the model was listed (records cannot repeat one: each
  // (s, a, k) is checked against a count that matched).
  if (m && !why[0] && entries != m->first[m->n_states * m->n_actions])
    fail(NULL, "the file lists %ld entries, the model has %d", entries, m->first[m->n_states * m->n_actions]);
  rlc_env_destroy(env);
  fclose(r.f);
  return why[0] != 0;
}

//------------------------------------------------------------------------------
// Blackjack: full replay from reset(seed)
//------------------------------------------------------------------------------

// Compares "np player[np] nd dealer[nd]" at token i with the state's hands;
// returns the index after them, or -1 after fail().
static int check_hands(const Reader *r, int i, const rlcBlackjackState *st, const char *what) {
  const int8_t *hands[2] = {st->player, st->dealer};
  const int counts[2] = {st->n_player, st->n_dealer};
  const char *names[2] = {"player", "dealer"};
  for (int h = 0; h < 2; h++) {
    if (i >= r->ntok) return fail(r, "record too short"), -1;
    int n = atoi(r->tok[i++]);
    if (n != counts[h] || i + n > r->ntok)
      return fail(r, "%s: %s holds %d cards, Gymnasium %d", what, names[h], counts[h], n), -1;
    for (int k = 0; k < n; k++, i++)
      if (hands[h][k] != atoi(r->tok[i]))
        return fail(r, "%s: %s card %d is %d, Gymnasium %s", what, names[h], k, hands[h][k], r->tok[i]), -1;
  }
  return i;
}

static int check_obs3(const Reader *r, int i, const int32_t *obs, const char *what) {
  for (int k = 0; k < 3; k++)
    if (obs[k] != atoi(r->tok[i + k])) return fail(r, "%s: obs[%d] = %d, Gymnasium %s", what, k, obs[k], r->tok[i + k]);
  return 0;
}

int replay_blackjack(const char *path, const char *env_id, Counts *c) {
  Reader r;
  if (!reader_open(&r, path)) return fail(NULL, "cannot open: %s", strerror(errno));
  rlcEnv *env = create_from_header(path, env_id);
  int traj = -1, left = 0;
  while (env && !why[0] && reader_next(&r)) {
    const char *t = r.tok[0];
    const rlcBlackjackState *st = rlc_env_unwrapped_state(env);
    int32_t obs[3];
    if (!strcmp(t, "R") || !strcmp(t, "B")) {
      // R seed obs[3] hands | B traj seed nsteps obs0[3] hands
      bool b = t[0] == 'B';
      int first = b ? 4 : 2;
      if (r.ntok < first + 5) return fail(&r, "%s record has %d fields", t, r.ntok);
      if (b && left) return fail(&r, "trajectory %d ended after too few S records", traj);
      if (b) traj = atoi(r.tok[1]), left = atoi(r.tok[3]);
      if (rlc_env_reset(env, (int64_t)num(&r, b ? 2 : 1), obs)) return fail(&r, "reset: %s", rlc_last_error());
      if (check_obs3(&r, first, obs, "reset")) return 1;
      int end = check_hands(&r, first + 3, st, "reset");
      if (end < 0) return 1;
      if (end != r.ntok) return fail(&r, "%s record has %d fields, expected %d", t, r.ntok, end);
    } else if (!strcmp(t, "S")) {  // S traj t action ncards cards reward term trunc obs[3] hands
      if (r.ntok < 5) return fail(&r, "S record has %d fields", r.ntok);
      if (atoi(r.tok[1]) != traj || left <= 0) return fail(&r, "S record outside its trajectory");
      left--;
      int32_t action = atoi(r.tok[3]);
      int ncards = atoi(r.tok[4]), i = 5 + ncards;
      if (ncards < 0 || r.ntok < i + 3 + 3 + 2) return fail(&r, "S record has %d fields", r.ntok);
      int before = action ? st->n_player : st->n_dealer;
      double reward;
      bool term, trunc;
      if (rlc_env_step(env, &action, obs, &reward, &term, &trunc)) return fail(&r, "step: %s", rlc_last_error());
      // The cards drawn in this step, in order: the player's hit or the dealer's draws.
      const int8_t *hand = action ? st->player : st->dealer;
      int drawn = (action ? st->n_player : st->n_dealer) - before;
      if (drawn != ncards) return fail(&r, "traj %d step %s: drew %d cards, Gymnasium %d", traj, r.tok[2], drawn, ncards);
      for (int k = 0; k < ncards; k++)
        if (hand[before + k] != atoi(r.tok[5 + k]))
          return fail(&r, "traj %d step %s: card %d is %d, Gymnasium %s", traj, r.tok[2], k, hand[before + k], r.tok[5 + k]);
      if (reward != num(&r, i)) return fail(&r, "traj %d step %s: reward %g, Gymnasium %s", traj, r.tok[2], reward, r.tok[i]);
      if (term != (bool)atoi(r.tok[i + 1]) || trunc != (bool)atoi(r.tok[i + 2]))
        return fail(&r, "traj %d step %s: terminated/truncated %d/%d, Gymnasium %s/%s", traj, r.tok[2], term, trunc,
                    r.tok[i + 1], r.tok[i + 2]);
      if (check_obs3(&r, i + 3, obs, "step")) return 1;
      int end = check_hands(&r, i + 6, st, "step");
      if (end < 0) return 1;
      if (end != r.ntok) return fail(&r, "S record has %d fields, expected %d", r.ntok, end);
      c->steps++;
      c->open_loop_exact_steps++;
    }
  }
  if (!why[0] && left) fail(&r, "file ends inside trajectory %d", traj);
  rlc_env_destroy(env);
  fclose(r.f);
  return why[0] != 0;
}
