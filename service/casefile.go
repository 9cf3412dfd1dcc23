package service

import (
	"context"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
)

// CaseFile is the whole case file as one viewer may see it, with what they
// may do next: the case page is drawn from it and never re-derives a
// permission.
type CaseFile struct {
	nrm.CaseView
	Notes            []nrm.Note
	Timeline         []nrm.Event
	Consents         []nrm.Consent
	Referrals        []nrm.Referral
	Decisions        []nrm.Decision
	Screenings       []Screening // identity readers
	Protection       *Protection // support readers; nil for anyone else
	Reconsiderations []nrm.ReconsiderationRequest
	PersonHistory    []nrm.PersonCorrection // identity readers
	Actions          CaseActions
}

// CaseActions is what the viewer may do on the case now, decided by the
// policy and the case's state.
type CaseActions struct {
	Screen, Consent, Refer, Decide, AwaitConclusive, Reconsider bool
	AskReconsideration, AnswerReconsideration                   bool
	Close, Reopen, Note, SupportWrite, CorrectPerson            bool
	// CloseReasons are the closures the case may take now: no removal while
	// identification is pending or the recovery period runs.
	CloseReasons []string
	// IndicatorSets are the screening sets fit for the person: child sets
	// for a child or a person presumed one.
	Child bool
	// UseConsent: the consents a referral may rest on (id → true).
	UseConsent map[string]bool
	// WithdrawReferral: the referrals this viewer's organisation may withdraw.
	WithdrawReferral map[string]bool
}

// readScope makes the readers of a case file's parts run in one read
// transaction and gather their audit entries, so that the page is one read
// with one audit entry (service/audit.go read and recordRead honour it).
type readScope struct {
	tx      Tx
	entries []auditlog.Entry
}

type readScopeKey struct{}

// CaseFile reads the case file for its viewer in one transaction and
// records one audit entry for it, naming every part read.
func (s *Service) CaseFile(ctx context.Context, id string) (CaseFile, error) {
	a, err := actor(ctx)
	if err != nil {
		return CaseFile{}, err
	}
	var cf CaseFile
	rs := &readScope{}
	err = s.store.Read(ctx, func(tx Tx) error {
		rs.tx = tx
		in := context.WithValue(ctx, readScopeKey{}, rs)
		if cf.CaseView, err = s.Case(in, id); err != nil {
			return err
		}
		v := cf.CaseView
		if cf.Notes, err = s.Notes(in, id); err != nil {
			return err
		}
		if cf.Timeline, err = s.Timeline(in, id); err != nil {
			return err
		}
		if cf.Consents, err = s.Consents(in, id); err != nil {
			return err
		}
		if cf.Referrals, err = s.Referrals(in, id); err != nil {
			return err
		}
		if cf.Decisions, err = s.Decisions(in, id); err != nil {
			return err
		}
		if cf.Reconsiderations, err = s.Reconsiderations(in, id); err != nil {
			return err
		}
		if v.Readable.Has(nrm.Identity) {
			if cf.Screenings, err = s.Screenings(in, id); err != nil {
				return err
			}
			if cf.PersonHistory, err = s.PersonHistory(in, id); err != nil {
				return err
			}
		}
		if v.Readable.Has(nrm.Support) {
			p, err := s.Protection(in, id)
			if err != nil {
				return err
			}
			cf.Protection = &p
		}
		cf.Actions = s.actions(a, cf)
		return nil
	})
	s.recordDenial(ctx, err)
	if err != nil {
		return CaseFile{}, err
	}
	return cf, s.recordRead(ctx, s.pageEntry(ctx, cf.CaseView, rs.entries)...)
}

// pageEntry is the one entry of a case file read (plus any denial met on
// the way): the compartments read and the parts opened.
func (s *Service) pageEntry(ctx context.Context, v nrm.CaseView, parts []auditlog.Entry) []auditlog.Entry {
	var opened, denied []string
	var out []auditlog.Entry
	for _, e := range parts {
		switch {
		case e.Outcome == outcomeDenied:
			out = append(out, e)
			denied = append(denied, e.Action)
		case e.Action != "case.read" || strings.HasPrefix(e.Detail, "compartments") || e.Detail == "record only":
		default:
			opened = append(opened, e.Detail)
		}
	}
	read := s.readEntry(ctx, v, "case page")
	if len(opened) > 0 {
		read.Detail += "; " + strings.Join(opened, "; ")
	}
	return append([]auditlog.Entry{read}, out...)
}

// actions decides what the viewer may do next on the case.
func (s *Service) actions(a nrm.Actor, cf CaseFile) CaseActions {
	v := cf.CaseView
	acc, live, open := v.Access, !v.Person.Erased, v.State != nrm.StateClosed
	can := func(act nrm.Action) bool { return nrm.Can(a, act, acc) }
	x := CaseActions{
		Screen:  live && open && can(nrm.ActScreen),
		Consent: live && open && can(nrm.ActConsentRecord),
		Refer:   live && open && can(nrm.ActRefer),
		Decide: live && can(nrm.ActDecide) && (v.State == nrm.StateAwaitingReasonableGrounds ||
			v.State == nrm.StateRecoveryPeriod || v.State == nrm.StateAwaitingConclusiveGrounds),
		AwaitConclusive: live && can(nrm.ActDecide) && v.State == nrm.StateRecoveryPeriod,
		Reconsider:      live && can(nrm.ActDecide) && v.State == nrm.StateNotIdentified,
		AskReconsideration: live && can(nrm.ActAskReconsider) && (v.State == nrm.StateNotIdentified ||
			v.State == nrm.StateEncountered && v.Outcome == nrm.OutcomeDeclined),
		Close:            can(nrm.ActClose) && open,
		Reopen:           can(nrm.ActClose) && !open && live,
		Note:             live && len(v.Readable.Compartments()) > 0,
		SupportWrite:     live && open && v.Readable.Has(nrm.Support) && can(nrm.ActSupportWrite),
		CorrectPerson:    live && can(nrm.ActPersonCorrect),
		Child:            v.Child,
		UseConsent:       map[string]bool{},
		WithdrawReferral: map[string]bool{},
	}
	for _, r := range cf.Reconsiderations {
		if r.Status == nrm.RequestPending {
			x.AskReconsideration = false
			x.AnswerReconsideration = r.ToOrg == a.OrgID && a.Role == nrm.RoleDecisionMaker && a.OrgKind == nrm.KindCompetentAuthority
		}
	}
	for _, r := range nrm.CloseReasons {
		if nrm.Guard(v.Case, nrm.StepClose, r) == nil {
			x.CloseReasons = append(x.CloseReasons, r)
		}
	}
	today := s.Today()
	for _, k := range cf.Consents {
		x.UseConsent[k.ID] = x.Refer && k.StatusOn(today) == nrm.ConsentGiven && k.Purpose == nrm.PurposeReferral
	}
	for _, r := range cf.Referrals {
		x.WithdrawReferral[r.ID] = live && r.FromOrg == a.OrgID && can(nrm.ActRefer) &&
			(r.Status == nrm.ReferralPending || r.Status == nrm.ReferralAccepted)
	}
	return x
}
