package web

// The screening form has a page of its own: the ILO/EC indicator lists are
// most of the weight of a case page, and a case worker opens them once or
// twice in a case's life, while the case page is reloaded after every save.
// The case page keeps the results and a link here.

import (
	"net/http"
	"slices"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/screening"
	"github.com/nrmproject/nrm/service"
)

// screeningPage is what templates/screening.html draws.
type screeningPage struct {
	labeller
	formState
	Case   nrm.CaseView
	Set    *screening.Set
	Sets   []string
	Groups []dimGroup
}

// screeningForm serves GET /cases/{id}/screening.
func (w *Web) screeningForm(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderScreeningPage(rw, r, s, http.StatusOK, view{})
}

// renderScreeningPage draws the form; v may carry a failed form's errors
// and values. The service says whether the viewer may screen this case.
func (w *Web) renderScreeningPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	cf, err := w.svc.CaseFile(r.Context(), r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if !cf.Actions.Screen {
		w.fail(rw, r, s, nrm.Forbidden("you may not screen this case now"))
		return
	}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	if v.FieldErrors == nil {
		v.FieldErrors = map[string]string{}
	}
	if _, ok := v.Form["screening.screened_on"]; !ok {
		v.Form["screening.screened_on"] = w.svc.Today().String()
	}
	p := screeningPage{Case: cf.CaseView,
		formState: formState{L: localizerFor(r), Errs: v.FieldErrors, Values: v.Form, OpenForm: "screening"}}
	sets := w.svc.Indicators().Sets()
	for _, st := range sets {
		p.Sets = append(p.Sets, st.Name)
	}
	// The set chosen (?set=, or the one sent), else the one for the person's age.
	name := v.Form["screening.indicator_set"]
	if name == "" {
		name = r.URL.Query().Get("set")
	}
	set, ok := w.svc.Indicators().Set(name)
	if !ok {
		def := "adult-labour"
		if cf.Child {
			def = "child-labour"
		}
		if set, ok = w.svc.Indicators().Set(def); !ok && len(sets) > 0 {
			set = sets[0]
		}
	}
	if set != nil {
		p.Set = set
		for _, d := range set.Dimensions {
			g := dimGroup{Dimension: d}
			for _, ind := range set.Indicators {
				if ind.Dimension == d {
					g.Indicators = append(g.Indicators, ind)
				}
			}
			p.Groups = append(p.Groups, g)
		}
	}
	v.Data = p
	w.render(rw, r, s, status, "screening", v)
}

// screen records a screening: POST /cases/{id}/screenings. A bad form is
// drawn again on the screening page, with what was ticked and typed.
func (w *Web) screen(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := service.ScreeningInput{IndicatorSet: r.PostFormValue("indicator_set"), Indicators: r.PostForm["indicators"],
		ScreenedOn: r.PostFormValue("screened_on"), Evidence: map[string]string{}}
	values := map[string]string{"indicator_set": in.IndicatorSet, "screened_on": in.ScreenedOn}
	for _, id := range in.Indicators {
		values["tick."+id] = "1"
	}
	var bad error
	for k, vals := range r.PostForm {
		id, ok := strings.CutPrefix(k, "evidence.")
		if !ok || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
			continue
		}
		values[k] = vals[0]
		if !slices.Contains(in.Indicators, id) {
			if bad == nil {
				bad = nrm.Invalid(k, "you wrote evidence for an indicator that is not ticked: tick it, or clear the note")
			}
			continue
		}
		in.Evidence[id] = vals[0]
	}
	if bad == nil {
		if _, err := w.svc.Screen(r.Context(), r.PathValue("id"), in); err != nil {
			bad = err
		}
	}
	if bad != nil {
		w.formFailed(rw, r, s, bad, "screening", values, func(status int, v view) { w.renderScreeningPage(rw, r, s, status, v) })
		return
	}
	w.backToCase(rw, r, r.PathValue("id"), "screening", "screening")
}
