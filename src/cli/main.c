// main.c: the rlc command line: dispatches to the subcommands.
#include <string.h>

#include "cli.h"

static void usage(FILE *f) {
  fprintf(f,
          "rlc %s: reinforcement learning in C\n\n"
          "usage: rlc COMMAND [options]   (rlc COMMAND --help for its options)\n\n"
          "commands:\n"
          "  list        environments with their spaces, time limits and reward thresholds\n"
          "  play        play episodes with a random or hand-written policy; --gif/--video record one,\n"
          "              --render human shows them in a window\n"
          "  check-env   run the env checker on an environment (or --all)\n"
          "  bench-env   measure environment steps per second\n"
          "  bench-nn    measure a network's training update (forward, backward, Adam)\n"
          "  train       train an agent (no arguments: DQN on CartPole-v1) into a run directory\n"
          "  eval        evaluate a trained run's greedy policy (--best, --video, --watch)\n"
          "  plot        learning curves of one or more runs in one figure (seed directories: mean and band)\n"
          "  report      one self-contained HTML page about runs (curves, evaluations, video)\n"
          "  solve       value/policy/Q-value iteration on an env's transition model\n"
          "  version     print the version\n",
          RLC_VERSION);
}

int main(int argc, char **argv) {
  static const struct { const char *name; int (*run)(int, char **); } cmds[] = {
      {"list", cmd_list}, {"play", cmd_play}, {"check-env", cmd_check_env}, {"bench-env", cmd_bench_env},
      {"bench-nn", cmd_bench_nn}, {"train", cmd_train}, {"eval", cmd_eval}, {"plot", cmd_plot}, {"report", cmd_report},
      {"solve", cmd_solve},
  };
  if (argc < 2) {
    usage(stdout);
    return 0;
  }
  const char *c = argv[1];
  if (!strcmp(c, "--help") || !strcmp(c, "-h") || !strcmp(c, "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(c, "--version") || !strcmp(c, "version")) {
    printf("rlc %s\n", RLC_VERSION);
    return 0;
  }
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    if (!strcmp(c, cmds[i].name)) return cmds[i].run(argc - 1, argv + 1);
  return cli_error("unknown command '%s' (see rlc --help)", c);
}
