package web

// The Justice tab of a case: proceedings and their events, non-punishment,
// compensation. One page of its own (GET /cases/{id}/justice), its forms
// posting under it; the service decides who reads and writes.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

type justicePage struct {
	trackForms
	Case       nrm.CaseView
	Justice    service.Justice
	CanWrite   bool
	Today      nrm.Date
	Kinds      []string
	Stages     []string
	Roles      []string
	EventKinds []string
	Measures   []string
	MStatuses  []string
	Verdicts   []string
	NPStatuses []string
	Routes     []string
}

// Money shows an amount with its currency.
func (justicePage) Money(m nrm.Money) string { return m.String() }

// Unpaid is what is awarded and not paid on a claim.
func (justicePage) Unpaid(c nrm.Claim) string {
	if c.Award == nil {
		return ""
	}
	return nrm.Money{Minor: max(c.Award.Awarded.Minor-c.PaidMinor(), 0), Currency: c.Claimed.Currency}.String()
}

func (w *Web) justicePage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderJustice(rw, r, s, http.StatusOK, view{Flash: flash(r)}, "")
}

func (w *Web) renderJustice(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view, failed string) {
	ctx, id := r.Context(), r.PathValue("id")
	c, err := w.svc.Case(ctx, id)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	j, err := w.svc.Justice(ctx, id)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	p := justicePage{trackForms: newTrackForms(r, &v, failed), Case: c, Justice: j, CanWrite: w.svc.May(ctx, c, nrm.ActJusticeWrite),
		Today: w.svc.Today(), Kinds: nrm.ProceedingKinds, Stages: nrm.ProceedingStages, Roles: nrm.ProceduralRoles,
		EventKinds: nrm.ProceedingEvents, Measures: nrm.ProtectiveMeasures, MStatuses: nrm.MeasureStatuses, Verdicts: nrm.Verdicts,
		NPStatuses: nrm.NonPunishmentStatuses, Routes: nrm.CompensationRoutes}
	for _, k := range []string{"claim.filed_on"} {
		if _, ok := v.Form[k]; !ok {
			v.Form[k] = p.Today.String()
		}
	}
	v.Data = p
	w.render(rw, r, s, status, "case_justice", v)
}

func justicePath(r *http.Request) string { return "/cases/" + r.PathValue("id") + "/justice" }

// addProceeding: POST /cases/{id}/justice/proceedings.
func (w *Web) addProceeding(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.ProceedingInput{Kind: f("kind"), Stage: f("stage"), Authority: f("authority"), Reference: f("reference"),
		PersonRole: f("person_role")}
	for _, c := range strings.Split(f("charges"), ",") {
		if c = strings.TrimSpace(c); c != "" {
			in.Charges = append(in.Charges, c)
		}
	}
	if f("lawyer.name") != "" || f("lawyer.legal_aid") != "" {
		in.Lawyer = &nrm.LawyerInput{Name: f("lawyer.name"), LegalAid: f("lawyer.legal_aid") == "true"}
	}
	if f("rights_information.given_on") != "" || f("rights_information.language") != "" {
		in.RightsInformation = &nrm.RightsInput{GivenOn: f("rights_information.given_on"), Language: f("rights_information.language"),
			Interpreter: f("rights_information.interpreter") == "true"}
	}
	values := map[string]string{}
	for _, k := range []string{"kind", "stage", "authority", "reference", "person_role", "charges", "lawyer.name", "lawyer.legal_aid",
		"rights_information.given_on", "rights_information.language", "rights_information.interpreter"} {
		values[k] = f(k)
	}
	if _, err := w.svc.AddProceeding(r.Context(), r.PathValue("id"), in); err != nil {
		w.trackFailed(rw, r, s, err, "proceeding", values, w.renderJustice)
		return
	}
	backTo(rw, r, justicePath(r), "proceedings")
}

// addProceedingEvent: POST /cases/{id}/justice/proceedings/{p}/events.
func (w *Web) addProceedingEvent(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.ProceedingEventInput{Kind: f("kind"), Date: f("date"), Measure: f("measure"), Status: f("status"), Outcome: f("outcome"),
		Stage: f("stage"), Notes: f("notes")}
	values := map[string]string{"kind": in.Kind, "date": in.Date, "measure": in.Measure, "status": in.Status, "outcome": in.Outcome,
		"stage": in.Stage, "notes": in.Notes, "months": f("months"), "suspended": f("suspended")}
	var bad error
	if m := strings.TrimSpace(f("months")); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			bad = nrm.Invalid("months", "a whole number of months")
		}
		in.Months = &n
	}
	if f("suspended") != "" {
		b := f("suspended") == "true"
		in.Suspended = &b
	}
	if bad == nil {
		_, bad = w.svc.AddProceedingEvent(r.Context(), r.PathValue("p"), in)
	}
	if bad != nil {
		w.trackFailed(rw, r, s, bad, "event-"+r.PathValue("p"), values, w.renderJustice)
		return
	}
	backTo(rw, r, justicePath(r), "proceeding-"+r.PathValue("p"))
}

