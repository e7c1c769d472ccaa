// space.c: Gymnasium's spaces (Discrete, Box, MultiDiscrete) as plain values.
// Depends on: rlc/core.h, the rng for sampling.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rlc/core.h"

rlcSpace rlc_space_discrete_start(int n, int start) {
  rlcSpace s = {.type = RLC_SPACE_DISCRETE, .dtype = RLC_I32, .n = n, .start = start, .size = 1};
  return s;
}

rlcSpace rlc_space_discrete(int n) { return rlc_space_discrete_start(n, 0); }

rlcSpace rlc_space_multi_discrete(int len, const int *nvec) {
  rlcSpace s = {.type = RLC_SPACE_MULTI_DISCRETE, .dtype = RLC_I32, .ndim = 1};
  if (len > RLC_SPACE_MAX_BOUNDS) len = RLC_SPACE_MAX_BOUNDS;
  s.shape[0] = s.size = len;
  for (int i = 0; i < len; i++) s.nvec[i] = nvec[i];
  return s;
}

rlcSpace rlc_space_box(int size, const float *low, const float *high) {
  rlcSpace s = {.type = RLC_SPACE_BOX, .dtype = RLC_F32, .ndim = 1};
  if (size > RLC_SPACE_MAX_BOUNDS) size = RLC_SPACE_MAX_BOUNDS;
  s.shape[0] = s.size = s.nbounds = size;
  for (int i = 0; i < size; i++) s.low[i] = low[i], s.high[i] = high[i];
  return s;
}

rlcSpace rlc_space_box_uniform(rlcDType dtype, int ndim, const int *shape, float low, float high) {
  rlcSpace s = {.type = RLC_SPACE_BOX, .dtype = dtype, .ndim = ndim, .size = 1};
  for (int i = 0; i < ndim && i < RLC_MAX_DIMS; i++) s.shape[i] = shape[i], s.size *= shape[i];
  s.nbounds = 1;
  s.low[0] = low;
  s.high[0] = high;
  return s;
}

size_t rlc_dtype_size(rlcDType t) { return t == RLC_U8 ? 1 : 4; }

size_t rlc_space_bytes(const rlcSpace *s) { return (size_t)s->size * rlc_dtype_size(s->dtype); }

float rlc_space_low(const rlcSpace *s, int i) { return s->low[s->nbounds > 1 ? i % s->nbounds : 0]; }

float rlc_space_high(const rlcSpace *s, int i) { return s->high[s->nbounds > 1 ? i % s->nbounds : 0]; }

bool rlc_space_contains(const rlcSpace *s, const void *x) {
  switch (s->type) {
    case RLC_SPACE_DISCRETE: {
      int v = *(const int32_t *)x;
      return v >= s->start && v < s->start + s->n;
    }
    case RLC_SPACE_MULTI_DISCRETE:
      for (int i = 0; i < s->size; i++) {
        int v = ((const int32_t *)x)[i];
        if (v < 0 || v >= s->nvec[i]) return false;
      }
      return true;
    case RLC_SPACE_BOX:
      for (int i = 0; i < s->size; i++) {
        float v = s->dtype == RLC_U8 ? ((const uint8_t *)x)[i] : ((const float *)x)[i];
        if (!(v >= rlc_space_low(s, i) && v <= rlc_space_high(s, i))) return false;
      }
      return true;
  }
  return false;
}

rlcStatus rlc_space_check_action(const rlcSpace *s, const void *x) {
  if (!x) return rlc_error(RLC_ERR_ARG, "action is NULL");
  switch (s->type) {
    case RLC_SPACE_DISCRETE: {
      int v = *(const int32_t *)x;
      if (v < s->start || v >= s->start + s->n)
        return rlc_error(RLC_ERR_ARG, "action %d is out of range: the action space is Discrete(%d)%s",
                         v, s->n, s->start ? " with an offset" : "");
      return RLC_OK;
    }
    case RLC_SPACE_MULTI_DISCRETE:
      for (int i = 0; i < s->size; i++) {
        int v = ((const int32_t *)x)[i];
        if (v < 0 || v >= s->nvec[i])
          return rlc_error(RLC_ERR_ARG, "action[%d] = %d is out of range [0, %d)", i, v, s->nvec[i]);
      }
      return RLC_OK;
    case RLC_SPACE_BOX:
      if (s->dtype == RLC_U8) return RLC_OK;
      for (int i = 0; i < s->size; i++)
        if (!isfinite(((const float *)x)[i]))
          return rlc_error(RLC_ERR_ARG, "action[%d] is %g: actions must be finite", i,
                           ((const float *)x)[i]);
      return RLC_OK;
  }
  return rlc_error(RLC_ERR_ARG, "unknown space type");
}

