/*
 * Compiled reference server for bench/estimator.bench.ts (built with cc -O2 at bench time): answers WAO's
 * estimation request as `powerplane estimator` does for Fake nodes, with the exact min-plus DP, so the
 * CPU each spends per request can be compared. Plain sockets and epoll, one thread, HTTP/1.1 keep-alive.
 *
 *   POST /namespaces/{ns}/estimators/{name}/values/powerconsumption  {"cpu_milli":C,"num_workloads":N}
 *     -> {"cpu_milli":C,"num_workloads":N,"watt_increases":[...]}   (+Inf as 1.7976931348623157e308)
 *   GET /healthz -> ok
 *
 * Each node is a Fake predictor (watts = base + cpu/1000 x wpc) with its allocatable CPU; per request a
 * node's cost curve is cost[k] = k x (C/1000 x wpc) for k up to floor(allocatable / C), +Inf above, and the
 * curves are folded with the min-plus convolution (the textbook loop of bench/reference/minplus.c).
 *
 * Usage: estimator-server PORT NODES_FILE   (NODES_FILE: one "base wpc allocatable_milli" line per node)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 65536
#define MAX_N 100000

typedef struct { double base, wpc, alloc; } node_t;
typedef struct { int fd, len; char buf[BUF]; } conn_t;

static node_t *nodes;
static int node_count;
static double *dp, *next, *curve;

static void send_all(int fd, const char *p, size_t len) {
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0) { if (errno == EINTR || errno == EAGAIN) continue; return; }
    p += w; len -= (size_t)w;
  }
}

static void respond(int fd, int status, const char *reason, const char *type, const char *body, size_t blen) {
  char head[256];
  int h = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: keep-alive\r\n\r\n", status, reason, type, blen);
  char out[BUF * 2];
  if ((size_t)h + blen <= sizeof out) {
    memcpy(out, head, (size_t)h);
    memcpy(out + h, body, blen);
    send_all(fd, out, (size_t)h + blen);
  } else {
    send_all(fd, head, (size_t)h);
    send_all(fd, body, blen);
  }
}

static void bad_request(int fd, const char *field, const char *message) {
  char body[512];
  int n = snprintf(body, sizeof body, "{\"code\":\"ErrEstimatorInvalidRequest\",\"message\":\"%s\",\"field\":\"%s\"}", message, field);
  respond(fd, 400, "Bad Request", "application/json; charset=utf-8", body, (size_t)n);
}

/* the integer value of "key" in a flat JSON object; -1 when absent, -2 when not a non-negative integer */
static long long json_int(const char *body, int len, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\"", key);
  const char *p = memmem(body, (size_t)len, pat, strlen(pat));
  if (!p) return -1;
  p += strlen(pat);
  const char *end = body + len;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  if (p >= end || *p++ != ':') return -2;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  if (p >= end || *p < '0' || *p > '9') return -2;
  long long v = 0;
  while (p < end && *p >= '0' && *p <= '9') { v = v * 10 + (*p - '0'); if (v > 9007199254740991LL) return -2; p++; }
  if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) return -2;
  return v;
}

/* out[t] = min_{j+k=t} a[j] + b[k], t = 0..n */
static void convolve(const double *a, const double *b, int n, double *out) {
  for (int t = 0; t <= n; t++) {
    double best = INFINITY;
    for (int k = 0; k <= t; k++) {
      double v = a[t - k] + b[k];
      if (v < best) best = v;
    }
    out[t] = best;
  }
}

/* shortest of %.15g / %.17g that reads back exactly, as JSON numbers are written */
static int put_number(char *p, double v) {
  if (v == INFINITY) return sprintf(p, "1.7976931348623157e+308");
  int len = sprintf(p, "%.15g", v);
  if (strtod(p, NULL) != v) len = sprintf(p, "%.17g", v);
  return len;
}

