package web

// The CSRF token of a session is written into every form, masked afresh for
// each response: a one-time pad of random bytes, then the token XORed with
// it. The session's token is the same for its whole life, but no two
// responses carry the same bytes for it, so compressing a page (server's
// gzip) leaks nothing about it that BREACH could add up across requests.

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
)

// maskCSRF is token under a fresh pad: base64url(pad ‖ pad⊕token).
func maskCSRF(token string) string {
	if token == "" {
		return ""
	}
	t := tokenBytes(token)
	out := make([]byte, 2*len(t))
	pad, masked := out[:len(t)], out[len(t):]
	rand.Read(pad)
	for i := range t {
		masked[i] = pad[i] ^ t[i]
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// csrfMatches says whether a masked token sent with a form is the session's.
func csrfMatches(sent, token string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(sent)
	if err != nil || len(raw) == 0 || len(raw)%2 != 0 || token == "" {
		return false
	}
	n := len(raw) / 2
	pad, masked := raw[:n], raw[n:]
	got := make([]byte, n)
	for i := range got {
		got[i] = pad[i] ^ masked[i]
	}
	return subtle.ConstantTimeCompare(got, tokenBytes(token)) == 1
}

// tokenBytes are the random bytes of a token (the service writes them in
// base64url), so that the masked form is no longer than it must be.
func tokenBytes(token string) []byte {
	if b, err := base64.RawURLEncoding.DecodeString(token); err == nil {
		return b
	}
	return []byte(token)
}
