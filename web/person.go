package web

// The person's part of the case page: the correction form (it shows the
// current values), the history of corrections, a child's guardian and the
// case's warnings. Drawn by templates/_person.html.

import (
	"net/http"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

func init() {
	for k, v := range map[string]string{
		// Timeline kinds.
		"person":   "Person",
		"child":    "Child",
		"guardian": "Guardian",
		// Fields of a person, as a correction names them.
		nrm.FieldGivenName:     "Given name",
		nrm.FieldFamilyName:    "Family name",
		nrm.FieldAliases:       "Also known as",
		nrm.FieldDateOfBirth:   "Date of birth",
		nrm.FieldAgeUncertain:  "Age uncertain",
		nrm.FieldSex:           "Sex",
		nrm.FieldCitizenship:   "Citizenship",
		nrm.FieldContact:       "Contact",
		nrm.FieldSafeToContact: "Safe to contact",
	} {
		labels[k] = v
	}
	saved["person"] = "The person's details were corrected. The values before are kept in the history."
	saved["guardian"] = "The guardian was recorded."
}

// personPart is what the person's section needs beyond the case.
type personPart struct {
	Correct  bool // the viewer may correct the person
	Guardian bool // and record a child's guardian
	Sexes    []string
	History  []correctionRow
}

// correctionRow is one correction as the page lists it.
type correctionRow struct {
	At  time.Time
	Old []fieldValue
}

type fieldValue struct{ Field, Value string }

// personFields are the inputs of the correction form.
var personFields = []string{nrm.FieldGivenName, nrm.FieldFamilyName, nrm.FieldAliases, nrm.FieldDateOfBirth,
	nrm.FieldAgeUncertain, nrm.FieldSex, nrm.FieldCitizenship, nrm.FieldContact, nrm.FieldSafeToContact}

// personPart builds the person's section and fills the correction and
// guardian forms with the current values where nothing was typed.
func (w *Web) personPart(cf service.CaseFile, form map[string]string) *personPart {
	c := cf.CaseView
	if !c.Readable.Has(nrm.Identity) || c.Person.Erased {
		return nil
	}
	p := &personPart{Correct: cf.Actions.CorrectPerson, Sexes: nrm.Sexes}
	p.Guardian = p.Correct && c.Child
	history := cf.PersonHistory
	for i := len(history) - 1; i >= 0; i-- { // newest first
		h := history[i]
		row := correctionRow{At: h.At}
		for _, f := range h.Fields {
			row.Old = append(row.Old, fieldValue{Field: f, Value: oldValue(h.Old, f)})
		}
		p.History = append(p.History, row)
	}
	cur := map[string]string{
		nrm.FieldGivenName: c.Person.GivenName, nrm.FieldFamilyName: c.Person.FamilyName,
		nrm.FieldAliases: strings.Join(c.Person.Aliases, ", "), nrm.FieldDateOfBirth: c.Person.DateOfBirth.String(),
		nrm.FieldAgeUncertain: checked(c.Person.AgeUncertain), nrm.FieldSex: c.Person.Sex,
		nrm.FieldCitizenship: strings.Join(c.Person.Citizenship, ", "), nrm.FieldContact: c.Person.Contact,
		nrm.FieldSafeToContact: checked(c.Person.SafeToContact),
	}
	if g := c.Guardian; g != nil {
		cur["guardian.name"], cur["guardian.organisation"] = g.Name, g.Organisation
		cur["guardian.appointed_on"], cur["guardian.contact"] = g.AppointedOn.String(), g.Contact
	}
	for k, v := range cur {
		if !strings.HasPrefix(k, "guardian.") {
			k = "person." + k
		}
		if _, typed := form[k]; !typed {
			form[k] = v
		}
	}
	return p
}

func checked(b bool) string {
	if b {
		return "true"
	}
	return ""
}

// oldValue shows one old value of a correction.
func oldValue(p nrm.PersonPatch, field string) string {
	str := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	list := func(l *[]string) string {
		if l == nil {
			return ""
		}
		return strings.Join(*l, ", ")
	}
	yes := func(b *bool) string {
		if b != nil && *b {
			return "yes"
		}
		return "no"
	}
	switch field {
	case nrm.FieldGivenName:
		return str(p.GivenName)
	case nrm.FieldFamilyName:
		return str(p.FamilyName)
	case nrm.FieldAliases:
		return list(p.Aliases)
	case nrm.FieldDateOfBirth:
		return str(p.DateOfBirth)
	case nrm.FieldAgeUncertain:
		return yes(p.AgeUncertain)
	case nrm.FieldSex:
		return str(p.Sex)
	case nrm.FieldCitizenship:
		return list(p.Citizenship)
	case nrm.FieldContact:
		return str(p.Contact)
	case nrm.FieldSafeToContact:
		return yes(p.SafeToContact)
	}
	return ""
}

// splitList reads a comma-separated input.
func splitList(s string) []string {
	out := []string{}
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// correctPerson corrects the person: POST /cases/{id}/person. The form
// sends every field with its current value; only what differs changes.
func (w *Web) correctPerson(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	values := map[string]string{}
	for _, f := range personFields {
		values[f] = r.PostFormValue(f)
	}
	str := func(f string) *string { v := values[f]; return &v }
	aliases, citizenship := splitList(values[nrm.FieldAliases]), splitList(values[nrm.FieldCitizenship])
	ageUncertain, safe := values[nrm.FieldAgeUncertain] == "true", values[nrm.FieldSafeToContact] == "true"
	in := nrm.PersonPatch{GivenName: str(nrm.FieldGivenName), FamilyName: str(nrm.FieldFamilyName), Aliases: &aliases,
		DateOfBirth: str(nrm.FieldDateOfBirth), AgeUncertain: &ageUncertain, Sex: str(nrm.FieldSex),
		Citizenship: &citizenship, Contact: str(nrm.FieldContact), SafeToContact: &safe}
	id := r.PathValue("id")
	if _, err := w.svc.CorrectPerson(r.Context(), id, in); err != nil {
		// The service names person.FIELD; the form's inputs are person.FIELD too.
		if e := nrm.AsError(err); e.Code == nrm.CodeInvalid {
			shown := *e
			shown.Field = strings.TrimPrefix(strings.TrimPrefix(e.Field, "person"), ".")
			err = &shown
		}
		w.caseFormFailed(rw, r, s, err, "person", values)
		return
	}
	w.backToCase(rw, r, id, "person", "person")
}

// setGuardian records a child's guardian: POST /cases/{id}/guardian.
func (w *Web) setGuardian(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	in := nrm.GuardianInput{Name: r.PostFormValue("name"), Organisation: r.PostFormValue("organisation"),
		AppointedOn: r.PostFormValue("appointed_on"), Contact: r.PostFormValue("contact")}
	values := map[string]string{"name": in.Name, "organisation": in.Organisation, "appointed_on": in.AppointedOn, "contact": in.Contact}
	id := r.PathValue("id")
	if _, err := w.svc.SetGuardian(r.Context(), id, in); err != nil {
		w.caseFormFailed(rw, r, s, err, "guardian", values)
		return
	}
	w.backToCase(rw, r, id, "guardian", "person")
}
