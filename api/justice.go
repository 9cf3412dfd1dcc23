package api

import (
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// Access to justice (CONTRACT.md): proceedings, non-punishment,
// compensation and its report. The service decides who may write and read
// the justice compartment.

// justiceRoutes are the operations of the justice track (in routes()).
func (a *API) justiceRoutes() []route {
	return []route{
		{"POST /api/v1/cases/{id}/proceedings", a.addProceeding},
		{"POST /api/v1/proceedings/{id}/events", a.addProceedingEvent},
		{"POST /api/v1/cases/{id}/non-punishment", a.addNonPunishment},
		{"POST /api/v1/non-punishment/{id}/status", a.setNonPunishmentStatus},
		{"POST /api/v1/cases/{id}/compensation-claims", a.addClaim},
		{"POST /api/v1/compensation-claims/{id}/awards", a.addAward},
		{"POST /api/v1/compensation-claims/{id}/payments", a.addPayment},
		{"GET /api/v1/cases/{id}/justice", a.justice},
		{"GET /api/v1/reports/compensation", a.compensationReport},
	}
}

type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

func toMoneyJSON(m nrm.Money) moneyJSON { return moneyJSON{Amount: m.Amount(), Currency: m.Currency} }

type lawyerJSON struct {
	Name     string `json:"name,omitempty"`
	LegalAid bool   `json:"legal_aid"`
}

type rightsJSON struct {
	GivenOn     string `json:"given_on"`
	Language    string `json:"language"`
	Interpreter bool   `json:"interpreter"`
}

type proceedingJSON struct {
	ID                string                `json:"id"`
	CaseID            string                `json:"case_id"`
	Kind              string                `json:"kind"`
	Stage             string                `json:"stage"`
	Authority         string                `json:"authority,omitempty"`
	Reference         string                `json:"reference,omitempty"`
	Charges           []string              `json:"charges"`
	PersonRole        string                `json:"person_role"`
	Lawyer            *lawyerJSON           `json:"lawyer,omitempty"`
	RightsInformation *rightsJSON           `json:"rights_information,omitempty"`
	Events            []proceedingEventJSON `json:"events"`
	CreatedBy         string                `json:"created_by"`
	CreatedOrg        string                `json:"created_org"`
	CreatedAt         time.Time             `json:"created_at"`
}

func toProceedingJSON(p nrm.Proceeding) proceedingJSON {
	out := proceedingJSON{ID: p.ID, CaseID: p.CaseID, Kind: p.Kind, Stage: p.Stage, Authority: p.Authority, Reference: p.Reference,
		Charges: p.Charges, PersonRole: p.PersonRole, Events: items(p.Events, toProceedingEventJSON).Items,
		CreatedBy: p.CreatedBy, CreatedOrg: p.CreatedOrg, CreatedAt: p.CreatedAt}
	if out.Charges == nil {
		out.Charges = []string{}
	}
	if p.Lawyer != nil {
		out.Lawyer = &lawyerJSON{Name: p.Lawyer.Name, LegalAid: p.Lawyer.LegalAid}
	}
	if p.Rights != nil {
		out.RightsInformation = &rightsJSON{GivenOn: p.Rights.GivenOn.String(), Language: p.Rights.Language, Interpreter: p.Rights.Interpreter}
	}
	return out
}

type proceedingEventJSON struct {
	ID           string    `json:"id"`
	ProceedingID string    `json:"proceeding_id"`
	Kind         string    `json:"kind"`
	Date         string    `json:"date"`
	Measure      string    `json:"measure,omitempty"`
	Status       string    `json:"status,omitempty"`
	Outcome      string    `json:"outcome,omitempty"`
	Months       *int      `json:"months,omitempty"`
	Suspended    *bool     `json:"suspended,omitempty"`
	Stage        string    `json:"stage,omitempty"`
	Notes        string    `json:"notes,omitempty"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
}

func toProceedingEventJSON(e nrm.ProceedingEvent) proceedingEventJSON {
	out := proceedingEventJSON{ID: e.ID, ProceedingID: e.ProceedingID, Kind: e.Kind, Date: e.Date.String(), Measure: e.Measure,
		Status: e.Status, Outcome: e.Outcome, Stage: e.Stage, Notes: e.Notes, CreatedBy: e.CreatedBy, CreatedAt: e.CreatedAt}
	if e.Kind == nrm.EventSentence {
		months, suspended := e.Months, e.Suspended
		out.Months, out.Suspended = &months, &suspended
	}
	return out
}

type nonPunishmentJSON struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"case_id"`
	Offence    string    `json:"offence,omitempty"`
	Compelled  bool      `json:"compelled"`
	Status     string    `json:"status"`
	Authority  string    `json:"authority,omitempty"`
	CreatedBy  string    `json:"created_by"`
	CreatedOrg string    `json:"created_org"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int64     `json:"version"`
}

func toNonPunishmentJSON(n nrm.NonPunishment) nonPunishmentJSON {
	return nonPunishmentJSON{ID: n.ID, CaseID: n.CaseID, Offence: n.Offence, Compelled: n.Compelled, Status: n.Status,
		Authority: n.Authority, CreatedBy: n.CreatedBy, CreatedOrg: n.CreatedOrg, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt, Version: n.Version}
}

type awardJSON struct {
	ID          string    `json:"id"`
	ClaimID     string    `json:"claim_id"`
	DecidedOn   string    `json:"decided_on"`
	Awarded     moneyJSON `json:"awarded"`
	ClaimStatus string    `json:"status"`
	CreatedAt   time.Time `json:"created_at"`
}

type paymentJSON struct {
	ID          string    `json:"id"`
	ClaimID     string    `json:"claim_id"`
	PaidOn      string    `json:"paid_on"`
	Paid        moneyJSON `json:"paid"`
	ClaimStatus string    `json:"status"`
	CreatedAt   time.Time `json:"created_at"`
}

type claimJSON struct {
	ID            string        `json:"id"`
	CaseID        string        `json:"case_id"`
	Route         string        `json:"route"`
	FiledOn       string        `json:"filed_on"`
	Status        string        `json:"status"`
	Claimed       moneyJSON     `json:"claimed"`
	Award         *awardJSON    `json:"award,omitempty"`
	Payments      []paymentJSON `json:"payments"`
	Paid          moneyJSON     `json:"paid"`
	AwardedUnpaid moneyJSON     `json:"awarded_unpaid"`
	CreatedBy     string        `json:"created_by"`
	CreatedOrg    string        `json:"created_org"`
	CreatedAt     time.Time     `json:"created_at"`
	Version       int64         `json:"version"`
}

func toClaimJSON(c nrm.Claim) claimJSON {
	cur := c.Claimed.Currency
	out := claimJSON{ID: c.ID, CaseID: c.CaseID, Route: c.Route, FiledOn: c.FiledOn.String(), Status: c.Status(),
		Claimed: toMoneyJSON(c.Claimed), Payments: []paymentJSON{}, Paid: toMoneyJSON(nrm.Money{Minor: c.PaidMinor(), Currency: cur}),
		AwardedUnpaid: toMoneyJSON(nrm.Money{Currency: cur}), CreatedBy: c.CreatedBy, CreatedOrg: c.CreatedOrg,
		CreatedAt: c.CreatedAt, Version: c.Version}
	if c.Award != nil {
		aw := toAwardJSON(c)
		out.Award = &aw
		out.AwardedUnpaid = toMoneyJSON(nrm.Money{Minor: max(c.Award.Awarded.Minor-c.PaidMinor(), 0), Currency: cur})
	}
	for _, p := range c.Payments {
		out.Payments = append(out.Payments, paymentJSON{ID: p.ID, ClaimID: p.ClaimID, PaidOn: p.PaidOn.String(), Paid: toMoneyJSON(p.Paid),
			ClaimStatus: c.Status(), CreatedAt: p.CreatedAt})
	}
	return out
}

func toAwardJSON(c nrm.Claim) awardJSON {
	return awardJSON{ID: c.Award.ID, ClaimID: c.ID, DecidedOn: c.Award.DecidedOn.String(), Awarded: toMoneyJSON(c.Award.Awarded),
		ClaimStatus: c.Status(), CreatedAt: c.Award.CreatedAt}
}

type justiceJSON struct {
	Proceedings        []proceedingJSON    `json:"proceedings"`
	NonPunishment      []nonPunishmentJSON `json:"non_punishment"`
	CompensationClaims []claimJSON         `json:"compensation_claims"`
}

type totalsJSON struct {
	Claimed       string `json:"claimed"`
	Awarded       string `json:"awarded"`
	Paid          string `json:"paid"`
	AwardedUnpaid string `json:"awarded_unpaid"`
}

type compensationReportJSON struct {
	From       string                `json:"from"`
	To         string                `json:"to"`
	Claims     int                   `json:"claims"`
	ByCurrency map[string]totalsJSON `json:"by_currency"`
}

func (a *API) addProceeding(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ProceedingInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	p, err := a.svc.AddProceeding(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toProceedingJSON(p), nil
}

func (a *API) addProceedingEvent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ProceedingEventInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	e, err := a.svc.AddProceedingEvent(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toProceedingEventJSON(e), nil
}

func (a *API) addNonPunishment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.NonPunishmentInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	n, err := a.svc.AddNonPunishment(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toNonPunishmentJSON(n), nil
}

func (a *API) setNonPunishmentStatus(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.NonPunishmentStatusInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	n, err := a.svc.SetNonPunishmentStatus(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toNonPunishmentJSON(n), nil
}

func (a *API) addClaim(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ClaimInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	c, err := a.svc.AddClaim(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toClaimJSON(c), nil
}

func (a *API) addAward(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.AwardInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	c, err := a.svc.AddAward(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toAwardJSON(c), nil
}

func (a *API) addPayment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.PaymentInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	c, err := a.svc.AddPayment(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	cj := toClaimJSON(c)
	return http.StatusCreated, cj.Payments[len(cj.Payments)-1], nil
}

func (a *API) justice(w http.ResponseWriter, r *http.Request) (int, any, error) {
	j, err := a.svc.Justice(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toJusticeJSON(j), nil
}

func toJusticeJSON(j service.Justice) justiceJSON {
	return justiceJSON{Proceedings: items(j.Proceedings, toProceedingJSON).Items,
		NonPunishment:      items(j.NonPunishment, toNonPunishmentJSON).Items,
		CompensationClaims: items(j.Claims, toClaimJSON).Items}
}

func (a *API) compensationReport(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	rep, err := a.svc.CompensationReport(r.Context(), q.Get("from"), q.Get("to"))
	if err != nil {
		return 0, nil, err
	}
	out := compensationReportJSON{From: rep.From.String(), To: rep.To.String(), Claims: rep.Claims, ByCurrency: map[string]totalsJSON{}}
	for cur, t := range rep.ByCurrency {
		out.ByCurrency[cur] = totalsJSON{Claimed: nrm.FormatMinor(t.Claimed, cur), Awarded: nrm.FormatMinor(t.Awarded, cur),
			Paid: nrm.FormatMinor(t.Paid, cur), AwardedUnpaid: nrm.FormatMinor(t.AwardedUnpaid, cur)}
	}
	return http.StatusOK, out, nil
}
