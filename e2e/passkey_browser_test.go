package e2e

// Passkeys in the browser: Debian's Chromium, headless, with the DevTools
// protocol's virtual authenticator (the WebAuthn domain) standing in for a
// phone or a security key. A case worker enrols a passkey from the account
// page and signs in with it alone, then with a password and the passkey as
// second factor (also once the organisation switched app codes off). The
// refusals are each attempted: the same passkey used through another origin
// (a phishing site relaying to nrm), a credential registered for another
// site, one nrm never registered, and a copy whose signature counter went
// back.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"net"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	cdpwebauthn "github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
	"github.com/nrmproject/nrm/webauthn"
)

func TestPasskeyBrowser(t *testing.T) {
	needChromium(t)
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		// A passkey is bound to a host name (never an IP address):
		// localhost, which browsers treat as a secure context.
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		base := "http://localhost:" + port
		rp, err := webauthn.New(webauthn.Config{PublicURL: base})
		if err != nil {
			t.Fatal(err)
		}
		a := testapp.NewOn(t, engine, service.Config{Passkeys: rp}, web.Options{}, ln)
		org := a.MustOrg(t, nrm.KindNGO)
		admin := a.MustUser(t, org, nrm.RoleAdmin)
		worker := a.MustUser(t, org, nrm.RoleCaseWorker)

		b := newChromium(t, base)
		auth := b.virtualAuthenticator(t)
		step := func(name string, f func(t *testing.T)) bool {
			a.Clock.Advance(90 * time.Second)
			return t.Run(name, f)
		}
		signOut := func(t *testing.T) {
			t.Helper()
			b.open(t, "/")
			b.submit(t, `form[action="/logout"] button`)
			if c := b.sessionCookie(t); c != nil {
				t.Fatalf("still signed in: %+v", c)
			}
		}
		var enrolled *cdpwebauthn.Credential

		if !step("enrols_a_passkey_from_the_account_page", func(t *testing.T) {
			b.signInFirstTime(t, a, worker)
			b.open(t, "/account")
			b.typeInto(t, "passkey-name", "work laptop")
			b.click(t, `button[data-passkey="create"]`)
			b.waitText(t, "#passkeys", "work laptop")
			creds := auth.credentials(t)
			if len(creds) != 1 || creds[0].RpID != "localhost" || !creds[0].IsResidentCredential {
				t.Fatalf("the authenticator holds %+v", creds)
			}
			enrolled = creds[0]
			enrolled.CmtgKeys, enrolled.ActiveCmtgKeyIndex = nil, nil // not kept by addCredential
		}) {
			t.FailNow()
		}
		step("signs_in_with_the_passkey_alone", func(t *testing.T) {
			signOut(t)
			b.open(t, "/login")
			b.click(t, `button[data-passkey="get"]`)
			b.waitLocation(t, base+"/")
			b.wantText(t, "main", "Welcome")
			if b.sessionCookie(t) == nil {
				t.Error("no session cookie")
			}
		})
		step("signs_in_with_a_password_and_the_passkey", func(t *testing.T) {
			signOut(t)
			b.passwordOnly(t, worker)
			b.click(t, `button[data-passkey="get"]`)
			b.waitLocation(t, base+"/")
			b.wantText(t, "main", "Welcome")
		})
		step("passkey_still_signs_in_when_the_organisation_switches_codes_off", func(t *testing.T) {
			st, err := a.Svc.SigninSettings(testapp.As(admin.Actor))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Svc.SetTOTPAllowed(testapp.As(admin.Actor), false, st.Version); err != nil {
				t.Fatal(err)
			}
			signOut(t)
			b.passwordOnly(t, worker)
			if n := b.count(t, `form[action="/login/code"]`); n != 0 {
				t.Error("the code form is offered though the organisation switched codes off")
			}
			b.click(t, `button[data-passkey="get"]`)
			b.waitLocation(t, base+"/")
		})
		step("new_user_of_a_passkeys_only_organisation_sets_up_a_passkey_first", func(t *testing.T) {
			signOut(t)
			newcomer := a.MustUser(t, org, nrm.RoleCaseWorker)
			b.open(t, "/login")
			b.typeInto(t, "email", newcomer.Email)
			b.typeInto(t, "password", newcomer.Password)
			b.submit(t, `form[action="/login"] button[type="submit"]`)
			if loc := b.location(t); loc != base+"/login/enrol" {
				t.Fatalf("after the password the browser is at %s", loc)
			}
			if n := b.count(t, `form[action="/login/enrol"]`); n != 0 {
				t.Error("an authenticator app is offered though the organisation switched codes off")
			}
			b.click(t, `button[data-passkey="create"]`)
			b.waitLocation(t, base+"/")
			b.wantText(t, "main", "Welcome")

			// Next time the password leads to the passkey, with no code to
			// type, even once the organisation takes codes again.
			st, _ := a.Svc.SigninSettings(testapp.As(admin.Actor))
			if _, err := a.Svc.SetTOTPAllowed(testapp.As(admin.Actor), true, st.Version); err != nil {
				t.Fatal(err)
			}
			signOut(t)
			b.passwordOnly(t, newcomer)
			if n := b.count(t, `form[action="/login/code"]`); n != 0 {
				t.Error("a code form is offered to a user who has only a passkey")
			}
			status, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`fetch('/login/code', {method: 'POST', body: new URLSearchParams({
				csrf: document.querySelector('input[name=csrf]').value, code: '123456'})}).then(r => r.status)`, chromedp.EvalAwaitPromise))
			if err != nil || status != 422 {
				t.Errorf("a code from a user without an app: status %d (%v), want 422", status, err)
			}
			b.click(t, `button[data-passkey="get"]`)
			b.waitLocation(t, base+"/")
		})
		step("refuses_the_passkey_used_through_another_origin", func(t *testing.T) {
			signOut(t)
			// A relay on another origin (a phishing site passing
			// everything on to nrm): same host name, so the browser offers
			// the passkey, but the signature names the relay's origin.
			target, _ := url.Parse(a.Server.URL)
			relay := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
			defer relay.Close()
			_, relayPort, _ := net.SplitHostPort(strings.TrimPrefix(relay.URL, "http://"))
			rb := &chromium{ctx: b.ctx, base: "http://localhost:" + relayPort}
			rb.open(t, "/login")
			rb.click(t, `button[data-passkey="get"]`)
			rb.waitText(t, "#passkey-status", "did not sign you in")
			if rb.sessionCookie(t) != nil {
				t.Error("the relay got a session")
			}
			wantPasskeyRefusal(t, a, "origin")
		})
		step("refuses_a_credential_registered_for_another_site", func(t *testing.T) {
			auth.clear(t)
			auth.add(t, newCredential(t, "phish.example", []byte(worker.ID), 0))
			b.open(t, "/login")
			b.click(t, `button[data-passkey="get"]`)
			b.waitText(t, "#passkey-status", "No passkey was used")
			if b.sessionCookie(t) != nil {
				t.Error("signed in with another site's credential")
			}
		})
		step("refuses_a_passkey_nrm_never_registered", func(t *testing.T) {
			auth.clear(t)
			auth.add(t, newCredential(t, "localhost", []byte(worker.ID), 0))
			b.open(t, "/login")
			b.click(t, `button[data-passkey="get"]`)
			b.waitText(t, "#passkey-status", "did not sign you in")
			if b.sessionCookie(t) != nil {
				t.Error("signed in with an unknown credential")
			}
			wantPasskeyRefusal(t, a, "unknown passkey")
		})
		step("refuses_a_copy_whose_signature_counter_went_back", func(t *testing.T) {
			auth.clear(t)
			back := *enrolled
			back.SignCount = 0 // the server has seen higher counts already
			auth.add(t, &back)
			b.open(t, "/login")
			b.click(t, `button[data-passkey="get"]`)
			b.waitText(t, "#passkey-status", "did not sign you in")
			if b.sessionCookie(t) != nil {
				t.Error("signed in with a counter that went back")
			}
			wantPasskeyRefusal(t, a, "counter went back")
		})
		step("the_real_passkey_signs_in_again", func(t *testing.T) {
			auth.clear(t)
			on := *enrolled
			on.SignCount = 1000
			auth.add(t, &on)
			b.open(t, "/login")
			b.click(t, `button[data-passkey="get"]`)
			b.waitLocation(t, base+"/")
		})
	})
}

