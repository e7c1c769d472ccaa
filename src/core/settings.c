// settings.c: the one number parser, and typed settings declared by tables
// (parse, check, store, format, fill a struct).
// Depends on: rlc/core.h.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rlc/core.h"

#define RLC_SETTINGS_MAX 256  // entries of one table (rlc_settings_fill's index)

// Decimal only: no hex, no leading blanks (strtod and strtoll would take them).
static bool plain_decimal(const char *text) {
  return text && *text && text[0] != ' ' && text[0] != '\t' && !strpbrk(text, "xX");
}

bool rlc_parse_int64(const char *text, int64_t *out) {
  if (!plain_decimal(text)) return false;
  char *end;
  errno = 0;
  long long x = strtoll(text, &end, 10);
  if (!*end && !errno) {
    *out = x;
    return true;
  }
  // Scientific notation (1e5, 2.5e6) when the value is whole; a bare
  // fraction (3.0) is not an integer.
  if (!strpbrk(text, "eE")) return false;
  errno = 0;
  double d = strtod(text, &end);
  if (*end || errno || !isfinite(d) || d != floor(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
    return false;
  *out = (int64_t)d;
  return true;
}

bool rlc_parse_double(const char *text, double *out) {
  if (!plain_decimal(text)) return false;
  char *end;
  errno = 0;
  double d = strtod(text, &end);
  if (*end || errno || isnan(d)) return false;  // errno: outside the double range
  *out = d;
  return true;
}

bool rlc_parse_bool(const char *text, bool *out) {
  static const char *const yes[] = {"1", "true", "yes", "on"}, *const no[] = {"0", "false", "no", "off"};
  for (int i = 0; text && i < 4; i++) {
    if (!strcasecmp(text, yes[i])) return *out = true, true;
    if (!strcasecmp(text, no[i])) return *out = false, true;
  }
  return false;
}

//------------------------------------------------------------------------------
// Settings
//------------------------------------------------------------------------------

const rlcSetting *rlc_setting_find(const rlcSetting *t, int n, const char *name) {
  for (int i = 0; t && name && i < n; i++) {
    if (strcmp(t[i].name, name)) continue;
    if (t[i].type != RLC_SETTING_ALIAS) return &t[i];
    for (int k = 0; k < n; k++)
      if (t[k].type != RLC_SETTING_ALIAS && !strcmp(t[k].name, t[i].def)) return &t[k];
    return NULL;
  }
  return NULL;
}

// The index of `v` in "a|b|c", or -1.
static int choice_index(const char *choices, const char *v) {
  size_t vn = strlen(v);
  const char *p = choices;
  for (int i = 0;; i++) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (vn == len && !strncmp(v, p, len)) return i;
    if (!bar) return -1;
    p = bar + 1;
  }
}

static rlcStatus range_error(const rlcSetting *s, const char *text) {
  bool integer = s->type != RLC_SETTING_DOUBLE;
  char lo[32], hi[32];
  snprintf(lo, sizeof lo, integer ? "%.0f" : "%g", s->lo);
  snprintf(hi, sizeof hi, integer ? "%.0f" : "%g", s->hi);
  if (isinf(s->hi)) return rlc_error(RLC_ERR_ARG, "%s=%s: must be >= %s", s->name, text, lo);
  if (isinf(s->lo)) return rlc_error(RLC_ERR_ARG, "%s=%s: must be <= %s", s->name, text, hi);
  return rlc_error(RLC_ERR_ARG, "%s=%s: must be in [%s, %s]", s->name, text, lo, hi);
}

// Parses and checks text; the value goes to *i, *d, *b or *c.
static rlcStatus parse(const rlcSetting *s, const char *text, bool range, int64_t *i, double *d, bool *b,
                       int *c) {
  switch (s->type) {
  case RLC_SETTING_INT:
  case RLC_SETTING_INT64:
    if (!rlc_parse_int64(text, i)) return rlc_error(RLC_ERR_ARG, "%s=%s: expected an integer", s->name, text);
    if (range && !((double)*i >= s->lo && (double)*i <= s->hi)) return range_error(s, text);
    return RLC_OK;
  case RLC_SETTING_DOUBLE:
    if (!rlc_parse_double(text, d)) return rlc_error(RLC_ERR_ARG, "%s=%s: expected a number", s->name, text);
    if (range && !(*d >= s->lo && *d <= s->hi)) return range_error(s, text);
    return RLC_OK;
  case RLC_SETTING_BOOL:
    if (!rlc_parse_bool(text, b)) return rlc_error(RLC_ERR_ARG, "%s=%s: expected true or false", s->name, text);
    return RLC_OK;
  case RLC_SETTING_CHOICE:
    *c = choice_index(s->choices, text);
    if (*c < 0) return rlc_error(RLC_ERR_ARG, "%s=%s: expected one of %s", s->name, text, s->choices);
    return RLC_OK;
  case RLC_SETTING_STR:
    if (strlen(text) >= RLC_SETTING_STR_MAX)
      return rlc_error(RLC_ERR_ARG, "%s: value is too long (at most %d characters)", s->name, RLC_SETTING_STR_MAX - 1);
    return RLC_OK;
  case RLC_SETTING_ALIAS: break;
  }
  return rlc_error(RLC_ERR_ARG, "%s: not a setting", s->name);
}

rlcStatus rlc_setting_check(const rlcSetting *s, const char *text) {
  int64_t i;
  double d;
  bool b;
  int c;
  return parse(s, text, true, &i, &d, &b, &c);
}

rlcStatus rlc_setting_store(const rlcSetting *s, const char *text, void *base) {
  int64_t i = 0;
  double d = 0;
  bool b = false;
  int c = 0;
  rlcStatus st = parse(s, text, true, &i, &d, &b, &c);
  if (st) return st;
  char *f = (char *)base + s->offset;
  switch (s->type) {
  case RLC_SETTING_INT: *(int *)f = (int)i; break;
  case RLC_SETTING_INT64: *(int64_t *)f = i; break;
  case RLC_SETTING_DOUBLE: *(double *)f = d; break;
  case RLC_SETTING_BOOL: *(bool *)f = b; break;
  case RLC_SETTING_CHOICE: *(int *)f = c; break;
  case RLC_SETTING_STR: snprintf(f, s->size, "%s", text); break;
  case RLC_SETTING_ALIAS: break;
  }
  return RLC_OK;
}

const char *rlc_setting_format(const rlcSetting *s, const void *base, char *buf, size_t len) {
  const char *f = (const char *)base + s->offset;
  buf[0] = 0;
  switch (s->type) {
  case RLC_SETTING_INT: snprintf(buf, len, "%d", *(const int *)f); break;
  case RLC_SETTING_INT64: snprintf(buf, len, "%lld", (long long)*(const int64_t *)f); break;
  case RLC_SETTING_DOUBLE: snprintf(buf, len, "%.17g", *(const double *)f); break;
  case RLC_SETTING_BOOL: snprintf(buf, len, "%s", *(const bool *)f ? "true" : "false"); break;
  case RLC_SETTING_CHOICE: {
    int k = *(const int *)f;
    const char *p = s->choices;
    for (; k > 0 && p; k--) p = strchr(p, '|'), p = p ? p + 1 : NULL;
    const char *bar = p ? strchr(p, '|') : NULL;
    snprintf(buf, len, "%.*s", p ? (int)(bar ? bar - p : (long)strlen(p)) : 0, p ? p : "");
    break;
  }
  case RLC_SETTING_STR: snprintf(buf, len, "%s", f); break;
  case RLC_SETTING_ALIAS: break;
  }
  return buf;
}

rlcStatus rlc_settings_fill(void *base, const rlcSetting *t, int n, rlcOpts *cfg) {
  // Each key resolved once (name or alias to its setting); the first key
  // for a setting gives its value.
  int16_t first[RLC_SETTINGS_MAX];
  if (n < 0 || n > RLC_SETTINGS_MAX)
    return rlc_error(RLC_ERR_ARG, "a settings table of %d entries (at most %d)", n, RLC_SETTINGS_MAX);
  for (int i = 0; i < n; i++) first[i] = -1;
  for (int k = 0; cfg && k < cfg->n; k++) {
    const rlcSetting *f = rlc_setting_find(t, n, cfg->key[k]);
    if (f && first[f - t] < 0) first[f - t] = (int16_t)k;
  }
  for (int i = 0; i < n; i++) {
    if (t[i].type == RLC_SETTING_ALIAS) continue;
    const char *v = NULL;
    if (first[i] >= 0) {
      cfg->used[first[i]] = true;
      v = cfg->val[first[i]];
    }
    rlcStatus s = rlc_setting_store(&t[i], v ? v : t[i].def, base);
    if (s) return s;
  }
  return RLC_OK;
}

int rlc_edit_distance(const char *a, const char *b) {
  int la = (int)strlen(a), lb = (int)strlen(b);
  if (la > 62 || lb > 62) return 1 << 20;
  int d[64][64];
  for (int i = 0; i <= la; i++) d[i][0] = i;
  for (int j = 0; j <= lb; j++) d[0][j] = j;
  for (int i = 1; i <= la; i++)
    for (int j = 1; j <= lb; j++) {
      int ca = a[i - 1], cb = b[j - 1];
      if (ca >= 'A' && ca <= 'Z') ca += 32;
      if (cb >= 'A' && cb <= 'Z') cb += 32;
      int v = d[i - 1][j - 1] + (ca != cb);
      if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      d[i][j] = v;
    }
  return d[la][lb];
}

const char *rlc_setting_nearest(const rlcSetting *t, int n, const char *name) {
  const char *best = NULL;
  int best_d = 4;  // closer than 4 edits
  int len = (int)strlen(name);
  for (int i = 0; t && i < n; i++) {
    // The distance is at least the difference in length: skip the table.
    if (abs(len - (int)strlen(t[i].name)) >= best_d) continue;
    int dd = rlc_edit_distance(name, t[i].name);
    if (dd < best_d) best_d = dd, best = t[i].name;
  }
  // A known name that starts the unknown one ("lr_rate": lr).
  for (int i = 0; !best && t && i < n; i++) {
    size_t k = strlen(t[i].name);
    if (k >= 2 && !strncmp(name, t[i].name, k) && name[k] == '_') best = t[i].name;
  }
  return best;
}

rlcStatus rlc_settings_defaults(rlcOpts *cfg, const rlcSetting *t, int n) {
  for (int i = 0; i < n; i++) {
    if (t[i].type == RLC_SETTING_ALIAS || rlc_opts_has(cfg, t[i].name)) continue;
    rlcStatus s = rlc_opts_set(cfg, t[i].name, t[i].def);
    if (s) return s;
  }
  return RLC_OK;
}

rlcStatus rlc_settings_apply(rlcOpts *cfg, const char *text, const rlcSetting *t, int n,
                             const rlcSetting *extra, int n_extra, const char *what) {
  rlcOpts *o = rlc_malloc(sizeof *o);
  if (!o) return RLC_ERR_NOMEM;
  rlcStatus s = rlc_opts_parse(o, text);
  if (s) s = rlc_error(s, "%s: %s", what, rlc_last_error());
  for (int i = 0; i < o->n && !s; i++) {
    const rlcSetting *p = rlc_setting_find(t, n, o->key[i]);
    if (!p) p = rlc_setting_find(extra, n_extra, o->key[i]);
    if (!p) {
      const char *near = rlc_setting_nearest(t, n, o->key[i]);
      const char *near2 = rlc_setting_nearest(extra, n_extra, o->key[i]);
      if (!near) near = near2;
      if (near)
        s = rlc_error(RLC_ERR_ARG, "%s: unknown hyperparameter '%s' (did you mean '%s'?)", what, o->key[i], near);
      else
        s = rlc_error(RLC_ERR_ARG, "%s: unknown hyperparameter '%s' (rlc list --algo NAME shows them)", what, o->key[i]);
      break;
    }
    // Type and choice now, naming the setting as the user spelled it; ranges
    // when the configuration fills the settings (rlc_settings_fill).
    rlcSetting as_written = *p;
    as_written.name = o->key[i];
    int64_t iv;
    double dv;
    bool bv;
    int cv;
    s = parse(&as_written, o->val[i], false, &iv, &dv, &bv, &cv);
    if (s) s = rlc_error(s, "%s: %s", what, rlc_last_error());
    else s = rlc_opts_set(cfg, p->name, o->val[i]);
  }
  rlc_free(o);
  return s;
}
