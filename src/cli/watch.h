// watch.h: watching agents in the CLI's live window.
#ifndef RLC_CLI_WATCH_H
#define RLC_CLI_WATCH_H

#include "window.h"

// Greedy episodes seeded seed, seed+1, ... at the env's fps until `episodes`
// or the window closes; statistics over the episodes watched whole. Returns
// an exit status (after printing the error).
int cli_watch_eval(rlcAgent *agent, const char *env_id, const char *env_options, long long episodes, int64_t seed,
                   double *mean, double *std, double *mean_len, long long *watched);

// rlc train --watch: a window on the first env copy (and the agent's Q-values).
typedef struct CliTrainWatch CliTrainWatch;
CliTrainWatch *cli_train_watch_open(rlcRun *run);  // NULL after printing the error
void cli_train_watch_update(CliTrainWatch *w, rlcRun *run, const rlcRunStatus *st);
void cli_train_watch_close(CliTrainWatch *w);

#endif
