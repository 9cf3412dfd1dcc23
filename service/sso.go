package service

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"time"

	"github.com/nrmproject/nrm"
)

// IdentityProvider is an OpenID provider (package oidc, wired in cmd/nrm).
type IdentityProvider interface {
	Name() string
	Issuer() string
	// AuthCodeURL is where the browser signs in at the provider.
	AuthCodeURL(state, nonce, pkceVerifier string) string
	// Identify redeems a code and verifies the ID token and its nonce.
	Identify(ctx context.Context, code, pkceVerifier, nonce string) (nrm.ExternalIdentity, error)
}

// flowTimeout bounds a ceremony between its two steps.
const flowTimeout = 10 * time.Minute

const flowOIDC = "oidc"

type oidcFlow struct {
	State    string `json:"state"`
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"`
}

// OIDCName is the provider's name for the sign-in button, "" without one.
func (s *Service) OIDCName() string {
	if s.cfg.OIDC == nil {
		return ""
	}
	return s.cfg.OIDC.Name()
}

var errNoOIDC = nrm.NotFound("single sign-on")

// BeginOIDC starts a sign-in at the provider: a fresh state, nonce and PKCE
// verifier, kept server-side under the returned secret (the browser holds
// it in a short-lived cookie), and the URL to send the browser to.
func (s *Service) BeginOIDC(ctx context.Context) (flowSecret, redirect string, err error) {
	if s.cfg.OIDC == nil {
		return "", "", errNoOIDC
	}
	f := oidcFlow{State: randomSecret(32), Nonce: randomSecret(32), Verifier: randomSecret(48)}
	data, _ := json.Marshal(f)
	flowSecret = randomSecret(32)
	if err := s.write(ctx, func(tx Tx) error {
		if err := tx.DeleteSigninFlowsBefore(ctx, tx.Time().Add(-flowTimeout)); err != nil {
			return err
		}
		return tx.InsertSigninFlow(ctx, tokenHash(flowSecret), flowOIDC, "", data)
	}); err != nil {
		return "", "", err
	}
	return flowSecret, s.cfg.OIDC.AuthCodeURL(f.State, f.Nonce, f.Verifier), nil
}

// OIDCResult is the end of a sign-in at the provider: a full session, or a
// first sign-in waiting for an administrator (no session).
type OIDCResult struct {
	Session SessionInfo
	Waiting bool
}

var errOIDC = &nrm.Error{Code: nrm.CodeUnauthorized,
	Message: "Single sign-on failed. Start again from the sign-in page."}

// FinishOIDC completes a sign-in from the provider's redirect. The flow is
// used once (a replayed callback finds nothing), the state must be the
// flow's, and the ID token must verify with the flow's nonce. A subject
// nobody confirmed gets no session: a request waits for an admin of the
// organisation its claims map to.
func (s *Service) FinishOIDC(ctx context.Context, flowSecret, state, code, clientAddr string) (OIDCResult, error) {
	if s.cfg.OIDC == nil {
		return OIDCResult{}, errNoOIDC
	}
	now := s.store.Now()
	if s.throttle.blocked(clientAddr, now) {
		return OIDCResult{}, errThrottled
	}
	fail := func(reason string) (OIDCResult, error) {
		s.throttle.fail(clientAddr, now)
		s.signinEvent(ctx, nrm.Actor{}, "", "signin.oidc", outcomeFailed, reason)
		return OIDCResult{}, errOIDC
	}
	if flowSecret == "" || len(flowSecret) > 100 {
		return fail("no sign-in under way in this browser")
	}
	var f oidcFlow
	var created time.Time
	err := s.write(ctx, func(tx Tx) error {
		_, data, c, err := tx.TakeSigninFlow(ctx, tokenHash(flowSecret), flowOIDC)
		created = c
		if err != nil {
			return err
		}
		return json.Unmarshal(data, &f)
	})
	if nrm.ErrorCode(err) == nrm.CodeNotFound {
		return fail("the sign-in was used already or is unknown")
	}
	if err != nil {
		return OIDCResult{}, err
	}
	if now.Sub(created) > flowTimeout {
		return fail("the sign-in took too long")
	}
	if subtle.ConstantTimeCompare([]byte(state), []byte(f.State)) != 1 {
		return fail("the state is not this sign-in's")
	}
	id, err := s.cfg.OIDC.Identify(ctx, code, f.Verifier, f.Nonce)
	if err != nil {
		return fail(err.Error())
	}
	return s.signInExternal(ctx, id)
}

