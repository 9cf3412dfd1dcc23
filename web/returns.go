package web

// The Return tab of a case: the return risk assessment, its sign-off by a
// second person, the return (gated: the form says why it is refused now
// and links to the assessment) and the follow-ups after it.

import (
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

type returnPage struct {
	trackForms
	Case  nrm.CaseView
	Track service.ReturnTrack
	Items []nrm.ReturnItem
	Orgs  []nrm.Organisation
	// Partners are the trusted partner instances abroad a return may name
	// as its receiver (their follow-ups come back to the case).
	Partners  []nrm.Organisation
	OrgName   map[string]string
	CanAssess bool
	CanReview bool
	CanReturn bool
	Today     nrm.Date
	// Gate is why a return is refused now ("" when it may be recorded);
	// GateLink is the part of the page to go to about it.
	Gate, GateLink string
	GateErr        *nrm.Error // Gate as a key and its arguments, for the page's language
	// Usable is the assessment a return may rest on now.
	Usable     string
	Situations []string
	BIOutcomes []string
}

// Since is how old an assessment is, in days.
func (p returnPage) Since(d nrm.Date) int { return int(p.Today.Time().Sub(d.Time()).Hours() / 24) }

func (w *Web) returnPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderReturn(rw, r, s, http.StatusOK, view{Flash: flash(r)}, "")
}

func (w *Web) renderReturn(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view, failed string) {
	ctx, id := r.Context(), r.PathValue("id")
	c, err := w.svc.Case(ctx, id)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	t, err := w.svc.Returns(ctx, id)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	orgs, err := w.svc.Orgs(ctx)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	p := returnPage{trackForms: newTrackForms(r, &v, failed), Case: c, Track: t, Items: nrm.ReturnItems, Orgs: orgs, OrgName: map[string]string{},
		CanAssess: w.svc.May(ctx, c, nrm.ActReturnAssess), CanReview: w.svc.May(ctx, c, nrm.ActReturnReview),
		CanReturn: w.svc.May(ctx, c, nrm.ActReturnRecord), Today: w.svc.Today(),
		Situations: nrm.FollowUpSituations, BIOutcomes: nrm.BestInterestsOutcomes}
	for _, o := range orgs {
		p.OrgName[o.ID] = o.Name
	}
	partners, err := w.svc.Partners(ctx)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	for _, pt := range partners {
		if pt.Active() {
			p.Partners = append(p.Partners, nrm.Organisation{ID: pt.ID, Name: pt.Instance + ", " + pt.Country, Kind: "partner-instance"})
			p.OrgName[pt.ID] = pt.Instance
		}
	}
	p.gate()
	today := p.Today.String()
	for _, k := range []string{"assess.best_interests_determination.done_on", "return.date", "follow-up.date"} {
		if _, ok := v.Form[k]; !ok {
			v.Form[k] = today
		}
	}
	if _, ok := v.Form["return.assessment_id"]; !ok {
		v.Form["return.assessment_id"] = p.Usable
	}
	v.Data = p
	w.render(rw, r, s, status, "case_return", v)
}

// gate explains, by the domain's rules, why a return cannot be recorded
// now, and which assessment one may rest on.
func (p *returnPage) gate() {
	c := p.Case.Case
	if len(p.Track.Returns) > 0 {
		p.Gate, p.GateErr, p.GateLink = "The return is recorded.", &nrm.Error{Key: "The return is recorded."}, "#returns"
		return
	}
	if err := nrm.Guard(c, nrm.StepReturn, ""); err != nil {
		p.Gate, p.GateErr, p.GateLink = nrm.AsError(err).Message, nrm.AsError(err), "/cases/"+c.ID
		return
	}
	as := p.Track.Assessments
	if len(as) == 0 {
		p.Gate, p.GateErr, p.GateLink = "No return risk assessment of this case yet: assess the return first (CETS 197 Art. 16).", &nrm.Error{Key: "No return risk assessment of this case yet: assess the return first (CETS 197 Art. 16)."}, "#assess"
		return
	}
	pick := as[len(as)-1]
	for i := len(as) - 1; i >= 0; i-- {
		if as[i].Status == nrm.AssessmentApproved {
			pick = as[i]
			break
		}
	}
	if err := nrm.CheckReturnGate(pick, true, c, p.Today, p.Track.ValidDays); err != nil {
		p.Gate, p.GateErr, p.GateLink = nrm.AsError(err).Message, nrm.AsError(err), "#assessment-"+pick.ID
		return
	}
	p.Usable = pick.ID
}

