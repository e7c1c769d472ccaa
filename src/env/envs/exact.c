// exact.c: the out-of-line half of make.h's exact helpers, compiled with the
// env flags (no pow builtin) so that pow stays libm's pow.
#include "make.h"

double envs_pow2_call(double x) { return pow(x, 2); }
