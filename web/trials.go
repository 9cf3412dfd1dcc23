package web

// Trial monitoring pages: the monitors' list of trials with a form for a
// new one (GET /trials), a trial with its hearing sheets and the forms for
// a sheet and the outcome (GET /trials/{id}), and the findings for every
// signed-in user (trialfindings.go). The service decides who may.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// trialLabels name the codes of trial monitoring.
var trialLabels = map[string]string{
	"victim-identified":           "Victim identified as such",
	"recovery-period-respected":   "Recovery and reflection period respected",
	"rights-informed":             "Told their rights in a language they understand",
	"interpreter":                 "Interpreter provided",
	"legal-representation":        "Legal representation",
	"protective-measures-ordered": "Protective measures ordered",
	"protective-measures-applied": "Protective measures applied",
	"secondary-victimisation":     "Secondary victimisation observed",
	"intimidation":                "Intimidation observed",
	"non-punishment-raised":       "Non-punishment raised",
	"compensation-claimed":        "Compensation claimed",
	"immigration-status-secured":  "Immigration status secured",
	"convicted-trafficking":       "Convicted of trafficking",
	"convicted-other":             "Convicted of another offence",
	"acquitted":                   "Acquitted",
	"dismissed":                   "Dismissed",
	nrm.SheetYes:                  "Yes",
	nrm.SheetNo:                   "No",
	nrm.SheetNotApplicable:        "Not applicable",
	nrm.SheetNotObserved:          "Not observed",
}

// trialLabeller labels trial codes, and every other code as labels.go does.
type trialLabeller struct{}

func (trialLabeller) Label(code string) string {
	if l, ok := trialLabels[code]; ok {
		return l
	}
	return label(code)
}

type trialsPage struct {
	formState
	trialLabeller
	Trials   []nrm.Trial
	CanWrite bool
}

type trialPage struct {
	formState
	trialLabeller
	Trial    nrm.Trial
	Items    []string
	Values   []string
	Verdicts []string
}

// Checked says whether a value of a sheet item is the one chosen (on a
// form drawn again after an error).
func (p trialPage) Checked(item, value string) bool {
	return p.formState.Values["hearing.sheet."+item] == value
}

// SelectOf draws a select of codes of a named form, by their labels.
func (p trialPage) SelectOf(form, name, label, hint string, codes []string) choice {
	id := form + "." + name
	c := choice{L: p.L, ID: id, Name: name, Label: label, Hint: hint, Value: p.formState.Values[id], Error: p.Errs[id]}
	for _, code := range codes {
		c.Options = append(c.Options, option{Value: code, Label: p.Label(code)})
	}
	return c
}

// Money shows an amount with its currency.
func (trialPage) Money(m *nrm.Money) string {
	if m == nil {
		return ""
	}
	return m.String()
}

func (w *Web) trialsPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderTrials(rw, r, s, http.StatusOK, view{Flash: flash(r)})
}

func (w *Web) renderTrials(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	ts, err := w.svc.Trials(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v.Data = trialsPage{formState: newTrackForms(r, &v, "trial").formState, Trials: ts,
		CanWrite: nrm.Can(s.Actor, nrm.ActTrialWrite, nrm.Access{})}
	w.render(rw, r, s, status, "trials", v)
}

// createTrial: POST /trials.
func (w *Web) createTrial(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.TrialInput{Court: f("court"), Country: f("country"), CaseNumber: f("case_number"), OpenedOn: f("opened_on")}
	for _, c := range strings.Split(f("charges"), ";") {
		if c = strings.TrimSpace(c); c != "" {
			in.Charges = append(in.Charges, c)
		}
	}
	values := map[string]string{}
	for _, k := range []string{"court", "country", "case_number", "charges", "opened_on", "victims", "defendants"} {
		values[k] = f(k)
	}
	in.Victims, in.Defendants = formInt(f("victims")), formInt(f("defendants"))
	t, err := w.svc.CreateTrial(r.Context(), in)
	if err != nil {
		w.formFailed(rw, r, s, err, "trial", values, func(status int, v view) { w.renderTrials(rw, r, s, status, v) })
		return
	}
	http.Redirect(rw, r, "/trials/"+t.ID+"?saved=track", http.StatusSeeOther)
}

// formInt reads a whole number of a form; anything else is absent, which
// the service refuses naming the field.
func formInt(s string) *int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return nil
	}
	return &n
}

