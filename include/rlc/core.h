// rlc/core.h: layer 0 of rlc. Status codes and error text, logging, allocator
// hooks, random number generators, spaces and option strings.
// Depends on: the C standard library only.
#ifndef RLC_CORE_H
#define RLC_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RLC_VERSION "0.1.0"

// RLC_API marks the public functions: the library is compiled with
// -fvisibility=hidden, so librlc.so exports these and nothing else.
#if defined(__GNUC__) || defined(__clang__)
#define RLC_API __attribute__((visibility("default")))
#else
#define RLC_API
#endif

//------------------------------------------------------------------------------
// Status and errors
//------------------------------------------------------------------------------

// Every fallible library call returns a status. On failure the calling thread's
// error text (rlc_last_error) says what went wrong, in one line.
typedef enum rlcStatus {
  RLC_OK = 0,
  RLC_ERR_ARG,          // invalid argument or option value
  RLC_ERR_NOT_FOUND,    // unknown id, key or file
  RLC_ERR_NOMEM,        // allocation failed
  RLC_ERR_IO,           // read/write failed
  RLC_ERR_FORMAT,       // malformed file or string
  RLC_ERR_STATE,        // call not valid in the object's current state
  RLC_ERR_UNSUPPORTED,  // feature not available for this object
} rlcStatus;