// wantPasskeyRefusal checks the audit log's reason for the newest refused passkey sign-in.
func wantPasskeyRefusal(t *testing.T, a *testapp.App, reason string) {
	t.Helper()
	var detail string
	err := a.Store.Read(context.Background(), func(tx *sqlstore.Tx) error {
		es, err := tx.AuditEntries(context.Background(), nrm.AuditFilter{Action: "signin.passkey", Limit: 1})
		if len(es) == 1 {
			detail = es[0].Outcome + ": " + es[0].Detail
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(detail, "failed: ") || !strings.Contains(detail, reason) {
		t.Errorf("audited as %q, want a failure naming %q", detail, reason)
	}
}

// passwordOnly signs in with the password and stops at the second factor.
func (b *chromium) passwordOnly(t *testing.T, u testapp.User) {
	t.Helper()
	b.open(t, "/login")
	b.typeInto(t, "email", u.Email)
	b.typeInto(t, "password", u.Password)
	b.submit(t, `form[action="/login"] button[type="submit"]`)
	if loc := b.location(t); loc != b.base+"/login/code" {
		t.Fatalf("after the password the browser is at %s", loc)
	}
}

// waitText waits until the element says sub (the passkey script answers after a round trip).
func (b *chromium) waitText(t *testing.T, sel, sub string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := b.eval(t, `(document.querySelector(`+jsString(sel)+`) || {}).textContent || ''`)
		if strings.Contains(s, sub) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not say %q; it says %q (at %s)", sel, sub, s, b.location(t))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (b *chromium) waitLocation(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		loc, err := chromedp.Run(b.ctx, chromedp.Location())
		if err == nil && loc == want {
			chromedp.Do(b.ctx, chromedp.WaitReady("body"))
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the browser is at %s, not %s; the page says: %s", loc, want, b.eval(t, `document.body.innerText`))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type authenticator struct {
	b  *chromium
	id cdpwebauthn.AuthenticatorID
}

// virtualAuthenticator attaches a platform authenticator that keeps
// passkeys and verifies its user (as a fingerprint reader would).
func (b *chromium) virtualAuthenticator(t *testing.T) *authenticator {
	t.Helper()
	if _, err := chromedp.Call(b.ctx, cdpwebauthn.Enable, cdpwebauthn.EnableParams{}); err != nil {
		t.Fatalf("WebAuthn.enable: %v", err)
	}
	res, err := chromedp.Call(b.ctx, cdpwebauthn.AddVirtualAuthenticator, cdpwebauthn.AddVirtualAuthenticatorParams{
		Options: &cdpwebauthn.VirtualAuthenticatorOptions{Protocol: cdpwebauthn.AuthenticatorProtocolCtap2,
			Ctap2version: cdpwebauthn.Ctap2versionCtap21, Transport: cdpwebauthn.AuthenticatorTransportInternal,
			HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
			// cdproto always sends the credential's CMTG fields, which Chromium accepts only then.
			HasCmtgKey: true}})
	if err != nil {
		t.Fatalf("WebAuthn.addVirtualAuthenticator: %v", err)
	}
	return &authenticator{b: b, id: res.AuthenticatorID}
}

func (au *authenticator) credentials(t *testing.T) []*cdpwebauthn.Credential {
	t.Helper()
	res, err := chromedp.Call(au.b.ctx, cdpwebauthn.GetCredentials, cdpwebauthn.GetCredentialsParams{AuthenticatorID: au.id})
	if err != nil {
		t.Fatalf("WebAuthn.getCredentials: %v", err)
	}
	return res.Credentials
}

func (au *authenticator) clear(t *testing.T) {
	t.Helper()
	if _, err := chromedp.Call(au.b.ctx, cdpwebauthn.ClearCredentials, cdpwebauthn.ClearCredentialsParams{AuthenticatorID: au.id}); err != nil {
		t.Fatalf("WebAuthn.clearCredentials: %v", err)
	}
}

func (au *authenticator) add(t *testing.T, c *cdpwebauthn.Credential) {
	t.Helper()
	if _, err := chromedp.Call(au.b.ctx, cdpwebauthn.AddCredential, cdpwebauthn.AddCredentialParams{AuthenticatorID: au.id, Credential: c}); err != nil {
		t.Fatalf("WebAuthn.addCredential: %v", err)
	}
}

// newCredential is a passkey made outside nrm: a fresh P-256 key for rpID.
func newCredential(t *testing.T, rpID string, userHandle []byte, signCount float64) *cdpwebauthn.Credential {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &cdpwebauthn.Credential{CredentialID: id, IsResidentCredential: true, RpID: rpID, PrivateKey: der,
		UserHandle: userHandle, SignCount: signCount}
}
