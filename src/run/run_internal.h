// run_internal.h: what the run layer's files share (not public).
#ifndef RLC_RUN_INTERNAL_H
#define RLC_RUN_INTERNAL_H

#include <stdio.h>

#include "rlc/out.h"
#include "rlc/run.h"

// config.txt
rlcStatus run_config_write(const rlcOpts *cfg, const char *path);
rlcStatus run_config_read(rlcOpts *cfg, const char *path);
// RLC_ERR_ARG naming the first setting (budget aside) on which a and b differ.
rlcStatus run_config_compare(rlcOpts *a, rlcOpts *b, const char *a_name, const char *b_name);

// TensorBoard events (TFRecord framing).
uint32_t run_tb_masked_crc(const uint8_t *p, size_t n);
rlcStatus run_tb_open(FILE *fp);
rlcStatus run_tb_scalar(FILE *fp, const char *tag, int64_t step, double value);

// A CSV file read back as columns of doubles (empty cells are NAN).
#define RUN_TABLE_MAX_COLS 32
typedef struct RunTable {
  int ncols, nrows;
  char *name[RUN_TABLE_MAX_COLS];
  double *col[RUN_TABLE_MAX_COLS];
} RunTable;
rlcStatus run_table_read(RunTable *t, const char *path);
const double *run_table_col(const RunTable *t, const char *name);
void run_table_free(RunTable *t);

// Directories of `rlc train --seeds` (DIR/seed-S runs, no run of its own),
// plotted as a mean with a ±1 std band per directory.
bool run_is_seeds_dir(const char *dir);
#define RUN_MAX_SEEDS 100
int run_seed_dirs(const char *dir, int *seeds);  // the seeds S of DIR/seed-S runs, sorted
rlcStatus run_plot_seeds(const char *const *dirs, int n_dirs, const char *png_path);

// Evaluation episodes into a GIF, an MP4 or both, the same frames (record.c;
// gif or mp4 may be NULL). A frame is rendered into run_record_buffer's
// buffer, then submitted; frames are encoded on a second thread where the
// machine has more than one core.
typedef struct RunRecording RunRecording;
rlcStatus run_record_open(const char *gif, const char *mp4, const rlcEnvSpec *es, RunRecording **out);
uint8_t *run_record_buffer(RunRecording *r);  // waits while every buffer is in flight
rlcStatus run_record_submit(RunRecording *r);  // the encoder's first error, once known
int run_record_frames(const RunRecording *r);
rlcStatus run_record_close(RunRecording *r, rlcStatus s);  // s first; NULL r: returns s
// On: frames are encoded one by one on the caller's thread, each compared
// whole with the last (the files tests compare the fast way's with).
void run_record_set_simple(bool on);

#endif