func (w *Web) trialPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderTrial(rw, r, s, http.StatusOK, view{Flash: flash(r)})
}

func (w *Web) renderTrial(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	t, err := w.svc.Trial(r.Context(), r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v.Data = trialPage{formState: newTrackForms(r, &v, "").formState, Trial: t, Items: nrm.TrialSheetItems,
		Values: nrm.TrialSheetValues, Verdicts: nrm.TrialVerdicts}
	w.render(rw, r, s, status, "trial", v)
}

// addTrialHearing: POST /trials/{id}/hearings, one radio group per item.
func (w *Web) addTrialHearing(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.TrialHearingInput{Date: f("date"), Notes: f("notes"), Sheet: map[string]string{}}
	values := map[string]string{"date": in.Date, "notes": in.Notes}
	for _, item := range nrm.TrialSheetItems {
		if v := f("sheet." + item); v != "" {
			in.Sheet[item], values["sheet."+item] = v, v
		}
	}
	if _, err := w.svc.AddTrialHearing(r.Context(), r.PathValue("id"), in); err != nil {
		w.formFailed(rw, r, s, err, "hearing", values, func(status int, v view) { w.renderTrial(rw, r, s, status, v) })
		return
	}
	http.Redirect(rw, r, "/trials/"+r.PathValue("id")+"?saved=track#hearings", http.StatusSeeOther)
}

// recordTrialOutcome: POST /trials/{id}/outcome.
func (w *Web) recordTrialOutcome(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.TrialOutcomeInput{Date: f("date"), Verdict: f("verdict")}
	values := map[string]string{"date": in.Date, "verdict": in.Verdict, "sentence_months": f("sentence_months"),
		"suspended": f("suspended"), "compensation_awarded.amount": f("compensation_awarded.amount"),
		"compensation_awarded.currency": f("compensation_awarded.currency")}
	var bad error
	if m := strings.TrimSpace(f("sentence_months")); m != "" {
		if in.SentenceMonths = formInt(m); in.SentenceMonths == nil {
			bad = nrm.Invalid("sentence_months", "a whole number of months")
		}
	}
	suspended := f("suspended") == "true"
	in.Suspended = &suspended
	if a := strings.TrimSpace(f("compensation_awarded.amount")); a != "" {
		in.CompensationAwarded = &nrm.MoneyInput{Amount: a, Currency: f("compensation_awarded.currency")}
	}
	if bad == nil {
		_, bad = w.svc.RecordTrialOutcome(r.Context(), r.PathValue("id"), in)
	}
	if bad != nil {
		w.formFailed(rw, r, s, bad, "outcome", values, func(status int, v view) { w.renderTrial(rw, r, s, status, v) })
		return
	}
	http.Redirect(rw, r, "/trials/"+r.PathValue("id")+"?saved=track#outcome", http.StatusSeeOther)
}

// registerTrials adds the pages of trial monitoring.
func (w *Web) registerTrials(handle func(string, http.Handler)) {
	handle("GET /trials", w.signedIn(w.trialsPage))
	handle("POST /trials", w.signedIn(w.createTrial))
	handle("GET /trials/findings", w.signedIn(w.trialFindingsPage))
	handle("GET /trials/findings.csv", w.signedIn(w.trialFindingsCSV))
	handle("GET /trials/findings.xlsx", w.signedIn(w.trialFindingsXLSX))
	handle("GET /trials/{id}", w.signedIn(w.trialPage))
	handle("POST /trials/{id}/hearings", w.signedIn(w.addTrialHearing))
	handle("POST /trials/{id}/outcome", w.signedIn(w.recordTrialOutcome))
}
