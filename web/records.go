package web

import (
	"net/http"
	"net/url"
	"strconv"

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

type auditView struct {
	Checkpoint  string
	VerifierKey string
	Entries     []nrm.AuditRecord
	Filter      map[string]string
	Older       string
}

func (w *Web) auditPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	q := r.URL.Query()
	filter := map[string]string{}
	for _, k := range []string{"actor", "case", "action", "from", "to"} {
		filter[k] = q.Get(k)
	}
	f := nrm.AuditFilter{Actor: filter["actor"], Action: filter["action"], Limit: 100}
	var errs []*nrm.Error
	if c := filter["case"]; c != "" {
		if !nrm.ValidID(c) {
			errs = append(errs, nrm.Invalid("case", "not a case id"))
		}
		f.Object = "case/" + c
	}
	for _, k := range []string{"from", "to"} {
		if filter[k] == "" {
			continue
		}
		d, err := nrm.ParseDate(k, filter[k])
		if err != nil {
			errs = append(errs, nrm.AsError(err))
			continue
		}
		if k == "from" {
			f.From = d.Time()
		} else {
			f.To = d.AddDays(1).Time()
		}
	}
	if b := q.Get("before"); b != "" {
		f.Before, _ = strconv.ParseUint(b, 10, 64)
	}
	v := auditView{Filter: filter, VerifierKey: w.svc.AuditVerifierKey()}
	if len(errs) == 0 {
		entries, err := w.svc.AuditEntries(r.Context(), f)
		if err != nil {
			if fv, ok := formError(err); ok {
				errs = fv.Errors
			} else {
				w.fail(rw, r, s, err)
				return
			}
		}
		v.Entries = entries
		if len(entries) == f.Limit {
			older := url.Values{}
			for k, val := range filter {
				if val != "" {
					older.Set(k, val)
				}
			}
			older.Set("before", strconv.FormatUint(entries[len(entries)-1].Seq, 10))
			v.Older = "/audit?" + older.Encode()
		}
	}
	cp, err := w.svc.Checkpoint(r.Context())
	if err != nil && nrm.ErrorCode(err) != nrm.CodeNotFound {
		w.fail(rw, r, s, err)
		return
	}
	v.Checkpoint = string(cp)
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	w.render(rw, r, s, status, "audit", view{Errors: errs, Data: v})
}

func (w *Web) flagsPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	flags, err := w.svc.Flags(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	w.render(rw, r, s, http.StatusOK, "flags", view{Data: flags})
}
