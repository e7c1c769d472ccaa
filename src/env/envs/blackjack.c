// blackjack.c: Blackjack-v1, Gymnasium 1.4's toy_text/blackjack.py (Sutton &
// Barto's example 5.1): an infinite deck drawn with np_random exactly as
// Gymnasium draws it (deck[integers(0, 13)]), the natural and sab rules, the
// example policy as the heuristic, and a drawing of the table.
// Depends on: rlc/envs.h, rlc/draw.h.
#include <stdio.h>

#include "rlc/draw.h"
#include "rlc/envs.h"
#include "make.h"

// 1 = ace, 2-10, and the three faces worth 10.
static const int8_t DECK[13] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10};

typedef struct BlackjackCfg {
  bool natural, sab;
} BlackjackCfg;

// np_random.choice(deck) draws integers(0, 13) and indexes the deck.
static int8_t draw_card(rlcRng *rng) { return DECK[rlc_rng_integers(rng, 0, 13)]; }

static int hand_total(const int8_t *hand, int n) {
  int sum = 0;
  for (int i = 0; i < n; i++) sum += hand[i];
  return sum;
}

static bool usable_ace(const int8_t *hand, int n) {
  bool ace = false;
  for (int i = 0; i < n; i++) ace |= hand[i] == 1;
  return ace && hand_total(hand, n) + 10 <= 21;
}

static int sum_hand(const int8_t *hand, int n) { return hand_total(hand, n) + (usable_ace(hand, n) ? 10 : 0); }
static int score(const int8_t *hand, int n) { return sum_hand(hand, n) > 21 ? 0 : sum_hand(hand, n); }
static bool is_natural(const int8_t *hand, int n) {
  return n == 2 && ((hand[0] == 1 && hand[1] == 10) || (hand[0] == 10 && hand[1] == 1));
}

// Appending past the array (only an injected state could get there) drops the card.
static void add_card(int8_t *hand, int *n, int8_t card) {
  if (*n < RLC_BLACKJACK_MAX_CARDS) hand[(*n)++] = card;
}

static void write_obs(const rlcBlackjackState *st, int32_t *obs) {
  obs[0] = sum_hand(st->player, st->n_player);
  obs[1] = st->n_dealer > 0 ? st->dealer[0] : 0;
  obs[2] = usable_ace(st->player, st->n_player);
}

static void blackjack_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  rlcBlackjackState *st = state;
  st->n_dealer = st->n_player = 0;
  add_card(st->dealer, &st->n_dealer, draw_card(rng));
  add_card(st->dealer, &st->n_dealer, draw_card(rng));
  add_card(st->player, &st->n_player, draw_card(rng));
  add_card(st->player, &st->n_player, draw_card(rng));
  // The render's suit and face, drawn here as Gymnasium does so the stream
  // stays in step: choice(suits), then choice(["J", "Q", "K"]) for a 10.
  st->dealer_suit = (int)rlc_rng_integers(rng, 0, 4);
  st->dealer_face = st->dealer[0] == 10 ? (int)rlc_rng_integers(rng, 0, 3) : -1;
  st->done = false;
  write_obs(st, obs);
}

static void blackjack_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                           double *reward, bool *terminated, bool *truncated) {
  const BlackjackCfg *g = spec->cfg;
  rlcBlackjackState *st = state;
  if (*(const int32_t *)action) {  // hit
    add_card(st->player, &st->n_player, draw_card(rng));
    bool bust = sum_hand(st->player, st->n_player) > 21;
    *terminated = bust;
    *reward = bust ? -1.0 : 0.0;
  } else {  // stick: the dealer plays out the hand
    *terminated = true;
    while (sum_hand(st->dealer, st->n_dealer) < 17 && st->n_dealer < RLC_BLACKJACK_MAX_CARDS)
      add_card(st->dealer, &st->n_dealer, draw_card(rng));
    int p = score(st->player, st->n_player), d = score(st->dealer, st->n_dealer);
    *reward = (double)(p > d) - (double)(p < d);
    if (g->sab && is_natural(st->player, st->n_player) && !is_natural(st->dealer, st->n_dealer))
      *reward = 1.0;  // S&B: a natural wins outright
    else if (!g->sab && g->natural && is_natural(st->player, st->n_player) && *reward == 1.0)
      *reward = 1.5;  // casino rule: a winning natural pays 3:2
  }
  st->done = *terminated;
  *truncated = false;
  write_obs(st, obs);
}

