package service

// What each role does first (the home page), what is new for a user since
// they last looked, and the counts the menu shows. Counts and references
// only: nothing here opens a person's data, so nothing here needs a data
// key; the list of what is new is audited like the inbox.

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/nrmproject/nrm"
)

// Home is what a role's home page shows.
type Home struct {
	Today nrm.Date
	// For the roles that work with case files.
	Cases            bool
	Total            int
	ByState          map[nrm.State]int
	Mine, Unassigned int
	Overdue, DueSoon int         // clocks: run out, and running out within HomeDueDays
	Running          int         // clocks still running, however far off
	NextClock        nrm.DueItem // the soonest clock not yet run out, if any
	Referrals        int         // waiting for the organisation's answer
	Flags            int         // possible duplicates told to the organisation
	New              int         // what is new for the user (WhatsNew)
	// For an admin: their organisation and its users.
	Org                             nrm.Organisation
	Users, Disabled, NoSecondFactor int
	// For an auditor: whether they read the whole log or their organisation's.
	AuditAll bool
}

// HomeDueDays is the window of "due soon" on a home page.
const HomeDueDays = 14

// Home reads what the actor's role does first. Every signed-in user has a
// home page: nobody lands on a refusal.
func (s *Service) Home(ctx context.Context) (Home, error) {
	a, err := actor(ctx)
	if err != nil {
		return Home{}, err
	}
	h := Home{Today: s.Today(), Cases: nrm.Can(a, nrm.ActCaseList, nrm.Access{}), AuditAll: nrm.Can(a, nrm.ActAuditReadAll, nrm.Access{})}
	err = s.read(ctx, func(tx Tx) error {
		if h.Cases {
			// Counts of the case list: the store's one query with a page
			// of one row, which is never opened.
			all, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: a.OrgID, Limit: 1})
			if err != nil {
				return err
			}
			h.Total, h.ByState = all.Total, all.ByState
			mine, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: a.OrgID, AssignedTo: a.UserID, State: "", Limit: 1})
			if err != nil {
				return err
			}
			h.Mine = mine.Total
			none, err := tx.CaseList(ctx, nrm.CaseListFilter{OrgID: a.OrgID, Unassigned: true, Limit: 1})
			if err != nil {
				return err
			}
			h.Unassigned = none.Total - none.ByState[nrm.StateClosed]
			flags, err := tx.FlagsHeldBy(ctx, a.OrgID, 1000)
			if err != nil {
				return err
			}
			h.Flags = len(flags)
		}
		if nrm.Can(a, nrm.ActUserManage, nrm.Access{}) {
			if h.Org, err = tx.Org(ctx, a.OrgID); err != nil {
				return err
			}
			users, err := tx.Users(ctx, a.OrgID)
			if err != nil {
				return err
			}
			for _, u := range users {
				h.Users++
				if u.Disabled {
					h.Disabled++
				} else if !u.TOTPEnabled {
					h.NoSecondFactor++
				}
			}
		}
		return nil
	})
	if err != nil || !h.Cases {
		return h, err
	}
	if nrm.Can(a, nrm.ActDeadlines, nrm.Access{}) {
		d, err := s.OpenClocks(ctx, false)
		if err != nil {
			return h, err
		}
		h.Overdue, h.Running = d.Overdue, d.DueSoon
		soon := h.Today.AddDays(HomeDueDays)
		for _, it := range d.Items { // soonest first
			if it.Due.Before(h.Today) {
				continue
			}
			if h.NextClock.CaseID == "" {
				h.NextClock = it
			}
			if !soon.Before(it.Due) {
				h.DueSoon++
			}
		}
	}
	m, err := s.Menu(ctx)
	h.Referrals, h.New = m.Referrals, m.New
	return h, err
}

// Menu is what the menu counts for the user.
type Menu struct {
	Referrals int // waiting for the organisation's answer
	New       int // new since the user last marked what is new as seen
	// SelfReferrals: new messages from the public help page (help.go).
	SelfReferrals int
}

// Menu counts the referrals waiting and what is new for the actor. A role
// without either gets zeros, never an error.
func (s *Service) Menu(ctx context.Context) (Menu, error) {
	a, err := actor(ctx)
	if err != nil || !nrm.Can(a, nrm.ActDeadlines, nrm.Access{}) {
		return Menu{}, err
	}
	n, err := s.news(ctx, a, false)
	if err != nil {
		return Menu{}, err
	}
	m := Menu{Referrals: n.waiting, New: n.New}
	m.SelfReferrals, err = s.SelfReferralsWaiting(ctx)
	return m, err
}

