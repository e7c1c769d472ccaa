// cmd_train.c: `rlc train`, `rlc eval`, `rlc plot` (being written).
#include "cli.h"
int cmd_train(int argc, char **argv) { return cli_error("train: not implemented yet"); }
int cmd_eval(int argc, char **argv) { return cli_error("eval: not implemented yet"); }
int cmd_plot(int argc, char **argv) { return cli_error("plot: not implemented yet"); }
