package web

// Erasure in two steps. First the admin names the case (the reference a
// case worker or the person's request gives) and the reason; nrm then shows
// whom the erasure touches (the case, its holder, the person's name only to
// a viewer who may read identity), what is destroyed, what stays, and
// anything that holds it back. Only the second step, confirmed, erases.

import (
	"net/http"
	"net/url"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

type eraseView struct {
	Step    string // "name", "confirm" or "done"
	Preview service.ErasurePreview
	Erased  string // the reference erased, on the page after
}

func (w *Web) mayErase(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) bool {
	if !nrm.Can(s.Actor, nrm.ActUserManage, nrm.Access{}) {
		w.fail(rw, r, s, nrm.Forbidden("only an admin erases a person"))
		return false
	}
	return true
}

// erasePage serves GET /admin/erase: the first step, or the word that the
// erasure was done (?erased=REF after the redirect).
func (w *Web) erasePage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if !w.mayErase(rw, r, s) {
		return
	}
	v := eraseView{Step: "name"}
	if ref := r.URL.Query().Get("erased"); ref != "" {
		v = eraseView{Step: "done", Erased: ref}
	}
	w.render(rw, r, s, http.StatusOK, "erase", view{Data: v})
}

// eraseReview serves POST /admin/erase/review: the confirmation, changing nothing.
func (w *Web) eraseReview(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if !w.mayErase(rw, r, s) {
		return
	}
	form := map[string]string{"case": r.PostFormValue("case"), "reason": r.PostFormValue("reason")}
	w.renderEraseConfirm(rw, r, s, http.StatusOK, form, nil)
}

// renderEraseConfirm draws the second step, or the first again when the
// case cannot be erased by this admin.
func (w *Web) renderEraseConfirm(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, form map[string]string, problem error) {
	p, err := w.svc.PreviewErasure(r.Context(), form["case"])
	if err == nil && form["reason"] == "" {
		err = nrm.Invalid("reason", "give the reason for the erasure (for example the request it answers)")
	}
	if err != nil {
		v, ok := formError(err)
		if !ok {
			w.fail(rw, r, s, err)
			return
		}
		v.Form, v.Data = form, eraseView{Step: "name"}
		w.render(rw, r, s, http.StatusUnprocessableEntity, "erase", v)
		return
	}
	v := view{Form: form, Data: eraseView{Step: "confirm", Preview: p}}
	if problem != nil {
		fv, _ := formError(problem)
		v.Errors, v.FieldErrors = fv.Errors, fv.FieldErrors
		if fv.Errors == nil {
			v.Errors = []*nrm.Error{nrm.AsError(problem)}
		}
	}
	w.render(rw, r, s, status, "erase", v)
}

// erase serves POST /admin/erase: the confirmed second step.
func (w *Web) erase(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if !w.mayErase(rw, r, s) {
		return
	}
	form := map[string]string{"case": r.PostFormValue("case"), "reason": r.PostFormValue("reason")}
	if r.PostFormValue("confirm") != "yes" {
		w.renderEraseConfirm(rw, r, s, http.StatusUnprocessableEntity, form,
			nrm.Invalid("confirm", "tick the box to confirm that erasure cannot be undone"))
		return
	}
	p, err := w.svc.PreviewErasure(r.Context(), form["case"])
	if err == nil {
		err = w.svc.Erase(r.Context(), p.CaseID, form["reason"])
	}
	if err != nil {
		switch nrm.ErrorCode(err) {
		case nrm.CodeInvalid, nrm.CodeConflict:
			w.renderEraseConfirm(rw, r, s, statusOf(nrm.ErrorCode(err)), form, err)
		default:
			w.fail(rw, r, s, err)
		}
		return
	}
	http.Redirect(rw, r, "/admin/erase?erased="+url.QueryEscape(p.Reference), http.StatusSeeOther)
}
