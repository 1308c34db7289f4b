/*
 * Compiled reference for bench/estimator.bench.ts (built with cc -O2): the exact min-plus DP over per-node
 * cost curves, the same algorithm as src/estimator/minplus.ts (fold the nodes one by one with a min-plus
 * convolution truncated to N, each loop bounded by the last finite entry), in plain C, three ways:
 * `plain` (the textbook double loop), `pruned` (the same with the bound src/estimator/convolve.ts uses,
 * checked per element) and `tiled` (src/estimator/convolve.ts's 4 x 4 register tile and per-tile bound,
 * line for line), so the JavaScript is compared both with the natural C loop and with its own kernel.
 *
 * Input (binary, little-endian): int32 nodes, int32 n, then nodes x (n+1) doubles (+Inf allowed).
 * Output: one JSON line {"ms": CPU time of the solve (best of reps), "reps": r} on stdout; the totals (n+1 doubles) to argv[2].
 * Usage: minplus INPUT TOTALS_OUT [REPS] [plain|pruned|tiled]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int last_finite(const double *a, int len) {
  for (int i = len - 1; i >= 0; i--)
    if (a[i] != INFINITY) return i;
  return -1;
}

static double *bsuf;

/* out[t] = min_{j+k=t} a[j] + b[k]; with `pruned`, the inner loop stops once min(a) + min(b[k..]) >= best
 * (the bound src/estimator/minplus.ts uses) */
static void convolve(const double *a, const double *b, int n, double *out, int pruned) {
  for (int t = 0; t <= n; t++) out[t] = INFINITY;
  int fa = last_finite(a, n + 1), fb = last_finite(b, n + 1);
  if (fa < 0 || fb < 0) return;
  double amin = INFINITY;
  for (int i = 0; i <= fa; i++) if (a[i] < amin) amin = a[i];
  bsuf[fb + 1] = INFINITY;
  for (int k = fb; k >= 0; k--) bsuf[k] = b[k] < bsuf[k + 1] ? b[k] : bsuf[k + 1];
  int tmax = fa + fb < n ? fa + fb : n;
  for (int t = 0; t <= tmax; t++) {
    int lo = t - fa > 0 ? t - fa : 0, hi = t < fb ? t : fb;
    double best = INFINITY;
    for (int k = lo; k <= hi; k++) {
      if (pruned && amin + bsuf[k] >= best) break;
      double v = a[t - k] + b[k];
      if (v < best) best = v;
    }
    out[t] = best;
  }
}

/* min over k in [max(0, t-fa), end) of a[t-k] + b[k] */
static double below(const double *a, const double *b, int fa, int t, int end) {
  double best = INFINITY;
  for (int k = t - fa > 0 ? t - fa : 0; k < end; k++) {
    double v = a[t - k] + b[k];
    if (v < best) best = v;
  }
  return best;
}

/* continues `best` over k = start..min(t, fb), stopping at the bound */
static double from(const double *a, const double *b, int fa, int fb, int t, int start, double best, double amin) {
  int hi = t < fb ? t : fb;
  for (int k = start > t - fa ? start : t - fa; k <= hi && amin + bsuf[k] < best; k++) {
    double v = a[t - k] + b[k];
    if (v < best) best = v;
  }
  return best;
}

#define UPD(m, x, c) { double v = (x) + (c); if (v < m) m = v; }

