// test_settings.c: the one number parser and typed settings tables: the
// parser's rules, a table filling a struct (defaults, aliases, ranges,
// choices, errors), and every registered table checked against its struct
// (field sizes, defaults inside their ranges, unique names, aliases that
// resolve, class defaults and presets that fill), and resumes refusing an
// edited config.txt.
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "run/run_internal.h"
#include "test.h"

TEST(parse_numbers_one_set_of_rules) {
  static const struct { const char *text; bool ok; int64_t v; } ints[] = {
      {"42", true, 42}, {"-3", true, -3}, {"+7", true, 7}, {"1e5", true, 100000}, {"2.5e6", true, 2500000},
      {"1E3", true, 1000}, {"9223372036854775807", true, INT64_MAX}, {"3.0", false, 0}, {"0x10", false, 0},
      {" 4", false, 0}, {"4 ", false, 0}, {"", false, 0}, {"abc", false, 0}, {"12abc", false, 0},
      {"1.5e0", false, 0}, {"1e999", false, 0}, {"9.3e18", false, 0}, {"nan", false, 0}, {"inf", false, 0},
  };
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    int64_t v = -1;
    bool ok = rlc_parse_int64(ints[i].text, &v);
    CHECK_MSG(ok == ints[i].ok, "int '%s': %d", ints[i].text, ok);
    if (ok && ints[i].ok) CHECK_MSG(v == ints[i].v, "int '%s' = %lld", ints[i].text, (long long)v);
  }
  static const struct { const char *text; bool ok; double v; } reals[] = {
      {"1e-3", true, 1e-3}, {"-2", true, -2}, {".5", true, 0.5}, {"inf", true, INFINITY}, {"-inf", true, -INFINITY},
      {"nan", false, 0}, {"0x1p3", false, 0}, {"1e999", false, 0}, {"1.5x", false, 0}, {"", false, 0}, {" 1", false, 0},
  };
  for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) {
    double v = -1;
    bool ok = rlc_parse_double(reals[i].text, &v);
    CHECK_MSG(ok == reals[i].ok, "real '%s': %d", reals[i].text, ok);
    if (ok && reals[i].ok) CHECK_MSG(v == reals[i].v, "real '%s' = %g", reals[i].text, v);
  }
  bool b;
  CHECK(rlc_parse_bool("TRUE", &b) && b && rlc_parse_bool("off", &b) && !b && rlc_parse_bool("1", &b) && b);
  CHECK(!rlc_parse_bool("2", &b) && !rlc_parse_bool("", &b) && !rlc_parse_bool(NULL, &b));
  // The CLI and env options use the same rules.
  rlcOpts o;
  int iv;
  CHECK_OK(rlc_opts_parse(&o, "n=1e3,m=3.0"));
  CHECK_OK(rlc_opts_int(&o, "n", 0, &iv));
  CHECK(iv == 1000);
  CHECK_ERR(rlc_opts_int(&o, "m", 0, &iv), RLC_ERR_ARG);
}

typedef struct Toy {
  int n, pick;
  int64_t big;
  double rate;
  bool on;
  char name[RLC_SETTING_STR_MAX];
} Toy;

#define S Toy
static const rlcSetting toy[] = {
    RLC_SET_ALIAS("count", "n"),
    RLC_SET_INT(S, n, "n", "3", 1, 10, "a count"),
    RLC_SET_CHOICE(S, pick, "pick", "b", "a|b|c", "a choice"),
    RLC_SET_INT64(S, big, "big", "1e12", 0, INFINITY, "a large count"),
    RLC_SET_DOUBLE(S, rate, "rate", "0.5", 0, 1, "a rate"),
    RLC_SET_BOOL(S, on, "on", "false", "a switch"),
    RLC_SET_STR(S, name, "name", "x", "a name"),
};
#undef S
#define NTOY ((int)(sizeof toy / sizeof toy[0]))