//------------------------------------------------------------------------------
// Render: the table, Gymnasium's 600x500 green
//------------------------------------------------------------------------------

#define W 600
#define H 500
#define COLOR_TABLE 0x076324u  // Gymnasium's bg_color (7, 99, 36)
#define COLOR_WHITE 0xFFFFFFu
#define COLOR_CARD_BACK 0x2347A0u
#define COLOR_RED 0xC81E1Eu
#define COLOR_BLACK 0x111111u
#define CARD_W 80.0
#define CARD_H 112.0

// The suit glyphs (UTF-8; DejaVu Sans has them): clubs, diamonds, hearts, spades.
static const char *SUIT_GLYPHS[4] = {"\xe2\x99\xa3", "\xe2\x99\xa6", "\xe2\x99\xa5", "\xe2\x99\xa0"};

// A card face: its value in two corners and large in the middle; the suit, if
// known (only the dealer's showing card has one), drawn under it.
static void draw_card_face(rlcCanvas *c, double x, double y, const char *label, int suit) {
  rlc_canvas_fill_rect(c, x, y, CARD_W, CARD_H, COLOR_WHITE);
  rlc_canvas_stroke_rect(c, x + 1, y + 1, CARD_W - 2, CARD_H - 2, 2, 0x888888u);
  rlcColor ink = suit == 1 || suit == 2 ? COLOR_RED : COLOR_BLACK;
  rlc_canvas_text(c, x + 7, y + 14, 15, RLC_ALIGN_LEFT, ink, label);
  rlc_canvas_text(c, x + CARD_W - 7, y + CARD_H - 14, 15, RLC_ALIGN_RIGHT, ink, label);
  rlc_canvas_text(c, x + CARD_W / 2, y + CARD_H / 2 - (suit >= 0 ? 8 : 0), 32, RLC_ALIGN_CENTER, ink, label);
  if (suit >= 0) rlc_canvas_text(c, x + CARD_W / 2, y + CARD_H / 2 + 24, 22, RLC_ALIGN_CENTER, ink, SUIT_GLYPHS[suit]);
}

static void draw_card_back(rlcCanvas *c, double x, double y) {
  rlc_canvas_fill_rect(c, x, y, CARD_W, CARD_H, COLOR_WHITE);
  rlc_canvas_fill_rect(c, x + 6, y + 6, CARD_W - 12, CARD_H - 12, COLOR_CARD_BACK);
  for (int i = 1; i < 6; i++)
    rlc_canvas_line(c, x + 6, y + 6 + i * (CARD_H - 12) / 6, x + CARD_W - 6, y + 6 + i * (CARD_H - 12) / 6, 1, 0x5A7BD0u);
}

static void card_label(int8_t v, char *buf, size_t n) {
  if (v == 1) snprintf(buf, n, "A");
  else snprintf(buf, n, "%d", v);
}

// A row of cards centred at y, overlapping when there are many.
static void draw_hand(rlcCanvas *c, const int8_t *hand, int n, double y, int top_suit, int top_face,
                      bool hide_second) {
  static const char *FACES[3] = {"J", "Q", "K"};
  double step = n > 1 ? (W - 80 - CARD_W) / (n - 1) : 0;
  if (step > CARD_W + 12) step = CARD_W + 12;
  double x0 = W / 2.0 - ((n - 1) * step + CARD_W) / 2;
  for (int i = 0; i < n; i++) {
    double x = x0 + i * step;
    if (i == 1 && hide_second) {
      draw_card_back(c, x, y);
      continue;
    }
    char label[8];
    card_label(hand[i], label, sizeof label);
    if (i == 0 && top_face >= 0 && top_face < 3) snprintf(label, sizeof label, "%s", FACES[top_face]);
    draw_card_face(c, x, y, label, i == 0 ? top_suit : -1);
  }
}

