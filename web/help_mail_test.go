package web_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/mail"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

// mailbox is a real SMTP server on loopback that keeps what it receives;
// while failing > 0 it refuses that many messages with a temporary error.
type mailbox struct {
	mu      sync.Mutex
	got     []received
	failing int
	addr    string
}

type received struct {
	from string
	to   []string
	raw  string
}

func startMailbox(tb testing.TB) *mailbox {
	tb.Helper()
	m := &mailbox{}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m}, nil }))
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	m.addr = ln.Addr().String()
	go s.Serve(ln)
	tb.Cleanup(func() { s.Close() })
	return m
}

func (m *mailbox) messages() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.got...)
}

type mailSession struct {
	box *mailbox
	cur received
}

func (s *mailSession) Reset()        { s.cur = received{} }
func (s *mailSession) Logout() error { return nil }
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	if s.box.failing > 0 {
		s.box.failing--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.cur.raw = string(b)
	s.box.got = append(s.box.got, s.cur)
	return nil
}

// TestMailNotifications: a referral, a self-referral and a clock entering
// its warning period each send a mail, through a real SMTP server, to the
// users who may act on it, with nothing personal in it (no name, no case
// reference, no text of the self-referral), only a link; a clock is
// warned of once; a server that refuses is tried again and nothing is lost.
func TestMailNotifications(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		box := startMailbox(t)
		client, err := mail.Parse("smtp://" + box.addr + "?from=nrm@example.org")
		if err != nil {
			t.Fatal(err)
		}
		cfg := service.Config{Mailer: client, PublicURL: "https://nrm.example.org", MailRetry: time.Second}
		a, helpOrg := testapp.NewWithHelp(t, engine, cfg, web.Options{}, nrm.KindNGO)
		helper := a.MustUser(t, helpOrg, nrm.RoleCaseWorker)
		helpAdmin := a.MustUser(t, helpOrg, nrm.RoleAdmin) // may answer nothing: gets nothing
		ngo := a.MustOrg(t, nrm.KindNGO)
		worker := a.MustUser(t, ngo, nrm.RoleCaseWorker)
		authority := a.MustOrg(t, nrm.KindCompetentAuthority)
		decider := a.MustUser(t, authority, nrm.RoleDecisionMaker)
		token := a.MustToken(t, worker)
		sys := testapp.System()

		// A referral to the help organisation.
		caseID := a.MustCase(t, token, testapp.CaseBody("Mariana", "Quincewood", "1998-03-04"))
		c := a.Do(t, "POST", "/api/v1/cases/"+caseID+"/consents", token,
			map[string]any{"purpose": "referral", "recipient_org": helpOrg.ID, "scope": []string{"identity", "support"}}).JSON(t)
		r := a.Do(t, "POST", "/api/v1/cases/"+caseID+"/referrals", token,
			map[string]any{"to_org": helpOrg.ID, "reason": "needs a shelter in Quincetown", "consent_id": c["id"]})
		if r.Status != http.StatusCreated {
			t.Fatalf("referral: %d %s", r.Status, r.Body)
		}
		// A self-referral through the page.
		const said = "Zdravstvuyte, they took my papers at the Quincefarm"
		b := newBrowser(t, a)
		p := b.get(t, "/help")
		p = b.post(t, "/help", url.Values{"token": {helpToken(t, p)}, "message": {said}})
		wantStatus(t, p, http.StatusOK)
		// A clock: the competent authority takes an NRM referral of a second
		// case, which starts its reasonable-grounds clock, days away.
		case2 := a.MustCase(t, token, testapp.CaseBody("Petru", "Quincebury", "1990-01-02"))
		a.MustShare(t, case2, token, authority, "referral", []string{"identity"}, a.MustToken(t, decider))
		view, err := a.Svc.Case(testapp.As(worker.Actor), caseID)
		if err != nil {
			t.Fatal(err)
		}
		view2, _ := a.Svc.Case(testapp.As(worker.Actor), case2)
		secrets := []string{"Mariana", "Quincewood", "Petru", "Quincebury", view.Reference, view2.Reference, caseID, case2,
			"Quincetown", said, "Quincefarm"}

		// The first attempt meets a refusing server: nothing sent, nothing lost.
		// The clock enters its warning period (nrm.ClockWarningDays).
		var due string
		if err := a.RawDB(t).QueryRow("SELECT due FROM deadlines WHERE kind = '" + nrm.DeadlineRG + "'").Scan(&due); err != nil {
			t.Fatal(err)
		}
		dueOn, _ := time.Parse("2006-01-02", due)
		if n, _ := a.Svc.WarnDueClocks(sys); n != 0 && dueOn.Sub(a.Clock.Now()) > 8*24*time.Hour {
			t.Errorf("a clock %s away warned of", dueOn.Sub(a.Clock.Now()))
		}
		a.Clock.Set(dueOn.Add(-3*24*time.Hour + 9*time.Hour))
		box.mu.Lock()
		box.failing = 100
		box.mu.Unlock()
		warned, err := a.Svc.WarnDueClocks(sys)
		if err != nil || warned == 0 {
			t.Fatalf("clocks warned of: %d, %v", warned, err)
		}
		if n, err := a.Svc.DeliverMail(sys); err != nil || n != 0 {
			t.Fatalf("sent %d to a refusing server (%v)", n, err)
		}
		queue, err := a.Svc.MailQueue(sys)
		if err != nil {
			t.Fatal(err)
		}
		if len(queue) < 3 {
			t.Fatalf("%d mails queued", len(queue))
		}
		for _, m := range queue {
			if m.Status != nrm.OutboxPending || m.Attempts != 1 || m.LastError == "" {
				t.Errorf("after a refusal: %+v", m)
			}
			if m.UserID == helpAdmin.ID {
				t.Error("a mail for the admin, who answers nothing")
			}
		}
		if strings.Contains(a.Logs(), helper.Email) || strings.Contains(a.Logs(), worker.Email) {
			t.Error("the logs hold a recipient's address")
		}
		box.mu.Lock()
		box.failing = 0
		box.mu.Unlock()
		// Not before the pause.
		if n, _ := a.Svc.DeliverMail(sys); n != 0 {
			t.Errorf("sent %d again at once", n)
		}
		a.Clock.Advance(2 * time.Minute)
		if n, err := a.Svc.DeliverMail(sys); err != nil || n != len(queue) {
			t.Fatalf("sent %d of %d (%v)", n, len(queue), err)
		}
		// Warned once: a second sweep, even after a while, queues nothing.
		if n, _ := a.Svc.WarnDueClocks(sys); n != 0 {
			t.Errorf("clocks warned of again: %d", n)
		}

		got := box.messages()
		links := map[string][]string{} // recipient -> links
		for _, m := range got {
			for _, s := range secrets {
				if strings.Contains(m.raw, s) {
					t.Errorf("a mail holds %q:\n%s", s, m.raw)
				}
			}
			if m.from != "nrm@example.org" || len(m.to) != 1 {
				t.Errorf("envelope %q -> %q", m.from, m.to)
			}
			for _, l := range []string{"/referrals", "/help/inbox", "/due"} {
				if strings.Contains(m.raw, "https://nrm.example.org"+l+"\r\n") {
					links[m.to[0]] = append(links[m.to[0]], l)
				}
			}
		}
		want := map[string][]string{helper.Email: {"/referrals", "/help/inbox"}, worker.Email: {"/due"}}
		for to, ls := range want {
			for _, l := range ls {
				found := false
				for _, g := range links[to] {
					found = found || g == l
				}
				if !found {
					t.Errorf("no mail to %s linking %s (got %v)", to, l, links[to])
				}
			}
		}
		if _, ok := links[helpAdmin.Email]; ok {
			t.Error("the admin got a mail")
		}
		if len(got) != len(queue) {
			t.Errorf("%d mails received, %d queued", len(got), len(queue))
		}
	})
}

