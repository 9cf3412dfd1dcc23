package exchange

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type party struct {
	keys *Keys
	id   Identity
}

func newParty(t *testing.T, name, country string) party {
	t.Helper()
	k, err := LoadOrCreateKeys(filepath.Join(t.TempDir(), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	return party{k, k.Identity(name, country, "https://"+strings.ToLower(country)+".nrm.example")}
}

var now = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

var limits = Limits{MaxAge: time.Hour, MaxSkew: 5 * time.Minute}

const secret = "Ana Popescu, born 1999-04-02, sheltered at Casa Speranta"

func seal(t *testing.T, from party, to Identity) *Packet {
	t.Helper()
	p, err := Seal(from.keys, to, Header{Kind: KindReferral, ID: "01JDZ3Q4W5E6R7T8Y9U0", Created: now}, []byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// reparse sends a packet through its JSON form, as the wire does.
func reparse(t *testing.T, p *Packet) *Packet {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func partnerOf(ids ...Identity) func(string) (Identity, bool) {
	return func(fp string) (Identity, bool) {
		for _, id := range ids {
			if id.Fingerprint == fp {
				return id, true
			}
		}
		return Identity{}, false
	}
}

func wantRejection(t *testing.T, err error, reason string) {
	t.Helper()
	var r *Rejection
	if !errors.As(err, &r) || r.Reason != reason {
		t.Fatalf("got %v, want a rejection for %s", err, reason)
	}
	if strings.Contains(r.Message, "Popescu") {
		t.Errorf("the rejection message leaks the content: %q", r.Message)
	}
}

func TestPacketRoundTrip(t *testing.T) {
	md, ge := newParty(t, "nrm Moldova", "MD"), newParty(t, "nrm Germany", "DE")
	p := reparse(t, seal(t, ge, md.id))
	got, err := Open(md.keys, p, partnerOf(ge.id), now.Add(time.Minute), limits)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != secret {
		t.Errorf("opened %q", got)
	}
	if p.Sender != ge.id.Fingerprint || p.Recipient != md.id.Fingerprint {
		t.Errorf("header names %s → %s", p.Sender, p.Recipient)
	}
	if h := seal(t, ge, md.id).ContentHash(); h == p.ContentHash() {
		t.Error("two packets of the same content share a content hash (no fresh encryption)")
	}
	if reparse(t, p).ContentHash() != p.ContentHash() {
		t.Error("the content hash changed through JSON")
	}
}

func TestPacketHoldsNoPlaintext(t *testing.T) {
	md, ge := newParty(t, "nrm Moldova", "MD"), newParty(t, "nrm Germany", "DE")
	b, err := json.Marshal(seal(t, ge, md.id))
	if err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"Ana", "Popescu", "1999-04-02", "Speranta"} {
		if bytes.Contains(b, []byte(word)) {
			t.Errorf("the packet holds %q in plaintext", word)
		}
	}
}

func TestPacketRejections(t *testing.T) {
	md, ge, ua := newParty(t, "nrm Moldova", "MD"), newParty(t, "nrm Germany", "DE"), newParty(t, "nrm Ukraine", "UA")
	open := func(p *Packet, at time.Time) error {
		_, err := Open(md.keys, p, partnerOf(ge.id, ua.id), at, limits)
		return err
	}
	t.Run("for_another_instance", func(t *testing.T) {
		wantRejection(t, open(reparse(t, seal(t, ge, ua.id)), now), RejectNotForUs)
	})
	t.Run("unknown_sender", func(t *testing.T) {
		stranger := newParty(t, "nrm Elsewhere", "XK")
		wantRejection(t, open(reparse(t, seal(t, stranger, md.id)), now), RejectUnknown)
	})
	t.Run("a_partner_signing_as_another", func(t *testing.T) {
		p := seal(t, ua, md.id)
		p.Sender = ge.id.Fingerprint // Ukraine's packet claims to be Germany's
		wantRejection(t, open(reparse(t, p), now), RejectSignature)
	})
	tamper := map[string]func(p *Packet){
		"kind":       func(p *Packet) { p.Kind = KindFollowUp },
		"id":         func(p *Packet) { p.ID = "01JDZ3Q4W5E6R7T8Y9U1" },
		"created_at": func(p *Packet) { p.Created = p.Created.Add(time.Second) },
		"ref":        func(p *Packet) { p.Ref = "01JDZ3Q4W5E6R7T8Y9U2" },
		"enc":        func(p *Packet) { p.Enc[0] ^= 1 },
		"ciphertext": func(p *Packet) { p.Ciphertext[len(p.Ciphertext)/2] ^= 1 },
		"signature":  func(p *Packet) { p.Signature[0] ^= 1 },
	}
	for field, change := range tamper {
		t.Run("altered_"+field, func(t *testing.T) {
			p := reparse(t, seal(t, ge, md.id))
			change(p)
			wantRejection(t, open(reparse(t, p), now), RejectSignature)
		})
	}
	t.Run("resigned_by_the_sender_for_a_key_we_do_not_hold", func(t *testing.T) {
		// Germany encrypts to Ukraine's key but addresses the packet to us:
		// signed, on time, not openable.
		p := seal(t, ge, ua.id)
		p.Recipient = md.id.Fingerprint
		p.Signature = signWith(ge.keys, p)
		wantRejection(t, open(reparse(t, p), now), RejectUndecrypted)
	})
	t.Run("too_old", func(t *testing.T) {
		wantRejection(t, open(reparse(t, seal(t, ge, md.id)), now.Add(2*time.Hour)), RejectTooOld)
	})
	t.Run("from_the_future", func(t *testing.T) {
		wantRejection(t, open(reparse(t, seal(t, ge, md.id)), now.Add(-time.Hour)), RejectFuture)
	})
	t.Run("too_large", func(t *testing.T) {
		_, err := Parse(make([]byte, MaxPacketSize+1))
		wantRejection(t, err, RejectTooLarge)
		if _, err := Seal(ge.keys, md.id, Header{Kind: KindReferral, ID: "01JDZ3Q4W5E6R7T8Y9U0"}, make([]byte, MaxPayloadSize+1)); err == nil {
			t.Error("an oversized payload was sealed")
		}
	})
	for name, body := range map[string]string{
		"not_json":       "{",
		"unknown_field":  `{"format":"nrm-packet/1","extra":1}`,
		"other_format":   strings.Replace(string(mustJSON(t, seal(t, ge, md.id))), Format, "nrm-packet/2", 1),
		"unknown_kind":   strings.Replace(string(mustJSON(t, seal(t, ge, md.id))), `"kind":"referral"`, `"kind":"gossip"`, 1),
		"trailing_data":  string(mustJSON(t, seal(t, ge, md.id))) + "{}",
		"no_signature":   strings.Replace(string(mustJSON(t, seal(t, ge, md.id))), `"signature":"`, `"signature":"AA`, 1),
		"bad_packet_id":  strings.Replace(string(mustJSON(t, seal(t, ge, md.id))), "01JDZ3Q4W5E6R7T8Y9U0", "../../etc/passwd", 1),
		"array_envelope": `[1,2,3]`,
	} {
		t.Run("malformed_"+name, func(t *testing.T) {
			_, err := Parse([]byte(body))
			wantRejection(t, err, RejectMalformed)
		})
	}
}

func signWith(k *Keys, p *Packet) []byte { return ed25519.Sign(k.sign, p.signed()) }

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestIdentity(t *testing.T) {
	md := newParty(t, "nrm Moldova", "MD")
	b := mustJSON(t, md.id)
	got, err := ParseIdentity(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Fingerprint != md.keys.Fingerprint() || len(got.Fingerprint) != 64 {
		t.Errorf("fingerprint %q", got.Fingerprint)
	}
	if g := Grouped("0123456789abcdef01"); g != "0123 4567 89ab cdef 01" {
		t.Errorf("grouped %q", g)
	}
	other := newParty(t, "nrm Germany", "DE")
	for name, change := range map[string]func(id *Identity){
		"swapped_encryption_key": func(id *Identity) { id.EncryptionKey = other.id.EncryptionKey },
		"swapped_signing_key":    func(id *Identity) { id.SigningKey = other.id.SigningKey },
		"no_name":                func(id *Identity) { id.Instance = " " },
		"bad_country":            func(id *Identity) { id.Country = "Moldova" },
		"short_signing_key":      func(id *Identity) { id.SigningKey = id.SigningKey[:16] },
		"not_a_curve_point":      func(id *Identity) { id.EncryptionKey = []byte("short") },
		"plain_http":             func(id *Identity) { id.URL = "http://md.nrm.example" },
		"no_host":                func(id *Identity) { id.URL = "https:///inbox" },
		"credentials_in_url":     func(id *Identity) { id.URL = "https://u:p@md.nrm.example" },
	} {
		t.Run("refused_"+name, func(t *testing.T) {
			id := md.id
			change(&id)
			if _, err := ParseIdentity(mustJSON(t, id)); err == nil {
				t.Error("accepted")
			}
		})
	}
	t.Run("http_on_loopback_is_accepted", func(t *testing.T) {
		id := md.id
		id.URL = "http://127.0.0.1:8080"
		if _, err := ParseIdentity(mustJSON(t, id)); err != nil {
			t.Error(err)
		}
	})
}

func TestKeysPersist(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	a, err := LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("the keys changed between two starts")
	}
	for _, f := range []string{signingKeyFile, encryptionKeyFile} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v, want 0600", f, st.Mode().Perm())
		}
	}
	if err := os.Remove(filepath.Join(dir, signingKeyFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKeys(dir); err == nil {
		t.Error("a half pair was accepted (or silently replaced)")
	}
}