func (s *Service) signInExternal(ctx context.Context, id nrm.ExternalIdentity) (OIDCResult, error) {
	var u nrm.UserRecord
	err := s.read(ctx, func(tx Tx) error {
		var err error
		u, err = tx.UserByExternalIdentity(ctx, id.Issuer, id.Subject)
		return err
	})
	switch {
	case err == nil && u.Disabled:
		s.signinEvent(ctx, actorOf(u), "", "signin.oidc", outcomeDenied, "disabled account")
		return OIDCResult{}, errOIDC
	case err == nil:
		info, err := s.fullSession(ctx, u, "signin.oidc", "signed in at the identity provider")
		return OIDCResult{Session: info}, err
	case nrm.ErrorCode(err) != nrm.CodeNotFound:
		return OIDCResult{}, err
	}
	// Unknown subject: a request for the admin of the mapped organisation.
	subject := "subject " + s.keys.AuditHash(id.Issuer+" "+id.Subject)
	err = s.write(ctx, func(tx Tx) error {
		if _, err := tx.PendingSSORequest(ctx, id.Issuer, id.Subject); err == nil {
			return errWaiting
		}
		maps, err := tx.SSOMappings(ctx, id.Issuer, "")
		if err != nil {
			return err
		}
		for _, m := range maps {
			if !m.Matches(id) {
				continue
			}
			name := id.Name
			if name == "" {
				name = id.Email
			}
			r := nrm.SSORequest{ID: nrm.NewID(), Issuer: id.Issuer, Subject: id.Subject, Email: id.Email, Name: name,
				OrgID: m.OrgID, Role: m.Role, MappingID: m.ID, Status: nrm.SSOPending, CreatedAt: tx.Time()}
			if err := tx.InsertSSORequest(ctx, r); err != nil {
				return err
			}
			return s.record(ctx, tx, s.entry(ctx, "sso.request", "org/"+m.OrgID, outcomeOK, subject+"; mapping "+m.ID))
		}
		return errUnmapped
	})
	switch {
	case err == nil, errors.Is(err, errWaiting), nrm.ErrorCode(err) == nrm.CodeConflict:
		s.signinEvent(ctx, nrm.Actor{}, "", "signin.oidc", outcomeDenied, "waiting for an administrator; "+subject)
		return OIDCResult{Waiting: true}, nil
	case errors.Is(err, errUnmapped):
		s.signinEvent(ctx, nrm.Actor{}, "", "signin.oidc", outcomeDenied, "no organisation maps this sign-in; "+subject)
		return OIDCResult{}, &nrm.Error{Code: nrm.CodeForbidden,
			Message: "Your identity provider signed you in, but no organisation in nrm has set up sign-in for your group. Ask your administrator."}
	}
	return OIDCResult{}, err
}

var (
	errWaiting  = errors.New("a request waits already")
	errUnmapped = errors.New("no mapping matches")
)

// fullSession starts a full session for a user whose sign-in is complete
// (at the provider, or with a passkey alone), audited in the same transaction.
func (s *Service) fullSession(ctx context.Context, u nrm.UserRecord, action, detail string) (SessionInfo, error) {
	token := randomSecret(32)
	info := SessionInfo{Token: token, Stage: StageFull, CSRF: randomSecret(32), User: u.User, Actor: actorOf(u)}
	err := s.write(ctx, func(tx Tx) error {
		if err := tx.SigninSucceeded(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.InsertSession(ctx, nrm.SessionRecord{IDHash: tokenHash(token), UserID: u.ID, Stage: StageFull,
			CSRF: info.CSRF, CreatedAt: tx.Time(), LastSeenAt: tx.Time()}); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(nrm.WithActor(ctx, info.Actor), action, "user/"+u.ID, outcomeOK, detail))
	})
	if err != nil {
		return SessionInfo{}, err
	}
	return info, nil
}

// SSOIssuer is the configured provider's issuer, for mappings.
func (s *Service) SSOIssuer() string {
	if s.cfg.OIDC == nil {
		return ""
	}
	return s.cfg.OIDC.Issuer()
}

// SSOMappings lists the mappings to the admin's own organisation.
func (s *Service) SSOMappings(ctx context.Context) ([]nrm.SSOMapping, error) {
	a, err := s.allow(ctx, nrm.ActSSOManage)
	if err != nil {
		return nil, err
	}
	var out []nrm.SSOMapping
	err = s.read(ctx, func(tx Tx) error {
		out, err = tx.SSOMappings(ctx, "", a.OrgID)
		return err
	})
	return out, err
}

// AddSSOMapping maps a claim value to the admin's own organisation and a
// role (the operator names the organisation and the issuer). The mapping
// only routes first sign-ins to that admin: nobody gets the role until the
// admin confirms them.
func (s *Service) AddSSOMapping(ctx context.Context, orgID, issuer string, in nrm.SSOMappingInput) (nrm.SSOMapping, error) {
	a, err := s.allowOperatorOr(ctx, nrm.ActSSOManage)
	if err != nil {
		return nrm.SSOMapping{}, err
	}
	if !a.System {
		if orgID != "" && orgID != a.OrgID {
			err := s.deny(ctx, a, nrm.ActSSOManage, "org/"+orgID, nrm.Forbidden("you may map sign-ins only to your own organisation"))
			s.recordDenial(ctx, err)
			return nrm.SSOMapping{}, err
		}
		orgID, issuer = a.OrgID, s.SSOIssuer()
	}
	if issuer == "" {
		return nrm.SSOMapping{}, nrm.Conflict("single sign-on is not set up on this instance (nrm serve --oidc-issuer)")
	}
	m, err := in.Validate()
	if err != nil {
		return m, err
	}
	if m.Role == nrm.RoleAdmin {
		// An admin's account is never made from a provider's group alone.
		return m, nrm.Invalid("role", "the admin role is given by another admin, not by a mapping")
	}
	err = s.write(ctx, func(tx Tx) error {
		if _, err := tx.Org(ctx, orgID); err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.Invalid("org", "no organisation with this id")
			}
			return err
		}
		m.ID, m.Issuer, m.OrgID, m.CreatedBy, m.CreatedAt = nrm.NewID(), issuer, orgID, a.UserID, tx.Time()
		if err := tx.InsertSSOMapping(ctx, m); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "sso.mapping.add", "org/"+orgID, outcomeOK, "claim "+m.Claim+", role "+string(m.Role)))
	})
	return m, err
}

