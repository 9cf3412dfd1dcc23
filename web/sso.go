package web

// Single sign-on with OpenID Connect: the button on the sign-in page, the
// redirect to the provider and the way back, and the admin's page that maps
// a provider's groups to the organisation and confirms first sign-ins.

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// flowCookie holds the secret of a sign-in ceremony under way (an OpenID
// Connect redirect, a passkey challenge) for ten minutes. SameSite=Lax: it
// must come back with the provider's top-level redirect.
const flowCookie = "__Host-nrm-flow"

func (w *Web) setFlowCookie(rw http.ResponseWriter, secret string) {
	http.SetCookie(rw, &http.Cookie{Name: flowCookie, Value: secret, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: 600})
}

func (w *Web) takeFlowCookie(rw http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flowCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(rw, &http.Cookie{Name: flowCookie, Value: "", Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	return c.Value
}

// loginOptions are the ways to sign in this instance offers.
func (w *Web) loginOptions(v loginView) loginView {
	v.OIDCName, v.Passkeys = w.svc.OIDCName(), w.svc.PasskeysEnabled()
	return v
}

// oidcStart sends the browser to the provider. A link (GET), not a form:
// the CSP's form-action 'self' would stop a form's redirect to another site.
func (w *Web) oidcStart(rw http.ResponseWriter, r *http.Request) {
	secret, to, err := w.svc.BeginOIDC(r.Context())
	if err != nil {
		w.fail(rw, r, service.SessionInfo{}, err)
		return
	}
	w.setFlowCookie(rw, secret)
	http.Redirect(rw, r, to, http.StatusSeeOther)
}

func (w *Web) oidcCallback(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	l := localizerFor(r)
	secret := w.takeFlowCookie(rw, r)
	if q.Get("error") != "" {
		// The provider refused (the user cancelled, or is not allowed there).
		w.render(rw, r, service.SessionInfo{}, http.StatusUnauthorized, "error", view{Data: errorView{
			Title: l.T("Single sign-on did not finish"), Message: l.T("Your identity provider did not sign you in."),
			Link: "/login", LinkText: l.T("Back to sign-in")}})
		return
	}
	res, err := w.svc.FinishOIDC(r.Context(), secret, q.Get("state"), q.Get("code"), w.clientAddr(r))
	if err != nil {
		e := nrm.AsError(err)
		if e.Code == nrm.CodeInternal {
			w.fail(rw, r, service.SessionInfo{}, err)
			return
		}
		w.render(rw, r, service.SessionInfo{}, statusOf(e.Code), "error", view{Data: errorView{
			Title: l.T("Single sign-on did not finish"), Message: l.Err(e), Link: "/login", LinkText: l.T("Back to sign-in")}})
		return
	}
	if res.Waiting {
		w.render(rw, r, service.SessionInfo{}, http.StatusAccepted, "error", view{Data: errorView{
			Title:   l.T("Waiting for your administrator"),
			Message: l.T("Your identity provider signed you in. This is your first sign-in to nrm: an administrator of your organisation must confirm your account before you can go on."),
			Next:    l.T("You will not get access until they do. Ask them to confirm you under Sign-in, then sign in again."),
			Link:    "/login", LinkText: l.T("Back to sign-in")}})
		return
	}
	w.setCookie(rw, res.Session.Token)
	http.Redirect(rw, r, "/", http.StatusSeeOther)
}

type signinAdminView struct {
	Issuer   string
	Mappings []nrm.SSOMapping
	Requests []nrm.SSORequest
	Settings nrm.SigninSettings
	Passkeys bool
	Roles    []nrm.Role
}

func (w *Web) signinAdminPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderSigninAdmin(rw, r, s, http.StatusOK, view{})
}

func (w *Web) renderSigninAdmin(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	ctx := r.Context()
	d := signinAdminView{Issuer: w.svc.SSOIssuer(), Passkeys: w.svc.PasskeysEnabled()}
	for _, role := range nrm.Roles {
		if role != nrm.RoleAdmin {
			d.Roles = append(d.Roles, role)
		}
	}
	var err error
	if d.Mappings, err = w.svc.SSOMappings(ctx); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if d.Requests, err = w.svc.SSORequests(ctx); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if d.Settings, err = w.svc.SigninSettings(ctx); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v.Data = d
	w.render(rw, r, s, status, "signin_admin", v)
}

func (w *Web) addSSOMapping(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := map[string]string{"claim": r.PostFormValue("claim"), "value": r.PostFormValue("value"), "role": r.PostFormValue("role")}
	_, err := w.svc.AddSSOMapping(r.Context(), "", "", nrm.SSOMappingInput{Claim: form["claim"], Value: form["value"], Role: form["role"]})
	if err != nil {
		if v, ok := formError(err); ok {
			v.Form = form
			w.renderSigninAdmin(rw, r, s, http.StatusUnprocessableEntity, v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/admin/signin", http.StatusSeeOther)
}

func (w *Web) removeSSOMapping(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if err := w.svc.RemoveSSOMapping(r.Context(), r.PathValue("id")); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/admin/signin", http.StatusSeeOther)
}

func (w *Web) decideSSORequest(confirm bool) pageFunc {
	return func(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
		if _, err := w.svc.DecideSSORequest(r.Context(), r.PathValue("id"), confirm); err != nil {
			w.fail(rw, r, s, err)
			return
		}
		http.Redirect(rw, r, "/admin/signin", http.StatusSeeOther)
	}
}

func (w *Web) updateSigninSettings(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	version, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || version < 0 {
		w.fail(rw, r, s, nrm.Invalid("version", "the form is missing its version; reload the page"))
		return
	}
	if _, err := w.svc.SetTOTPAllowed(r.Context(), r.PostFormValue("totp_allowed") == "on", version); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/admin/signin", http.StatusSeeOther)
}

// writeJSON answers the passkey script.
func writeJSON(rw http.ResponseWriter, status int, v any) {
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(status)
	json.NewEncoder(rw).Encode(v)
}
