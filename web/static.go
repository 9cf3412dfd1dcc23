package web

// Static files are fingerprinted: pages link /static/style.css?v=HASH, and
// an answer to the URL of the current content may be kept for a year (it
// can never change under that URL). Any other request for the file (an old
// page, a bookmark) is revalidated by its ETag.

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

// staticFiles are the embedded static files with their fingerprints.
type staticFiles struct {
	fsys http.Handler
	hash map[string]string // file name → the first 16 hex digits of its SHA-256
}

func newStaticFiles() *staticFiles {
	sub, _ := fs.Sub(staticFS, "static")
	sf := &staticFiles{fsys: http.FileServerFS(sub), hash: map[string]string{}}
	fs.WalkDir(sub, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		sf.hash[path] = hex.EncodeToString(sum[:8])
		return nil
	})
	return sf
}

// url is the fingerprinted URL of a static file, for templates ({{asset "style.css"}}).
func (sf *staticFiles) url(name string) string {
	if h, ok := sf.hash[name]; ok {
		return "/static/" + name + "?v=" + h
	}
	return "/static/" + name
}

// ServeHTTP serves GET /static/NAME (the prefix stripped already).
func (sf *staticFiles) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	h, ok := sf.hash[name]
	if !ok {
		http.NotFound(rw, r)
		return
	}
	rw.Header().Set("ETag", `"`+h+`"`)
	if r.URL.Query().Get("v") == h {
		rw.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		rw.Header().Set("Cache-Control", "public, max-age=300, must-revalidate")
	}
	sf.fsys.ServeHTTP(rw, r)
}