/* src/estimator/convolve.ts convolveTiled: outputs t..t+3 at once, 4 x 4 tiles over their shared k */
static void convolve_tiled(const double *a, const double *b, int n, double *out) {
  for (int t = 0; t <= n; t++) out[t] = INFINITY;
  int fa = last_finite(a, n + 1), fb = last_finite(b, n + 1);
  if (fa < 0 || fb < 0) return;
  double amin = INFINITY;
  for (int i = 0; i <= fa; i++) if (a[i] < amin) amin = a[i];
  bsuf[fb + 1] = INFINITY;
  for (int k = fb; k >= 0; k--) bsuf[k] = b[k] < bsuf[k + 1] ? b[k] : bsuf[k + 1];
  int tmax = fa + fb < n ? fa + fb : n, t = 0;
  for (; t + 3 <= tmax; t += 4) {
    int lo = t + 3 - fa > 0 ? t + 3 - fa : 0, hi = t < fb ? t : fb, k = lo;
    double m0 = below(a, b, fa, t, lo), m1 = below(a, b, fa, t + 1, lo), m2 = below(a, b, fa, t + 2, lo), m3 = below(a, b, fa, t + 3, lo);
    for (; k + 3 <= hi; k += 4) {
      double mx01 = m0 > m1 ? m0 : m1, mx23 = m2 > m3 ? m2 : m3;
      if (amin + bsuf[k] >= (mx01 > mx23 ? mx01 : mx23)) break;
      int j = t - k;
      double x0 = a[j - 3], x1 = a[j - 2], x2 = a[j - 1], x3 = a[j], x4 = a[j + 1], x5 = a[j + 2], x6 = a[j + 3];
      double c = b[k];
      UPD(m0, x3, c) UPD(m1, x4, c) UPD(m2, x5, c) UPD(m3, x6, c)
      c = b[k + 1];
      UPD(m0, x2, c) UPD(m1, x3, c) UPD(m2, x4, c) UPD(m3, x5, c)
      c = b[k + 2];
      UPD(m0, x1, c) UPD(m1, x2, c) UPD(m2, x3, c) UPD(m3, x4, c)
      c = b[k + 3];
      UPD(m0, x0, c) UPD(m1, x1, c) UPD(m2, x2, c) UPD(m3, x3, c)
    }
    out[t] = from(a, b, fa, fb, t, k, m0, amin);
    out[t + 1] = from(a, b, fa, fb, t + 1, k, m1, amin);
    out[t + 2] = from(a, b, fa, fb, t + 2, k, m2, amin);
    out[t + 3] = from(a, b, fa, fb, t + 3, k, m3, amin);
  }
  for (; t <= tmax; t++) out[t] = from(a, b, fa, fb, t, 0, INFINITY, amin);
}

/* CPU time of this process (ms): the machine may be shared, so wall time would measure the neighbours */
static double cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  int32_t nodes, n;
  if (fread(&nodes, 4, 1, f) != 1 || fread(&n, 4, 1, f) != 1) return 2;
  size_t len = (size_t)nodes * (n + 1);
  double *curves = malloc(len * sizeof(double));
  if (fread(curves, sizeof(double), len, f) != len) return 2;
  fclose(f);
  int reps = argc > 3 ? atoi(argv[3]) : 1;
  int pruned = argc > 4 && strcmp(argv[4], "pruned") == 0;
  int tiled = argc > 4 && strcmp(argv[4], "tiled") == 0;
  bsuf = malloc((n + 2) * sizeof(double));
  double *dp = malloc((n + 1) * sizeof(double)), *next = malloc((n + 1) * sizeof(double));
  double best = INFINITY;
  for (int r = 0; r < reps; r++) {
    double t0 = cpu_ms();
    for (int t = 0; t <= n; t++) dp[t] = INFINITY;
    dp[0] = 0;
    for (int i = 0; i < nodes; i++) {
      if (tiled) convolve_tiled(dp, curves + (size_t)i * (n + 1), n, next);
      else convolve(dp, curves + (size_t)i * (n + 1), n, next, pruned);
      double *tmp = dp; dp = next; next = tmp;
    }
    double ms = cpu_ms() - t0;
    if (ms < best) best = ms;
  }
  FILE *o = fopen(argv[2], "wb");
  fwrite(dp, sizeof(double), n + 1, o);
  fclose(o);
  printf("{\"ms\": %.3f, \"reps\": %d}\n", best, reps);
  return 0;
}
