package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	want := map[string]string{
		"Content-Security-Policy":      "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"Strict-Transport-Security":    "max-age=63072000; includeSubDomains",
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "no-referrer",
		"X-Frame-Options":              "DENY",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
		"Permissions-Policy":           "camera=(), microphone=(), geolocation=(), interest-cohort=()",
		"Cache-Control":                "no-store",
	}
	h := securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600") // an asset opting back in
		w.Header().Add("Permissions-Policy", "extra")
	}))
	for range 2 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		for k, v := range want {
			if http.CanonicalHeaderKey(k) != k {
				t.Errorf("%s is not canonical", k)
			}
			got := rec.Header().Values(k)
			switch k {
			case "Cache-Control":
				if len(got) != 1 || got[0] != "public, max-age=3600" {
					t.Errorf("%s: %q", k, got)
				}
			case "Permissions-Policy":
				if len(got) != 2 || got[0] != v || got[1] != "extra" {
					t.Errorf("%s: %q", k, got)
				}
			default:
				if len(got) != 1 || got[0] != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
		}
	}
	if len(baselineHeaders) != len(want) {
		t.Errorf("%d baseline headers, want %d", len(baselineHeaders), len(want))
	}
}
