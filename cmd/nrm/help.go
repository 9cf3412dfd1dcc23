package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/mail"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/web"
)

// helpNames are serve's flags for the public help page and e-mail.
type helpNames struct {
	org  string // --help-org: the organisation whose inbox takes self-referrals
	smtp string // --smtp-url: where notification mails go out ("" none)
}

func helpFlags(fs *flag.FlagSet, c *common) {
	fs.StringVar(&c.help.org, "help-org", os.Getenv("NRM_HELP_ORG"),
		"the organisation (id) whose inbox takes messages from the public help page /help (empty: the page offers no form)")
	fs.StringVar(&c.help.smtp, "smtp-url", os.Getenv("NRM_SMTP_URL"),
		"send notification mails: smtp://user:pass@host:587?from=nrm@example.org (STARTTLS when offered) or smtps://... (empty: none)")
}

// checkHelpFlags refuses a bad --smtp-url before anything is opened.
func checkHelpFlags(c common) error {
	var cfg service.Config
	return helpConfig(c, &cfg)
}

// helpConfig puts the help organisation and the mailer in the service's
// configuration. A bad SMTP URL is a usage error that names the flag but
// never repeats the URL (it holds the password).
func helpConfig(c common, cfg *service.Config) error {
	cfg.HelpOrg = c.help.org
	cfg.PublicURL = c.instance.url
	if cfg.PublicURL == "" {
		cfg.PublicURL = os.Getenv("NRM_PUBLIC_URL")
	}
	if c.help.smtp == "" {
		return nil
	}
	m, err := mail.Parse(c.help.smtp)
	if err != nil {
		return usagef("serve: --smtp-url: %v", err)
	}
	if cfg.PublicURL == "" {
		return usagef("serve: --smtp-url needs --public-url (NRM_PUBLIC_URL): mails link to it")
	}
	cfg.Mailer = m
	cfg.MailText = web.MailText
	return nil
}

// checkHelpOrg stops the start when --help-org names no organisation.
func checkHelpOrg(ctx context.Context, a *app, c common) error {
	if err := a.svc.CheckHelpOrg(ctx); err != nil {
		if nrm.ErrorCode(err) == nrm.CodeNotFound {
			return usagef("serve: --help-org: no organisation with id %q", c.help.org)
		}
		return err
	}
	return nil
}

// sendMail sends the mail outbox and warns of clocks falling due, now and
// then, until ctx ends.
func (a *app) sendMail(ctx context.Context, log *slog.Logger, mailer string) {
	every := 10 * time.Second
	if d, err := time.ParseDuration(os.Getenv("NRM_MAIL_INTERVAL")); err == nil && d > 0 {
		every = d
	}
	log.Info("mail: notifications on", "server", mailer, "every", every.String())
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := a.svc.WarnDueClocks(ctx); err != nil && ctx.Err() == nil {
			log.Warn("mail: clock warnings", "error", nrm.AsError(err).Cause)
		}
		if _, err := a.svc.DeliverMail(ctx); err != nil && ctx.Err() == nil {
			log.Warn("mail: sending", "error", nrm.AsError(err).Cause)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// smtpServer names the SMTP server for the log, without the password.
func smtpServer(c common) string {
	m, err := mail.Parse(c.help.smtp)
	if err != nil {
		return ""
	}
	return m.String()
}
