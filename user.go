package nrm

import (
	"net/mail"
	"strings"
	"time"
)

// User is a member of staff of one organisation, with one role.
type User struct {
	ID          string
	OrgID       string
	Email       string // lower-cased
	Name        string
	Role        Role
	Disabled    bool
	TOTPEnabled bool
	Lang        string // the language the user chose for pages ("" for the browser's)
	CreatedAt   time.Time
	Version     int64
}

// UserInput is what creating or editing a user takes.
type UserInput struct {
	Email string
	Name  string
	OrgID string
	Role  string
}

// Validate checks the input and returns it normalised.
func (in UserInput) Validate() (User, error) {
	email, err := ParseEmail("email", in.Email)
	if err != nil {
		return User{}, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return User{}, Invalid("name", "a name is required")
	}
	if len(name) > 200 {
		return User{}, Invalid("name", "at most 200 characters")
	}
	if strings.TrimSpace(in.OrgID) == "" {
		return User{}, Invalid("org", "an organisation id is required")
	}
	role := Role(in.Role)
	if !role.Valid() {
		return User{}, Invalid("role", "unknown role %q; one of: %s", in.Role, joinRoles())
	}
	return User{Email: email, Name: name, OrgID: strings.TrimSpace(in.OrgID), Role: role}, nil
}

// ParseEmail accepts a bare address and lower-cases it.
func ParseEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "an e-mail address is required")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return "", Invalid(field, "not a valid e-mail address")
	}
	return strings.ToLower(s), nil
}

// MinPasswordLength follows NIST SP 800-63B for memorised secrets with MFA.
const MinPasswordLength = 12

// CheckPassword enforces the length rules, and nothing else (NIST 800-63B).
func CheckPassword(field, p string) error {
	if len([]rune(p)) < MinPasswordLength {
		return Invalid(field, "at least %d characters", MinPasswordLength)
	}
	if len(p) > 1024 {
		return Invalid(field, "at most 1024 bytes")
	}
	return nil
}