static void blackjack_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args, uint8_t *rgb) {
  const rlcBlackjackState *st = state;
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, W, H, &c)) return;
  rlc_canvas_clear(c, COLOR_TABLE);
  char text[64];
  int n_dealer = st->n_dealer < 0 ? 0 : st->n_dealer > RLC_BLACKJACK_MAX_CARDS ? RLC_BLACKJACK_MAX_CARDS : st->n_dealer;
  int n_player = st->n_player < 0 ? 0 : st->n_player > RLC_BLACKJACK_MAX_CARDS ? RLC_BLACKJACK_MAX_CARDS : st->n_player;
  // Dealer: the showing card while the hand is played; the whole hand after.
  if (st->done) snprintf(text, sizeof text, "Dealer: %d", sum_hand(st->dealer, n_dealer));
  else snprintf(text, sizeof text, "Dealer: %d", n_dealer > 0 ? st->dealer[0] : 0);
  rlc_canvas_text(c, 25, 30, 24, RLC_ALIGN_LEFT, COLOR_WHITE, text);
  int suit = st->dealer_suit >= 0 && st->dealer_suit < 4 ? st->dealer_suit : -1;
  draw_hand(c, st->dealer, n_dealer, 55, suit, st->dealer_face, !st->done);

  int sum = sum_hand(st->player, n_player);
  snprintf(text, sizeof text, "Player: %d%s", sum, usable_ace(st->player, n_player) ? " (usable ace)" : "");
  rlc_canvas_text(c, 25, 205, 24, RLC_ALIGN_LEFT, COLOR_WHITE, text);
  draw_hand(c, st->player, n_player, 230, -1, -1, false);
  snprintf(text, sizeof text, "%d", sum);
  rlc_canvas_text(c, W / 2.0, 410, 64, RLC_ALIGN_CENTER, COLOR_WHITE, text);
  if (st->done) {
    int p = score(st->player, n_player), d = score(st->dealer, n_dealer);
    const char *verdict = sum > 21 ? "bust" : p > d ? "player wins" : p < d ? "dealer wins" : "draw";
    rlc_canvas_text(c, W / 2.0, 468, 24, RLC_ALIGN_CENTER, COLOR_WHITE, verdict);
  }
  rlc_canvas_end(c);
}

//------------------------------------------------------------------------------
// Heuristic and make
//------------------------------------------------------------------------------

// Sutton & Barto's example policy: stick on 20 or 21, hit otherwise.
static void blackjack_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  *(int32_t *)action = ((const int32_t *)obs)[0] >= 20 ? 0 : 1;
}

static void blackjack_free_cfg(void *cfg) { rlc_free(cfg); }

static bool hand_valid(const int8_t *hand, int n) {
  if (n < 0 || n > RLC_BLACKJACK_MAX_CARDS) return false;
  for (int i = 0; i < n; i++)
    if (hand[i] < 1 || hand[i] > 10) return false;
  return true;
}

static bool blackjack_state_valid(const rlcEnvSpec *spec, const void *state) {
  const rlcBlackjackState *st = state;
  return hand_valid(st->player, st->n_player) && hand_valid(st->dealer, st->n_dealer) && st->dealer_suit >= 0 &&
         st->dealer_suit < 4 && st->dealer_face >= -1 && st->dealer_face < 3 && rlc_byte_is_bool(&st->done);
}

static const rlcEnvClass blackjack_class = {
    .state_valid = blackjack_state_valid,
    .name = "Blackjack",
    .state_size = sizeof(rlcBlackjackState),
    .reset = blackjack_reset,
    .step = blackjack_step,
    .render = blackjack_render,
    .heuristic = blackjack_heuristic,
    .free_cfg = blackjack_free_cfg,
};

rlcStatus envs_make_blackjack(rlcEnvSpec *spec, rlcOpts *opts) {
  bool natural, sab;
  rlcStatus s = rlc_opts_bool(opts, "natural", false, &natural);
  if (!s) s = rlc_opts_bool(opts, "sab", false, &sab);  // the registration passes sab=true
  if (s) return s;
  BlackjackCfg *g = rlc_calloc(1, sizeof *g);
  if (!g) return RLC_ERR_NOMEM;
  g->natural = natural;
  g->sab = sab;
  spec->cls = &blackjack_class;
  spec->cfg = g;
  static const int NVEC[3] = {32, 11, 2};
  spec->observation_space = rlc_space_multi_discrete(3, NVEC);
  spec->action_space = rlc_space_discrete(2);
  spec->render_width = W;
  spec->render_height = H;
  spec->render_fps = 4;
  return RLC_OK;
}
