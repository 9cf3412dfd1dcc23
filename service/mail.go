package service

// E-mail notifications. A mail is queued in the transaction of what causes
// it (a referral, a self-referral, a clock falling due), so none is sent
// for what did not happen and none is lost for what did; DeliverMail sends
// the queue, any process may run it (each mail is claimed once). A mail
// names the kind of thing and a link, never a person, a case reference or
// the text of a self-referral.

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
)

// Mailer sends one plain-text mail (package mail is the SMTP one).
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

const (
	mailLease       = 2 * time.Minute
	mailBatch       = 16
	mailMaxAttempts = 40 // then it is given up, with its last error kept
	mailRetryMax    = time.Hour
)

// queueMail queues a mail of kind to every active user of org that may
// (the action the mail is about); nothing when no mailer is configured.
func (s *Service) queueMail(ctx context.Context, tx Tx, orgID, kind, link string, may func(nrm.Actor) bool) error {
	if s.cfg.Mailer == nil {
		return nil
	}
	o, err := tx.Org(ctx, orgID)
	if err != nil {
		return err
	}
	users, err := tx.Users(ctx, orgID)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Disabled || !may(nrm.Actor{UserID: u.ID, OrgID: o.ID, OrgKind: o.Kind, Role: u.Role}) {
			continue
		}
		if err := tx.InsertMail(ctx, nrm.MailItem{ID: nrm.NewID(), UserID: u.ID, Kind: kind, Link: link,
			Status: nrm.OutboxPending, NextAttemptAt: tx.Time(), CreatedAt: tx.Time()}); err != nil {
			return err
		}
	}
	return nil
}

// mailText is the subject and body of a mail of kind in the recipient's
// language: generic by design.
func (s *Service) mailText(lang, kind, link string) (string, string) {
	url := strings.TrimRight(s.cfg.PublicURL, "/") + link
	if s.cfg.MailText != nil {
		return s.cfg.MailText(lang, kind, url)
	}
	return MailTextEnglish(kind, url)
}

// MailSentences are the English sentences of each kind of mail.
var MailSentences = map[string]string{
	nrm.MailReferral:     "A referral is waiting for your organisation's answer.",
	nrm.MailSelfReferral: "A message came in through the public help page.",
	nrm.MailClockDue:     "A deadline of one of your cases falls due soon.",
	nrm.MailFollowUpDue:  "A follow-up of a co-ordination event falls due soon.",
}

// MailTextEnglish is a mail in English, for a deployment without catalogues.
func MailTextEnglish(kind, url string) (string, string) {
	body := MailSentences[kind] + "\r\n\r\nSign in to see it:\r\n" + url + "\r\n\r\n" +
		"This mail holds no details on purpose. Do not forward it.\r\n"
	return "nrm: something is waiting for you", body
}

