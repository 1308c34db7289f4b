#!/usr/bin/env python3
"""A powerplane capping plug-in in Python, standard library only.

POST /  with a CappingState (JSON)  ->  CappingDecisions (JSON)
GET  /  ->  the published schema (schema.json), whose sha256 a catalog entry may pin

Protocol: docs/capping-algorithm.schema.json. powerplane validates the answer and applies floors,
cooldown and hysteresis itself; this plug-in only proposes a max-replica count per target.

Usage: python3 plugin.py [--host 127.0.0.1] [--port 8089]   (port 0: any free port, printed on stdout)
"""
import argparse
import json
import math
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "schema.json"), "rb") as f:
    PUBLISHED_SCHEMA = f.read()
MAX_BODY = 8 << 20


def replica_watts(t):
    w = t["wattsPerReplica"]
    return max(w["p90"], w.get("atCapacity", 0))


def needed(t):
    if "desiredReplicas" in t:
        n = t["desiredReplicas"]
    elif "demand" in t and "workPerReplica" in t:
        n = math.ceil(t["demand"] / t["workPerReplica"] - 1e-9)
    else:
        n = t["replicas"]
    return min(t["maxReplicas"], max(t["minReplicas"], n))


def marginal_work(t, n):
    """Work the n-th replica adds (1 per needed replica when the target has no performance data)."""
    if "workPerReplica" in t and "demand" in t:
        per, demand = t["workPerReplica"], t["demand"]
        return max(0.0, min(demand, n * per) - min(demand, (n - 1) * per))
    return 1.0 if n <= needed(t) else 0.0


def decide(state):
    targets = [t for t in state["targets"] if "wattsPerReplica" in t]
    known = sum(t["replicas"] * t["wattsPerReplica"]["p50"] for t in targets)
    unknown = max(0.0, state["currentWatts"] - state["baselineWatts"] - known) if len(targets) < len(state["targets"]) else 0.0
    left = state["policy"]["budgetWatts"] - state["baselineWatts"] - unknown
    alloc = {t["id"]: t["minReplicas"] for t in targets}
    left -= sum(alloc[t["id"]] * replica_watts(t) for t in targets)
    # Greedy: the next replica with the most work per watt that still fits.
    while True:
        best, best_ratio = None, 0.0
        for t in targets:
            n = alloc[t["id"]] + 1
            w = replica_watts(t)
            if n > t["maxReplicas"] or w > left + 1e-9:
                continue
            ratio = marginal_work(t, n) / w if w > 0 else float("inf")
            if ratio > best_ratio:
                best, best_ratio = t, ratio
        if best is None:
            break
        alloc[best["id"]] += 1
        left -= replica_watts(best)
    if state.get("parameters", {}).get("headroom", True):
        grew = True
        while grew:
            grew = False
            for t in sorted(targets, key=lambda t: alloc[t["id"]] / max(needed(t), 1)):
                w = replica_watts(t)
                if alloc[t["id"]] < t["maxReplicas"] and w <= left + 1e-9:
                    alloc[t["id"]] += 1
                    left -= w
                    grew = True
                    break
    return {
        "replicas": [
            {"target": t["id"], "maxReplicas": alloc[t["id"]], "reason": "work-per-watt: %d replicas (%.0f W per replica planned)" % (alloc[t["id"]], replica_watts(t))}
            for t in targets
        ]
    }


class Handler(BaseHTTPRequestHandler):
    server_version = "work-per-watt/1.0"

    def _send(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._send(200, PUBLISHED_SCHEMA)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_BODY:
            return self._send(413 if length > MAX_BODY else 400, b'{"message":"a JSON body is required"}')
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            return self._send(415, b'{"message":"Content-Type must be application/json"}')
        try:
            state = json.loads(self.rfile.read(length))
            answer = decide(state)
        except (ValueError, KeyError, TypeError) as err:
            return self._send(400, json.dumps({"message": "bad state: %s" % err}).encode())
        self._send(200, json.dumps(answer).encode())

    def log_message(self, fmt, *args):
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8089)
    args = ap.parse_args()
    srv = ThreadingHTTPServer((args.host, args.port), Handler)
    print("listening on http://%s:%d/" % srv.server_address[:2], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
