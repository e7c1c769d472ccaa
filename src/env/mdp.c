// mdp.c: transition tables P[s][a] for envs with known dynamics (planning).
// Depends on: rlc/env.h.
#include <stdio.h>
#include <string.h>

#include "rlc/env.h"

rlcStatus rlc_mdp_create(int n_states, int n_actions, rlcMdp **out) {
  *out = NULL;
  if (n_states <= 0 || n_actions <= 0)
    return rlc_error(RLC_ERR_ARG, "an MDP needs at least one state and one action");
  rlcMdp *m = rlc_calloc(1, sizeof *m);
  if (!m) return RLC_ERR_NOMEM;
  m->n_states = n_states;
  m->n_actions = n_actions;
  size_t cells = (size_t)n_states * n_actions;
  m->first = rlc_calloc(cells + 1, sizeof *m->first);
  m->valid = rlc_malloc(cells * sizeof *m->valid);
  m->initial = rlc_calloc(n_states, sizeof *m->initial);
  m->cap_tr = (int)cells;
  m->tr = rlc_malloc((size_t)m->cap_tr * sizeof *m->tr);
  if (!m->first || !m->valid || !m->initial || !m->tr) {
    rlc_mdp_destroy(m);
    return RLC_ERR_NOMEM;
  }
  for (size_t i = 0; i < cells; i++) m->valid[i] = true;
  m->initial[0] = 1.0;
  m->cur_cell = -1;
  *out = m;
  return RLC_OK;
}

rlcStatus rlc_mdp_add(rlcMdp *m, int s, int a, double prob, int next_state, double reward,
                      bool terminated) {
  if (s < 0 || s >= m->n_states || a < 0 || a >= m->n_actions || next_state < 0 ||
      next_state >= m->n_states)
    return rlc_error(RLC_ERR_ARG, "transition (%d, %d) -> %d is outside the MDP", s, a, next_state);
  int cell = s * m->n_actions + a;
  if (cell < m->cur_cell || m->cur_cell == m->n_states * m->n_actions) return rlc_error(RLC_ERR_ARG, "transitions must be added in (state, action) order");
  // Cells skipped since the last entry are empty; this one starts here.
  for (int c = m->cur_cell + 1; c <= cell; c++) m->first[c] = m->n_tr;
  m->cur_cell = cell;
  if (m->n_tr == m->cap_tr) {
    int cap = m->cap_tr * 2;
    rlcTransition *tr = rlc_realloc(m->tr, (size_t)cap * sizeof *tr);
    if (!tr) return RLC_ERR_NOMEM;
    m->tr = tr;
    m->cap_tr = cap;
  }
  m->tr[m->n_tr++] = (rlcTransition){prob, next_state, reward, terminated};
  m->first[cell + 1] = m->n_tr;
  return RLC_OK;
}

void rlc_mdp_finish(rlcMdp *m) {
  int cells = m->n_states * m->n_actions;
  for (int c = m->cur_cell + 1; c <= cells; c++) m->first[c] = m->n_tr;
  m->cur_cell = cells;
  m->all_valid = true;
  for (int c = 0; c < cells; c++) m->all_valid &= m->valid[c];
}

void rlc_mdp_destroy(rlcMdp *m) {
  if (!m) return;
  rlc_free(m->first);
  rlc_free(m->tr);
  rlc_free(m->valid);
  rlc_free(m->initial);
  rlc_free(m);
}

rlcStatus rlc_mdp_check_action(const rlcMdp *m, const void *obs, int action) {
  int s = *(const int32_t *)obs;
  if (action < 0 || action >= m->n_actions)
    return rlc_error(RLC_ERR_ARG, "action %d is out of range [0, %d)", action, m->n_actions);
  if (m->all_valid || s < 0 || s >= m->n_states || m->valid[s * m->n_actions + action]) return RLC_OK;
  char list[128];
  int n = 0;
  list[0] = 0;
  for (int a = 0; a < m->n_actions && n < (int)sizeof list - 8; a++)
    if (m->valid[s * m->n_actions + a]) n += snprintf(list + n, sizeof list - n, n ? ", %d" : "%d", a);
  return rlc_error(RLC_ERR_ARG, "action %d is not possible in state %d (possible: %s)", action, s, list);
}
