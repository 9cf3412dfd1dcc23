package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/oidc"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/webauthn"
)

// signinNames are the serve flags of single sign-on.
type signinNames struct {
	issuer, clientID, clientSecret, name string
	addr                                 string // serve's --addr, for the passkeys' origin on loopback
}

func signinFlags(fs *flag.FlagSet, c *common) {
	fs.StringVar(&c.signin.issuer, "oidc-issuer", os.Getenv("NRM_OIDC_ISSUER"), "OpenID Connect issuer URL staff sign in at (empty: no single sign-on)")
	fs.StringVar(&c.signin.clientID, "oidc-client-id", os.Getenv("NRM_OIDC_CLIENT_ID"), "nrm's client id at the provider")
	// Prefer the environment for the secret: flags show in the process list.
	fs.StringVar(&c.signin.clientSecret, "oidc-client-secret", os.Getenv("NRM_OIDC_CLIENT_SECRET"), "nrm's client secret at the provider")
	fs.StringVar(&c.signin.name, "oidc-name", os.Getenv("NRM_OIDC_NAME"), "the provider's name on the sign-in button")
}

// publicOrigin is where browsers reach nrm: --public-url, or on a loopback
// address http://localhost:PORT (a passkey needs a host name, never an IP).
func publicOrigin(c common) string {
	if c.instance.url != "" {
		return strings.TrimRight(c.instance.url, "/")
	}
	if u := os.Getenv("NRM_PUBLIC_URL"); u != "" {
		return strings.TrimRight(u, "/")
	}
	host, port, err := net.SplitHostPort(c.signin.addr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		return "http://localhost:" + port
	}
	return ""
}

// checkSigninFlags refuses an incomplete single sign-on set-up before
// anything is written.
func checkSigninFlags(c common) error {
	s := c.signin
	if s.issuer == "" {
		if s.clientID != "" || s.clientSecret != "" {
			return usagef("serve: --oidc-client-id and --oidc-client-secret need --oidc-issuer")
		}
		return nil
	}
	if s.clientID == "" || s.clientSecret == "" {
		return usagef("serve: --oidc-issuer needs --oidc-client-id and --oidc-client-secret (or NRM_OIDC_CLIENT_ID, NRM_OIDC_CLIENT_SECRET)")
	}
	if publicOrigin(c) == "" {
		return usagef("serve: --oidc-issuer needs --public-url: the provider sends browsers back to it")
	}
	return nil
}

// signinConfig wires the provider and the passkeys' relying party (serve only).
// Passkeys need a host name: at an IP address they are off, and said so.
func signinConfig(ctx context.Context, c common, cfg *service.Config, log *slog.Logger) error {
	if origin := publicOrigin(c); origin != "" && c.signin.addr != "" {
		rp, err := webauthn.New(webauthn.Config{PublicURL: origin, DisplayName: "nrm"})
		if err != nil {
			log.Warn("passkeys are off: they need --public-url with a host name", "error", err.Error())
		} else {
			cfg.Passkeys = rp
		}
	}
	s := c.signin
	if s.issuer == "" {
		return nil
	}
	if err := checkSigninFlags(c); err != nil {
		return err
	}
	origin := publicOrigin(c)
	p, err := oidc.New(ctx, oidc.Config{Issuer: s.issuer, ClientID: s.clientID, ClientSecret: s.clientSecret,
		RedirectURL: origin + "/login/oidc/callback", Name: s.name})
	if err != nil {
		return err
	}
	cfg.OIDC = p
	return nil
}

// nrm sso map --org ORG --claim C --value V --role ROLE [--issuer URL]:
// routes first sign-ins whose claim holds the value to ORG's admins.
func cmdSSOMap(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := newFlags("sso map", &c)
	org := fs.String("org", "", "the organisation's id")
	issuer := fs.String("issuer", os.Getenv("NRM_OIDC_ISSUER"), "the provider's issuer URL")
	claim := fs.String("claim", "groups", "the claim to match (groups, email_domain...)")
	value := fs.String("value", "", "the claim's value")
	role := fs.String("role", "", "the role a confirmed user gets")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "org", "issuer", "value", "role"); err != nil {
		return err
	}
	if !nrm.Role(*role).Valid() {
		return usagef("sso map: --role: unknown role %q", *role)
	}
	return withApp(ctx, c, func(a *app) error {
		m, err := a.svc.AddSSOMapping(systemCtx(ctx), *org, *issuer, nrm.SSOMappingInput{Claim: *claim, Value: *value, Role: *role})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, m.ID)
		return nil
	})
}
