package web

// Help without an account (CONTRACT.md): the public help page and the help
// organisation's inbox of self-referrals. The public page sets no cookie at
// all: its form carries a signed token in a hidden field (the service's
// HelpFormToken) and the cross-origin protection of every page; the
// language travels as ?lang= in its links and its form's action, never in
// a cookie. It loads nothing from outside, needs no JavaScript (help.js
// only adds the Escape key to the quick exit), and its requests are logged
// like every other: by route, never with the client's address.

import (
	"bytes"
	"net/http"
	"net/url"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// QuickExit is where the quick-exit link leads: a neutral page elsewhere.
const QuickExit = "https://www.bbc.com/weather"

type helpView struct {
	L           Localizer
	LangQuery   string // "?lang=xx" when the visitor chose a language, for links and the form
	Desk        service.HelpDesk
	Lines       []nrm.HelpLine
	Token       string
	Form        map[string]string
	FieldErrors map[string]string
	Errors      []*nrm.Error
	Channels    []string
	Exit        string
	Title       string // of the answer pages
	Message     string
	Next        string
}

func (w *Web) registerHelp(handle func(string, http.Handler)) {
	handle("GET /help", http.HandlerFunc(w.helpPage))
	handle("POST /help", http.HandlerFunc(w.helpSubmit))
	handle("GET /help/inbox", w.signedIn(w.selfReferralsPage))
	handle("GET /help/inbox/{id}", w.signedIn(w.selfReferralPage))
	handle("POST /help/inbox/{id}/case", w.signedIn(w.convertSelfReferral))
	handle("POST /help/inbox/{id}/close", w.signedIn(w.closeSelfReferral))
}

// helpLocalizer is the page's language (web/lang.go: ?lang=, then the
// browser's); the help page sets no cookie for it, so its links and form
// carry ?lang= instead.
func helpLocalizer(r *http.Request) (Localizer, string) {
	l := localizerFor(r)
	if q := r.URL.Query().Get("lang"); knownLang(q) {
		return l, "?lang=" + url.QueryEscape(q)
	}
	return l, ""
}

func (w *Web) helpView(r *http.Request) (helpView, error) {
	l, q := helpLocalizer(r)
	v := helpView{L: l, LangQuery: q, Channels: nrm.SelfReferralChannels, Exit: QuickExit,
		Form: map[string]string{}, FieldErrors: map[string]string{}}
	var err error
	if v.Desk, err = w.svc.HelpDesk(r.Context()); err != nil {
		return v, err
	}
	if v.Lines, err = w.svc.HelpLines(r.Context(), v.Desk.Country); err != nil {
		return v, err
	}
	if v.Desk.Offered {
		v.Token = w.svc.HelpFormToken()
	}
	return v, nil
}

// renderHelp writes a public help page with its own small layout.
func (w *Web) renderHelp(rw http.ResponseWriter, r *http.Request, status int, page string, v helpView) {
	var buf bytes.Buffer
	if err := w.pages[page].ExecuteTemplate(&buf, "helplayout", v); err != nil {
		w.log.ErrorContext(r.Context(), "template", "page", page, "error", err.Error())
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	h := rw.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The server's baseline already says these; the help page must never
	// lose them, whatever the baseline becomes.
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	rw.WriteHeader(status)
	rw.Write(buf.Bytes())
}

func (w *Web) helpFailed(rw http.ResponseWriter, r *http.Request, err error) {
	e := nrm.AsError(err)
	w.log.ErrorContext(r.Context(), "help page", "request_id", nrm.RequestID(r.Context()), "error", e.Cause)
	l, q := helpLocalizer(r)
	w.renderHelp(rw, r, http.StatusInternalServerError, "helpanswer", helpView{L: l, LangQuery: q, Exit: QuickExit,
		Title: "Something went wrong", Message: "The page could not be shown just now.",
		Next: "Try again in a few minutes. If you are in danger now, call the emergency number 112."})
}

// helpPage serves GET /help.
func (w *Web) helpPage(rw http.ResponseWriter, r *http.Request) {
	v, err := w.helpView(r)
	if err != nil {
		w.helpFailed(rw, r, err)
		return
	}
	w.renderHelp(rw, r, http.StatusOK, "help", v)
}

// helpSubmit serves POST /help: the self-referral form.
func (w *Web) helpSubmit(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, 32<<10)
	v, err := w.helpView(r)
	if err != nil {
		w.helpFailed(rw, r, err)
		return
	}
	l := v.L
	if !v.Desk.Offered {
		v.Title, v.Message = "Messages are not taken here", "This service takes no messages through this page."
		v.Next = "Use one of the ways to reach help on this page. If you are in danger now, call the emergency number 112."
		w.renderHelp(rw, r, http.StatusConflict, "helpanswer", v)
		return
	}
	if err := r.ParseForm(); err != nil {
		v.Title, v.Message = "The message was too long", "What you sent was too long to take."
		v.Next = "Go back, shorten it and send it again."
		w.renderHelp(rw, r, http.StatusRequestEntityTooLarge, "helpanswer", v)
		return
	}
	in := nrm.SelfReferralInput{Message: r.PostFormValue("message"), Channel: r.PostFormValue("channel"),
		Contact: r.PostFormValue("contact"), ContactWhen: r.PostFormValue("contact_when"), Language: r.PostFormValue("language")}
	v.Form = map[string]string{"message": in.Message, "channel": in.Channel, "contact": in.Contact,
		"contact_when": in.ContactWhen, "language": in.Language}
	if !w.svc.HelpFormTokenValid(r.PostFormValue("token")) {
		// Shown again with what was typed, and a fresh token.
		v.Errors = []*nrm.Error{{Code: nrm.CodeForbidden, Message: l.T("The form had expired. Check your message and send it again.")}}
		w.renderHelp(rw, r, http.StatusForbidden, "help", v)
		return
	}
	err = w.svc.SubmitSelfReferral(r.Context(), in, w.clientAddr(r))
	switch e := nrm.AsError(err); {
	case err == nil:
		v.Title = "Your message was received"
		v.Next = "Someone will contact you only in the way and at the time you said is safe. If you left no way to contact you, you can call a help line on this page. If you are in danger now, call the emergency number 112."
		v.Message = l.T("Thank you. Your message is with {{.Org}}.", "Org", v.Desk.OrgName)
		w.renderHelp(rw, r, http.StatusOK, "helpanswer", v)
	case e.Code == nrm.CodeInvalid:
		e.Message = l.T(e.Message)
		v.Errors = []*nrm.Error{e}
		v.FieldErrors[e.Field] = e.Message
		w.renderHelp(rw, r, http.StatusUnprocessableEntity, "help", v)
	case e.Code == nrm.CodeThrottled:
		v.Title, v.Message = "Too many messages just now", "This page has taken many messages in a short time, so it is not taking more for a while. Messages sent before were received and are kept."
		v.Next = "Try again in an hour, or use one of the ways to reach help on this page. If you are in danger now, call the emergency number 112."
		w.renderHelp(rw, r, http.StatusTooManyRequests, "helpanswer", v)
	default:
		w.helpFailed(rw, r, err)
	}
}
