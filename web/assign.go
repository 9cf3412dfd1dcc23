package web

// Assigning a case to a worker of the viewer's organisation: a small page
// of its own, linked from the case page, so that the case page needs no
// list of colleagues.

import (
	"net/http"

	"github.com/nrmproject/nrm/service"
)

type assignView struct {
	service.CaseAssignment
}

// assignPage serves GET /cases/{id}/assign.
func (w *Web) assignPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	v := view{}
	if r.URL.Query().Get("saved") == "assigned" {
		v.Flash = localizerFor(r).T("Saved: the case's assignment in your organisation.")
	}
	w.renderAssign(rw, r, s, http.StatusOK, v)
}

func (w *Web) renderAssign(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	a, err := w.svc.Assignment(r.Context(), r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v.Data = assignView{CaseAssignment: a}
	if v.Form == nil {
		v.Form = map[string]string{"user_id": a.Assigned.UserID}
	}
	w.render(rw, r, s, status, "assign", v)
}

// assign: POST /cases/{id}/assign with user_id ("" for nobody, "me").
func (w *Web) assign(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	user := r.PostFormValue("user_id")
	if user == service.AssignedMe {
		user = s.Actor.UserID
	}
	if _, err := w.svc.AssignCase(r.Context(), r.PathValue("id"), user); err != nil {
		if v, ok := formError(err); ok {
			v.Form = map[string]string{"user_id": user}
			w.renderAssign(rw, r, s, http.StatusUnprocessableEntity, v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/cases/"+r.PathValue("id")+"/assign?saved=assigned", http.StatusSeeOther)
}
