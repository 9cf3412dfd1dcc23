package web

// Passkeys (WebAuthn): the one place the pages need JavaScript, since only
// navigator.credentials reaches an authenticator. static/passkey.js posts
// the forms below as ordinary form fields (the session's CSRF token and the
// browser's answer as JSON) and follows the answer's "next".

import (
	"encoding/json"
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// registerSignin adds the routes of single sign-on and passkeys.
func (w *Web) registerSignin(handle func(string, http.Handler)) {
	handle("GET /login/oidc", http.HandlerFunc(w.oidcStart))
	handle("GET /login/oidc/callback", http.HandlerFunc(w.oidcCallback))
	handle("POST /login/passkey/begin", http.HandlerFunc(w.passkeySignInBegin))
	handle("POST /login/passkey/finish", http.HandlerFunc(w.passkeySignInFinish))
	handle("POST /login/code/passkey/begin", w.stage(service.StagePassword, w.passkeySecondBegin))
	handle("POST /login/code/passkey/finish", w.stage(service.StagePassword, w.passkeySecondFinish))
	handle("POST /login/enrol/passkey/begin", w.stage(service.StageEnrol, w.passkeyEnrolBegin))
	handle("POST /login/enrol/passkey/finish", w.stage(service.StageEnrol, w.passkeyEnrolFinish))
	handle("GET /account", w.signedIn(w.accountPage))
	handle("POST /account/passkeys/begin", w.signedIn(w.passkeyEnrolBegin))
	handle("POST /account/passkeys/finish", w.signedIn(w.passkeyEnrolFinish))
	handle("POST /account/passkeys/{id}/remove", w.signedIn(w.removePasskey))
	handle("GET /admin/signin", w.signedIn(w.signinAdminPage))
	handle("POST /admin/signin/mappings", w.signedIn(w.addSSOMapping))
	handle("POST /admin/signin/mappings/{id}/remove", w.signedIn(w.removeSSOMapping))
	handle("POST /admin/signin/requests/{id}/confirm", w.signedIn(w.decideSSORequest(true)))
	handle("POST /admin/signin/requests/{id}/refuse", w.signedIn(w.decideSSORequest(false)))
	handle("POST /admin/signin/settings", w.signedIn(w.updateSigninSettings))
}

type passkeyAnswer struct {
	Options json.RawMessage `json:"options,omitempty"`
	Next    string          `json:"next,omitempty"`
	Error   string          `json:"error,omitempty"`
}

func (w *Web) passkeyFailed(rw http.ResponseWriter, r *http.Request, err error) {
	e := nrm.AsError(err)
	status := statusOf(e.Code)
	msg := localizerFor(r).Err(e)
	if status >= 500 {
		w.log.ErrorContext(r.Context(), "passkey", "request_id", nrm.RequestID(r.Context()), "error", e.Cause)
		msg = localizerFor(r).T("Something went wrong on our side. Try again in a moment.")
	}
	writeJSON(rw, status, passkeyAnswer{Error: msg})
}

// passkeyReply answers the two halves of a ceremony: its beginning (the
// options for the browser, the secret kept in the flow cookie) and its end
// (a session, then where to go).
type passkeyReply struct {
	w  *Web
	rw http.ResponseWriter
	r  *http.Request
}

func (p passkeyReply) begun(secret string, options []byte, err error) {
	if err != nil {
		p.w.passkeyFailed(p.rw, p.r, err)
		return
	}
	p.w.setFlowCookie(p.rw, secret)
	writeJSON(p.rw, http.StatusOK, passkeyAnswer{Options: options})
}

func (p passkeyReply) signedIn(s service.SessionInfo, err error) {
	if err != nil {
		p.w.passkeyFailed(p.rw, p.r, err)
		return
	}
	p.w.setCookie(p.rw, s.Token)
	writeJSON(p.rw, http.StatusOK, passkeyAnswer{Next: "/"})
}

func (w *Web) passkeySignInBegin(rw http.ResponseWriter, r *http.Request) {
	passkeyReply{w, rw, r}.begun(w.svc.BeginPasskeySignIn(r.Context(), ""))
}

func (w *Web) passkeySignInFinish(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, 64<<10)
	passkeyReply{w, rw, r}.signedIn(w.svc.FinishPasskeySignIn(r.Context(), "", w.takeFlowCookie(rw, r),
		[]byte(r.PostFormValue("response")), w.clientAddr(r)))
}

func (w *Web) passkeySecondBegin(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	passkeyReply{w, rw, r}.begun(w.svc.BeginPasskeySignIn(r.Context(), s.Token))
}

func (w *Web) passkeySecondFinish(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	passkeyReply{w, rw, r}.signedIn(w.svc.FinishPasskeySignIn(r.Context(), s.Token, w.takeFlowCookie(rw, r),
		[]byte(r.PostFormValue("response")), w.clientAddr(r)))
}

func (w *Web) passkeyEnrolBegin(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	passkeyReply{w, rw, r}.begun(w.svc.BeginPasskeyEnrolment(r.Context(), s.Token))
}

func (w *Web) passkeyEnrolFinish(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	full, err := w.svc.FinishPasskeyEnrolment(r.Context(), s.Token, w.takeFlowCookie(rw, r), []byte(r.PostFormValue("response")), r.PostFormValue("name"))
	if err != nil {
		w.passkeyFailed(rw, r, err)
		return
	}
	next := "/account"
	if full.Token != "" {
		w.setCookie(rw, full.Token) // the enrol stage ends with a full session
		next = "/"
	}
	writeJSON(rw, http.StatusOK, passkeyAnswer{Next: next})
}

type accountView struct {
	Passkeys        []nrm.Passkey
	PasskeysEnabled bool
	Lang            string // the user's own choice of language, "" for the browser's
	Languages       []struct{ Code, Name string }
}

func (w *Web) accountPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	keys, err := w.svc.Passkeys(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	w.render(rw, r, s, http.StatusOK, "account", view{Data: accountView{Passkeys: keys, PasskeysEnabled: w.svc.PasskeysEnabled(), Lang: s.User.Lang, Languages: Languages}})
}

func (w *Web) removePasskey(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if err := w.svc.RemovePasskey(r.Context(), r.PathValue("id")); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/account", http.StatusSeeOther)
}
