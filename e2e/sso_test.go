package e2e

// Single sign-on against a real OpenID provider running in the test on
// loopback (github.com/zitadel/oidc's op package, over its in-memory
// example storage): the authorization code flow with PKCE, nonce and state,
// the admin's confirmation of a first sign-in, and each refusal attempted
// (a token for another audience, an expired token, a replayed token whose
// nonce is another sign-in's, a bad state, a replayed callback, a subject
// nobody confirmed, a group nobody mapped).

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/storage"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/oidc"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

const (
	opClientID     = "nrm"
	opClientSecret = "a-client-secret-for-the-test"
)

// provider is the in-test OpenID provider.
type provider struct {
	issuer string
	st     *opStorage
	srv    *httptest.Server

	mu     sync.Mutex
	who    string                      // the username that signs in at the provider next
	tamper func(idToken string) string // rewrites the ID token of the next token answer
	groups map[string][]string         // username → groups claim
	last   string                      // the last ID token issued
}

type opUsers struct{ users map[string]*storage.User }

func (u opUsers) GetUserByID(id string) *storage.User {
	for _, x := range u.users {
		if x.ID == id {
			return x
		}
	}
	return nil
}
func (u opUsers) GetUserByUsername(name string) *storage.User { return u.users[name] }
func (u opUsers) ExampleClientID() string                     { return "service" }

// opStorage is the example storage, with ID tokens that carry the user's
// profile, e-mail and groups.
type opStorage struct {
	*storage.Storage
	p *provider
}

type opClient struct{ op.Client }

func (opClient) IDTokenUserinfoClaimsAssertion() bool { return true }

func (s *opStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return opClient{c}, nil
}

func (s *opStorage) SetUserinfoFromRequest(ctx context.Context, info *zoidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	for name, g := range s.p.groups {
		if "sub-"+name == req.GetSubject() {
			info.AppendClaims("groups", g)
		}
	}
	return nil
}

func newProvider(t *testing.T, redirect string) *provider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{issuer: "http://" + ln.Addr().String(), groups: map[string][]string{}}
	users := opUsers{users: map[string]*storage.User{}}
	for _, u := range []struct{ name, first, email string }{
		{"ana", "Ana", "ana@shelter.example"}, {"boris", "Boris", "boris@shelter.example"}, {"eve", "Eve", "eve@elsewhere.example"},
	} {
		users.users[u.name] = &storage.User{ID: "sub-" + u.name, Username: u.name, Password: "pw-" + u.name, FirstName: u.first,
			LastName: "Tester", Email: u.email, EmailVerified: true, PreferredLanguage: language.English}
	}
	clients := map[string]*storage.Client{opClientID: storage.WebClient(opClientID, opClientSecret, redirect)}
	p.st = &opStorage{Storage: storage.NewStorageWithClients(users, clients), p: p}
	provider, err := op.NewProvider(&op.Config{CryptoKey: sha256.Sum256([]byte("test")), CodeMethodS256: true},
		p.st, op.StaticIssuer(p.issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	// The provider's own sign-in page: the test's user signs in there at once.
	mux.HandleFunc("/login/username", func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("authRequestID")
		p.mu.Lock()
		who := p.who
		p.mu.Unlock()
		if err := p.st.CheckUsernamePassword(who, "pw-"+who, id); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		http.Redirect(w, r, op.AuthCallbackURL(provider)(r.Context(), id), http.StatusFound)
	})
	mux.Handle("/", provider)
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth/token" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var answer map[string]any
		if rec.Code == http.StatusOK && json.Unmarshal(body, &answer) == nil {
			p.mu.Lock()
			if tok, ok := answer["id_token"].(string); ok {
				if p.tamper != nil {
					answer["id_token"] = p.tamper(tok)
				} else {
					p.last = tok
				}
				body, _ = json.Marshal(answer)
			}
			p.mu.Unlock()
		}
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	p.srv.Listener.Close()
	p.srv.Listener = ln
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	return p
}

