package keyring

import (
	"testing"
)

// Seal and Open are called for every field of every case read, so they must
// not allocate more than their output.
func TestSealOpenAllocations(t *testing.T) {
	dk := newDataKey(t)
	ad := AD("person", "family_name", "42")
	pt := make([]byte, 32)
	ct := dk.Seal(pt, ad)
	if n := testing.AllocsPerRun(100, func() { dk.Seal(pt, ad) }); n > 1 {
		t.Errorf("Seal allocates %v times per call, want 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { dk.Open(ct, ad) }); n > 1 {
		t.Errorf("Open allocates %v times per call, want 1", n)
	}
	other := newDataKey(t)
	if n := testing.AllocsPerRun(100, func() { other.Open(ct, ad) }); n > 0 {
		t.Errorf("rejecting a wrong key allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { dk.Open(ct[:10], ad) }); n > 0 {
		t.Errorf("rejecting a truncated ciphertext allocates %v times", n)
	}
}

func BenchmarkSeal32(b *testing.B) {
	dk, _ := NewDataKey()
	ad := AD("person", "family_name", "0195f7a2-6c1e-7d3a-9b1f-3c2d4e5f6a7b")
	pt := make([]byte, 32)
	b.ReportAllocs()
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		dk.Seal(pt, ad)
	}
}

func BenchmarkOpen32(b *testing.B) {
	dk, _ := NewDataKey()
	ad := AD("person", "family_name", "0195f7a2-6c1e-7d3a-9b1f-3c2d4e5f6a7b")
	ct := dk.Seal(make([]byte, 32), ad)
	b.ReportAllocs()
	b.SetBytes(32)
	for b.Loop() {
		if _, err := dk.Open(ct, ad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnwrap(b *testing.B) {
	k, _ := openTemp(b)
	dk, _ := NewDataKey()
	ad := AD("person", "data_key", "0195f7a2-6c1e-7d3a-9b1f-3c2d4e5f6a7b")
	w, err := k.Wrap(dk, ad)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Unwrap(w, ad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrap(b *testing.B) {
	k, _ := openTemp(b)
	dk, _ := NewDataKey()
	ad := AD("person", "data_key", "0195f7a2-6c1e-7d3a-9b1f-3c2d4e5f6a7b")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Wrap(dk, ad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlindIndex(b *testing.B) {
	k, _ := openTemp(b)
	b.ReportAllocs()
	for b.Loop() {
		k.BlindIndex("person.family_name", "Ána-María O'Neill")
	}
}