static void estimate(int fd, const char *body, int blen) {
  long long cpu = json_int(body, blen, "cpu_milli");
  if (cpu == -1) return bad_request(fd, "cpu_milli", "cpu_milli is required");
  if (cpu < 0) return bad_request(fd, "cpu_milli", "cpu_milli must be an integer");
  long long n = json_int(body, blen, "num_workloads");
  if (n == -1) return bad_request(fd, "num_workloads", "num_workloads is required");
  if (n < 0) return bad_request(fd, "num_workloads", "num_workloads must be an integer");
  if (n > MAX_N) return bad_request(fd, "num_workloads", "num_workloads is too large");
  dp[0] = 0;
  for (int t = 1; t <= n; t++) dp[t] = INFINITY;
  for (int i = 0; i < node_count; i++) {
    double slope = (double)cpu / 1000 * nodes[i].wpc;
    double cap = cpu > 0 ? floor(nodes[i].alloc / (double)cpu + 1e-9) : INFINITY;
    for (int k = 0; k <= n; k++) curve[k] = k <= cap ? k * slope : INFINITY;
    convolve(dp, curve, (int)n, next);
    double *tmp = dp; dp = next; next = tmp;
  }
  static char out[MAX_N * 26 + 128];
  int len = sprintf(out, "{\"cpu_milli\":%lld,\"num_workloads\":%lld,\"watt_increases\":[", cpu, n);
  for (int k = 1; k <= n; k++) {
    if (k > 1) out[len++] = ',';
    len += put_number(out + len, dp[k]);
  }
  len += sprintf(out + len, "]}");
  respond(fd, 200, "OK", "application/json; charset=utf-8", out, (size_t)len);
}

/* handles every complete request in c->buf; returns -1 to close the connection */
static int serve(conn_t *c) {
  for (;;) {
    char *hend = memmem(c->buf, (size_t)c->len, "\r\n\r\n", 4);
    if (!hend) return c->len >= BUF ? -1 : 0;
    int hlen = (int)(hend - c->buf) + 4;
    long clen = 0;
    for (char *line = memchr(c->buf, '\n', (size_t)hlen); line && line < hend; line = memchr(line + 1, '\n', (size_t)(hend - line))) {
      if (strncasecmp(line + 1, "content-length:", 15) == 0) clen = strtol(line + 16, NULL, 10);
    }
    if (clen < 0 || hlen + clen > BUF) return -1;
    if (c->len < hlen + clen) return 0;
    const char *body = c->buf + hlen;
    if (strncmp(c->buf, "GET /healthz ", 13) == 0) respond(c->fd, 200, "OK", "text/plain", "ok", 2);
    else if (strncmp(c->buf, "POST /namespaces/", 17) == 0 && memmem(c->buf, (size_t)hlen, "/values/powerconsumption", 24)) estimate(c->fd, body, (int)clen);
    else respond(c->fd, 404, "Not Found", "application/json; charset=utf-8", "{\"code\":\"ErrNotFound\",\"message\":\"not found\"}", 44);
    int used = hlen + (int)clen;
    memmove(c->buf, c->buf + used, (size_t)(c->len - used));
    c->len -= used;
  }
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: estimator-server PORT NODES_FILE\n"); return 2; }
  FILE *f = fopen(argv[2], "r");
  if (!f) { perror(argv[2]); return 2; }
  int cap = 1024;
  nodes = malloc(sizeof(node_t) * (size_t)cap);
  node_t nd;
  while (fscanf(f, "%lf %lf %lf", &nd.base, &nd.wpc, &nd.alloc) == 3) {
    if (node_count == cap) nodes = realloc(nodes, sizeof(node_t) * (size_t)(cap *= 2));
    nodes[node_count++] = nd;
  }
  fclose(f);
  dp = malloc(sizeof(double) * (MAX_N + 1));
  next = malloc(sizeof(double) * (MAX_N + 1));
  curve = malloc(sizeof(double) * (MAX_N + 1));

  int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(ls, 512) < 0) { perror("listen"); return 1; }
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
  struct epoll_event events[64];
  for (;;) {
    int k = epoll_wait(ep, events, 64, -1);
    for (int i = 0; i < k; i++) {
      if (events[i].data.ptr == NULL) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conn_t *c = calloc(1, sizeof(conn_t));
        c->fd = fd;
        struct epoll_event cev = { .events = EPOLLIN, .data.ptr = c };
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
        continue;
      }
      conn_t *c = events[i].data.ptr;
      ssize_t r = read(c->fd, c->buf + c->len, (size_t)(BUF - c->len));
      if (r <= 0 || (c->len += (int)r, serve(c) < 0)) {
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        free(c);
      }
    }
  }
}
