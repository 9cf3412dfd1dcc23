package web

// The forms that add to the support track have pages of their own,
// GET /cases/{id}/support/{form}: a case worker fills one in now and then,
// while the case page is reloaded after every save and stays light. A form
// that fails is drawn again on its page, with the message at the input.

import (
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// supportForms are the forms with a page of their own, by name, with the
// heading of their page.
var supportForms = map[string]string{
	"needs":     "Record a needs assessment",
	"plan":      "Add a support plan",
	"service":   "Record a service given",
	"residence": "Record a residence permit",
}

// supportFormPage serves GET /cases/{id}/support/{form}.
func (w *Web) supportFormPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := r.PathValue("form")
	if _, ok := supportForms[form]; !ok {
		w.fail(rw, r, s, nrm.NotFound("form"))
		return
	}
	w.renderSupportForm(rw, r, s, http.StatusOK, view{}, form)
}

// renderSupportForm draws one support form on its page; the service's
// case file says whether the viewer may record on the support track.
func (w *Web) renderSupportForm(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view, form string) {
	v, err := w.casePageView(r, s, v, form)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	p := v.Data.(casePage)
	if !p.Can.SupportWrite {
		w.fail(rw, r, s, nrm.Forbidden("you may not record on this case's support track now"))
		return
	}
	v.Data = supportFormView{casePage: p, Heading: supportForms[form]}
	w.render(rw, r, s, status, "caseform", v)
}

type supportFormView struct {
	casePage
	Heading string
}
