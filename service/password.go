package service

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// hashPassword returns a PHC-format argon2id hash.
func hashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword compares in constant time. Parameters come from the hash, so
// older hashes keep working after the defaults change.
func checkPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("password hash: not argon2id")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("password hash: unsupported version")
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, fmt.Errorf("password hash: parameters: %w", err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("password hash: salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("password hash: key: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// checkPassword is the sign-in's password check, counted (SigninWork).
func (s *Service) checkPassword(encoded, password string) (bool, error) {
	s.work.hashes.Add(1)
	if parts := strings.Split(encoded, "$"); len(parts) == 6 {
		s.work.params.Store(parts[3])
	}
	return checkPassword(encoded, password)
}

// signinWork counts what sign-ins do, for the test that holds an unknown
// address and a wrong password to the same work.
type signinWork struct {
	hashes atomic.Int64
	writes atomic.Int64
	params atomic.Value // string: the argon2id parameters of the last check
}

// SigninWork is the work sign-ins have done so far.
type SigninWork struct {
	PasswordHashes int64  // argon2id computations
	HashParams     string // the parameters of the last one (m=...,t=...,p=...)
	Writes         int64  // write transactions
}

func (s *Service) SigninWork() SigninWork {
	p, _ := s.work.params.Load().(string)
	return SigninWork{PasswordHashes: s.work.hashes.Load(), HashParams: p, Writes: s.work.writes.Load()}
}

// dummyHash is checked against when the e-mail is unknown, so that a
// sign-in takes as long whether or not the account exists.
var dummyHash = hashPassword("not a real password, only for timing")

// randomSecret returns n random bytes as unpadded base64url.
func randomSecret(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// GeneratePassword makes a one-time password for a new user: 20
// characters from an alphabet without look-alikes, about 115 bits.
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
	return randomFrom(alphabet, 20)
}

// randomFrom draws n characters uniformly from alphabet (rejection
// sampling: no modulo bias).
func randomFrom(alphabet string, n int) string {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		rand.Read(buf[:])
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}
