/*
 * Compiled reference for bench/estimator.bench.ts: the exact min-plus DP over per-node cost curves,
 * the same algorithm as src/estimator/minplus.ts (fold the nodes one by one with a min-plus
 * convolution truncated to N, each loop bounded by the last finite entry), in plain C.
 *
 * Input (binary, little-endian): int32 nodes, int32 n, then nodes x (n+1) doubles (+Inf allowed).
 * Output: one JSON line {"ms": CPU time of the solve (best of reps), "reps": r} on stdout; the totals (n+1 doubles) to argv[2].
 * Usage: minplus INPUT TOTALS_OUT [REPS] [pruned]
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
  bsuf = malloc((n + 2) * sizeof(double));
  double *dp = malloc((n + 1) * sizeof(double)), *next = malloc((n + 1) * sizeof(double));
  double best = INFINITY;
  for (int r = 0; r < reps; r++) {
    double t0 = cpu_ms();
    for (int t = 0; t <= n; t++) dp[t] = INFINITY;
    dp[0] = 0;
    for (int i = 0; i < nodes; i++) {
      convolve(dp, curves + (size_t)i * (n + 1), n, next, pruned);
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
