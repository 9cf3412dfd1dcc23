package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// decodeOptional is decode for calls whose body may be empty or {}.
func decodeOptional(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decode(r, v)
}

type deadlineJSON struct {
	Kind string `json:"kind"`
	Due  string `json:"due"`
}

type screeningJSON struct {
	ID         string            `json:"id"`
	Set        string            `json:"indicator_set"`
	Dimensions map[string]bool   `json:"dimensions"`
	Detail     []dimensionJSON   `json:"detail"`
	Outcome    string            `json:"outcome"`
	Evidence   map[string]string `json:"evidence,omitempty"`
	ScreenedOn string            `json:"screened_on"`
	CreatedAt  time.Time         `json:"created_at"`
}

type dimensionJSON struct {
	Dimension  string   `json:"dimension"`
	Met        bool     `json:"met"`
	Strong     int      `json:"strong"`
	Medium     int      `json:"medium"`
	Weak       int      `json:"weak"`
	Indicators []string `json:"indicators"`
}

func toScreeningJSON(s service.Screening) screeningJSON {
	out := screeningJSON{ID: s.ID, Set: s.Result.Set, Dimensions: s.Result.Met(), Outcome: s.Result.Outcome,
		ScreenedOn: s.ScreenedOn.String(), CreatedAt: s.CreatedAt, Detail: []dimensionJSON{}}
	if len(s.Evidence) > 0 {
		out.Evidence = s.Evidence
	}
	for _, d := range s.Result.Dimensions {
		dj := dimensionJSON{Dimension: d.Dimension, Met: d.Met, Strong: d.Strong, Medium: d.Medium, Weak: d.Weak, Indicators: []string{}}
		for _, i := range d.Indicators {
			dj.Indicators = append(dj.Indicators, i.ID)
		}
		out.Detail = append(out.Detail, dj)
	}
	return out
}