// TestMailURL: the SMTP URL is read, and its password never shown.
func TestMailURL(t *testing.T) {
	c, err := mail.Parse("smtp://nrm:s3cret-pw@mail.example.org:587?from=nrm@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if s := c.String(); strings.Contains(s, "s3cret-pw") || s != "smtp://nrm@mail.example.org:587" {
		t.Errorf("String: %q", s)
	}
	for _, bad := range []string{"http://x?from=a@b.c", "smtp://host", "smtp://:25?from=a@b.c", "smtp://h?from=not-an-address"} {
		if _, err := mail.Parse(bad); err == nil {
			t.Errorf("%q accepted", bad)
		} else if errors.Is(err, nil) {
			t.Error("impossible")
		}
	}
}

// TestFollowUpMailInTheRecipientsLanguage: a co-ordination follow-up
// entering its week of warning mails the owner's and the recorder's users
// once, linking the event and holding none of its text, each mail in the
// language its recipient chose.
func TestFollowUpMailInTheRecipientsLanguage(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		box := startMailbox(t)
		client, err := mail.Parse("smtp://" + box.addr + "?from=nrm@example.org")
		if err != nil {
			t.Fatal(err)
		}
		cfg := service.Config{Mailer: client, PublicURL: "https://nrm.example.org", MailText: web.MailText}
		a := testapp.NewWith(t, engine, cfg)
		coord := a.MustUser(t, a.MustOrg(t, nrm.KindCoordinator), nrm.RoleCoordinator)
		ngo := a.MustOrg(t, nrm.KindNGO)
		worker := a.MustUser(t, ngo, nrm.RoleCaseWorker)
		auditor := a.MustUser(t, ngo, nrm.RoleAuditor) // may not mark it done: gets nothing
		if err := a.Svc.SetLanguage(testapp.As(coord.Actor), "ru", []string{"en", "ru"}); err != nil {
			t.Fatal(err)
		}
		today := nrm.DateOf(a.Clock.Now())
		const text = "Send the Quincebury handbook to the inspectors"
		ev := a.Do(t, "POST", "/api/v1/events", a.MustToken(t, coord), map[string]any{"kind": "training",
			"title": "Training of labour inspectors", "date": today.String(), "place": "Chisinau", "country": "MD",
			"follow_ups": []map[string]any{{"text": text, "owner": ngo.ID, "due": today.AddDays(10).String()}}})
		if ev.Status != http.StatusCreated {
			t.Fatalf("event: %d %s", ev.Status, ev.Body)
		}
		id := ev.JSON(t)["id"].(string)
		sys := testapp.System()
		if n, _ := a.Svc.WarnDueClocks(sys); n != 0 {
			t.Fatalf("a follow-up ten days away warned of (%d)", n)
		}
		a.Clock.Advance(4 * 24 * time.Hour)
		if n, err := a.Svc.WarnDueClocks(sys); err != nil || n != 1 {
			t.Fatalf("follow-ups warned of: %d, %v", n, err)
		}
		if n, _ := a.Svc.WarnDueClocks(sys); n != 0 {
			t.Fatalf("warned of again: %d", n)
		}
		if n, err := a.Svc.DeliverMail(sys); err != nil || n != 2 {
			t.Fatalf("sent %d, want 2 (the owner's worker and the recorder) (%v)", n, err)
		}
		link := "https://nrm.example.org/events/" + id
		_, english := web.MailText("en", nrm.MailFollowUpDue, link)
		_, russian := web.MailText("ru", nrm.MailFollowUpDue, link)
		if english == russian {
			t.Fatal("the Russian catalogue has no words for the mail")
		}
		for _, m := range box.messages() {
			if strings.Contains(m.raw, text) || strings.Contains(m.raw, "Quincebury") {
				t.Errorf("the mail holds the follow-up's text:\n%s", m.raw)
			}
			if !strings.Contains(m.raw, link) {
				t.Errorf("no link to the event:\n%s", m.raw)
			}
			switch m.to[0] {
			case worker.Email:
				if !strings.Contains(m.raw, "A follow-up of a co-ordination event falls due soon.") {
					t.Errorf("the worker's mail is not in English:\n%s", m.raw)
				}
			case coord.Email:
				first := strings.SplitN(russian, "\r\n", 2)[0]
				if !strings.Contains(m.raw, first) {
					t.Errorf("the co-ordinator's mail is not in Russian (%q):\n%s", first, m.raw)
				}
			case auditor.Email:
				t.Error("the auditor got a mail")
			default:
				t.Errorf("a mail to %s", m.to[0])
			}
		}
	})
}
