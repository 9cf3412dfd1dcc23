package web

// The recovery codes are shown once, in the answer to the form that
// confirms the second factor. Reloading that answer makes the browser send
// the form again: by then the session is a full one, so instead of "your
// session has ended" the browser is sent (Post/Redirect/Get) to a page that
// says the second factor is set up and the codes were shown already. The
// codes are never kept anywhere to be shown twice.

import (
	"net/http"

	"github.com/nrmproject/nrm/service"
)

// enrolSubmit serves POST /login/enrol.
func (w *Web) enrolSubmit(rw http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(CookieName); err == nil {
		// A redirect to a page that changes nothing needs no CSRF check:
		// the resent form carries the token of the session it replaced.
		if s, err := w.svc.Session(r.Context(), c.Value); err == nil && s.Stage == service.StageFull {
			http.Redirect(rw, r, "/login/recovery", http.StatusSeeOther)
			return
		}
	}
	w.stage(service.StageEnrol, w.enrol).ServeHTTP(rw, r)
}

// recoveryShownPage serves GET /login/recovery: the codes were shown once.
func (w *Web) recoveryShownPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.render(rw, r, s, http.StatusOK, "recovery", view{})
}
