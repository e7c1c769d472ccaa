// cmd_solve.c: `rlc solve` (being written).
#include "cli.h"
int cmd_solve(int argc, char **argv) { return cli_error("solve: not implemented yet"); }