// addNonPunishment: POST /cases/{id}/justice/non-punishment.
func (w *Web) addNonPunishment(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	compelled := f("compelled") == "true"
	in := nrm.NonPunishmentInput{Offence: f("offence"), Compelled: &compelled, Status: f("status"), Authority: f("authority")}
	values := map[string]string{"offence": in.Offence, "compelled": f("compelled"), "status": in.Status, "authority": in.Authority}
	if _, err := w.svc.AddNonPunishment(r.Context(), r.PathValue("id"), in); err != nil {
		w.trackFailed(rw, r, s, err, "np", values, w.renderJustice)
		return
	}
	backTo(rw, r, justicePath(r), "non-punishment")
}

// setNonPunishmentStatus: POST /cases/{id}/justice/non-punishment/{n}/status.
func (w *Web) setNonPunishmentStatus(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := nrm.NonPunishmentStatusInput{Status: r.PostFormValue("status")}
	if _, err := w.svc.SetNonPunishmentStatus(r.Context(), r.PathValue("n"), in); err != nil {
		w.trackFailed(rw, r, s, err, "np-"+r.PathValue("n"), map[string]string{"status": in.Status}, w.renderJustice)
		return
	}
	backTo(rw, r, justicePath(r), "non-punishment")
}

// addClaim: POST /cases/{id}/justice/claims.
func (w *Web) addClaim(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.ClaimInput{Route: f("route"), FiledOn: f("filed_on"), Claimed: nrm.MoneyInput{Amount: f("claimed.amount"), Currency: f("claimed.currency")}}
	values := map[string]string{"route": in.Route, "filed_on": in.FiledOn, "claimed.amount": in.Claimed.Amount, "claimed.currency": in.Claimed.Currency}
	if _, err := w.svc.AddClaim(r.Context(), r.PathValue("id"), in); err != nil {
		w.trackFailed(rw, r, s, err, "claim", values, w.renderJustice)
		return
	}
	backTo(rw, r, justicePath(r), "compensation")
}

// addAward: POST /cases/{id}/justice/claims/{c}/awards.
func (w *Web) addAward(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.AwardInput{DecidedOn: f("decided_on"), Awarded: nrm.MoneyInput{Amount: f("awarded.amount"), Currency: f("awarded.currency")}}
	values := map[string]string{"decided_on": in.DecidedOn, "awarded.amount": in.Awarded.Amount, "awarded.currency": in.Awarded.Currency}
	if _, err := w.svc.AddAward(r.Context(), r.PathValue("c"), in); err != nil {
		w.trackFailed(rw, r, s, err, "award-"+r.PathValue("c"), values, w.renderJustice)
		return
	}
	backTo(rw, r, justicePath(r), "claim-"+r.PathValue("c"))
}

// addPayment: POST /cases/{id}/justice/claims/{c}/payments.
func (w *Web) addPayment(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.PaymentInput{PaidOn: f("paid_on"), Paid: nrm.MoneyInput{Amount: f("paid.amount"), Currency: f("paid.currency")}}
	values := map[string]string{"paid_on": in.PaidOn, "paid.amount": in.Paid.Amount, "paid.currency": in.Paid.Currency}
	if _, err := w.svc.AddPayment(r.Context(), r.PathValue("c"), in); err != nil {
		w.trackFailed(rw, r, s, err, "payment-"+r.PathValue("c"), values, w.renderJustice)
		return
	}
	backTo(rw, r, justicePath(r), "claim-"+r.PathValue("c"))
}

// compensationPage is the report: sums per currency, nothing of any case.
type compensationPage struct {
	trackForms
	Report *service.CompensationReport
}

// Amount writes minor units of a currency.
func (compensationPage) Amount(n int64, currency string) string { return nrm.FormatMinor(n, currency) }

// compensationReportPage: GET /reports/compensation?from=&to=.
func (w *Web) compensationReportPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	q := r.URL.Query()
	v := view{Form: map[string]string{"report.from": q.Get("from"), "report.to": q.Get("to")}}
	p := compensationPage{trackForms: newTrackForms(r, &v, "")}
	status := http.StatusOK
	if q.Has("from") || q.Has("to") {
		rep, err := w.svc.CompensationReport(r.Context(), q.Get("from"), q.Get("to"))
		switch {
		case err == nil:
			p.Report = &rep
		case nrm.ErrorCode(err) == nrm.CodeInvalid:
			e := nrm.AsError(err)
			shown := *e
			shown.Field = "report." + e.Field
			v.Errors, v.FieldErrors[shown.Field], status = []*nrm.Error{&shown}, e.Message, http.StatusUnprocessableEntity
		default:
			w.fail(rw, r, s, err)
			return
		}
	} else if !w.svc.May(r.Context(), nrm.CaseView{}, nrm.ActCompensationReport) {
		w.fail(rw, r, s, nrm.Forbidden("your role may not read the compensation report"))
		return
	}
	v.Data = p
	w.render(rw, r, s, status, "compensation_report", v)
}
