package web

// The pages a person lands on when something stops them: an error, the end
// of a session, signing out. Each says what happened, what to do now, and
// gives the link that does it; a one-line "Not allowed" leaves a new user
// stuck.

import (
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// errorView is what templates/error.html draws.
type errorView struct {
	Title     string // what happened, as the heading
	Message   string // the service's safe message
	Next      string // what to do now
	Link      string // where the next step is
	LinkText  string
	Reference string // the request id of a server error, to quote to an admin
}

// errorPageOf words an error for the page: the title and the next step
// follow from the status, the message is the error's own (never its cause).
func errorPageOf(l Localizer, r *http.Request, status int, e *nrm.Error) errorView {
	v := errorView{Message: l.Err(e), Link: "/", LinkText: l.T("Back to the start")}
	switch status {
	case http.StatusUnauthorized:
		v.Title, v.Next = "Your session has ended", "For your safety nrm signs you out after 30 minutes without activity, and 12 hours after you signed in. What you sent last was not saved: sign in again and repeat it."
		v.Link, v.LinkText = "/login", l.T("Sign in again")
	case http.StatusForbidden:
		v.Title, v.Next = "Not allowed", "Your role or your organisation may not do this. If you think you should, ask your organisation's administrator."
	case http.StatusNotFound:
		v.Title, v.Next = "Not found", "It does not exist, or your organisation is not involved in it. Check the address, or find it from the start page."
	case http.StatusConflict:
		v.Title, v.Next = "Changed meanwhile", "Someone changed this while you were working on it, or it is not possible in its present state. Go back, reload the page to see the change, and try again."
	case http.StatusTooManyRequests:
		v.Title, v.Next = "Please wait", "There were too many attempts. Wait a few minutes and try again."
	default:
		if status < 500 {
			v.Title, v.Next = "Please check your input", "Go back, correct what is named above and send the form again."
		} else {
			v.Title, v.Next = "Something went wrong", "Nothing was changed. Try again in a moment; if it happens again, tell your administrator the reference below."
			v.Reference = nrm.RequestID(r.Context())
		}
	}
	v.Title, v.Next = l.T(v.Title), l.T(v.Next)
	return v
}

// signedOutPage is where signing out lands: GET /signed-out. It needs no
// session, and says plainly that the session is over on this device.
func (w *Web) signedOutPage(rw http.ResponseWriter, r *http.Request) {
	l := localizerFor(r)
	w.render(rw, r, service.SessionInfo{}, http.StatusOK, "error", view{Data: errorView{
		Title:    l.T("You are signed out"),
		Message:  l.T("Your session has ended on this device: nobody can go on with it from here."),
		Next:     l.T("On a computer that others use, close the browser as well. To work again, sign in with your password and a code from your authenticator app."),
		Link:     "/login",
		LinkText: l.T("Sign in again"),
	}})
}

// loginView is what the sign-in page says above the form.
type loginView struct {
	Ended    bool   // the browser still held a cookie whose session is over
	OIDCName string // the identity provider's name, for its button (web/sso.go)
	Passkeys bool   // a passkey alone may sign in (web/passkeys.go)
}

// loginNotice tells a session that ended (idle or too old, or the user was
// disabled) from a first visit, and clears the dead cookie.
func (w *Web) loginNotice(rw http.ResponseWriter, r *http.Request) loginView {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return loginView{}
	}
	if _, err := w.svc.Session(r.Context(), c.Value); err == nil {
		return loginView{} // a live session (half-way through sign-in, or signing in again)
	}
	w.clearCookie(rw)
	return loginView{Ended: true}
}
