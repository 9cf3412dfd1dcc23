// Package oidc signs staff in with the identity provider they already
// have, over OpenID Connect's authorization code flow with PKCE, a nonce
// and a state (github.com/coreos/go-oidc and golang.org/x/oauth2). It
// knows nothing of users or roles: the service decides what a verified
// identity may do (service/sso.go).
package oidc

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/nrmproject/nrm"
)

// Config names the provider and nrm's registration at it.
type Config struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // nrm's /login/oidc/callback
	// Name is shown on the sign-in button (default: the issuer's host).
	Name string
	// Now is the verifier's clock (default time.Now).
	Now func() time.Time
	// HTTPClient reaches the provider (default http.DefaultClient, with a timeout).
	HTTPClient *http.Client
}

// Provider is one OpenID provider, discovered at start.
type Provider struct {
	name     string
	issuer   string
	oauth    oauth2.Config
	verifier *gooidc.IDTokenVerifier
	client   *http.Client
}

// New discovers the provider (its /.well-known/openid-configuration) and
// readies the verifier of its ID tokens.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.ClientSecret == "" || cfg.RedirectURL == "" {
		return nil, errors.New("oidc: issuer, client id, client secret and redirect URL are all required")
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	ctx = gooidc.ClientContext(ctx, client)
	p, err := gooidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc: discovering %s: %w", cfg.Issuer, err)
	}
	name := cfg.Name
	if name == "" {
		name = strings.TrimPrefix(strings.TrimPrefix(cfg.Issuer, "https://"), "http://")
	}
	return &Provider{
		name:   name,
		issuer: cfg.Issuer,
		client: client,
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: cfg.RedirectURL, Scopes: []string{gooidc.ScopeOpenID, "profile", "email"}},
		// The audience must be nrm's client id; expiry, issuer and signature are checked too.
		verifier: p.Verifier(&gooidc.Config{ClientID: cfg.ClientID, Now: cfg.Now}),
	}, nil
}

func (p *Provider) Name() string   { return p.name }
func (p *Provider) Issuer() string { return p.issuer }

// AuthCodeURL is where the browser goes to sign in: the state and nonce
// are echoed back, and the PKCE challenge binds the code to the verifier.
func (p *Provider) AuthCodeURL(state, nonce, verifier string) string {
	return p.oauth.AuthCodeURL(state, gooidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
}

// Refusal is why a provider's answer was refused; its text is safe to
// record (it carries no claim values).
type Refusal struct{ Reason string }

func (r *Refusal) Error() string { return "oidc: " + r.Reason }

// Identify redeems the code with the PKCE verifier, verifies the ID token
// (signature, issuer, audience, expiry) and its nonce, and returns who it
// names.
func (p *Provider) Identify(ctx context.Context, code, verifier, nonce string) (nrm.ExternalIdentity, error) {
	ctx = gooidc.ClientContext(ctx, p.client)
	tok, err := p.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nrm.ExternalIdentity{}, &Refusal{"the provider refused the code"}
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return nrm.ExternalIdentity{}, &Refusal{"no ID token in the answer"}
	}
	idt, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		var expired *gooidc.TokenExpiredError
		switch {
		case errors.As(err, &expired):
			return nrm.ExternalIdentity{}, &Refusal{"the ID token has expired"}
		case strings.Contains(err.Error(), "audience"):
			return nrm.ExternalIdentity{}, &Refusal{"the ID token is for another audience"}
		}
		return nrm.ExternalIdentity{}, &Refusal{"the ID token did not verify"}
	}
	// A replayed token carries the nonce of another sign-in.
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nrm.ExternalIdentity{}, &Refusal{"the ID token's nonce is not this sign-in's"}
	}
	var all map[string]any
	if err := idt.Claims(&all); err != nil {
		return nrm.ExternalIdentity{}, &Refusal{"the ID token's claims did not decode"}
	}
	id := nrm.ExternalIdentity{Issuer: idt.Issuer, Subject: idt.Subject, Claims: map[string][]string{}}
	for k, v := range all {
		switch v := v.(type) {
		case string:
			id.Claims[k] = []string{v}
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					id.Claims[k] = append(id.Claims[k], s)
				}
			}
		}
	}
	id.Name, _ = all["name"].(string)
	if verified, _ := all["email_verified"].(bool); verified {
		id.Email, _ = all["email"].(string)
		if at := strings.LastIndexByte(id.Email, '@'); at > 0 {
			id.Claims["email_domain"] = []string{strings.ToLower(id.Email[at+1:])}
		}
	} else {
		delete(id.Claims, "email")
	}
	return id, nil
}