func (a *API) screen(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in service.ScreeningInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	s, err := a.svc.Screen(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toScreeningJSON(s), nil
}

func (a *API) listScreenings(w http.ResponseWriter, r *http.Request) (int, any, error) {
	list, err := a.svc.Screenings(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(list, toScreeningJSON), nil
}

// itemsJSON is every list answer: {"items": [...]}.
type itemsJSON[T any] struct {
	Items []T `json:"items"`
}

func items[S, T any](in []S, conv func(S) T) itemsJSON[T] {
	out := itemsJSON[T]{Items: make([]T, 0, len(in))}
	for _, v := range in {
		out.Items = append(out.Items, conv(v))
	}
	return out
}

type consentJSON struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	Purpose      string `json:"purpose"`
	RecipientOrg string `json:"recipient_org"`
	// RecipientPartner: a transnational referral's consent names a partner instance.
	RecipientPartner string    `json:"recipient_partner,omitempty"`
	Scope            []string  `json:"scope"`
	GivenOn          string    `json:"given_on"`
	Expires          string    `json:"expires,omitempty"`
	Language         string    `json:"language,omitempty"`
	Interpreter      bool      `json:"interpreter"`
	CreatedAt        time.Time `json:"created_at"`
}

func scopeList(s nrm.Scope) []string {
	out := []string{}
	for _, c := range s.Compartments() {
		out = append(out, string(c))
	}
	return out
}

func (a *API) toConsentJSON(today nrm.Date) func(nrm.Consent) consentJSON {
	return func(c nrm.Consent) consentJSON {
		return consentJSON{ID: c.ID, Status: c.StatusOn(today), Purpose: c.Purpose, RecipientOrg: c.RecipientOrg,
			RecipientPartner: c.RecipientPartner, Scope: scopeList(c.Scope), GivenOn: c.GivenOn.String(), Expires: c.Expires.String(), Language: c.Language,
			Interpreter: c.Interpreter, CreatedAt: c.CreatedAt}
	}
}

func (a *API) recordConsent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ConsentInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	c, err := a.svc.RecordConsent(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, a.toConsentJSON(a.svc.Today())(c), nil
}

func (a *API) listConsents(w http.ResponseWriter, r *http.Request) (int, any, error) {
	list, err := a.svc.Consents(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(list, a.toConsentJSON(a.svc.Today())), nil
}

func (a *API) withdrawConsent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in struct{}
	if err := decodeOptional(r, &in); err != nil {
		return 0, nil, err
	}
	c, err := a.svc.WithdrawConsent(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a.toConsentJSON(a.svc.Today())(c), nil
}

type referralJSON struct {
	ID              string     `json:"id"`
	Status          string     `json:"status"`
	CaseID          string     `json:"case_id"`
	Reference       string     `json:"reference,omitempty"`
	FromOrg         string     `json:"from_org"`
	ToOrg           string     `json:"to_org"`
	Reason          string     `json:"reason,omitempty"`
	ConsentID       string     `json:"consent_id,omitempty"`
	Scope           []string   `json:"scope"`
	NRM             bool       `json:"nrm"`
	ChildProtection bool       `json:"child_protection"`
	ResponseReason  string     `json:"response_reason,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
	RespondedAt     *time.Time `json:"responded_at,omitempty"`
}

func toReferralJSON(r nrm.Referral) referralJSON {
	out := referralJSON{ID: r.ID, Status: r.Status, CaseID: r.CaseID, Reference: r.Reference, FromOrg: r.FromOrg, ToOrg: r.ToOrg,
		Reason: r.Reason, ConsentID: r.ConsentID, Scope: scopeList(r.Scope), NRM: r.NRM, ChildProtection: r.ChildProtection,
		ResponseReason: r.ResponseReason, CreatedAt: r.CreatedAt}
	if !r.RespondedAt.IsZero() {
		t := r.RespondedAt
		out.RespondedAt = &t
	}
	return out
}

func (a *API) refer(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ReferralInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	ref, err := a.svc.Refer(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toReferralJSON(ref), nil
}

func (a *API) listReferrals(w http.ResponseWriter, r *http.Request) (int, any, error) {
	list, err := a.svc.Referrals(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(list, toReferralJSON), nil
}

func (a *API) inbox(w http.ResponseWriter, r *http.Request) (int, any, error) {
	list, err := a.svc.Inbox(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(list, toReferralJSON), nil
}

func (a *API) acceptReferral(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in struct{}
	if err := decodeOptional(r, &in); err != nil {
		return 0, nil, err
	}
	ref, err := a.svc.AcceptReferral(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toReferralJSON(ref), nil
}

func (a *API) declineReferral(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ResponseInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	ref, err := a.svc.DeclineReferral(r.Context(), r.PathValue("id"), in.Reason)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toReferralJSON(ref), nil
}

func (a *API) withdrawReferral(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ResponseInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	ref, err := a.svc.WithdrawReferral(r.Context(), r.PathValue("id"), in.Reason)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toReferralJSON(ref), nil
}

type decisionJSON struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Outcome   string    `json:"outcome"`
	DecidedOn string    `json:"decided_on"`
	Reasons   string    `json:"reasons,omitempty"`
	State     nrm.State `json:"state,omitempty"`
	DecidedBy string    `json:"decided_by"`
	CreatedAt time.Time `json:"created_at"`
}

func toDecisionJSON(d nrm.Decision) decisionJSON {
	return decisionJSON{ID: d.ID, Kind: d.Kind, Outcome: d.Outcome, DecidedOn: d.DecidedOn.String(), Reasons: d.Reasons,
		DecidedBy: d.By, CreatedAt: d.CreatedAt}
}

func (a *API) decide(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.DecisionInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	d, state, err := a.svc.Decide(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	out := toDecisionJSON(d)
	out.State = state
	return http.StatusCreated, out, nil
}

func (a *API) listDecisions(w http.ResponseWriter, r *http.Request) (int, any, error) {
	list, err := a.svc.Decisions(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(list, toDecisionJSON), nil
}

type stateJSON struct {
	State nrm.State `json:"state"`
}

func (a *API) awaitConclusive(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in struct{}
	if err := decodeOptional(r, &in); err != nil {
		return 0, nil, err
	}
	st, err := a.svc.AwaitConclusive(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, stateJSON{st}, nil
}

func (a *API) reconsider(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ResponseInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	st, err := a.svc.Reconsider(r.Context(), r.PathValue("id"), in.Reason)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, stateJSON{st}, nil
}

func (a *API) closeCase(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.CloseInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	st, err := a.svc.CloseCase(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, stateJSON{st}, nil
}

func (a *API) reopenCase(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ReopenInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	v, err := a.svc.ReopenCase(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", "/api/v1/cases/"+v.ID)
	return http.StatusCreated, toCaseJSON(v), nil
}

type eventJSON struct {
	At          time.Time `json:"at"`
	On          string    `json:"on,omitempty"`
	Kind        string    `json:"kind"`
	Compartment string    `json:"compartment,omitempty"`
	Summary     string    `json:"summary"`
	Actor       string    `json:"actor"`
	ActorOrg    string    `json:"actor_org"`
	RefID       string    `json:"ref_id,omitempty"`
}

func (a *API) timeline(w http.ResponseWriter, r *http.Request) (int, any, error) {
	list, err := a.svc.Timeline(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(list, func(e nrm.Event) eventJSON {
		return eventJSON{At: e.At, On: e.On.String(), Kind: e.Kind, Compartment: string(e.Compartment), Summary: e.Summary,
			Actor: e.Actor, ActorOrg: e.ActorOrg, RefID: e.RefID}
	}), nil
}

type notificationJSON struct {
	ID               string `json:"id"`
	NotifiedOn       string `json:"notified_on"`
	Sex              string `json:"sex"`
	AgeBand          string `json:"age_band"`
	Nationality      string `json:"nationality,omitempty"`
	ExploitationType string `json:"exploitation_type"`
	Country          string `json:"country"`
	Region           string `json:"region,omitempty"`
}

func (a *API) notify(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.NotificationInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	n, err := a.svc.Notify(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, notificationJSON{ID: n.ID, NotifiedOn: n.NotifiedOn.String(), Sex: n.Sex, AgeBand: n.AgeBand,
		Nationality: n.Nationality, ExploitationType: n.ExploitationType, Country: n.Country, Region: n.Region}, nil
}

type dueJSON struct {
	CaseID       string `json:"case_id"`
	Reference    string `json:"reference"`
	Organisation string `json:"organisation"`
	State        string `json:"state"`
	Kind         string `json:"kind"`
	Due          string `json:"due"`
	Status       string `json:"status"` // overdue, due-soon
}

type dashboardJSON struct {
	Today   string    `json:"today"`
	Until   string    `json:"until"`
	Overdue int       `json:"overdue"`
	DueSoon int       `json:"due_soon"`
	Items   []dueJSON `json:"items"`
}

func (a *API) deadlines(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	days := 14
	if s := q.Get("within"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, nil, nrm.Invalid("within", "a number of days is required")
		}
		days = n
	}
	all := false
	switch q.Get("all") {
	case "", "false":
	case "true":
		all = true
	default:
		return 0, nil, nrm.Invalid("all", "true or false")
	}
	d, err := a.svc.Deadlines(r.Context(), all, days)
	if err != nil {
		return 0, nil, err
	}
	out := dashboardJSON{Today: d.Today.String(), Until: d.Until.String(), Overdue: d.Overdue, DueSoon: d.DueSoon, Items: []dueJSON{}}
	for _, it := range d.Items {
		status := "due-soon"
		if it.Due.Before(d.Today) {
			status = "overdue"
		}
		out.Items = append(out.Items, dueJSON{CaseID: it.CaseID, Reference: it.Reference, Organisation: it.OrgID,
			State: string(it.State), Kind: it.Kind, Due: it.Due.String(), Status: status})
	}
	return http.StatusOK, out, nil
}

type indicatorSetJSON struct {
	Name       string          `json:"name"`
	Population string          `json:"population"`
	Dimensions []string        `json:"dimensions"`
	Indicators []indicatorJSON `json:"indicators"`
}

type indicatorJSON struct {
	ID        string `json:"id"`
	Dimension string `json:"dimension"`
	Strength  string `json:"strength"`
	Text      string `json:"text"`
}

func (a *API) indicatorSets(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var out itemsJSON[indicatorSetJSON]
	out.Items = []indicatorSetJSON{}
	for _, s := range a.svc.Indicators().Sets() {
		js := indicatorSetJSON{Name: s.Name, Population: s.Population, Dimensions: s.Dimensions}
		for _, i := range s.Indicators {
			js.Indicators = append(js.Indicators, indicatorJSON{ID: i.ID, Dimension: i.Dimension, Strength: string(i.Strength), Text: i.Text})
		}
		out.Items = append(out.Items, js)
	}
	return http.StatusOK, out, nil
}
