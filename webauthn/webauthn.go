// Package webauthn runs the WebAuthn ceremonies of passkeys (registration
// and sign-in) for the service, over github.com/go-webauthn/webauthn. It
// holds no state: the service stores the ceremony data between the two
// steps, and the credentials.
package webauthn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	gowebauthn "github.com/go-webauthn/webauthn/webauthn"

	"github.com/nrmproject/nrm"
)

// Config is the relying party: nrm at its public URL.
type Config struct {
	// PublicURL is the origin browsers reach nrm at (https://nrm.example.org);
	// its host is the relying party id, so a passkey works only there.
	PublicURL   string
	DisplayName string
}

// RelyingParty verifies passkeys for one origin.
type RelyingParty struct {
	wa *gowebauthn.WebAuthn
}

// New checks the configuration.
func New(cfg Config) (*RelyingParty, error) {
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("webauthn: the public URL %q is not an http(s) origin", cfg.PublicURL)
	}
	name := cfg.DisplayName
	if name == "" {
		name = "nrm"
	}
	wa, err := gowebauthn.New(&gowebauthn.Config{
		RPID: u.Hostname(), RPDisplayName: name, RPOrigins: []string{u.Scheme + "://" + u.Host},
		// A passkey alone signs a user in: the authenticator must verify
		// the person (PIN or biometrics) and keep the credential itself.
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification: protocol.VerificationRequired},
		AttestationPreference: protocol.PreferNoAttestation,
		Timeouts: gowebauthn.TimeoutsConfig{
			Login:        gowebauthn.TimeoutConfig{Enforce: true, Timeout: 5 * time.Minute},
			Registration: gowebauthn.TimeoutConfig{Enforce: true, Timeout: 5 * time.Minute},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("webauthn: %w", err)
	}
	return &RelyingParty{wa: wa}, nil
}

type user struct {
	u     nrm.PasskeyAccount
	creds []gowebauthn.Credential
}

func (u user) WebAuthnID() []byte                           { return u.u.Handle }
func (u user) WebAuthnName() string                         { return u.u.Name }
func (u user) WebAuthnDisplayName() string                  { return u.u.DisplayName }
func (u user) WebAuthnCredentials() []gowebauthn.Credential { return u.creds }

func wrap(u nrm.PasskeyAccount) (user, error) {
	w := user{u: u}
	for _, r := range u.Records {
		var c gowebauthn.Credential
		if err := json.Unmarshal(r, &c); err != nil {
			return w, fmt.Errorf("webauthn: a stored credential: %w", err)
		}
		w.creds = append(w.creds, c)
	}
	return w, nil
}

// Refusal is a ceremony that did not verify; its text is safe to show.
type Refusal struct{ Reason string }

func (r *Refusal) Error() string { return "webauthn: " + r.Reason }

// BeginRegistration offers the browser the options of
// navigator.credentials.create, excluding the user's existing passkeys.
func (rp *RelyingParty) BeginRegistration(u nrm.PasskeyAccount) (options, session []byte, err error) {
	w, err := wrap(u)
	if err != nil {
		return nil, nil, err
	}
	var exclude []protocol.CredentialDescriptor
	for _, c := range w.creds {
		exclude = append(exclude, c.Descriptor())
	}
	creation, sd, err := rp.wa.BeginRegistration(w, gowebauthn.WithExclusions(exclude))
	if err != nil {
		return nil, nil, err
	}
	return marshalPair(creation, sd)
}

// FinishRegistration verifies the browser's answer to BeginRegistration.
func (rp *RelyingParty) FinishRegistration(u nrm.PasskeyAccount, session, response []byte) (nrm.PasskeyRegistration, error) {
	w, err := wrap(u)
	if err != nil {
		return nrm.PasskeyRegistration{}, err
	}
	var sd gowebauthn.SessionData
	if err := json.Unmarshal(session, &sd); err != nil {
		return nrm.PasskeyRegistration{}, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return nrm.PasskeyRegistration{}, &Refusal{"the browser's answer did not parse"}
	}
	c, err := rp.wa.CreateCredential(w, sd, parsed)
	if err != nil {
		return nrm.PasskeyRegistration{}, &Refusal{reason(err)}
	}
	rec, err := json.Marshal(c)
	if err != nil {
		return nrm.PasskeyRegistration{}, err
	}
	out := nrm.PasskeyRegistration{CredentialID: c.ID, PublicKey: c.PublicKey, SignCount: c.Authenticator.SignCount, Record: rec}
	for _, t := range c.Transport {
		out.Transports = append(out.Transports, string(t))
	}
	return out, nil
}

// BeginLogin offers the options of navigator.credentials.get: for a user
// whose password is known (the second factor), or, with u nil, for any
// passkey of this relying party (the passkey alone).
func (rp *RelyingParty) BeginLogin(u *nrm.PasskeyAccount) (options, session []byte, err error) {
	if u == nil {
		assertion, sd, err := rp.wa.BeginDiscoverableLogin(gowebauthn.WithUserVerification(protocol.VerificationRequired))
		if err != nil {
			return nil, nil, err
		}
		return marshalPair(assertion, sd)
	}
	w, err := wrap(*u)
	if err != nil {
		return nil, nil, err
	}
	assertion, sd, err := rp.wa.BeginLogin(w, gowebauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, nil, err
	}
	return marshalPair(assertion, sd)
}

// FinishLogin verifies an assertion: its origin and relying party id, the
// challenge, the user's verification and the signature under the stored
// public key. lookup finds the account of a credential id. The counter is
// returned for the service to hold against the stored one.
func (rp *RelyingParty) FinishLogin(session, response []byte, lookup func(credentialID []byte) (nrm.PasskeyAccount, error)) (nrm.PasskeyAssertion, error) {
	var sd gowebauthn.SessionData
	if err := json.Unmarshal(session, &sd); err != nil {
		return nrm.PasskeyAssertion{}, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return nrm.PasskeyAssertion{}, &Refusal{"the browser's answer did not parse"}
	}
	u, err := lookup(parsed.RawID)
	if err != nil {
		return nrm.PasskeyAssertion{}, err
	}
	w, err := wrap(u)
	if err != nil {
		return nrm.PasskeyAssertion{}, err
	}
	if len(sd.UserID) > 0 {
		_, err = rp.wa.ValidateLogin(w, sd, parsed)
	} else {
		_, err = rp.wa.ValidateDiscoverableLogin(func(rawID, handle []byte) (gowebauthn.User, error) {
			if !bytes.Equal(handle, u.Handle) {
				return nil, errors.New("the user handle is not the credential's")
			}
			return w, nil
		}, sd, parsed)
	}
	if err != nil {
		return nrm.PasskeyAssertion{}, &Refusal{reason(err)}
	}
	return nrm.PasskeyAssertion{CredentialID: parsed.RawID, SignCount: parsed.Response.AuthenticatorData.Counter}, nil
}

func marshalPair(options, session any) ([]byte, []byte, error) {
	o, err := json.Marshal(options)
	if err != nil {
		return nil, nil, err
	}
	s, err := json.Marshal(session)
	return o, s, err
}

// reason names a failed verification without echoing what the client sent.
func reason(err error) string {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		if pe.DevInfo != "" {
			return pe.Details + ": " + pe.DevInfo
		}
		return pe.Details
	}
	return "the passkey did not verify"
}