void rlc_space_sample(const rlcSpace *s, rlcRng *rng, void *x) {
  switch (s->type) {
    case RLC_SPACE_DISCRETE:
      *(int32_t *)x = (int32_t)(s->start + rlc_rng_integers(rng, 0, s->n));
      return;
    case RLC_SPACE_MULTI_DISCRETE:
      for (int i = 0; i < s->size; i++) ((int32_t *)x)[i] = (int32_t)rlc_rng_integers(rng, 0, s->nvec[i]);
      return;
    case RLC_SPACE_BOX:
      for (int i = 0; i < s->size; i++) {
        float lo = rlc_space_low(s, i), hi = rlc_space_high(s, i);
        if (s->dtype == RLC_U8) {
          ((uint8_t *)x)[i] = (uint8_t)rlc_rng_integers(rng, (int64_t)lo, (int64_t)hi + 1);
          continue;
        }
        // Gymnasium: bounded -> uniform, half-bounded -> shifted exponential,
        // unbounded -> normal.
        float v;
        if (isfinite(lo) && isfinite(hi)) v = (float)rlc_rng_uniform(rng, lo, hi);
        else if (isfinite(lo)) v = lo - (float)log1p(-rlc_rng_random(rng));
        else if (isfinite(hi)) v = hi + (float)log1p(-rlc_rng_random(rng));
        else v = (float)rlc_rng_normal(rng);
        ((float *)x)[i] = v;
      }
      return;
  }
}

int64_t rlc_space_count(const rlcSpace *s) {
  if (s->type == RLC_SPACE_DISCRETE) return s->n;
  if (s->type == RLC_SPACE_MULTI_DISCRETE) {
    int64_t n = 1;
    for (int i = 0; i < s->size; i++) n *= s->nvec[i];
    return n;
  }
  return 0;
}

int64_t rlc_space_index(const rlcSpace *s, const void *x) {
  if (s->type == RLC_SPACE_DISCRETE) return *(const int32_t *)x - s->start;
  if (s->type == RLC_SPACE_MULTI_DISCRETE) {
    int64_t idx = 0;
    for (int i = 0; i < s->size; i++) idx = idx * s->nvec[i] + ((const int32_t *)x)[i];
    return idx;
  }
  return -1;
}

static void fmt_bound(char *buf, size_t len, float v) {
  if (isinf(v)) snprintf(buf, len, v < 0 ? "-inf" : "inf");
  else snprintf(buf, len, "%.6g", v);
}

const char *rlc_space_str(const rlcSpace *s, char *buf, size_t len) {
  int n = 0;
  switch (s->type) {
    case RLC_SPACE_DISCRETE:
      if (s->start) snprintf(buf, len, "Discrete(%d, start=%d)", s->n, s->start);
      else snprintf(buf, len, "Discrete(%d)", s->n);
      return buf;
    case RLC_SPACE_MULTI_DISCRETE:
      n = snprintf(buf, len, "MultiDiscrete([");
      for (int i = 0; i < s->size && (size_t)n < len; i++)
        n += snprintf(buf + n, len - n, i ? " %d" : "%d", s->nvec[i]);
      if ((size_t)n < len) snprintf(buf + n, len - n, "])");
      return buf;
    case RLC_SPACE_BOX: {
      // One bound when all elements share it, else "[..]" like Gymnasium's repr.
      bool same = true;
      for (int i = 1; i < s->size; i++)
        same &= rlc_space_low(s, i) == rlc_space_low(s, 0) && rlc_space_high(s, i) == rlc_space_high(s, 0);
      char lo[32], hi[32], shape[64];
      int k = snprintf(shape, sizeof shape, "(");
      for (int i = 0; i < s->ndim; i++)
        k += snprintf(shape + k, sizeof shape - k, s->ndim == 1 ? "%d," : (i ? ", %d" : "%d"), s->shape[i]);
      snprintf(shape + k, sizeof shape - k, ")");
      const char *dt = s->dtype == RLC_U8 ? "uint8" : "float32";
      if (same) {
        fmt_bound(lo, sizeof lo, rlc_space_low(s, 0));
        fmt_bound(hi, sizeof hi, rlc_space_high(s, 0));
        snprintf(buf, len, "Box(%s, %s, %s, %s)", lo, hi, shape, dt);
      } else {
        n = snprintf(buf, len, "Box([");
        for (int i = 0; i < s->size && (size_t)n < len; i++) {
          fmt_bound(lo, sizeof lo, rlc_space_low(s, i));
          n += snprintf(buf + n, len - n, i ? " %s" : "%s", lo);
        }
        if ((size_t)n < len) n += snprintf(buf + n, len - n, "], [");
        for (int i = 0; i < s->size && (size_t)n < len; i++) {
          fmt_bound(hi, sizeof hi, rlc_space_high(s, i));
          n += snprintf(buf + n, len - n, i ? " %s" : "%s", hi);
        }
        if ((size_t)n < len) snprintf(buf + n, len - n, "], %s, %s)", shape, dt);
      }
      return buf;
    }
  }
  snprintf(buf, len, "?");
  return buf;
}