RLC_API const char *rlc_status_name(rlcStatus s);   // "invalid argument", ...
RLC_API const char *rlc_last_error(void);           // thread-local; "" when none
// Sets the thread's error text (printf-style) and returns `s`, so library code
// can write `return rlc_error(RLC_ERR_ARG, "...")`.
RLC_API rlcStatus rlc_error(rlcStatus s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
RLC_API void rlc_clear_error(void);

//------------------------------------------------------------------------------
// Logging
//------------------------------------------------------------------------------

typedef enum rlcLogLevel { RLC_LOG_DEBUG, RLC_LOG_INFO, RLC_LOG_WARN, RLC_LOG_ERROR } rlcLogLevel;
typedef void (*rlcLogFn)(rlcLogLevel level, const char *msg, void *user);

// Default: WARN and above to stderr. Pass NULL to silence.
RLC_API void rlc_set_log_callback(rlcLogFn fn, void *user);
RLC_API void rlc_set_log_level(rlcLogLevel min_level);
RLC_API void rlc_log(rlcLogLevel level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

//------------------------------------------------------------------------------
// Allocator hooks (all library allocations go through these)
//------------------------------------------------------------------------------

typedef struct rlcAllocator {
  void *(*malloc)(size_t size, void *user);
  void *(*realloc)(void *ptr, size_t size, void *user);
  void (*free)(void *ptr, void *user);
  void *user;
} rlcAllocator;

RLC_API void rlc_set_allocator(const rlcAllocator *a);  // NULL restores malloc/realloc/free
RLC_API void *rlc_malloc(size_t size);                  // sets RLC_ERR_NOMEM text on failure
RLC_API void *rlc_calloc(size_t n, size_t size);
RLC_API void *rlc_realloc(void *ptr, size_t size);
RLC_API void rlc_free(void *ptr);
RLC_API char *rlc_strdup(const char *s);

// A byte budget for what settings make the library allocate (replays,
// networks, rollouts, env copies, tables): an object that would need more is
// refused before anything is allocated, with the bytes it would need
// ("a replay of 134217728 transitions would need 9.4 GB; the memory limit is
// 4.0 GB"). The limit is half the machine's physical memory, or a settable
// one up to all of it: the RLC_MEMORY_LIMIT environment variable (bytes, or
// with a suffix K, M, G, T) or rlc_set_memory_limit (0: the default). Single
// allocations over the limit fail too.
RLC_API void rlc_set_memory_limit(size_t bytes);
RLC_API size_t rlc_memory_limit(void);
// RLC_OK when `bytes` (a double: callers multiply counts without overflow)
// fits the limit; else RLC_ERR_NOMEM "<what> would need 9.4 GB; ...".
RLC_API rlcStatus rlc_memory_check(double bytes, const char *what);

// An arena: all of an object's scratch carved once from a size table (llm.c),
// one allocation and one free. Each item names the caller's pointer variable
// (its address), an element count and the element size; init points every
// variable at its own zeroed sub-buffer, each starting on a 64-byte line
// (vector loads never straddle two lines; neighbours do not share one).
//   rlcArenaItem items[] = {RLC_ARENA_ITEM(a->q, B * A), RLC_ARENA_ITEM(a->idx, B)};
//   rlc_arena_init(&a->mem, items, 2);  ...  rlc_arena_free(&a->mem);
// An item of 0 bytes gets NULL: an optional buffer is listed with count 0
// when it is not needed, and `if (a->buf)` still tells. A count * size or a
// total that overflows size_t, a NULL variable address or n < 0 is
// RLC_ERR_ARG naming the item; no pointer is changed then.
typedef struct rlcArenaItem {
  void *ptr;            // address of the caller's pointer variable (&a->buf)
  size_t count, size;   // elements, bytes per element
} rlcArenaItem;
#define RLC_ARENA_ITEM(var, count) {(void *)&(var), (size_t)(count), sizeof *(var)}

typedef struct rlcArena {
  void *raw;            // the allocation (NULL: none)
  size_t size;          // bytes carved (after alignment)
} rlcArena;

RLC_API rlcStatus rlc_arena_init(rlcArena *a, const rlcArenaItem *items, int n);
// Frees the allocation (the variables then dangle); a zeroed or freed arena is fine.
RLC_API void rlc_arena_free(rlcArena *a);

//------------------------------------------------------------------------------
// Random numbers
//------------------------------------------------------------------------------

// rlcRng is NumPy's Generator(PCG64(SeedSequence(seed))), draw for draw, so an
// env reset with seed s starts exactly where Gymnasium's reset(seed=s) does.
// It is plain data: copy it to fork a stream, store it in a checkpoint.
typedef struct rlcRng {
  uint64_t state_hi, state_lo;  // 128-bit LCG state
  uint64_t inc_hi, inc_lo;      // 128-bit increment (odd)
  uint32_t uinteger;            // cached upper half of a 64-bit draw (numpy's buffered bounded ints)
  int has_uint32;
} rlcRng;

RLC_API void rlc_rng_seed(rlcRng *rng, uint64_t seed);            // SeedSequence(seed) -> PCG64
RLC_API uint64_t rlc_entropy_seed(void);  // a seed from the OS, for runs the user did not seed
RLC_API double rlc_time_s(void);          // monotonic wall clock in seconds (timing, never seeding)
// SeedSequence(seed).generate_state(n, uint64) (exposed for tests and for
// deriving child streams).
RLC_API void rlc_seed_sequence(uint64_t *out, int n, uint64_t seed);
// A new independent stream for a child object (env i, agent, buffer) from a
// root seed: SeedSequence of the pair (root, child).
RLC_API void rlc_rng_seed_child(rlcRng *rng, uint64_t root_seed, uint64_t child);
RLC_API uint64_t rlc_rng_next64(rlcRng *rng);
RLC_API uint32_t rlc_rng_next32(rlcRng *rng);                      // buffered halves, as numpy
RLC_API double rlc_rng_random(rlcRng *rng);                        // [0, 1), 53 bits
RLC_API double rlc_rng_uniform(rlcRng *rng, double lo, double hi); // lo + (hi - lo) * random()
// Generator.integers(lo, hi), any int64 range (numpy's Lemire paths with the
// 32-bit cache); returns lo when hi - lo <= 1 without drawing, as numpy does.
RLC_API int64_t rlc_rng_integers(rlcRng *rng, int64_t lo, int64_t hi);
RLC_API double rlc_rng_normal(rlcRng *rng);                         // standard normal (not numpy's ziggurat)
// Gymnasium's categorical_sample: the first i whose running sum of p
// (sequential, as np.cumsum) exceeds one random() draw. When rounding leaves
// the draw at or above the total, the last i with p[i] > 0, or n - 1 when none
// is (Gymnasium returns 0 there; probabilities that sum to 1 in double
// precision never get there).
// The one categorical sampler: envs, tabular agents and policies use it.
RLC_API int rlc_rng_categorical(rlcRng *rng, const double *p, int n);
// A sample of softmax(logits) (policies over n actions), through
// rlc_rng_categorical: one draw.
RLC_API int rlc_rng_softmax(rlcRng *rng, const float *logits, int n);
// Whether a generator read from a file is one rlc_rng_seed could have made
// (odd increment, a 0/1 cache flag); rlc_rng_state_get reads one from a
// checkpoint and refuses others (RLC_ERR_FORMAT): an even increment can give
// a stream stuck on one value, on which rejection samplers never return.
RLC_API bool rlc_rng_valid(const rlcRng *rng);
typedef struct rlcBuf rlcBuf;
RLC_API rlcStatus rlc_rng_state_get(rlcRng *rng, rlcBuf *b);

// numpy's legacy RandomState (MT19937), as MinAtar uses it.
typedef struct rlcMt19937 {
  uint32_t key[624];
  int pos;
} rlcMt19937;

RLC_API void rlc_mt_seed(rlcMt19937 *mt, uint32_t seed);
RLC_API uint32_t rlc_mt_next32(rlcMt19937 *mt);
RLC_API double rlc_mt_rand(rlcMt19937 *mt);                        // RandomState.rand()
RLC_API int64_t rlc_mt_randint(rlcMt19937 *mt, int64_t lo, int64_t hi);  // RandomState.randint(lo, hi)

//------------------------------------------------------------------------------
// Spaces
//------------------------------------------------------------------------------

// Element types in observation and action buffers. Discrete and multi-discrete
// samples are int32; boxes are float32 (vectors) or uint8 (images).
typedef enum rlcDType { RLC_I32, RLC_F32, RLC_U8 } rlcDType;
typedef enum rlcSpaceType { RLC_SPACE_DISCRETE, RLC_SPACE_BOX, RLC_SPACE_MULTI_DISCRETE } rlcSpaceType;

#define RLC_MAX_DIMS 4
#define RLC_SPACE_MAX_BOUNDS 16  // distinct bounds a box can hold

// A plain value: copy it with `=`.
typedef struct rlcSpace {
  rlcSpaceType type;
  rlcDType dtype;
  int n;                         // DISCRETE: values start..start+n-1
  int start;                     // DISCRETE: first value (Gymnasium's Discrete(n, start))
  int ndim;                      // BOX: rank; DISCRETE: 0; MULTI_DISCRETE: 1
  int shape[RLC_MAX_DIMS];
  int size;                      // elements in one sample (1 for DISCRETE)
  // BOX bounds: element i has low[i % nbounds], high[i % nbounds]; nbounds is
  // size for small boxes, 1 for uniform ones (images), the frame size for
  // stacked frames. Use rlc_space_low/high.
  int nbounds;
  float low[RLC_SPACE_MAX_BOUNDS], high[RLC_SPACE_MAX_BOUNDS];
  int nvec[RLC_SPACE_MAX_BOUNDS]; // MULTI_DISCRETE: values 0..nvec[i]-1
} rlcSpace;

RLC_API rlcSpace rlc_space_discrete(int n);
RLC_API rlcSpace rlc_space_discrete_start(int n, int start);
RLC_API rlcSpace rlc_space_multi_discrete(int len, const int *nvec);
// A float32 vector box with per-element bounds (size <= 16; inf allowed).
RLC_API rlcSpace rlc_space_box(int size, const float *low, const float *high);
// A box of any shape with one bound for every element (images: RLC_U8, 0, 255).
RLC_API rlcSpace rlc_space_box_uniform(rlcDType dtype, int ndim, const int *shape, float low, float high);

RLC_API size_t rlc_dtype_size(rlcDType t);
RLC_API size_t rlc_space_bytes(const rlcSpace *s);            // bytes of one sample
RLC_API float rlc_space_low(const rlcSpace *s, int i);        // bound of element i (BOX)
RLC_API float rlc_space_high(const rlcSpace *s, int i);
RLC_API bool rlc_space_contains(const rlcSpace *s, const void *x);
// Checks an action before it reaches an env: integer in range, or finite float
// (out-of-bounds floats are the env's to clip, as Gymnasium's envs do).
RLC_API rlcStatus rlc_space_check_action(const rlcSpace *s, const void *x);
RLC_API void rlc_space_sample(const rlcSpace *s, rlcRng *rng, void *x);  // uniform sample
// Number of distinct values of a (multi-)discrete space, and a sample's index
// among them (row-major over nvec), for tabular methods. 0 / -1 for boxes.
RLC_API int64_t rlc_space_count(const rlcSpace *s);
RLC_API int64_t rlc_space_index(const rlcSpace *s, const void *x);
// "Discrete(2)", "Box(-inf, inf, (4,), float32)", ... into buf.
RLC_API const char *rlc_space_str(const rlcSpace *s, char *buf, size_t len);

//------------------------------------------------------------------------------
// Options: "key=value,key=value" strings for env and algorithm settings
//------------------------------------------------------------------------------

#define RLC_OPTS_MAX 96  // an algorithm's whole configuration fits

typedef struct rlcOpts {
  int n;
  char key[RLC_OPTS_MAX][48];
  char val[RLC_OPTS_MAX][208];
  bool used[RLC_OPTS_MAX];  // set by the getters, so unknown keys can be reported
} rlcOpts;

// Parses "a=1,b=x" (NULL or "" gives no options). Values may not contain ','
// except inside [] or "" (maps: map=[SFFF;FHFH]).
RLC_API rlcStatus rlc_opts_parse(rlcOpts *o, const char *text);
RLC_API rlcStatus rlc_opts_set(rlcOpts *o, const char *key, const char *val);  // add or replace
// Getters: absent key leaves *out = default and returns RLC_OK; a malformed
// value is RLC_ERR_ARG with a message naming the key.
RLC_API rlcStatus rlc_opts_int(rlcOpts *o, const char *key, int def, int *out);
RLC_API rlcStatus rlc_opts_double(rlcOpts *o, const char *key, double def, double *out);
RLC_API rlcStatus rlc_opts_bool(rlcOpts *o, const char *key, bool def, bool *out);
RLC_API const char *rlc_opts_str(rlcOpts *o, const char *key, const char *def);
RLC_API bool rlc_opts_has(const rlcOpts *o, const char *key);  // without marking it used
// RLC_ERR_ARG naming the first key no getter asked for ("unknown option 'x' for <what>").
RLC_API rlcStatus rlc_opts_check_unused(const rlcOpts *o, const char *what);


//------------------------------------------------------------------------------
// Numbers: the one parser for every number a user writes (CLI flags,
// settings, env options)
//------------------------------------------------------------------------------

// Decimal text only: no hexadecimal, no blanks, nothing after the number.
// Integers: an optional sign and digits, or scientific notation whose value is
// whole and within int64 ("1e5", "2.5e6"); a bare fraction ("3.0") is not an
// integer.
RLC_API bool rlc_parse_int64(const char *text, int64_t *out);
// Reals: decimal or scientific notation, or inf; NaN and values outside the
// double range (1e999) are refused.
RLC_API bool rlc_parse_double(const char *text, double *out);
// Edits (insertions, deletions, substitutions; letters compared without
// case) that turn a into b, for "did you mean" hints; names of 63 characters
// or more count as far from everything (1 << 20).
RLC_API int rlc_edit_distance(const char *a, const char *b);
// true/false, 1/0, yes/no, on/off, in any case.
RLC_API bool rlc_parse_bool(const char *text, bool *out);

//------------------------------------------------------------------------------
// Typed settings: a table declares each setting once (name, type, default,
// range or choices, doc, and the field of a settings struct it fills). The
// table drives defaults, parsing and checking of "k=v" text, the errors users
// see, listings and the text written back to config files.
//------------------------------------------------------------------------------

typedef enum rlcSettingType {
  RLC_SETTING_INT,     // int field, range [lo, hi]
  RLC_SETTING_INT64,   // int64_t field, range [lo, hi]
  RLC_SETTING_DOUBLE,  // double field, range [lo, hi]
  RLC_SETTING_BOOL,    // bool field
  RLC_SETTING_CHOICE,  // int field: the index of the value in `choices` ("mse|huber")
  RLC_SETTING_STR,     // char[RLC_SETTING_STR_MAX] field
  RLC_SETTING_ALIAS,   // an older spelling of the setting named by `def`
} rlcSettingType;

#define RLC_SETTING_STR_MAX 200

typedef struct rlcSetting {
  const char *name;     // "lr"
  rlcSettingType type;
  const char *def;      // default as text ("1e-3"); ALIAS: the setting's name
  double lo, hi;        // numbers: allowed range, inclusive (+-INFINITY: unbounded)
  const char *choices;  // CHOICE: "a|b|c"
  size_t offset, size;  // the field in the settings struct
  const char *doc;      // one line
} rlcSetting;

// Table entries, for a settings struct S with field f.
#define RLC_SETTING_FIELD(S, f) offsetof(S, f), sizeof(((S *)0)->f)
#define RLC_SET_INT(S, f, name, def, lo, hi, doc) {name, RLC_SETTING_INT, def, lo, hi, NULL, RLC_SETTING_FIELD(S, f), doc}
#define RLC_SET_INT64(S, f, name, def, lo, hi, doc) {name, RLC_SETTING_INT64, def, lo, hi, NULL, RLC_SETTING_FIELD(S, f), doc}
#define RLC_SET_DOUBLE(S, f, name, def, lo, hi, doc) {name, RLC_SETTING_DOUBLE, def, lo, hi, NULL, RLC_SETTING_FIELD(S, f), doc}
#define RLC_SET_BOOL(S, f, name, def, doc) {name, RLC_SETTING_BOOL, def, 0, 1, NULL, RLC_SETTING_FIELD(S, f), doc}
#define RLC_SET_CHOICE(S, f, name, def, choices, doc) {name, RLC_SETTING_CHOICE, def, 0, 0, choices, RLC_SETTING_FIELD(S, f), doc}
#define RLC_SET_STR(S, f, name, def, doc) {name, RLC_SETTING_STR, def, 0, 0, NULL, RLC_SETTING_FIELD(S, f), doc}
#define RLC_SET_ALIAS(old, name) {old, RLC_SETTING_ALIAS, name, 0, 0, NULL, 0, 0, NULL}

// The setting called `name` in t (through an alias: the setting it names);
// NULL when there is none.
RLC_API const rlcSetting *rlc_setting_find(const rlcSetting *t, int n, const char *name);
// Whether `text` is a valid value: type, range, choice. RLC_ERR_ARG with the
// message users see ("lr=-1: must be in [1e-12, 10]").
RLC_API rlcStatus rlc_setting_check(const rlcSetting *s, const char *text);
// Parses `text` into the setting's field of the struct at `base`.
RLC_API rlcStatus rlc_setting_store(const rlcSetting *s, const char *text, void *base);
// The field's value as text ("0.001", "true", "huber") into buf.
RLC_API const char *rlc_setting_format(const rlcSetting *s, const void *base, char *buf, size_t len);
// Fills every field of the struct at base from `cfg` (absent names: the
// table's default; aliases accepted). Marks the names it read as used.
RLC_API rlcStatus rlc_settings_fill(void *base, const rlcSetting *t, int n, rlcOpts *cfg);
// The nearest name in t to `name` (for "did you mean"), or NULL.
RLC_API const char *rlc_setting_nearest(const rlcSetting *t, int n, const char *name);
// Adds every setting of t that cfg lacks, with its default text.
RLC_API rlcStatus rlc_settings_defaults(rlcOpts *cfg, const rlcSetting *t, int n);
// Applies "k=v,..." to cfg: every name must be in t or extra (an alias is
// stored under the name it stands for) and every value of its type (ranges are
// checked when the settings are filled). `what` starts the errors ("preset
// homl-dqn: ...", "--set: ...").
RLC_API rlcStatus rlc_settings_apply(rlcOpts *cfg, const char *text, const rlcSetting *t, int n,
                             const rlcSetting *extra, int n_extra, const char *what);

//------------------------------------------------------------------------------
// Byte buffers and files (checkpoints, network files)
//------------------------------------------------------------------------------

// A growable byte buffer for writing, and a cursor for reading one back.
// Values are written in host byte order (checkpoints are not meant to travel
// between machines of different endianness).
typedef struct rlcBuf {
  uint8_t *data;
  size_t len, cap;   // writing
  size_t pos;        // reading
  rlcStatus err;     // first error: later puts/gets do nothing
} rlcBuf;

RLC_API void rlc_buf_free(rlcBuf *b);
RLC_API void rlc_buf_put(rlcBuf *b, const void *p, size_t n);
// Copies n bytes out; RLC_ERR_FORMAT ("truncated") when fewer remain.
RLC_API rlcStatus rlc_buf_get(rlcBuf *b, void *p, size_t n);
// Sections make corrupt files fail early with a name: put writes the tag,
// get checks it ("checkpoint: expected section 'agent'").
RLC_API void rlc_buf_put_tag(rlcBuf *b, const char *tag);
RLC_API rlcStatus rlc_buf_get_tag(rlcBuf *b, const char *tag);
// Whether the byte behind a bool read from a file is 0 or 1 (reading another
// value as a bool is undefined behavior).
static inline bool rlc_byte_is_bool(const void *b) { return *(const unsigned char *)b <= 1; }

RLC_API uint32_t rlc_crc32(uint32_t crc, const void *p, size_t n);  // zlib's crc32
// Temp file, fsync, rename: a crash leaves the old file or the new one, never
// a mix. `what` names the file in errors ("checkpoint").
RLC_API rlcStatus rlc_file_write_atomic(const char *path, const void *data, size_t n, const char *what);
// Reads a whole file into a new buffer (rlc_free it).
RLC_API rlcStatus rlc_file_read(const char *path, uint8_t **data, size_t *n);

#ifdef __cplusplus
}
#endif
#endif