// resign rewrites an ID token's claims and signs it again with the
// provider's own key: a token the provider really issued, only different.
func (p *provider) resign(t *testing.T, change func(claims map[string]any)) func(string) string {
	return func(tok string) string {
		parts := strings.Split(tok, ".")
		raw, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Errorf("ID token payload: %v", err)
			return tok
		}
		var claims map[string]any
		json.Unmarshal(raw, &claims)
		change(claims)
		key, err := p.st.SigningKey(context.Background())
		if err != nil {
			t.Errorf("signing key: %v", err)
			return tok
		}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: key.SignatureAlgorithm(), Key: jose.JSONWebKey{Key: key.Key(), KeyID: key.ID()}},
			(&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			t.Errorf("signer: %v", err)
			return tok
		}
		payload, _ := json.Marshal(claims)
		jws, err := signer.Sign(payload)
		if err != nil {
			t.Errorf("sign: %v", err)
			return tok
		}
		out, _ := jws.CompactSerialize()
		return out
	}
}

func (p *provider) set(who string, tamper func(string) string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.who, p.tamper = who, tamper
}

// browser follows redirects across nrm and the provider, keeping each
// host's cookies (nrm's are Secure: carried by hand over http://).
type ssoBrowser struct {
	t       *testing.T
	client  *http.Client
	cookies map[string]map[string]string
	trail   []*url.URL // every URL visited by the last walk
}

