package web

import (
	"net/http"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

type newCaseView struct {
	Sexes  []string
	Types  []string
	Chosen map[string]bool
}

func (w *Web) newCasePage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := map[string]string{"encounter.date": w.svc.Today().String(), "person.sex": "unknown"}
	w.render(rw, r, s, http.StatusOK, "case_new", view{Form: form, Data: newCaseForm(nil)})
}

func newCaseForm(chosen []string) newCaseView {
	v := newCaseView{Sexes: nrm.Sexes, Types: nrm.ExploitationTypes, Chosen: map[string]bool{}}
	for _, c := range chosen {
		v.Chosen[c] = true
	}
	return v
}

func (w *Web) createCase(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := map[string]string{}
	for _, k := range []string{"person.given_name", "person.family_name", "person.date_of_birth", "person.age_uncertain",
		"person.sex", "person.citizenship", "person.contact", "encounter.date", "encounter.place", "encounter.country"} {
		form[k] = r.PostFormValue(k)
	}
	var citizenship []string
	for _, c := range strings.Split(form["person.citizenship"], ",") {
		if c = strings.TrimSpace(c); c != "" {
			citizenship = append(citizenship, c)
		}
	}
	types := r.PostForm["exploitation_types"]
	in := nrm.CaseInput{
		Person: nrm.PersonInput{GivenName: form["person.given_name"], FamilyName: form["person.family_name"],
			DateOfBirth: form["person.date_of_birth"], AgeUncertain: form["person.age_uncertain"] == "true",
			Sex: form["person.sex"], Citizenship: citizenship, Contact: form["person.contact"]},
		Encounter:         nrm.EncounterInput{Date: form["encounter.date"], Place: form["encounter.place"], Country: form["encounter.country"]},
		ExploitationTypes: types,
	}
	c, err := w.svc.CreateCase(r.Context(), in)
	if err != nil {
		if v, ok := formError(err); ok {
			v.Form, v.Data = form, newCaseForm(types)
			w.render(rw, r, s, http.StatusUnprocessableEntity, "case_new", v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/cases/"+c.ID, http.StatusSeeOther)
}
