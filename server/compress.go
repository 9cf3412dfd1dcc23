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
// Already compressed types (images, PDF, archives) are sent as they are,
// and so are answers under minCompressSize: they fit a packet or two either
// way, and compressing them costs more CPU than the rest of a small read.
// The level is BestSpeed: the default level clears half a megabyte of hash
// tables for every answer, and gains a few per cent on a case page.

import (
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// minCompressSize is the size below which an answer goes uncompressed
// (a network packet, as proxies commonly choose).
const minCompressSize = 1400

// compressor holds the gzip writers for reuse (per handler, not per package).
type compressor struct {
	pool sync.Pool
}

// compress wraps next with gzip where the client accepts it.
func compress(next http.Handler) http.Handler {
	c := &compressor{pool: sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
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

// gzipWriter decides at the first write, when the content type is known,
// whether the answer may be compressed, and then holds it back until it is
// known to reach minCompressSize (or is flushed): only then are the headers
// sent, with Content-Encoding: gzip.
type gzipWriter struct {
	http.ResponseWriter
	c         *compressor
	zw        *gzip.Writer
	status    int
	decided   bool
	buffering bool   // compressible, size not yet known: nothing sent
	buf       []byte // what was written while buffering
}

func (g *gzipWriter) decide(status int) {
	if g.decided {
		return
	}
	g.decided, g.status = true, status
	h := g.Header()
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified ||
		h.Get("Content-Encoding") != "" || !compressible(h.Get("Content-Type")) {
		g.ResponseWriter.WriteHeader(status)
		return
	}
	g.buffering = true
}

// startGzip sends the headers of a compressed answer and what was held back.
func (g *gzipWriter) startGzip() error {
	g.buffering = false
	h := g.Header()
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	g.ResponseWriter.WriteHeader(g.status)
	g.zw = g.c.pool.Get().(*gzip.Writer)
	g.zw.Reset(g.ResponseWriter)
	_, err := g.zw.Write(g.buf)
	g.buf = nil
	return err
}

func (g *gzipWriter) WriteHeader(status int) {
	g.decide(status)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		if g.Header().Get("Content-Type") == "" {
			g.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.decide(http.StatusOK)
	}
	if g.buffering {
		if len(g.buf)+len(b) < minCompressSize {
			g.buf = append(g.buf, b...)
			return len(b), nil
		}
		if err := g.startGzip(); err != nil {
			return 0, err
		}
	}
	if g.zw == nil {
		return g.ResponseWriter.Write(b)
	}
	return g.zw.Write(b)
}

// Flush sends what is compressed so far (streamed answers).
func (g *gzipWriter) Flush() {
	if g.buffering {
		g.startGzip()
	}
	if g.zw != nil {
		g.zw.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// close ends the answer: a small one held back goes out as it is.
func (g *gzipWriter) close() {
	if g.buffering {
		g.buffering = false
		if g.Header().Get("Content-Length") == "" {
			g.Header().Set("Content-Length", strconv.Itoa(len(g.buf)))
		}
		g.ResponseWriter.WriteHeader(g.status)
		g.ResponseWriter.Write(g.buf)
		g.buf = nil
		return
	}
	if g.zw == nil {
		return
	}
	g.zw.Close()
	g.zw.Reset(io.Discard)
	g.c.pool.Put(g.zw)
	g.zw = nil
}
