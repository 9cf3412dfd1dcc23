package keyring

import (
	"bytes"
	"path/filepath"
	"testing"
)

// FuzzOpen feeds arbitrary bytes and associated data to DataKey.Open,
// Keyring.Unwrap, WrappedVersion and CiphertextVersion. None may panic; every
// error must be exactly one of ErrWrongKey, ErrUnknownKeyVersion and
// ErrCorrupt; and success is only possible for the genuine ciphertext with its
// genuine associated data.
func FuzzOpen(f *testing.F) {
	k, err := Open(filepath.Join(f.TempDir(), "keys"), "")
	if err != nil {
		f.Fatal(err)
	}
	dk, err := NewDataKey()
	if err != nil {
		f.Fatal(err)
	}
	fieldAD := AD("person", "family_name", "42")
	keyAD := AD("person", "data_key", "42")
	const secret = "Popescu"
	ct := dk.Seal([]byte(secret), fieldAD)
	w, err := k.Wrap(dk, keyAD)
	if err != nil {
		f.Fatal(err)
	}
	// Version 2 current, so that seeds under both versions exist.
	if _, err := k.Rotate(); err != nil {
		f.Fatal(err)
	}
	w2, err := k.Rewrap(w, keyAD)
	if err != nil {
		f.Fatal(err)
	}

	f.Add(ct, fieldAD)
	f.Add(w, keyAD)
	f.Add(w2, keyAD)
	f.Add(ct[:len(ct)-1], fieldAD)
	f.Add(w[:headerSize], keyAD)
	f.Add([]byte{}, []byte{})
	f.Add([]byte("n\x01"), []byte(nil))
	f.Add(append([]byte("k\x01\xff\xff\xff\xff"), make([]byte, WrappedSize-6)...), keyAD)

	f.Fuzz(func(t *testing.T, data, ad []byte) {
		pt, err := dk.Open(data, ad)
		if err == nil {
			if !bytes.Equal(data, ct) || !bytes.Equal(ad, fieldAD) || string(pt) != secret {
				t.Fatalf("Open accepted forged input %x with ad %x", data, ad)
			}
		} else {
			if pt != nil {
				t.Fatal("Open returned plaintext with an error")
			}
			if c := errorClass(t, err); c == ErrUnknownKeyVersion {
				t.Fatalf("DataKey.Open returned %v", err)
			}
		}

		got, err := k.Unwrap(data, ad)
		if err == nil {
			if !(bytes.Equal(data, w) || bytes.Equal(data, w2)) || !bytes.Equal(ad, keyAD) || !sameKey(got, dk) {
				t.Fatalf("Unwrap accepted forged input %x with ad %x", data, ad)
			}
		} else {
			if !got.IsZero() {
				t.Fatal("Unwrap returned a key with an error")
			}
			errorClass(t, err)
		}

		if _, err := WrappedVersion(data); err != nil {
			errorClass(t, err)
		}
		if _, err := CiphertextVersion(data); err != nil {
			errorClass(t, err)
		}
	})
}
