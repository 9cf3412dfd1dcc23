// Package service is the one place where nrm decides who may do what. Every
// read and write of a case goes through it: it takes the actor from the
// context, asks the policy (nrm.Can), seals and opens personal data with the
// keyring, and records the access in the audit log. Handlers never reach the
// store directly.
package service

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
	"github.com/nrmproject/nrm/framework"
	"github.com/nrmproject/nrm/jurisdiction"
	"github.com/nrmproject/nrm/keyring"
	"github.com/nrmproject/nrm/screening"
)

// Config holds the service's tunables; zero values take the defaults.
type Config struct {
	SessionIdle     time.Duration // sign-out after this long without a request (default 30m)
	SessionAbsolute time.Duration // sign-out this long after sign-in, whatever happens (default 12h)
	Issuer          string        // name shown in authenticator apps (default "nrm")
	// Profile is the deployment's jurisdiction profile: its decision steps
	// and clocks apply to new cases (default: the Council of Europe minimum).
	Profile jurisdiction.Profile
	// Profiles are further profiles, for cases opened under them before.
	Profiles []jurisdiction.Profile
	// Indicators are the screening indicator sets (default: the ILO/EC sets).
	Indicators *screening.Catalog
	// AuditGroupWait is how long a group commit of read entries waits for
	// more reads when reads arrive concurrently (default 1ms; negative: never
	// waits). Each read still answers only once its entry is committed.
	AuditGroupWait time.Duration
	// Exchange is the instance's identity for transnational referral.
	Exchange ExchangeConfig
	// Frameworks are the frameworks of country assessments (default: the
	// built-in ones; cmd/nrm adds those of DATA/frameworks).
	Frameworks []nrm.Framework
	// OIDC is the OpenID provider staff may sign in with (nil: none).
	OIDC IdentityProvider
	// Passkeys verifies WebAuthn ceremonies (nil: passkeys are off).
	Passkeys PasskeyVerifier
	// Help without an account and e-mail notifications (service/help.go,
	// service/mail.go): the organisation whose inbox takes self-referrals
	// ("": the help page offers no form), the mailer ("": none is sent,
	// none is queued) and the address links in mails start with.
	HelpOrg   string
	Mailer    Mailer
	PublicURL string
	MailRetry time.Duration // first pause after a failed send (default 30s)
	// MailText words a mail of a kind in a language, with its link (web's
	// catalogues; nil: English).
	MailText func(lang, kind, link string) (subject, body string)
}

// Service is nrm's application layer. It is safe for concurrent use.
type Service struct {
	store     Store
	keys      *keyring.Keyring
	log       *slog.Logger
	cfg       Config
	throttle  *throttle
	signer    *auditlog.Signer
	committer *committer
	tokens    *tokenCache // API tokens recently resolved (tokencheck.go)
	// nameRefusals counts the texts of trial monitors refused for naming a
	// person of the case files (trials.go), so the check is no oracle.
	nameRefusals *throttle
	work         signinWork    // what sign-ins did (password.go)
	helpFlood    *helpThrottle // self-referrals per visitor and in all (help.go)
}

// New wires the service. The logger must never receive personal data.
// Close it to flush the audit log's last batch.
func New(store Store, keys *keyring.Keyring, log *slog.Logger, cfg Config) (*Service, error) {
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 30 * time.Minute
	}
	if cfg.SessionAbsolute == 0 {
		cfg.SessionAbsolute = 12 * time.Hour
	}
	if cfg.AuditGroupWait == 0 {
		cfg.AuditGroupWait = time.Millisecond
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "nrm"
	}
	if cfg.Profile.ID == "" {
		cfg.Profile = jurisdiction.Default()
	}
	if cfg.Indicators == nil {
		cfg.Indicators = screening.Default()
	}
	if cfg.Frameworks == nil {
		cfg.Frameworks = framework.Builtin()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	signer, err := auditlog.NewSigner(AuditOrigin(keys.PublicKey()), keys.SigningKey())
	if err != nil {
		return nil, fmt.Errorf("audit signer: %w", err)
	}
	s := &Service{keys: keys, log: log, cfg: cfg, throttle: newThrottle(), signer: signer, tokens: newTokenCache(),
		nameRefusals: newThrottleOf(trialNameRefusals), helpFlood: newHelpThrottle()}
	s.store = confirmingStore{Store: store, s: s}
	s.committer = newCommitter(s, cfg.AuditGroupWait)
	return s, nil
}

// Close flushes the audit log and stops accepting reads.
func (s *Service) Close() { s.committer.close() }

// AuditVerifierKey is the note verifier key of this instance's checkpoints,
// to give to partners who hold them.
func (s *Service) AuditVerifierKey() string { return s.signer.VerifierKey() }

// AuditSigner verifies checkpoints (nrm audit verify).
func (s *Service) AuditSigner() *auditlog.Signer { return s.signer }

// Today is the civil date by the store's clock.
func (s *Service) Today() nrm.Date { return nrm.DateOf(s.store.Now()) }

// actor returns the caller, or 401 for an anonymous context.
func actor(ctx context.Context) (nrm.Actor, error) {
	a, ok := nrm.ActorFrom(ctx)
	if !ok || (a.UserID == "" && !a.System) {
		return nrm.Actor{}, nrm.Unauthorized("sign-in required")
	}
	return a, nil
}

// system requires the operator at the command line.
func system(ctx context.Context) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if !a.System {
		return nrm.Forbidden("only the operator may do this")
	}
	return nil
}

// allow checks the policy for an action that is not about one case.
func (s *Service) allow(ctx context.Context, act nrm.Action) (nrm.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return a, err
	}
	if !nrm.Can(a, act, nrm.Access{Relation: nrm.RelNone}) {
		err := s.deny(ctx, a, act, "", nrm.Forbidden("your role may not do this"))
		s.recordDenial(ctx, err)
		return a, err
	}
	return a, nil
}

// Profile is the deployment's jurisdiction profile.
func (s *Service) Profile() jurisdiction.Profile { return s.cfg.Profile }

// Indicators are the screening indicator sets.
func (s *Service) Indicators() *screening.Catalog { return s.cfg.Indicators }

// profileOf returns the profile a case was opened under.
func (s *Service) profileOf(c nrm.Case) jurisdiction.Profile {
	if c.Profile == "" || c.Profile == s.cfg.Profile.ID {
		return s.cfg.Profile
	}
	for _, p := range s.cfg.Profiles {
		if p.ID == c.Profile {
			return p
		}
	}
	if p, err := jurisdiction.Get(c.Profile); err == nil {
		return p
	}
	return s.cfg.Profile
}