func returnPath(r *http.Request) string { return "/cases/" + r.PathValue("id") + "/return" }

// addAssessment: POST /cases/{id}/return/assessments.
func (w *Web) addAssessment(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.AssessmentInput{DestinationCountry: f("destination_country"), Summary: f("summary"), Answers: map[string]string{}}
	values := map[string]string{"destination_country": in.DestinationCountry, "summary": in.Summary}
	for _, it := range nrm.ReturnItems {
		if v := f("answers." + it.ID); v != "" {
			in.Answers[it.ID] = v
			values["answers."+it.ID] = v
		}
	}
	const bid = "best_interests_determination."
	if f(bid+"outcome") != "" || f(bid+"guardian") != "" {
		in.BestInterests = &nrm.BestInterestsInput{DoneOn: f(bid + "done_on"), Guardian: f(bid + "guardian"), Outcome: f(bid + "outcome")}
	}
	for _, k := range []string{"done_on", "guardian", "outcome"} {
		values[bid+k] = f(bid + k)
	}
	if _, err := w.svc.AddAssessment(r.Context(), r.PathValue("id"), in); err != nil {
		w.trackFailed(rw, r, s, err, "assess", values, w.renderReturn)
		return
	}
	backTo(rw, r, returnPath(r), "assessments")
}

// reviewAssessment: POST /cases/{id}/return/assessments/{a}/review.
func (w *Web) reviewAssessment(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := nrm.ReviewInput{Reasons: r.PostFormValue("reasons")}
	approve := r.PostFormValue("decision") == "approve"
	if !approve && r.PostFormValue("decision") != "reject" {
		w.trackFailed(rw, r, s, nrm.Invalid("decision", "approve or reject"), "review-"+r.PathValue("a"), nil, w.renderReturn)
		return
	}
	if _, err := w.svc.ReviewAssessment(r.Context(), r.PathValue("a"), approve, in); err != nil {
		if nrm.ErrorCode(err) == nrm.CodeForbidden {
			// Four eyes: say so on the page, at the assessment.
			e := *nrm.AsError(err)
			e.Code = nrm.CodeConflict
			err = &e
			w.formFailed(rw, r, s, err, "review-"+r.PathValue("a"), map[string]string{"reasons": in.Reasons}, func(_ int, v view) {
				w.renderReturn(rw, r, s, http.StatusForbidden, v, "review-"+r.PathValue("a"))
			})
			return
		}
		w.trackFailed(rw, r, s, err, "review-"+r.PathValue("a"), map[string]string{"reasons": in.Reasons}, w.renderReturn)
		return
	}
	backTo(rw, r, returnPath(r), "assessment-"+r.PathValue("a"))
}

// recordReturn: POST /cases/{id}/return/returns.
func (w *Web) recordReturn(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.ReturnInput{AssessmentID: f("assessment_id"), Date: f("date"), ReceivingOrg: f("receiving_org"), PartnerID: f("partner_id")}
	if v := f("voluntary"); v != "" {
		b := v == "true"
		in.Voluntary = &b
	}
	values := map[string]string{"assessment_id": in.AssessmentID, "date": in.Date, "receiving_org": in.ReceivingOrg,
		"partner_id": in.PartnerID, "voluntary": f("voluntary")}
	if _, err := w.svc.RecordReturn(r.Context(), r.PathValue("id"), in); err != nil {
		w.trackFailed(rw, r, s, err, "return", values, w.renderReturn)
		return
	}
	backTo(rw, r, returnPath(r), "returns")
}

// addFollowUp: POST /cases/{id}/return/returns/{r}/follow-ups.
func (w *Web) addFollowUp(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	f := r.PostFormValue
	in := nrm.FollowUpInput{Date: f("date"), Reached: f("reached") == "true", Situation: f("situation"), Notes: f("notes")}
	values := map[string]string{"date": in.Date, "reached": f("reached"), "situation": in.Situation, "notes": in.Notes}
	if _, err := w.svc.AddFollowUp(r.Context(), r.PathValue("r"), in); err != nil {
		w.trackFailed(rw, r, s, err, "follow-up", values, w.renderReturn)
		return
	}
	backTo(rw, r, returnPath(r), "returns")
}
