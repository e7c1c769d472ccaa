// opts.c: "key=value,key=value" option strings, shared by env options and
// (later) algorithm settings, with checks for malformed values and unknown keys.
// Depends on: rlc/core.h.
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "rlc/core.h"

static int find(const rlcOpts *o, const char *key) {
  for (int i = 0; i < o->n; i++)
    if (strcmp(o->key[i], key) == 0) return i;
  return -1;
}

static void trim(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
  size_t k = strspn(s, " \t");
  if (k) memmove(s, s + k, n - k + 1);
}

rlcStatus rlc_opts_set(rlcOpts *o, const char *key, const char *val) {
  if (!*key) return rlc_error(RLC_ERR_FORMAT, "empty option name");
  if (strlen(key) >= sizeof o->key[0]) return rlc_error(RLC_ERR_FORMAT, "option name '%.20s...' is too long", key);
  if (strlen(val) >= sizeof o->val[0]) return rlc_error(RLC_ERR_FORMAT, "value of option '%s' is too long", key);
  int i = find(o, key);
  if (i < 0) {
    if (o->n == RLC_OPTS_MAX) return rlc_error(RLC_ERR_FORMAT, "too many options (at most %d)", RLC_OPTS_MAX);
    i = o->n++;
    strcpy(o->key[i], key);
  }
  strcpy(o->val[i], val);
  o->used[i] = false;
  return RLC_OK;
}

rlcStatus rlc_opts_parse(rlcOpts *o, const char *text) {
  memset(o, 0, sizeof *o);
  if (!text) return RLC_OK;
  const char *p = text;
  while (*p) {
    // One item runs to the next ',' outside brackets and quotes.
    const char *q = p;
    int depth = 0;
    bool quoted = false;
    for (; *q && (depth > 0 || quoted || *q != ','); q++) {
      if (*q == '"') quoted = !quoted;
      else if (!quoted && *q == '[') depth++;
      else if (!quoted && *q == ']') depth--;
    }
    char item[300];
    size_t n = (size_t)(q - p);
    if (n >= sizeof item) return rlc_error(RLC_ERR_FORMAT, "option '%.20s...' is too long", p);
    memcpy(item, p, n);
    item[n] = 0;
    p = *q ? q + 1 : q;
    trim(item);
    if (!*item) continue;
    char *eq = strchr(item, '=');
    if (!eq) return rlc_error(RLC_ERR_FORMAT, "option '%s' has no value (expected key=value)", item);
    *eq = 0;
    char *key = item, *val = eq + 1;
    trim(key);
    trim(val);
    size_t vn = strlen(val);
    if (vn >= 2 && val[0] == '"' && val[vn - 1] == '"') val[vn - 1] = 0, val++;
    rlcStatus s = rlc_opts_set(o, key, val);
    if (s) return s;
  }
  return RLC_OK;
}

// Values follow the one number parser's rules (rlc_parse_int64 / _double / _bool).
rlcStatus rlc_opts_int(rlcOpts *o, const char *key, int def, int *out) {
  int i = find(o, key);
  *out = def;
  if (i < 0) return RLC_OK;
  o->used[i] = true;
  int64_t v;
  if (!rlc_parse_int64(o->val[i], &v) || v < INT_MIN || v > INT_MAX)
    return rlc_error(RLC_ERR_ARG, "option %s=%s: expected an integer", key, o->val[i]);
  *out = (int)v;
  return RLC_OK;
}

rlcStatus rlc_opts_double(rlcOpts *o, const char *key, double def, double *out) {
  int i = find(o, key);
  *out = def;
  if (i < 0) return RLC_OK;
  o->used[i] = true;
  if (!rlc_parse_double(o->val[i], out))
    return rlc_error(RLC_ERR_ARG, "option %s=%s: expected a number", key, o->val[i]);
  return RLC_OK;
}

rlcStatus rlc_opts_bool(rlcOpts *o, const char *key, bool def, bool *out) {
  int i = find(o, key);
  *out = def;
  if (i < 0) return RLC_OK;
  o->used[i] = true;
  if (!rlc_parse_bool(o->val[i], out))
    return rlc_error(RLC_ERR_ARG, "option %s=%s: expected true or false", key, o->val[i]);
  return RLC_OK;
}

const char *rlc_opts_str(rlcOpts *o, const char *key, const char *def) {
  int i = find(o, key);
  if (i < 0) return def;
  o->used[i] = true;
  return o->val[i];
}

bool rlc_opts_has(const rlcOpts *o, const char *key) { return find(o, key) >= 0; }

rlcStatus rlc_opts_check_unused(const rlcOpts *o, const char *what) {
  for (int i = 0; i < o->n; i++)
    if (!o->used[i]) return rlc_error(RLC_ERR_ARG, "unknown option '%s' for %s", o->key[i], what);
  return RLC_OK;
}
