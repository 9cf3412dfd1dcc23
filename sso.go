package nrm

import (
	"strings"
	"time"
)

// ExternalIdentity is who an OpenID provider says signed in: the stable
// pair (Issuer, Subject), and the claims an admin's mapping may match.
type ExternalIdentity struct {
	Issuer  string
	Subject string
	Email   string
	Name    string
	// Claims are the token's string and string-list claims ("groups"), and
	// "email_domain" derived from a verified address.
	Claims map[string][]string
}

// SSOMapping says which admin confirms a first sign-in whose claim holds a
// value, and the role the confirmed user gets in that admin's organisation.
type SSOMapping struct {
	ID        string
	Issuer    string
	Claim     string
	Value     string
	OrgID     string
	Role      Role
	CreatedBy string
	CreatedAt time.Time
}

// SSOMappingInput is what an admin gives to map a claim value.
type SSOMappingInput struct {
	Claim string
	Value string
	Role  string
}

// Validate checks a mapping.
func (in SSOMappingInput) Validate() (SSOMapping, error) {
	claim, value := strings.TrimSpace(in.Claim), strings.TrimSpace(in.Value)
	if claim == "" || len(claim) > 100 {
		return SSOMapping{}, Invalid("claim", "a claim name is required (for example groups or email_domain), at most 100 characters")
	}
	if value == "" || len(value) > 300 {
		return SSOMapping{}, Invalid("value", "a value is required, at most 300 characters")
	}
	role := Role(in.Role)
	if !role.Valid() {
		return SSOMapping{}, Invalid("role", "unknown role %q; one of: %s", in.Role, joinRoles())
	}
	return SSOMapping{Claim: claim, Value: value, Role: role}, nil
}

// Matches tells whether an identity holds the mapping's claim value.
func (m SSOMapping) Matches(id ExternalIdentity) bool {
	if m.Issuer != id.Issuer {
		return false
	}
	for _, v := range id.Claims[m.Claim] {
		if v == m.Value {
			return true
		}
	}
	return false
}

// Statuses of a first sign-in request.
const (
	SSOPending   = "pending"
	SSOConfirmed = "confirmed"
	SSORefused   = "refused"
)

// SSORequest is a first sign-in of an unknown subject, waiting for an
// admin of the mapped organisation to confirm (or refuse) it.
type SSORequest struct {
	ID        string
	Issuer    string
	Subject   string
	Email     string
	Name      string
	OrgID     string
	Role      Role
	MappingID string
	Status    string
	CreatedAt time.Time
	DecidedAt time.Time
	DecidedBy string
	UserID    string
}

// Passkey is a WebAuthn credential of a user: its id and public key, the
// signature counter it last showed, and how the browser reaches it.
type Passkey struct {
	ID         string
	UserID     string
	Credential []byte // the credential id the authenticator chose
	PublicKey  []byte // COSE
	Record     []byte // sealed: what the next ceremony needs
	SignCount  uint32
	Transports []string
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// SigninSettings are an organisation's sign-in rules.
type SigninSettings struct {
	OrgID string
	// TOTPAllowed keeps authenticator-app codes (and recovery codes) as a
	// fallback beside passkeys; an admin may turn it off.
	TOTPAllowed bool
	Version     int64
}

// PasskeyAccount is a user as a WebAuthn ceremony sees them: an opaque
// handle, names to show, and the (opened) records of their passkeys.
type PasskeyAccount struct {
	Handle      []byte
	Name        string
	DisplayName string
	Records     [][]byte
}

// PasskeyRegistration is a newly verified credential.
type PasskeyRegistration struct {
	CredentialID []byte
	PublicKey    []byte
	SignCount    uint32
	Transports   []string
	Record       []byte // what the next ceremony needs, to be sealed
}

// PasskeyAssertion is a verified sign-in: which credential, and the
// signature counter it showed.
type PasskeyAssertion struct {
	CredentialID []byte
	SignCount    uint32
}
