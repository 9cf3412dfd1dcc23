package keyring

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// The HMAC construction is standard HMAC-SHA256: RFC 4231 test cases.
func TestHMACRFC4231(t *testing.T) {
	for _, tc := range []struct {
		name  string
		key   []byte
		parts []string
		want  string
	}{
		{"case 2", []byte("Jefe"), []string{"what do ya want ", "for nothing?"},
			"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{"case 3", []byte(strings.Repeat("\xaa", 20)), []string{strings.Repeat("\xdd", 50)},
			"773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
		{"case 6", []byte(strings.Repeat("\xaa", 131)), []string{"Test Using Larger Than Block-Size Key - ", "Hash Key First"},
			"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
	} {
		sum := hmacSHA256(tc.key, tc.parts...)
		if got := hex.EncodeToString(sum[:]); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestBlindIndexKnownAnswer(t *testing.T) {
	k := openKAT(t)
	// Independent (Python) HMAC-SHA256(index key, "person.family_name\x00ana popescu")[:16].
	const want = "df4a60fb7042e9e6faa462e135c37488"
	for _, v := range []string{"Ana Popescu", "ANA  POPESCU", "Ána Popéscu", " ana-popescu ", "Ana\u00a0Popescu"} {
		if got := k.BlindIndex("person.family_name", v); got != want {
			t.Errorf("BlindIndex(%q) = %s, want %s", v, got, want)
		}
	}
	if got := k.BlindIndex("person.family_name", "Попеску"); got != "8f4a71f61b8f0aea263fd1f5f4d89828" {
		t.Errorf("BlindIndex(Попеску) = %s", got)
	}
	if got := k.AuditHash("case:42"); got != "c7571c34bbc81e80dc876528d5cc4141" {
		t.Errorf("AuditHash = %s", got)
	}
}

func TestBlindIndex(t *testing.T) {
	k, _ := openTemp(t)
	a := k.BlindIndex("person.name", "Ana Popescu")
	if len(a) != 32 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Fatalf("BlindIndex = %q, want 32 lower-case hex digits", a)
	}
	// Deterministic and equal for spellings that normalise alike.
	for _, v := range []string{"Ana Popescu", "ANA  POPESCU", "Ána Popéscu", "ana-popescu"} {
		if got := k.BlindIndex("person.name", v); got != a {
			t.Errorf("BlindIndex(%q) = %s, want %s", v, got, a)
		}
	}
	// Matches an independent computation with the standard library.
	m := hmac.New(sha256.New, k.indexKey[:])
	m.Write([]byte("person.name\x00ana popescu"))
	if want := hex.EncodeToString(m.Sum(nil)[:16]); a != want {
		t.Errorf("BlindIndex = %s, independent HMAC = %s", a, want)
	}
	// Different names, purposes and keys give different tokens.
	distinct := map[string]string{
		"value":   k.BlindIndex("person.name", "Ana Popescul"),
		"purpose": k.BlindIndex("person.alias", "Ana Popescu"),
		"audit":   k.AuditHash("ana popescu"),
	}
	other, _ := openTemp(t)
	distinct["other keyring"] = other.BlindIndex("person.name", "Ana Popescu")
	for what, v := range distinct {
		if v == a {
			t.Errorf("changing the %s did not change the token", what)
		}
	}
	// The purpose/value boundary is unambiguous.
	if k.BlindIndex("ab", "c") == k.BlindIndex("a", "bc") {
		t.Error("purpose and value run together")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("BlindIndex accepted a purpose containing NUL")
			}
		}()
		k.BlindIndex("a\x00b", "c")
	}()
}

func TestAuditHash(t *testing.T) {
	k, _ := openTemp(t)
	h := k.AuditHash("person:42")
	if len(h) != 32 || h != k.AuditHash("person:42") {
		t.Fatalf("AuditHash not a stable 32-digit hex: %q", h)
	}
	m := hmac.New(sha256.New, k.auditKey[:])
	m.Write([]byte("person:42"))
	if want := hex.EncodeToString(m.Sum(nil)[:16]); h != want {
		t.Errorf("AuditHash = %s, independent HMAC = %s", h, want)
	}
	// Not normalised: exact value.
	if k.AuditHash("Person:42") == h || k.AuditHash("person:42 ") == h {
		t.Error("AuditHash normalises its input")
	}
}
