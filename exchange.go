package nrm

import "time"

// InstanceIdentity is how an nrm instance names itself to partner
// instances in other countries (exchange/format.md): its public keys and
// their fingerprint, which people compare before trusting it.
type InstanceIdentity struct {
	Instance      string `json:"instance"`
	Country       string `json:"country"`
	URL           string `json:"url"`
	SigningKey    []byte `json:"signing_key"`
	EncryptionKey []byte `json:"encryption_key"`
	Fingerprint   string `json:"fingerprint"`
}

// Partner is another instance registered as trusted, by an explicit act
// of an admin of the co-ordinating organisation (or the operator).
type Partner struct {
	ID string
	InstanceIdentity
	AddedBy   string // user id, or "" for the operator at the command line
	AddedAt   time.Time
	RemovedAt time.Time // zero while trusted
}

// Active reports whether the partner is trusted now.
func (p Partner) Active() bool { return p.RemovedAt.IsZero() }
