package web

// The case page: one read of the case file (service.CaseFile), drawn with the
// actions the service says the viewer may take.

import (
	"net/http"
	"slices"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// casePage is the case file.
type casePage struct {
	labeller
	formState
	Case        nrm.CaseView
	Notes       []nrm.Note
	Today       nrm.Date
	Explain     string
	Next        []nrm.Step
	Clocks      []clock
	Timeline    []eventRow
	Recipients  []nrm.Organisation
	Screenings  []service.Screening
	Consents    []consentRow
	Referrals   []referralRow
	Decisions   []nrm.Decision
	Can         casePerms
	Previous    *nrm.EpisodeRef
	DecideKind  string
	Purposes    []string
	Scopes      []nrm.Compartment
	Kinds       []string
	Outcomes    []string
	Closures    []string
	OrgName     map[string]string
	ShowDecided bool
	Saved       savedNotice  // the confirmation of the form just sent, in its section
	Support     *supportPart // nil for a viewer who may not read support
	PersonPart  *personPart  // nil for a viewer who may not read identity (web/person.go)
}

// caseFile serves GET /cases/{id}.
func (w *Web) caseFile(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderCasePage(rw, r, s, http.StatusOK, view{}, "")
}

// renderCasePage draws the case file; v may carry a form's errors and
// values, failed names that form.
func (w *Web) renderCasePage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view, failed string) {
	if _, ok := supportForms[failed]; ok {
		w.renderSupportForm(rw, r, s, status, v, failed)
		return
	}
	v, err := w.casePageView(r, s, v, failed)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	w.render(rw, r, s, status, "case", v)
}

// casePageView reads the case file and builds the case page's data.
func (w *Web) casePageView(r *http.Request, s service.SessionInfo, v view, failed string) (view, error) {
	ctx := r.Context()
	id := r.PathValue("id")
	// One read of the case file: what this viewer may see and do.
	cf, err := w.svc.CaseFile(ctx, id)
	if err != nil {
		return v, err
	}
	c, act := cf.CaseView, cf.Actions
	p := casePage{Case: c, Today: w.svc.Today(), Explain: stateExplained[c.State], Next: nrm.NextSteps(c.State),
		Purposes: nrm.ConsentPurposes, Scopes: nrm.Compartments, Kinds: []string{nrm.ReasonableGrounds, nrm.ConclusiveGrounds},
		Outcomes: []string{nrm.Positive, nrm.Negative}, Closures: act.CloseReasons, OrgName: map[string]string{}}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	if v.FieldErrors == nil {
		v.FieldErrors = map[string]string{}
	}
	p.Saved = savedNoticeOf(r)
	p.formState = formState{L: localizerFor(r), Errs: v.FieldErrors, Values: v.Form, OpenForm: failed}
	a := s.Actor
	p.Can = casePerms{Screen: act.Screen, Consent: act.Consent, Refer: act.Refer, Decide: act.Decide || act.Reconsider || act.AwaitConclusive,
		Close: act.Close || act.Reopen, Note: act.Note, Support: cf.Protection != nil, SupportWrite: act.SupportWrite}
	for _, d := range c.Deadlines {
		p.Clocks = append(p.Clocks, clockOf(d, p.Today))
	}
	slices.SortFunc(p.Clocks, func(x, y clock) int { return x.Days - y.Days })
	for i := range c.Episodes {
		if c.Episodes[i].CaseID == c.PreviousCase {
			p.Previous = &c.Episodes[i]
		}
	}
	orgs, err := w.svc.Orgs(ctx)
	if err != nil {
		return v, err
	}
	for _, o := range orgs {
		p.OrgName[o.ID] = o.Name
		if o.ID != a.OrgID {
			p.Recipients = append(p.Recipients, o)
		}
	}
	// Competent authorities first: the NRM referral is the usual one.
	slices.SortStableFunc(p.Recipients, func(x, y nrm.Organisation) int {
		return boolRank(x.Kind == nrm.KindCompetentAuthority) - boolRank(y.Kind == nrm.KindCompetentAuthority)
	})
	p.PersonPart = w.personPart(cf, v.Form)
	p.Notes = cf.Notes
	for _, e := range cf.Timeline {
		p.Timeline = append(p.Timeline, eventRow{Event: e, Org: p.OrgName[e.ActorOrg]})
	}
	for _, k := range cf.Consents {
		st := k.StatusOn(p.Today)
		p.Consents = append(p.Consents, consentRow{Consent: k, Status: st, Recipient: p.OrgName[k.RecipientOrg], CanUse: act.UseConsent[k.ID]})
	}
	for _, x := range cf.Referrals {
		p.Referrals = append(p.Referrals, referralRow{Referral: x, To: p.OrgName[x.ToOrg], From: p.OrgName[x.FromOrg],
			Withdraw: act.WithdrawReferral[x.ID]})
	}
	p.Decisions, p.Screenings = cf.Decisions, cf.Screenings
	if cf.Protection != nil {
		prot := *cf.Protection
		sp := &supportPart{Protection: prot, NeedTypes: nrm.NeedTypes, PlanTypes: nrm.PlanTypes,
			ServiceTypes: nrm.ServiceTypes, Bases: nrm.ResidenceBases}
		for _, x := range prot.Residence {
			sp.Residence = append(sp.Residence, residenceRow{Residence: x, Status: x.StatusOn(p.Today)})
		}
		p.Support = sp
	}

	p.DecideKind = nrm.ConclusiveGrounds
	if c.State == nrm.StateAwaitingReasonableGrounds {
		p.DecideKind = nrm.ReasonableGrounds
	}
	p.ShowDecided = c.State == nrm.StateAwaitingReasonableGrounds || c.State == nrm.StateRecoveryPeriod ||
		c.State == nrm.StateAwaitingConclusiveGrounds
	today := p.Today.String()
	for k, def := range map[string]string{"decision.decided_on": today, "consent.given_on": today,
		"decision.kind": p.DecideKind, "needs.assessed_on": today, "plan.starts_on": today,
		"service.started_on": today, "residence.applied_on": today} {
		if _, ok := v.Form[k]; !ok {
			v.Form[k] = def
		}
	}
	v.Data = p
	return v, nil
}

func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}

// savedNotice is the confirmation after a form of the case page. It is drawn
// inside the section the redirect jumps to (#consent, #referrals...), right
// under its heading: at the top of the page it would sit out of sight.
type savedNotice struct {
	Message string
	Section string // the id of the section it belongs to
}

// savedSection is the section each confirmation of saved belongs to; the
// redirect of its form jumps there (backToCase's anchor).
var savedSection = map[string]string{
	"screening": "screening", "consent": "consent", "withdrawn": "consent",
	"referral": "referrals", "rwithdrawn": "referrals",
	"decision": "decisions", "await": "decisions", "reconsider": "decisions",
	"closed": "top", "reopened": "top", "note": "notes", "support": "support",
	"person": "person", "guardian": "person",
}

func savedNoticeOf(r *http.Request) savedNotice {
	key := r.URL.Query().Get("saved")
	m, ok := saved[key]
	if !ok {
		return savedNotice{}
	}
	sec := savedSection[key]
	if sec == "" {
		sec = "top"
	}
	return savedNotice{Message: localizerFor(r).T(m), Section: sec}
}

// SavedIn is the confirmation to draw in a section, or "".
func (p casePage) SavedIn(section string) string {
	if p.Saved.Section == section {
		return p.Saved.Message
	}
	return ""
}
