package server

// gzip for clients that ask for it: a case page is tens of kilobytes of
// repetitive HTML, and nrm is used on slow links.
//
// BREACH: compressing a response that holds a secret next to text an
// attacker can choose lets the attacker guess the secret from the sizes of
// the compressed responses they make a victim's browser fetch. nrm's answers
// hold two kinds of secret: the CSRF token and personal data. Three things
// keep the attack out:
//   - the CSRF token is masked afresh in every response (web/csrf.go), so
//     no two responses carry the same bytes for it and there is nothing
//     stable to guess;
//   - a request a browser sends on another site's behalf (Sec-Fetch-Site
//     cross-site or same-site) is answered uncompressed: the attack needs
//     requests the attacker triggers, and those are what it can trigger;
//   - the session cookie is a header, never in a body.
// Already compressed types (images, PDF, archives) are sent as they are.

import (
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
)

// compressor holds the gzip writers for reuse (per handler, not per package).
type compressor struct {
	pool sync.Pool
}

// compress wraps next with gzip where the client accepts it.
func compress(next http.Handler) http.Handler {
	c := &compressor{pool: sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
		return zw
	}}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if r.Method == http.MethodHead || !acceptsGzip(r) || crossSite(r) {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w, c: c}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

// acceptsGzip reads Accept-Encoding: gzip with a q-value above 0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// crossSite is a request a browser sent for another site (a link, a form
// or a fetch from a page elsewhere).
func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return true
	}
	return false
}

// compressible types: text and JSON. Everything else nrm serves (PNG, PDF)
// is compressed already or tiny.
func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || mt == "application/problem+json" ||
		mt == "image/svg+xml" || mt == "application/javascript"
}

// gzipWriter decides at the first write, when the content type is known.
type gzipWriter struct {
	http.ResponseWriter
	c       *compressor
	zw      *gzip.Writer
	decided bool
}

func (g *gzipWriter) decide(status int) {
	if g.decided {
		return
	}
	g.decided = true
	h := g.Header()
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified ||
		h.Get("Content-Encoding") != "" || !compressible(h.Get("Content-Type")) {
		return
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	g.zw = g.c.pool.Get().(*gzip.Writer)
	g.zw.Reset(g.ResponseWriter)
}

func (g *gzipWriter) WriteHeader(status int) {
	g.decide(status)
	g.ResponseWriter.WriteHeader(status)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		if g.Header().Get("Content-Type") == "" {
			g.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.WriteHeader(http.StatusOK)
	}
	if g.zw == nil {
		return g.ResponseWriter.Write(b)
	}
	return g.zw.Write(b)
}

// Flush sends what is compressed so far (streamed answers).
func (g *gzipWriter) Flush() {
	if g.zw != nil {
		g.zw.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func (g *gzipWriter) close() {
	if g.zw == nil {
		return
	}
	g.zw.Close()
	g.zw.Reset(io.Discard)
	g.c.pool.Put(g.zw)
	g.zw = nil
}