// News is what is new for a user: referrals waiting for their
// organisation, possible duplicates told to it, and clocks within their
// warning period. An item is new when it came after the user's seen mark.
type News struct {
	Since   time.Time // the seen mark; zero: never marked
	Items   []NewsItem
	New     int
	waiting int
}

// NewsItem is one thing that may need the user.
type NewsItem struct {
	Kind      string // "referral", "flag" or "clock"
	CaseID    string
	Reference string
	At        time.Time    // when it came (a clock: the day its warning period began)
	FromOrg   string       // a referral's sender
	Detail    string       // a flag's kind
	Clock     nrm.Deadline // a clock
	New       bool
}

// News kinds.
const (
	NewsReferral = "referral"
	NewsFlag     = "flag"
	NewsClock    = "clock"
)

// WarningDays is how long before a clock of a kind runs out it counts as
// something to act on. The reasonable-grounds target is days, not weeks
// (e.g. five working days in England and Wales); a residence permit needs
// a month to renew; the other clocks, a week.
func WarningDays(kind string) int {
	switch kind {
	case nrm.DeadlineRG:
		return 2
	case nrm.DeadlinePermitExpiry:
		return 30
	}
	return 7
}

// MaxWarningDays is the longest warning period of any kind.
const MaxWarningDays = 30

// WhatsNew lists what may need the actor, newest first, and marks what
// came after their seen mark.
func (s *Service) WhatsNew(ctx context.Context) (News, error) {
	a, err := s.allow(ctx, nrm.ActDeadlines)
	if err != nil {
		return News{}, err
	}
	n, err := s.news(ctx, a, true)
	if err != nil {
		return News{}, err
	}
	return n, s.recordRead(ctx, s.entry(ctx, "news.read", "user/"+a.UserID, outcomeOK, fmt.Sprintf("items %d new %d", len(n.Items), n.New)))
}

// MarkSeen sets the actor's seen mark to now: what is listed stops being new.
func (s *Service) MarkSeen(ctx context.Context) error {
	a, err := s.allow(ctx, nrm.ActDeadlines)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx Tx) error { return tx.SetSeen(ctx, a.UserID, tx.Time()) })
}

func (s *Service) news(ctx context.Context, a nrm.Actor, items bool) (News, error) {
	var n News
	today := s.Today()
	err := s.read(ctx, func(tx Tx) error {
		var err error
		if n.Since, err = tx.SeenAt(ctx, a.UserID); err != nil {
			return err
		}
		if nrm.Can(a, nrm.ActReferralRespond, nrm.Access{Relation: nrm.RelRecipient}) {
			all, after, err := tx.CountReferralsTo(ctx, a.OrgID, nrm.ReferralPending, n.Since)
			if err != nil {
				return err
			}
			n.waiting, n.New = all, after
			if items && all > 0 {
				recs, err := tx.ReferralsTo(ctx, a.OrgID, nrm.ReferralPending, 200)
				if err != nil {
					return err
				}
				for _, r := range recs {
					n.Items = append(n.Items, NewsItem{Kind: NewsReferral, CaseID: r.CaseID, Reference: r.Reference, At: r.CreatedAt,
						FromOrg: r.FromOrg, New: r.CreatedAt.After(n.Since)})
				}
			}
		}
		flags, err := tx.FlagsHeldBy(ctx, a.OrgID, 100)
		if err != nil {
			return err
		}
		for _, f := range flags {
			isNew := f.CreatedAt.After(n.Since)
			if isNew {
				n.New++
			}
			if items {
				c, err := tx.Case(ctx, f.MatchedCase)
				if err != nil {
					return err
				}
				n.Items = append(n.Items, NewsItem{Kind: NewsFlag, CaseID: c.ID, Reference: c.Reference, At: f.CreatedAt, Detail: f.Kind, New: isNew})
			}
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	// Clocks within their warning period, as the deadlines page shows them
	// (support clocks only where the organisation holds support).
	d, err := s.dashboard(ctx, a, false, today.AddDays(MaxWarningDays))
	if err != nil {
		return n, err
	}
	seenDay := nrm.DateOf(n.Since)
	for _, it := range d.Items {
		began := it.Due.AddDays(-WarningDays(it.Kind))
		if today.Before(began) {
			continue
		}
		isNew := n.Since.IsZero() || seenDay.Before(began)
		if isNew {
			n.New++
		}
		if items {
			n.Items = append(n.Items, NewsItem{Kind: NewsClock, CaseID: it.CaseID, Reference: it.Reference, At: began.Time(),
				Clock: it.Deadline, New: isNew})
		}
	}
	slices.SortStableFunc(n.Items, func(x, y NewsItem) int { return y.At.Compare(x.At) })
	return n, nil
}
