package keyring

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	dk := newDataKey(t)
	if dk.Version() != 1 || dk.IsZero() {
		t.Fatalf("new data key: version %d, zero %v", dk.Version(), dk.IsZero())
	}
	ad := AD("person", "family_name", "42")
	for _, pt := range [][]byte{
		{},
		[]byte("Popescu"),
		bytes.Repeat([]byte{0}, 32),
		bytes.Repeat([]byte("x"), 1<<20),
	} {
		ct := dk.Seal(pt, ad)
		if len(ct) != len(pt)+Overhead {
			t.Errorf("len(Seal) = %d, want %d", len(ct), len(pt)+Overhead)
		}
		if ct[0] != 'n' || ct[1] != 1 || binary.BigEndian.Uint32(ct[2:6]) != 1 {
			t.Errorf("header = % x", ct[:6])
		}
		if v, err := CiphertextVersion(ct); err != nil || v != 1 {
			t.Errorf("CiphertextVersion = %d, %v", v, err)
		}
		if len(pt) >= 8 && bytes.Contains(ct, pt[:8]) && pt[0] != 0 {
			t.Error("ciphertext contains the plaintext")
		}
		got, err := dk.Open(ct, ad)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, pt) {
			t.Fatalf("round trip of %d bytes failed", len(pt))
		}
	}
	// Random nonces: sealing twice gives different ciphertexts.
	a, b := dk.Seal([]byte("same"), ad), dk.Seal([]byte("same"), ad)
	if bytes.Equal(a, b) || bytes.Equal(a[prefixSize:headerSize], b[prefixSize:headerSize]) {
		t.Error("two Seals of the same plaintext share a nonce")
	}
	// Seal appends to a fresh buffer: mutating the plaintext afterwards
	// does not change the ciphertext.
	pt := []byte("mutable")
	ct := dk.Seal(pt, ad)
	pt[0] = 'X'
	if got, err := dk.Open(ct, ad); err != nil || string(got) != "mutable" {
		t.Errorf("got %q, %v", got, err)
	}
}

func TestOpenOtherRecordIsCorrupt(t *testing.T) {
	dk := newDataKey(t)
	ct := dk.Seal([]byte("Popescu"), AD("person", "family_name", "42"))
	for _, ad := range [][]byte{
		AD("person", "family_name", "43"),  // another person's row
		AD("person", "given_name", "42"),   // another column
		AD("contact", "family_name", "42"), // another table
		AD("person", "family_nam", "e42"),  // shifted boundary
		nil,
		[]byte("person/family_name/42"),
	} {
		got, err := dk.Open(ct, ad)
		wantErr(t, err, ErrCorrupt)
		if got != nil {
			t.Error("Open returned plaintext with an error")
		}
	}
}

func TestOpenOtherPersonsKeyIsWrongKey(t *testing.T) {
	alice, bob := newDataKey(t), newDataKey(t)
	ad := AD("person", "family_name", "42")
	ct := alice.Seal([]byte("Popescu"), ad)
	got, err := bob.Open(ct, ad)
	wantErr(t, err, ErrWrongKey)
	if got != nil {
		t.Error("plaintext returned with error")
	}
	_, err = DataKey{}.Open(ct, ad)
	wantErr(t, err, ErrWrongKey)
}

func TestOpenEveryBitFlip(t *testing.T) {
	dk := newDataKey(t)
	ad := AD("person", "family_name", "42")
	ct := dk.Seal([]byte("Ana Popescu"), ad)
	for bit := 0; bit < len(ct)*8; bit++ {
		got, err := dk.Open(flipBit(ct, bit), ad)
		if err == nil {
			t.Fatalf("flipping bit %d went undetected (plaintext %q)", bit, got)
		}
		if got != nil {
			t.Fatalf("flipping bit %d: plaintext returned with error", bit)
		}
		class := errorClass(t, err)
		want := ErrCorrupt
		if bit/8 >= 6 && bit/8 < prefixSize {
			want = ErrWrongKey // the key-check bytes
		}
		if class != want {
			t.Errorf("flipping bit %d (byte %d): %v, want %v", bit, bit/8, err, want)
		}
	}
}

func TestOpenTruncatedOrExtended(t *testing.T) {
	dk := newDataKey(t)
	ad := AD("person", "family_name", "42")
	ct := dk.Seal([]byte("Ana Popescu"), ad)
	for n := 0; n < len(ct); n++ {
		got, err := dk.Open(ct[:n], ad)
		wantErr(t, err, ErrCorrupt)
		if got != nil {
			t.Fatal("plaintext returned with error")
		}
	}
	for _, extra := range [][]byte{{0}, {1, 2, 3}, ct} {
		_, err := dk.Open(append(bytes.Clone(ct), extra...), ad)
		wantErr(t, err, ErrCorrupt)
	}
	// A ciphertext must not open under a version change either.
	c := bytes.Clone(ct)
	binary.BigEndian.PutUint32(c[2:6], 2)
	_, err := dk.Open(c, ad)
	wantErr(t, err, ErrCorrupt)
	if _, err := CiphertextVersion(ct[:fieldMinSize-1]); err == nil {
		t.Error("CiphertextVersion accepted a truncated ciphertext")
	}
}