// DeliverMail sends the mails due now and reports how many went out.
func (s *Service) DeliverMail(ctx context.Context) (int, error) {
	if s.cfg.Mailer == nil {
		return 0, nil
	}
	ctx = nrm.WithActor(context.WithoutCancel(ctx), nrm.SystemActor)
	sent := 0
	for {
		var items []nrm.MailItem
		to := map[string]nrm.UserRecord{}
		err := s.store.Write(ctx, func(tx Tx) error {
			var err error
			if items, err = tx.ClaimMail(ctx, tx.Time(), tx.Time().Add(mailLease), mailBatch); err != nil {
				return err
			}
			for _, it := range items {
				u, err := tx.User(ctx, it.UserID)
				if err != nil && nrm.ErrorCode(err) != nrm.CodeNotFound {
					return err
				}
				to[it.ID] = u
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
		for _, it := range items {
			ok, err := s.sendOne(ctx, it, to[it.ID])
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
		if len(items) < mailBatch {
			return sent, nil
		}
	}
}

func (s *Service) sendOne(ctx context.Context, it nrm.MailItem, u nrm.UserRecord) (bool, error) {
	var serr error
	if u.ID == "" || u.Disabled || u.Email == "" {
		serr = errNoRecipient
	} else {
		subject, body := s.mailText(u.Lang, it.Kind, it.Link)
		sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		serr = s.cfg.Mailer.Send(sctx, u.Email, subject, body)
		cancel()
	}
	status, next, last := nrm.OutboxDelivered, time.Time{}, ""
	if serr != nil {
		status, last = nrm.OutboxPending, serr.Error()
		if serr == errNoRecipient || it.Attempts >= mailMaxAttempts {
			status = nrm.OutboxRefused
		}
	}
	err := s.store.Write(ctx, func(tx Tx) error {
		if status == nrm.OutboxPending {
			next = tx.Time().Add(s.mailBackoff(it.Attempts))
		}
		err := tx.SettleMail(ctx, it.ID, status, next, last)
		if nrm.ErrorCode(err) == nrm.CodeConflict {
			return nil
		}
		return err
	})
	if serr != nil {
		// The mail's id and kind only: never the address.
		s.log.LogAttrs(ctx, slog.LevelWarn, "mail: not sent", slog.String("mail", it.ID), slog.String("kind", it.Kind),
			slog.Int("attempts", it.Attempts), slog.String("status", status), slog.String("error", last))
	}
	return status == nrm.OutboxDelivered && err == nil, err
}

var errNoRecipient = &nrm.Error{Code: nrm.CodeNotFound, Message: "the recipient has no active account"}

func (s *Service) mailBackoff(n int) time.Duration {
	d := s.cfg.MailRetry
	if d <= 0 {
		d = 30 * time.Second
	}
	for i := 1; i < n && d < mailRetryMax; i++ {
		d *= 2
	}
	return min(d, mailRetryMax)
}

// MailQueue lists the mail outbox (operator only; tests).
func (s *Service) MailQueue(ctx context.Context) ([]nrm.MailItem, error) {
	if err := system(ctx); err != nil {
		return nil, err
	}
	var out []nrm.MailItem
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.MailOutbox(ctx)
		return err
	})
	return out, err
}

// WarnDueClocks queues a mail for every clock that entered its warning
// period (nrm.ClockWarningDays), once per clock and due date: the
// database's key decides, also with several processes. The mail goes to
// the users of the case's organisation who may read the clock's
// compartment. It reports how many clocks it warned of.
func (s *Service) WarnDueClocks(ctx context.Context) (int, error) {
	if s.cfg.Mailer == nil {
		return 0, nil
	}
	ctx = nrm.WithActor(context.WithoutCancel(ctx), nrm.SystemActor)
	warned := 0
	err := s.store.Write(ctx, func(tx Tx) error {
		today := nrm.DateOf(tx.Time())
		clocks, err := tx.ClocksToWarn(ctx, today, today.AddDays(maxWarningDays), 1000)
		if err != nil {
			return err
		}
		for _, c := range clocks {
			if c.Due.After(today.AddDays(nrm.ClockWarningDays(c.Kind))) {
				continue
			}
			first, err := tx.MarkClockWarned(ctx, c.Deadline)
			if err != nil {
				return err
			}
			if !first {
				continue
			}
			comp := nrm.DeadlineCompartment(c.Kind)
			if err := s.queueMail(ctx, tx, c.OrgID, nrm.MailClockDue, "/due", func(a nrm.Actor) bool {
				own := nrm.Readable(a, nrm.Access{Relation: nrm.RelOwner, Scope: nrm.FullScope})
				return nrm.Can(a, nrm.ActDeadlines, nrm.Access{}) && (comp == "" || own.Has(comp))
			}); err != nil {
				return err
			}
			warned++
		}
		n, err := s.warnFollowUps(ctx, tx, today)
		warned += n
		return err
	})
	return warned, err
}

// followUpWarningDays: a co-ordination follow-up is told a week ahead.
const followUpWarningDays = 7

// warnFollowUps queues a mail for every open follow-up of an event that is
// due within followUpWarningDays, once per follow-up and due date (the
// clock_warnings key, with the event in place of the case), to the users of
// its owner and of the recording organisation who may mark it done.
func (s *Service) warnFollowUps(ctx context.Context, tx Tx, today nrm.Date) (int, error) {
	items, err := tx.OpenFollowUps(ctx, "", today.AddDays(followUpWarningDays), 1000)
	if err != nil {
		return 0, err
	}
	warned := 0
	for _, f := range items {
		first, err := tx.MarkClockWarned(ctx, nrm.Deadline{CaseID: "event/" + f.EventID, Kind: nrm.MailFollowUpDue,
			RefID: strconv.Itoa(f.N), Due: f.Due})
		if err != nil || !first {
			if err != nil {
				return warned, err
			}
			continue
		}
		may := func(a nrm.Actor) bool { return nrm.Can(a, nrm.ActFollowUpDone, nrm.Access{}) }
		for _, org := range slices.Compact([]string{f.OwnerID, f.OrgID}) {
			if err := s.queueMail(ctx, tx, org, nrm.MailFollowUpDue, "/events/"+f.EventID, may); err != nil {
				return warned, err
			}
		}
		warned++
	}
	return warned, nil
}

// maxWarningDays is the longest warning period of any clock.
const maxWarningDays = 30