func newSSOBrowser(t *testing.T) *ssoBrowser {
	return &ssoBrowser{t: t, cookies: map[string]map[string]string{},
		client: &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type ssoPage struct {
	Status int
	Body   string
	URL    *url.URL
	Set    []*http.Cookie // cookies nrm set on the last answer
}

// walk GETs u and follows redirects until stop says so (before asking for
// that URL) or an answer is not a redirect.
func (b *ssoBrowser) walk(u string, stop func(*url.URL) bool) ssoPage {
	b.t.Helper()
	b.trail = nil
	var last ssoPage // the last answer, and every cookie set on the way
	for hop := 0; hop < 15; hop++ {
		next, err := url.Parse(u)
		if err != nil {
			b.t.Fatal(err)
		}
		b.trail = append(b.trail, next)
		if stop != nil && stop(next) {
			last.URL = next
			return last
		}
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		for k, v := range b.cookies[next.Host] {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		resp, err := b.client.Do(req)
		if err != nil {
			b.t.Fatalf("GET %s: %v", next.Path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if b.cookies[next.Host] == nil {
			b.cookies[next.Host] = map[string]string{}
		}
		for _, c := range resp.Cookies() {
			if c.MaxAge < 0 {
				delete(b.cookies[next.Host], c.Name)
			} else {
				b.cookies[next.Host][c.Name] = c.Value
			}
		}
		loc := resp.Header.Get("Location")
		last = ssoPage{Status: resp.StatusCode, Body: string(body), URL: next, Set: append(last.Set, resp.Cookies()...)}
		if resp.StatusCode/100 != 3 || loc == "" {
			return last
		}
		to, err := next.Parse(loc)
		if err != nil {
			b.t.Fatal(err)
		}
		u = to.String()
	}
	b.t.Fatal("too many redirects")
	return ssoPage{}
}

func sessionOf(p ssoPage) string {
	for _, c := range p.Set {
		if c.Name == web.CookieName && c.MaxAge >= 0 && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

func TestSingleSignOn(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := "http://" + ln.Addr().String()
		p := newProvider(t, base+"/login/oidc/callback")
		idp, err := oidc.New(context.Background(), oidc.Config{Issuer: p.issuer, ClientID: opClientID, ClientSecret: opClientSecret,
			RedirectURL: base + "/login/oidc/callback", Name: "Ministry ID"})
		if err != nil {
			t.Fatal(err)
		}
		a := testapp.NewOn(t, engine, service.Config{OIDC: idp}, web.Options{}, ln)
		org := a.MustOrg(t, nrm.KindShelter)
		admin := a.MustUser(t, org, nrm.RoleAdmin)
		p.groups["ana"] = []string{"shelter-staff"}
		p.groups["boris"] = []string{"shelter-staff"}
		p.groups["eve"] = []string{"someone-else"}
		if _, err := a.Svc.AddSSOMapping(testapp.System(), org.ID, p.issuer,
			nrm.SSOMappingInput{Claim: "groups", Value: "shelter-staff", Role: string(nrm.RoleCaseWorker)}); err != nil {
			t.Fatal(err)
		}
		b := newSSOBrowser(t)
		home := func(u *url.URL) bool { return u.Host == ln.Addr().String() && u.Path == "/" }
		signIn := func(who string, tamper func(string) string) ssoPage {
			p.set(who, tamper)
			return b.walk(base+"/login/oidc", home)
		}
		// lastRefusal is the reason the audit log gives for the newest refused sign-in.
		lastRefusal := func(t *testing.T) string {
			t.Helper()
			var detail string
			err := a.Store.Read(context.Background(), func(tx *sqlstore.Tx) error {
				es, err := tx.AuditEntries(context.Background(), nrm.AuditFilter{Action: "signin.oidc", Limit: 1})
				if len(es) == 1 {
					detail = es[0].Outcome + ": " + es[0].Detail
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return detail
		}
		wantReason := func(t *testing.T, reason string) {
			t.Helper()
			if got := lastRefusal(t); !strings.Contains(got, reason) {
				t.Errorf("audited as %q, want %q", got, reason)
			}
		}
		wantRefused := func(t *testing.T, pg ssoPage, status int, says string) {
			t.Helper()
			if pg.Status != status || !strings.Contains(pg.Body, says) {
				t.Errorf("status %d, want %d saying %q:\n%s", pg.Status, status, says, pg.Body)
			}
			if sessionOf(pg) != "" {
				t.Errorf("a session cookie was set: %v", pg.Set)
			}
		}

		t.Run("sign_in_page_offers_the_provider_and_the_password", func(t *testing.T) {
			pg := b.walk(base+"/login", nil)
			for _, s := range []string{`href="/login/oidc"`, "Sign in with Ministry ID", `name="password"`} {
				if !strings.Contains(pg.Body, s) {
					t.Errorf("the sign-in page lacks %s", s)
				}
			}
		})
		t.Run("first_sign_in_waits_for_the_administrator", func(t *testing.T) {
			wantRefused(t, signIn("ana", nil), http.StatusAccepted, "Waiting for your administrator")
			reqs, err := a.Svc.SSORequests(testapp.As(admin.Actor))
			if err != nil || len(reqs) != 1 || reqs[0].Email != "ana@shelter.example" || reqs[0].Role != nrm.RoleCaseWorker {
				t.Fatalf("pending requests %+v, %v", reqs, err)
			}
		})
		t.Run("unconfirmed_user_is_refused_again", func(t *testing.T) {
			wantRefused(t, signIn("ana", nil), http.StatusAccepted, "Waiting for your administrator")
			wantReason(t, "denied: waiting for an administrator")
			if reqs, _ := a.Svc.SSORequests(testapp.As(admin.Actor)); len(reqs) != 1 {
				t.Errorf("%d requests: a second sign-in must not add one", len(reqs))
			}
		})
		t.Run("unmapped_group_is_refused", func(t *testing.T) {
			wantRefused(t, signIn("eve", nil), http.StatusForbidden, "no organisation in nrm has set up sign-in for your group")
			wantReason(t, "denied: no organisation maps this sign-in")
		})
		t.Run("only_an_admin_of_the_organisation_confirms", func(t *testing.T) {
			reqs, _ := a.Svc.SSORequests(testapp.As(admin.Actor))
			other := a.MustUser(t, a.MustOrg(t, nrm.KindShelter), nrm.RoleAdmin)
			if _, err := a.Svc.DecideSSORequest(testapp.As(other.Actor), reqs[0].ID, true); nrm.ErrorCode(err) != nrm.CodeNotFound {
				t.Errorf("another organisation's admin: %v, want not found", err)
			}
			worker := a.MustUser(t, org, nrm.RoleCaseWorker)
			if _, err := a.Svc.DecideSSORequest(testapp.As(worker.Actor), reqs[0].ID, true); nrm.ErrorCode(err) != nrm.CodeForbidden {
				t.Errorf("a case worker: %v, want forbidden", err)
			}
		})
		var firstToken string
		t.Run("confirmed_user_signs_in_with_PKCE_nonce_and_state", func(t *testing.T) {
			reqs, _ := a.Svc.SSORequests(testapp.As(admin.Actor))
			if _, err := a.Svc.DecideSSORequest(testapp.As(admin.Actor), reqs[0].ID, true); err != nil {
				t.Fatal(err)
			}
			pg := signIn("ana", nil)
			authorize := b.trail[1].Query()
			if authorize.Get("code_challenge_method") != "S256" || len(authorize.Get("code_challenge")) < 43 ||
				len(authorize.Get("nonce")) < 40 || len(authorize.Get("state")) < 40 {
				t.Errorf("the authorization request lacks PKCE, nonce or state: %v", authorize)
			}
			sess := sessionOf(pg)
			if pg.Status != http.StatusSeeOther || sess == "" {
				t.Fatalf("status %d, cookies %v:\n%s", pg.Status, pg.Set, pg.Body)
			}
			home := b.walk(base+"/", nil)
			if home.Status != http.StatusOK || !strings.Contains(home.Body, "Ana Tester") {
				t.Errorf("home page %d:\n%.400s", home.Status, home.Body)
			}
			p.mu.Lock()
			firstToken = p.last
			p.mu.Unlock()
		})
		t.Run("token_for_another_audience_is_refused", func(t *testing.T) {
			wantRefused(t, signIn("ana", p.resign(t, func(c map[string]any) { c["aud"] = []string{"another-app"}; c["azp"] = "another-app" })),
				http.StatusUnauthorized, "Single sign-on failed")
			wantReason(t, "failed: oidc: the ID token is for another audience")
		})
		t.Run("expired_token_is_refused", func(t *testing.T) {
			past := time.Now().Add(-2 * time.Hour).Unix()
			wantRefused(t, signIn("ana", p.resign(t, func(c map[string]any) { c["iat"], c["exp"] = past, past+600 })),
				http.StatusUnauthorized, "Single sign-on failed")
			wantReason(t, "failed: oidc: the ID token has expired")
		})
		t.Run("replayed_token_with_another_sign_ins_nonce_is_refused", func(t *testing.T) {
			if firstToken == "" {
				t.Skip("no token from the sign-in above")
			}
			wantRefused(t, signIn("ana", func(string) string { return firstToken }), http.StatusUnauthorized, "Single sign-on failed")
			wantReason(t, "failed: oidc: the ID token's nonce is not this sign-in's")
		})
		t.Run("bad_state_is_refused", func(t *testing.T) {
			p.set("ana", nil)
			at := b.walk(base+"/login/oidc", func(u *url.URL) bool { return u.Path == "/login/oidc/callback" })
			q := at.URL.Query()
			q.Set("state", "not-the-state-nrm-sent")
			at.URL.RawQuery = q.Encode()
			wantRefused(t, b.walk(at.URL.String(), nil), http.StatusUnauthorized, "Single sign-on failed")
			wantReason(t, "failed: the state is not this sign-in's")
		})
		t.Run("replayed_callback_is_refused", func(t *testing.T) {
			p.set("ana", nil)
			at := b.walk(base+"/login/oidc", func(u *url.URL) bool { return u.Path == "/login/oidc/callback" })
			flow := b.cookies[at.URL.Host]["__Host-nrm-flow"]
			if pg := b.walk(at.URL.String(), home); sessionOf(pg) == "" {
				t.Fatalf("the first use did not sign in: %d", pg.Status)
			}
			b.cookies[at.URL.Host]["__Host-nrm-flow"] = flow // the same browser state again
			wantRefused(t, b.walk(at.URL.String(), nil), http.StatusUnauthorized, "Single sign-on failed")
			wantReason(t, "failed: the sign-in was used already or is unknown")
		})
		t.Run("refused_request_gives_no_session", func(t *testing.T) {
			wantRefused(t, signIn("boris", nil), http.StatusAccepted, "Waiting for your administrator")
			reqs, _ := a.Svc.SSORequests(testapp.As(admin.Actor))
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			if _, err := a.Svc.DecideSSORequest(testapp.As(admin.Actor), reqs[0].ID, false); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Svc.DecideSSORequest(testapp.As(admin.Actor), reqs[0].ID, true); nrm.ErrorCode(err) != nrm.CodeConflict {
				t.Errorf("confirming a refused request: %v, want a conflict", err)
			}
			wantRefused(t, signIn("boris", nil), http.StatusAccepted, "Waiting for your administrator")
		})
		t.Run("password_sign_in_stays", func(t *testing.T) {
			u := a.MustUser(t, org, nrm.RoleCaseWorker)
			if _, err := a.Svc.SignIn(context.Background(), u.Email, u.Password, "192.0.2.9"); err != nil {
				t.Errorf("password sign-in: %v", err)
			}
		})
	})
}