TEST(settings_table_fills_a_struct) {
  Toy t;
  memset(&t, 0xab, sizeof t);
  CHECK_OK(rlc_settings_fill(&t, toy, NTOY, NULL));  // the defaults
  CHECK(t.n == 3 && t.pick == 1 && t.big == 1000000000000LL && t.rate == 0.5 && !t.on && !strcmp(t.name, "x"));
  rlcOpts cfg = {0};
  CHECK_OK(rlc_settings_apply(&cfg, "count=7,pick=c,rate=1e-2,on=yes,name=hello", toy, NTOY, NULL, 0, "--set"));
  CHECK(!strcmp(rlc_opts_str(&cfg, "n", ""), "7"));  // stored under the name an alias stands for
  CHECK_OK(rlc_settings_defaults(&cfg, toy, NTOY));
  CHECK_OK(rlc_settings_fill(&t, toy, NTOY, &cfg));
  CHECK(t.n == 7 && t.pick == 2 && t.rate == 0.01 && t.on && !strcmp(t.name, "hello"));
  char buf[64];
  CHECK(!strcmp(rlc_setting_format(&toy[2], &t, buf, sizeof buf), "c"));
  CHECK(!strcmp(rlc_setting_format(&toy[4], &t, buf, sizeof buf), "0.01"));
  CHECK(rlc_setting_find(toy, NTOY, "count") == &toy[1] && !rlc_setting_find(toy, NTOY, "nope"));
  // Errors name the setting as written, one line each; ranges come at fill.
  static const struct { const char *text, *msg; } bad[] = {
      {"pick=d", "--set: pick=d: expected one of a|b|c"},
      {"count=x", "--set: count=x: expected an integer"},
      {"rate=fast", "--set: rate=fast: expected a number"},
      {"on=maybe", "--set: on=maybe: expected true or false"},
      {"rte=0.1", "--set: unknown hyperparameter 'rte' (did you mean 'rate'?)"},
      {"rate_of_x=0.1", "did you mean 'rate'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rlcOpts c = {0};
    CHECK_ERR(rlc_settings_apply(&c, bad[i].text, toy, NTOY, NULL, 0, "--set"), RLC_ERR_ARG);
    CHECK_MSG(strstr(rlc_last_error(), bad[i].msg), "%s: '%s'", bad[i].text, rlc_last_error());
  }
  static const struct { const char *text, *msg; } range[] = {
      {"n=0", "n=0: must be in [1, 10]"}, {"rate=2", "rate=2: must be in [0, 1]"}, {"big=-1", "big=-1: must be >= 0"}};
  for (size_t i = 0; i < sizeof range / sizeof range[0]; i++) {
    rlcOpts c = {0};
    CHECK_OK(rlc_settings_apply(&c, range[i].text, toy, NTOY, NULL, 0, "--set"));
    CHECK_ERR(rlc_settings_fill(&t, toy, NTOY, &c), RLC_ERR_ARG);
    CHECK_MSG(strstr(rlc_last_error(), range[i].msg), "%s: '%s'", range[i].text, rlc_last_error());
  }
}

// One table, checked against the struct it fills.
static void check_table(const char *who, const rlcSetting *t, int n, size_t size) {
  for (int i = 0; i < n; i++) {
    const rlcSetting *s = &t[i];
    for (int k = 0; k < i; k++) CHECK_MSG(strcmp(t[k].name, s->name), "%s: '%s' twice", who, s->name);
    if (s->type == RLC_SETTING_ALIAS) {
      CHECK_MSG(rlc_setting_find(t, n, s->name) && strcmp(rlc_setting_find(t, n, s->name)->name, s->name),
                "%s: alias '%s' names no setting", who, s->name);
      continue;
    }
    size_t want = s->type == RLC_SETTING_INT || s->type == RLC_SETTING_CHOICE ? sizeof(int)
                  : s->type == RLC_SETTING_INT64                               ? sizeof(int64_t)
                  : s->type == RLC_SETTING_DOUBLE                              ? sizeof(double)
                  : s->type == RLC_SETTING_BOOL                                ? sizeof(bool)
                                                                               : (size_t)RLC_SETTING_STR_MAX;
    CHECK_MSG(s->size == want, "%s: '%s' fills a field of %zu bytes, its type needs %zu", who, s->name, s->size, want);
    CHECK_MSG(s->offset + s->size <= size, "%s: '%s' outside the struct", who, s->name);
    CHECK_MSG(s->doc && *s->doc, "%s: '%s' has no doc", who, s->name);
    CHECK_MSG(rlc_setting_check(s, s->def) == RLC_OK, "%s: default %s=%s: %s", who, s->name, s->def, rlc_last_error());
  }
}

TEST(settings_every_table_is_consistent) {
  int nd;
  const rlcSetting *d = rlc_run_settings(&nd);
  check_table("driver", d, nd, sizeof(rlcRunSettings));
  for (int c = 0; c < rlc_agent_count(); c++) {
    const rlcAgentClass *cls = rlc_agent_get(c);
    check_table(cls->name, cls->settings, cls->n_settings, cls->settings_size);
    for (int i = 0; i < cls->n_settings; i++)
      CHECK_MSG(!rlc_setting_find(d, nd, cls->settings[i].name), "%s: '%s' is also a driver setting", cls->name,
                cls->settings[i].name);
    // The class's defaults, then each preset, fill its struct in range.
    for (int p = -1; p < cls->n_presets; p++) {
      rlcOpts *cfg = calloc(1, sizeof *cfg);
      void *set = calloc(1, cls->settings_size + 1);
      CHECK_OK(rlc_agent_settings_resolve(cls, NULL, cfg));
      if (p >= 0)
        CHECK_MSG(rlc_settings_apply(cfg, cls->presets[p].settings, cls->settings, cls->n_settings, d, nd, "preset") == RLC_OK,
                  "%s preset %d: %s", cls->name, p, rlc_last_error());
      CHECK_MSG(rlc_settings_fill(set, cls->settings, cls->n_settings, cfg) == RLC_OK, "%s preset %d: %s", cls->name,
                p, rlc_last_error());
      free(set);
      free(cfg);
    }
  }
}

TEST(settings_resume_refuses_an_edited_config) {
  const char *sets[1] = {"steps=300,eval_interval=0,eval_episodes=1,gif=false,lr=1e-3"};
  rlcOpts cfg;
  CHECK_OK(rlc_run_config(&cfg, "dqn", "CartPole-v1", NULL, sets, 1));
  char dir[600], p[700];
  snprintf(dir, sizeof dir, "%s/edited", test_tmpdir());
  rlcRun *r;
  CHECK_OK(rlc_run_create(&cfg, dir, false, &r));
  if (!r) return;
  CHECK_OK(rlc_run_train(r, 0, 0, NULL, NULL));
  rlc_run_destroy(r);
  // The same value spelled another way is the same setting.
  snprintf(p, sizeof p, "%s/config.txt", dir);
  FILE *f = fopen(p, "a");
  CHECK(f != NULL);
  if (!f) return;
  fputs("lr=0.001\nsteps=600\n", f);
  fclose(f);
  CHECK_OK(rlc_run_resume(dir, &r));
  rlc_run_destroy(r);
  f = fopen(p, "a");
  if (!f) return;
  fputs("lr=0.002\n", f);
  fclose(f);
  CHECK_ERR(rlc_run_resume(dir, &r), RLC_ERR_ARG);
  CHECK_MSG(strstr(rlc_last_error(), "config.txt has lr=0.002 but the checkpoint has lr=0.001"), "%s", rlc_last_error());
}
