package server

// gzip is given where it helps and is safe: text to a client that asks,
// never to a cross-site request, never for what is compressed already.

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestCompress(t *testing.T) {
	page := strings.Repeat("<p>a case worker's day</p>\n", 200)
	srv := httptest.NewServer(compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/png":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("\x89PNG\r\n\x1a\n" + page))
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		case "/small":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"id":"`))
			w.Write([]byte(strings.Repeat("a", minCompressSize-20) + `"}`))
		case "/pieces": // written in pieces that reach the threshold only together
			w.Header().Set("Content-Type", "application/json")
			for range 4 {
				w.Write([]byte(strings.Repeat("b", minCompressSize/3)))
			}
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page))
		}
	})))
	defer srv.Close()
	get := func(t *testing.T, method, path string, header map[string]string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		// A transport that leaves the body as sent (no transparent gunzip).
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	gz := map[string]string{"Accept-Encoding": "br, gzip;q=0.8"}

	t.Run("html_is_gzipped_for_a_client_that_asks", func(t *testing.T) {
		res, body := get(t, "GET", "/", gz)
		if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("Content-Encoding %q, Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
		}
		zr, err := gzip.NewReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		if string(plain) != page || len(body) >= len(page)/4 {
			t.Errorf("%d bytes for %d; same page: %v", len(body), len(page), string(plain) == page)
		}
	})
	t.Run("a_small_answer_goes_as_it_is_with_its_length_and_status", func(t *testing.T) {
		res, body := get(t, "GET", "/small", gz)
		if res.Header.Get("Content-Encoding") != "" || res.StatusCode != http.StatusCreated ||
			res.Header.Get("Content-Length") != strconv.Itoa(len(body)) || !strings.HasSuffix(body, `"}`) {
			t.Errorf("%d, Content-Encoding %q, Content-Length %q for %d bytes", res.StatusCode,
				res.Header.Get("Content-Encoding"), res.Header.Get("Content-Length"), len(body))
		}
	})
	t.Run("pieces_that_reach_the_threshold_together_are_gzipped_whole", func(t *testing.T) {
		res, body := get(t, "GET", "/pieces", gz)
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q", res.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		if string(plain) != strings.Repeat("b", 4*(minCompressSize/3)) {
			t.Errorf("%d bytes after gunzip", len(plain))
		}
	})
	for name, c := range map[string]struct {
		method, path string
		header       map[string]string
	}{
		"client_that_does_not_ask": {"GET", "/", nil},
		"client_that_refuses_gzip": {"GET", "/", map[string]string{"Accept-Encoding": "gzip;q=0"}},
		"cross_site_request":       {"GET", "/", map[string]string{"Accept-Encoding": "gzip", "Sec-Fetch-Site": "cross-site"}},
		"image_compressed_already": {"GET", "/png", gz},
		"answer_without_body":      {"GET", "/empty", gz},
		"head_request":             {"HEAD", "/", gz},
	} {
		t.Run(name+"_is_sent_as_it_is", func(t *testing.T) {
			res, _ := get(t, c.method, c.path, c.header)
			if ce := res.Header.Get("Content-Encoding"); ce != "" {
				t.Errorf("Content-Encoding %q", ce)
			}
			if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary %q: a cache would serve the wrong form", res.Header.Get("Vary"))
			}
		})
	}
}