func TestWrapUnwrap(t *testing.T) {
	k, _ := openTemp(t)
	dk := newDataKey(t)
	ad := AD("person", "data_key", "42")
	w, err := k.Wrap(dk, ad)
	if err != nil {
		t.Fatal(err)
	}
	if len(w) != WrappedSize || WrappedSize != 74 {
		t.Errorf("len(wrapped) = %d, WrappedSize = %d, want 74", len(w), WrappedSize)
	}
	if w[0] != 'k' || w[1] != 1 {
		t.Errorf("wrapped header % x", w[:2])
	}
	if bytes.Contains(w, dk.s.key[:8]) {
		t.Error("wrapped key contains the raw key")
	}
	got, err := k.Unwrap(w, ad)
	if err != nil {
		t.Fatal(err)
	}
	if !sameKey(got, dk) {
		t.Fatal("Unwrap returned another key")
	}
	// The unwrapped key opens what the original sealed and vice versa.
	field := AD("person", "name", "42")
	if pt, err := got.Open(dk.Seal([]byte("a"), field), field); err != nil || string(pt) != "a" {
		t.Error(pt, err)
	}
	if pt, err := dk.Open(got.Seal([]byte("b"), field), field); err != nil || string(pt) != "b" {
		t.Error(pt, err)
	}
	// Wrapping twice uses fresh nonces.
	w2, _ := k.Wrap(dk, ad)
	if bytes.Equal(w, w2) {
		t.Error("two Wraps are identical")
	}
	// Versions other than 1 survive wrapping.
	dk5, err := makeDataKey(bytes.Repeat([]byte{7}, 32), 5)
	if err != nil {
		t.Fatal(err)
	}
	w5, _ := k.Wrap(dk5, ad)
	got5, err := k.Unwrap(w5, ad)
	if err != nil || got5.Version() != 5 || !sameKey(got5, dk5) {
		t.Errorf("version-5 key: %v, version %d", err, got5.Version())
	}
	if v, _ := CiphertextVersion(got5.Seal(nil, ad)); v != 5 {
		t.Errorf("ciphertext names version %d, want 5", v)
	}
	if _, err := k.Wrap(DataKey{}, ad); err == nil {
		t.Error("Wrap accepted the zero DataKey")
	}
}

func TestUnwrapOtherRecordIsCorrupt(t *testing.T) {
	k, _ := openTemp(t)
	w, _ := k.Wrap(newDataKey(t), AD("person", "data_key", "42"))
	for _, ad := range [][]byte{AD("person", "data_key", "43"), AD("case", "data_key", "42"), nil} {
		got, err := k.Unwrap(w, ad)
		wantErr(t, err, ErrCorrupt)
		if !got.IsZero() {
			t.Error("key returned with error")
		}
	}
}

func TestUnwrapEveryBitFlipAndTruncation(t *testing.T) {
	k, _ := openTemp(t)
	if _, err := k.Rotate(); err != nil { // versions 1 and 2 loaded
		t.Fatal(err)
	}
	ad := AD("person", "data_key", "42")
	w, _ := k.Wrap(newDataKey(t), ad)
	for bit := 0; bit < len(w)*8; bit++ {
		got, err := k.Unwrap(flipBit(w, bit), ad)
		if err == nil || !got.IsZero() {
			t.Fatalf("flipping bit %d: err %v, zero key %v", bit, err, got.IsZero())
		}
		class := errorClass(t, err)
		switch i := bit / 8; {
		case i < 2 || i >= prefixSize:
			if class != ErrCorrupt {
				t.Errorf("flipping bit %d (byte %d): %v, want ErrCorrupt", bit, i, err)
			}
		case i < 6: // version: names an unloaded version, or version 1 (another KEK)
			if class != ErrUnknownKeyVersion && class != ErrWrongKey {
				t.Errorf("flipping bit %d (version byte %d): %v", bit, i, err)
			}
		default: // key check
			if class != ErrWrongKey {
				t.Errorf("flipping bit %d (check byte %d): %v, want ErrWrongKey", bit, i, err)
			}
		}
	}
	for n := 0; n < len(w); n++ {
		_, err := k.Unwrap(w[:n], ad)
		wantErr(t, err, ErrCorrupt)
		if _, err := WrappedVersion(w[:n]); err == nil {
			t.Errorf("WrappedVersion accepted %d bytes", n)
		}
	}
	_, err := k.Unwrap(append(bytes.Clone(w), 0), ad)
	wantErr(t, err, ErrCorrupt)
	// A field ciphertext is not a wrapped key, even at the right length.
	dk := newDataKey(t)
	ct := dk.Seal(make([]byte, WrappedSize-Overhead), ad)
	_, err = k.Unwrap(ct, ad)
	wantErr(t, err, ErrCorrupt)
	// And a wrapped key is not a field ciphertext.
	_, err = dk.Open(w, ad)
	wantErr(t, err, ErrCorrupt)
}

func TestSealZeroDataKeyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Seal on the zero DataKey did not panic")
		}
	}()
	DataKey{}.Seal([]byte("x"), nil)
}

func TestAD(t *testing.T) {
	// Known encoding (also used by the independent vectors below).
	if got := hex.EncodeToString(AD("person", "family_name", "42")); got != "610106706572736f6e0b66616d696c795f6e616d65023432" {
		t.Errorf("AD encoding = %s", got)
	}
	// Unambiguous: triples with the same concatenation differ.
	triples := [][3]string{
		{"ab", "c", "d"}, {"a", "bc", "d"}, {"a", "b", "cd"}, {"", "abc", "d"},
		{"abcd", "", ""}, {"", "", "abcd"}, {"a\x00", "b", "cd"}, {"a", "\x00b", "cd"},
		{"a", "b", "c\x01d"}, {"\x01a", "b", "cd"},
	}
	seen := map[string][3]string{}
	for _, tr := range triples {
		s := string(AD(tr[0], tr[1], tr[2]))
		if prev, ok := seen[s]; ok {
			t.Errorf("AD%q == AD%q", tr, prev)
		}
		seen[s] = tr
	}
	// Long fields (multi-byte length prefix) and AppendAD.
	long := strings.Repeat("x", 300)
	a := AD("t", long, "1")
	if !bytes.Equal(AppendAD([]byte("pre"), "t", long, "1"), append([]byte("pre"), a...)) {
		t.Error("AppendAD differs from AD")
	}
	if bytes.Equal(a, AD("t", long[:299], "x1")) {
		t.Error("long AD ambiguous")
	}
}

// Known-answer tests with vectors made by an independent implementation
// (Python's "cryptography" package, AES-GCM and HMAC from OpenSSL), from the
// formats documented in doc.go. They pin the byte formats: a change here
// would make existing data unreadable.
const (
	katDataKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	katKEK        = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=" // bytes 0x40..0x5f
	katIndexKey   = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=" // 0x20..0x3f
	katAuditKey   = "YGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn8=" // 0x60..0x7f
	katSeed       = "gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp8=" // 0x80..0x9f
	// "Popescu" sealed under the data key, AD("person","family_name","42"),
	// nonce a0..ab.
	katField = "6e01000000011e15f6eca0a1a2a3a4a5a6a7a8a9aaabb6770c4836a87755dcc623c64b016f11f4781b452160b2"
	// The data key (version 1) wrapped under the KEK as version 7,
	// AD("person","data_key","42"), nonce b0..bb.
	katWrapped = "6b01000000070f37d552b0b1b2b3b4b5b6b7b8b9babb03018286c54fed9e33e72df3e1fb42c4ae19963b5000c088ebdf7a2095adec8f813b8591ef7113494be2aec8c4633fe25955503c"
)

func openKAT(t *testing.T) *Keyring {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "keys")
	master := filepath.Join(t.TempDir(), "master.kek")
	writeFile(t, master, "7 "+katKEK+"\n", 0o600)
	if err := prepareDir(dir); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, IndexFile), katIndexKey+"\n", 0o600)
	writeFile(t, filepath.Join(dir, AuditFile), katAuditKey+"\n", 0o600)
	writeFile(t, filepath.Join(dir, SigningFile), katSeed+"\n", 0o600)
	k, err := Open(dir, master)
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Created()) != 0 {
		t.Fatalf("Open created %v", k.Created())
	}
	return k
}

func TestKnownAnswerFormats(t *testing.T) {
	k := openKAT(t)
	if k.CurrentVersion() != 7 {
		t.Fatalf("CurrentVersion = %d, want 7", k.CurrentVersion())
	}
	wrapped, _ := hex.DecodeString(katWrapped)
	field, _ := hex.DecodeString(katField)

	if v, err := WrappedVersion(wrapped); err != nil || v != 7 {
		t.Errorf("WrappedVersion = %d, %v", v, err)
	}
	dk, err := k.Unwrap(wrapped, AD("person", "data_key", "42"))
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(dk.s.key[:]) != katDataKeyHex || dk.Version() != 1 {
		t.Fatalf("unwrapped key %x version %d", dk.s.key, dk.Version())
	}
	pt, err := dk.Open(field, AD("person", "family_name", "42"))
	if err != nil || string(pt) != "Popescu" {
		t.Fatalf("Open = %q, %v", pt, err)
	}
	// Our own output has the same header as the independent one.
	ours := dk.Seal([]byte("Popescu"), AD("person", "family_name", "42"))
	if !bytes.Equal(ours[:prefixSize], field[:prefixSize]) || len(ours) != len(field) {
		t.Errorf("Seal header % x, want % x", ours[:prefixSize], field[:prefixSize])
	}
	w, _ := k.Wrap(dk, AD("person", "data_key", "42"))
	if !bytes.Equal(w[:prefixSize], wrapped[:prefixSize]) || len(w) != len(wrapped) {
		t.Errorf("Wrap header % x, want % x", w[:prefixSize], wrapped[:prefixSize])
	}
	if got := hex.EncodeToString(k.PublicKey()); got != "cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa" {
		t.Errorf("public key from the seed = %s", got)
	}
}
