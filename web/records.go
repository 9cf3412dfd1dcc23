package web

import (
	"net/http"

	"github.com/nrmproject/nrm/service"
)

func (w *Web) flagsPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	flags, err := w.svc.Flags(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	w.render(rw, r, s, http.StatusOK, "flags", view{Data: flags})
}
