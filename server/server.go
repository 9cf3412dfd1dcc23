// Package server puts nrm's faces together behind one http.Handler: the
// security headers, request ids, metrics by route pattern, JSON request
// logs, panic recovery, the health endpoints, the API and the web pages.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/api"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/web"
)

// Ready checks that the store and the keys are usable.
type Ready func(ctx context.Context) error

// New returns the whole HTTP handler.
func New(svc *service.Service, log *slog.Logger, ready Ready, webOpts web.Options) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{Namespace: "nrm"}))
	m := newMetrics(reg)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			log.WarnContext(r.Context(), "not ready", "error", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("not ready\n"))
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	api.New(svc, log).Register(mux)
	web.New(svc, log, webOpts).Register(mux)

	var h http.Handler = mux
	h = m.instrument(log, h)
	h = compress(h)
	h = securityHeaders(h)
	h = requestID(h)
	h = recoverPanics(log, h)
	return h
}

// securityHeaders applies DESIGN.md's baseline to every response. Nothing
// nrm serves is meant to be cached: pages and API answers may hold personal
// data, so no-store is the default (static assets opt back in).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// One allocation for all the values (the keys are canonical already);
		// each header gets its own one-element slice of it.
		h := w.Header()
		vals := make([]string, len(baselineHeaders))
		for i, kv := range baselineHeaders {
			vals[i] = kv[1]
			h[kv[0]] = vals[i : i+1 : i+1]
		}
		next.ServeHTTP(w, r)
	})
}

// baselineHeaders are DESIGN.md's headers of every response, with
// canonical keys.
var baselineHeaders = [...][2]string{
	{"Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
	{"Strict-Transport-Security", "max-age=63072000; includeSubDomains"},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "no-referrer"},
	{"X-Frame-Options", "DENY"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Cross-Origin-Resource-Policy", "same-origin"},
	{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
	{"Cache-Control", "no-store"},
}

// requestID tags each request with a random id, echoed in X-Request-Id and
// recorded in logs and the audit log. A client-sent id is not trusted.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [12]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(nrm.WithRequestID(r.Context(), id)))
	})
}

func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				// The value is not logged: it might hold request data.
				log.ErrorContext(r.Context(), "panic", "request_id", nrm.RequestID(r.Context()), "route", r.Pattern)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nrm_http_requests_total",
			Help: "HTTP requests by route pattern (never the raw path), method and status code."},
			[]string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "nrm_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}},
			[]string{"route", "method"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "nrm_http_requests_in_flight", Help: "Requests being served."}),
	}
	reg.MustRegister(m.requests, m.duration, m.inflight)
	return m
}

// instrument must wrap the mux directly: the mux sets r.Pattern on the
// request it is given, and the label is that pattern, never the path (paths
// hold ids).
func (m *metrics) instrument(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inflight.Inc()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		m.inflight.Dec()
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
		m.duration.WithLabelValues(route, r.Method).Observe(elapsed.Seconds())
		if route != "GET /healthz" && route != "GET /metrics" {
			log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("request_id", nrm.RequestID(r.Context())), slog.String("method", r.Method),
				slog.String("route", route), slog.Int("status", sw.status),
				slog.Float64("ms", float64(elapsed.Microseconds())/1000))
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