// RemoveSSOMapping removes a mapping of the admin's own organisation.
func (s *Service) RemoveSSOMapping(ctx context.Context, id string) error {
	a, err := s.allow(ctx, nrm.ActSSOManage)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx Tx) error {
		if err := tx.DeleteSSOMapping(ctx, id, a.OrgID); err != nil {
			if errors.Is(err, nrm.ErrStale) {
				return nrm.NotFound("mapping")
			}
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "sso.mapping.remove", "org/"+a.OrgID, outcomeOK, "mapping "+id))
	})
}

// SSORequests lists the first sign-ins waiting for the admin's organisation.
func (s *Service) SSORequests(ctx context.Context) ([]nrm.SSORequest, error) {
	a, err := s.allow(ctx, nrm.ActSSOManage)
	if err != nil {
		return nil, err
	}
	var out []nrm.SSORequest
	err = s.read(ctx, func(tx Tx) error {
		out, err = tx.SSORequests(ctx, a.OrgID, nrm.SSOPending)
		return err
	})
	return out, err
}

// DecideSSORequest confirms (a user of the admin's organisation with the
// mapped role, linked to the subject) or refuses a first sign-in.
func (s *Service) DecideSSORequest(ctx context.Context, id string, confirm bool) (nrm.SSORequest, error) {
	a, err := s.allow(ctx, nrm.ActSSOManage)
	if err != nil {
		return nrm.SSORequest{}, err
	}
	var r nrm.SSORequest
	err = s.write(ctx, func(tx Tx) error {
		r, err = tx.SSORequest(ctx, id)
		if err != nil || r.OrgID != a.OrgID {
			if err == nil || nrm.ErrorCode(err) == nrm.CodeNotFound {
				return s.deny(ctx, a, nrm.ActSSOManage, "sso-request/"+id, nrm.NotFound("sign-in request"))
			}
			return err
		}
		if r.Status != nrm.SSOPending {
			return nrm.Conflict("this request was decided already")
		}
		r.Status, r.DecidedAt, r.DecidedBy = nrm.SSORefused, tx.Time(), a.UserID
		if confirm {
			r.Status = nrm.SSOConfirmed
			if r.UserID, err = s.userForRequest(ctx, tx, r); err != nil {
				return err
			}
			if err := tx.LinkExternalIdentity(ctx, r.Issuer, r.Subject, r.UserID); err != nil {
				return err
			}
		}
		if err := tx.DecideSSORequest(ctx, r); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "sso.request."+r.Status, "sso-request/"+r.ID, outcomeOK, "user/"+r.UserID))
	})
	return r, err
}

// userForRequest is the user a confirmed request signs in as: the
// organisation's user with that address, or a new one with the mapped role
// and a password nobody knows.
func (s *Service) userForRequest(ctx context.Context, tx Tx, r nrm.SSORequest) (string, error) {
	if r.Email != "" {
		u, err := tx.UserByEmail(ctx, r.Email)
		if err == nil {
			if u.OrgID != r.OrgID {
				return "", nrm.Conflict("a user of another organisation has this e-mail address")
			}
			return u.ID, nil
		}
		if nrm.ErrorCode(err) != nrm.CodeNotFound {
			return "", err
		}
	}
	if r.Email == "" {
		return "", nrm.Conflict("the identity provider gave no verified e-mail address; add the user first and confirm again")
	}
	u, err := nrm.UserInput{Email: r.Email, Name: r.Name, OrgID: r.OrgID, Role: string(r.Role)}.Validate()
	if err != nil {
		return "", nrm.Conflict("the identity provider's name or address is not usable: %s", nrm.AsError(err).Message)
	}
	u.ID, u.CreatedAt, u.Version = nrm.NewID(), tx.Time(), 1
	if err := tx.InsertUser(ctx, nrm.UserRecord{User: u, PasswordHash: hashPassword(GeneratePassword())}); err != nil {
		return "", err
	}
	return u.ID, s.record(ctx, tx, s.entry(ctx, "user.create", "user/"+u.ID, outcomeOK, "role "+string(u.Role)+" in org/"+u.OrgID+", from single sign-on"))
}
