// Go reference server for bench/estimator.bench.ts (built with `go build` at bench time when Go is
// installed): answers WAO's estimation request as `powerplane estimator` does for Fake nodes, with the
// exact min-plus DP, written the way a Go service is (net/http, encoding/json, one handler per request),
// so the CPU each spends per request can be compared with a Go DP server like the one issue 17 names.
// The request, answer, node model and DP are those of bench/reference/estimator-server.c:
//
//	POST /namespaces/{ns}/estimators/{name}/values/powerconsumption  {"cpu_milli":C,"num_workloads":N}
//	  -> {"cpu_milli":C,"num_workloads":N,"watt_increases":[...]}   (+Inf as 1.7976931348623157e308)
//	GET /healthz -> ok
//
// Each node is a Fake predictor (watts = base + cpu/1000 x wpc) with its allocatable CPU; per request a
// node's cost curve is cost[k] = k x (C/1000 x wpc) for k up to floor(allocatable / C), +Inf above, and
// the curves are folded with the textbook min-plus convolution.
//
// Usage: estimator-server PORT NODES_FILE   (NODES_FILE: one "base wpc allocatable_milli" line per node)
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"net/http"
	"os"
	"strings"
)

// maxWorkloads bounds num_workloads, as the C reference does.
const maxWorkloads = 100000

type node struct{ base, wpc, alloc float64 }

type estimateRequest struct {
	CPUMilli     *int64 `json:"cpu_milli"`
	NumWorkloads *int64 `json:"num_workloads"`
}

type estimateResponse struct {
	CPUMilli      int64     `json:"cpu_milli"`
	NumWorkloads  int64     `json:"num_workloads"`
	WattIncreases []float64 `json:"watt_increases"`
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Printf("write: %v", err)
	}
}

func badRequest(w http.ResponseWriter, field, message string) {
	writeJSON(w, http.StatusBadRequest, apiError{Code: "ErrEstimatorInvalidRequest", Message: message, Field: field})
}

// convolve sets out[t] = min_{j+k=t} a[j] + b[k], t = 0..n.
func convolve(a, b []float64, n int, out []float64) {
	for t := 0; t <= n; t++ {
		best := math.Inf(1)
		for k := 0; k <= t; k++ {
			if v := a[t-k] + b[k]; v < best {
				best = v
			}
		}
		out[t] = best
	}
}

// estimate folds every node's cost curve for cpu millicores per workload, k = 0..n.
func estimate(nodes []node, cpu int64, n int) []float64 {
	dp := make([]float64, n+1)
	next := make([]float64, n+1)
	curve := make([]float64, n+1)
	for t := 1; t <= n; t++ {
		dp[t] = math.Inf(1)
	}
	for _, nd := range nodes {
		slope := float64(cpu) / 1000 * nd.wpc
		limit := math.Inf(1)
		if cpu > 0 {
			limit = math.Floor(nd.alloc/float64(cpu) + 1e-9)
		}
		for k := 0; k <= n; k++ {
			if float64(k) <= limit {
				curve[k] = float64(k) * slope
			} else {
				curve[k] = math.Inf(1)
			}
		}
		convolve(dp, curve, n, next)
		dp, next = next, dp
	}
	return dp
}

func estimateHandler(nodes []node) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/namespaces/") || !strings.HasSuffix(r.URL.Path, "/values/powerconsumption") {
			writeJSON(w, http.StatusNotFound, apiError{Code: "ErrNotFound", Message: "not found"})
			return
		}
		var req estimateRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
			field := "body"
			if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
				field = te.Field
			}
			badRequest(w, field, fmt.Sprintf("invalid request: %v", err))
			return
		}
		switch {
		case req.CPUMilli == nil:
			badRequest(w, "cpu_milli", "cpu_milli is required")
		case *req.CPUMilli < 0:
			badRequest(w, "cpu_milli", "cpu_milli must not be negative")
		case req.NumWorkloads == nil:
			badRequest(w, "num_workloads", "num_workloads is required")
		case *req.NumWorkloads < 0:
			badRequest(w, "num_workloads", "num_workloads must not be negative")
		case *req.NumWorkloads > maxWorkloads:
			badRequest(w, "num_workloads", "num_workloads is too large")
		default:
			n := int(*req.NumWorkloads)
			totals := estimate(nodes, *req.CPUMilli, n)
			out := estimateResponse{CPUMilli: *req.CPUMilli, NumWorkloads: *req.NumWorkloads, WattIncreases: make([]float64, n)}
			for k := 1; k <= n; k++ {
				v := totals[k]
				if math.IsInf(v, 1) {
					v = math.MaxFloat64
				}
				out.WattIncreases[k-1] = v
			}
			writeJSON(w, http.StatusOK, out)
		}
	}
}

func readNodes(path string) ([]node, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var nodes []node
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var nd node
		if _, err := fmt.Sscan(line, &nd.base, &nd.wpc, &nd.alloc); err != nil {
			return nil, fmt.Errorf("%s: %q: %w", path, line, err)
		}
		nodes = append(nodes, nd)
	}
	return nodes, sc.Err()
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: estimator-server PORT NODES_FILE")
		os.Exit(2)
	}
	nodes, err := readNodes(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok"))
	})
	mux.HandleFunc("/", estimateHandler(nodes))
	log.Fatal(http.ListenAndServe("127.0.0.1:"+os.Args[1], mux))
}
