package web

import (
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

func (w *Web) erasePage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if !nrm.Can(s.Actor, nrm.ActUserManage, nrm.Access{}) {
		w.fail(rw, r, s, nrm.Forbidden("only an admin erases a person"))
		return
	}
	w.render(rw, r, s, http.StatusOK, "erase", view{})
}

func (w *Web) erase(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := map[string]string{"case": r.PostFormValue("case"), "reason": r.PostFormValue("reason")}
	if r.PostFormValue("confirm") != "yes" {
		v, _ := formError(nrm.Invalid("confirm", "tick the box to confirm that erasure cannot be undone"))
		v.Form = form
		w.render(rw, r, s, http.StatusUnprocessableEntity, "erase", v)
		return
	}
	if err := w.svc.Erase(r.Context(), form["case"], form["reason"]); err != nil {
		v, ok := formError(err)
		if !ok && (nrm.ErrorCode(err) == nrm.CodeNotFound || nrm.ErrorCode(err) == nrm.CodeConflict) {
			v, ok = view{Errors: []*nrm.Error{nrm.AsError(err)}}, true
		}
		if ok {
			v.Form = form
			w.render(rw, r, s, statusOf(nrm.ErrorCode(err)), "erase", v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	w.render(rw, r, s, http.StatusOK, "erase", view{Flash: localizerFor(r).T("The person was erased.")})
}

func (w *Web) flagsPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	flags, err := w.svc.Flags(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	w.render(rw, r, s, http.StatusOK, "flags", view{Data: flags})
}
