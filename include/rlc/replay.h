// rlc/replay.h: (being written)
#ifndef RLC_REPLAY_H
#define RLC_REPLAY_H
#include "rlc/core.h"
#endif
