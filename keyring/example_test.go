package keyring_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/nrmproject/nrm/keyring"
)

func Example() {
	tmp, err := os.MkdirTemp("", "keyring-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)

	kr, err := keyring.Open(filepath.Join(tmp, "keys"), "")
	if err != nil {
		log.Fatal(err)
	}

	// A new person gets a data key, stored only wrapped under the KEK.
	personID := "0195f7a2-6c1e-7d3a-9b1f-3c2d4e5f6a7b"
	dk, err := keyring.NewDataKey()
	if err != nil {
		log.Fatal(err)
	}
	wrapped, err := kr.Wrap(dk, keyring.AD("person", "data_key", personID))
	if err != nil {
		log.Fatal(err)
	}
	ct := dk.Seal([]byte("Ana Popescu"), keyring.AD("person", "name", personID))
	idx := kr.BlindIndex("person.name", "Ana Popescu")

	// Later: search, unwrap, open.
	fmt.Println(kr.BlindIndex("person.name", "ANA  POPÉSCU") == idx)
	dk2, err := kr.Unwrap(wrapped, keyring.AD("person", "data_key", personID))
	if err != nil {
		log.Fatal(err)
	}
	name, err := dk2.Open(ct, keyring.AD("person", "name", personID))
	fmt.Println(string(name), err)

	// The ciphertext copied into another person's row does not open.
	_, err = dk2.Open(ct, keyring.AD("person", "name", "someone-else"))
	fmt.Println(errors.Is(err, keyring.ErrCorrupt))

	// Output:
	// true
	// Ana Popescu <nil>
	// true
}
