// Package web serves nrm's HTML pages: server-rendered with html/template,
// no JavaScript, usable on a phone and a slow link. Sessions live on the
// server; the cookie holds only a random secret. Every state change is a
// POST that carries the session's CSRF token.
package web

import (
	"bytes"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// CookieName carries the session secret. The __Host- prefix makes browsers
// insist on Secure, Path=/ and no Domain, so no sibling host can set it.
const CookieName = "__Host-nrm"

// Options configure the pages.
type Options struct {
	// TrustProxy takes the client address from X-Forwarded-For (for the
	// sign-in throttle) when nrm runs behind a reverse proxy.
	TrustProxy bool
	// TimeZone is the deployment's zone for the times pages show (web/timezone.go); nil is UTC.
	TimeZone *time.Location
}

// Web serves the pages.
type Web struct {
	svc    *service.Service
	log    *slog.Logger
	opts   Options
	pages  map[string]*template.Template
	static *staticFiles
	loc    *time.Location
}

func New(svc *service.Service, log *slog.Logger, opts Options) *Web {
	w := &Web{svc: svc, log: log, opts: opts, pages: map[string]*template.Template{}, static: newStaticFiles(), loc: locationOf(opts)}
	funcs := template.FuncMap{
		"asset": w.static.url,
		// Times in the deployment's zone (web/timezone.go).
		"when": w.when, "day": w.day, "machineTime": w.machineTime, "flagRef": flagRef,
		"t": func(l Localizer, msg string, args ...any) string { return l.T(msg, args...) },
		// tn: a message about a count, in the plural form of the language.
		"tn":      func(l Localizer, msg string, n int, args ...any) string { return l.TN(msg, n, args...) },
		"errText": func(l Localizer, e *nrm.Error) string { return l.Err(e) },
		"num":     func(l Localizer, n any) string { return l.Num(n) },
		"date":    func(l Localizer, d any) string { return l.Date(d) }, // a day written for the locale
		// withL hands a partial its data with the page's localizer.
		"withL": func(l Localizer, c any) withLocalizer { return withLocalizer{l, c} },
		// label and roleLabel show a code by its words (web/labels.go).
		"label":     label,
		"roleLabel": roleLabel,
		"field": func(l Localizer, errs map[string]string, name, label, typ string, form map[string]string) fieldView {
			return fieldView{L: l, Name: name, Label: label, Type: typ, Value: form[name], Error: errs[name]}
		},
		"status": caseStatus,
	}
	// The layout and the shared pieces are parsed first, so that each
	// page's own "title" and "content" replace the layout's defaults.
	// Files named _*.html are partials of several pages, not pages.
	shared := template.Must(template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/field.html",
		"templates/_*.html"))
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "field" || strings.HasPrefix(base, "_") {
			continue
		}
		w.pages[base] = template.Must(template.Must(shared.Clone()).ParseFS(templateFS, n))
	}
	return w
}

type fieldView struct {
	L                        Localizer
	Name, Label, Type, Value string
	Error                    string
}

// Register adds the pages to mux.
func (w *Web) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/", http.StripPrefix("/static", w.static))
	cop := http.NewCrossOriginProtection()
	handle := func(pattern string, h http.Handler) { mux.Handle(pattern, rememberLang(cop.Handler(h))) }

	handle("GET /login", http.HandlerFunc(w.loginPage))
	handle("POST /login", http.HandlerFunc(w.login))
	handle("GET /login/code", w.stage(service.StagePassword, w.codePage))
	handle("POST /login/code", w.stage(service.StagePassword, w.code))
	handle("GET /login/enrol", w.stage(service.StageEnrol, w.enrolPage))
	handle("POST /login/enrol", http.HandlerFunc(w.enrolSubmit))
	handle("GET /login/recovery", w.signedIn(w.recoveryShownPage))
	handle("POST /logout", w.stage("", w.logout))
	handle("GET /signed-out", http.HandlerFunc(w.signedOutPage))

	w.registerSignin(handle) // single sign-on and passkeys (web/passkeys.go)

	handle("GET /{$}", w.signedIn(w.home))
	handle("GET /cases", w.signedIn(w.casesPage))
	handle("POST /cases/search", w.signedIn(w.searchCases))
	handle("GET /cases.csv", w.signedIn(w.casesCSV))
	handle("GET /cases/{id}/assign", w.signedIn(w.assignPage))
	handle("POST /cases/{id}/assign", w.signedIn(w.assign))
	handle("GET /new", w.signedIn(w.newsPage))
	handle("POST /new/seen", w.signedIn(w.markSeen))
	handle("GET /referrals.csv", w.signedIn(w.inboxCSV))
	handle("GET /due.csv", w.signedIn(w.dueCSV))
	handle("GET /cases/new", w.signedIn(w.newCasePage))
	handle("POST /cases", w.signedIn(w.createCase))
	handle("GET /cases/{id}", w.signedIn(w.caseFile))
	handle("POST /cases/{id}/notes", w.signedIn(w.caseNote))
	handle("POST /cases/{id}/person", w.signedIn(w.correctPerson))
	handle("POST /cases/{id}/guardian", w.signedIn(w.setGuardian))
	handle("GET /cases/{id}/screening", w.signedIn(w.screeningForm))
	handle("GET /cases/{id}/summary.pdf", w.signedIn(w.caseSummaryPDF))
	handle("POST /cases/{id}/screenings", w.signedIn(w.screen))
	handle("POST /cases/{id}/consents", w.signedIn(w.recordConsent))
	handle("POST /cases/{id}/consents/{consent}/withdraw", w.signedIn(w.withdrawConsent))
	handle("POST /cases/{id}/referrals", w.signedIn(w.refer))
	handle("POST /cases/{id}/referrals/{referral}/withdraw", w.signedIn(w.withdrawReferral))
	handle("POST /cases/{id}/decisions", w.signedIn(w.decide))
	handle("POST /cases/{id}/await-conclusive", w.signedIn(w.awaitConclusive))
	handle("POST /cases/{id}/reconsider", w.signedIn(w.reconsider))
	handle("POST /cases/{id}/close", w.signedIn(w.closeCase))
	handle("POST /cases/{id}/reopen", w.signedIn(w.reopenCase))
	handle("GET /cases/{id}/support/{form}", w.signedIn(w.supportFormPage))
	handle("POST /cases/{id}/needs", w.signedIn(w.addNeeds))
	handle("POST /cases/{id}/plans", w.signedIn(w.addPlan))
	handle("POST /cases/{id}/services", w.signedIn(w.addService))
	handle("POST /cases/{id}/residence", w.signedIn(w.addResidence))
	handle("POST /cases/{id}/residence/{permit}/renew", w.signedIn(w.renewResidence))
	w.registerTracks(handle) // justice and return (tracks.go)
	// NRM country assessments (assessments.go).
	w.registerAssessments(handle)
	w.registerTrials(handle)        // trial monitoring (trials.go)
	w.registerCoordination(handle)  // events, activities, progress report (coordination.go)
	w.registerClearinghouse(handle) // directory, library, practices (clearinghouse.go)
	handle("GET /referrals", w.signedIn(w.inboxPage))
	handle("POST /referrals/{id}/accept", w.signedIn(w.acceptReferral))
	handle("POST /referrals/{id}/decline", w.signedIn(w.declineReferral))
	handle("GET /due", w.signedIn(w.duePage))
	handle("GET /notify", w.signedIn(w.notifyPage))
	handle("POST /notify", w.signedIn(w.notify))
	handle("GET /admin/erase", w.signedIn(w.erasePage))
	handle("POST /admin/erase/review", w.signedIn(w.eraseReview))
	handle("POST /admin/erase", w.signedIn(w.erase))
	handle("GET /audit", w.signedIn(w.auditPage))
	handle("GET /flags", w.signedIn(w.flagsPage))
	handle("GET /admin/users", w.signedIn(w.usersPage))
	handle("POST /admin/users", w.signedIn(w.addUser))
	handle("GET /admin/users/{id}", w.signedIn(w.userPage))
	handle("POST /admin/users/{id}", w.signedIn(w.updateUser))
	handle("GET /admin/org", w.signedIn(w.orgPage))
	handle("POST /admin/org", w.signedIn(w.updateOrg))
	handle("GET /admin/partners", w.signedIn(w.partnersPage))
	handle("POST /admin/partners", w.signedIn(w.addPartner))
	handle("POST /admin/partners/{id}/remove", w.signedIn(w.removePartner))
	handle("GET /exchange/incoming", w.signedIn(w.incomingPage))
	handle("POST /exchange/incoming/{id}/accept", w.signedIn(w.acceptIncoming))
	handle("POST /exchange/incoming/{id}/decline", w.signedIn(w.declineIncoming))
	// Statistics and the yearly report (web/statistics.go, web/report.go).
	handle("GET /statistics", w.signedIn(w.statisticsPage))
	handle("POST /statistics", w.signedIn(w.releaseStatistics))
	handle("GET /statistics.csv", w.signedIn(w.statisticsCSV))
	handle("GET /statistics.xlsx", w.signedIn(w.statisticsXLSX))
	handle("GET /report", w.signedIn(w.reportPage))
	w.registerHelp(handle)                                      // help without an account and its inbox (help.go)
	handle("POST /account/language", w.signedIn(w.setLanguage)) // web/lang.go
	handle("/", w.signedIn(func(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
		w.fail(rw, r, s, nrm.NotFound("page"))
	}))
}

// view is what every page template receives.
type view struct {
	L           Localizer
	Actor       nrm.Actor
	UserName    string
	CSRF        string
	Can         navPermissions
	Flash       string
	Errors      []*nrm.Error
	FieldErrors map[string]string
	Form        map[string]string
	Data        any
	Menu        service.Menu // the counts the menu shows
	Langs       []langLink   // the language switcher (web/lang.go)
}

type navPermissions struct {
	Cases, Create, Admin, Audit, Flags, Inbox, Due, Notify bool
	// NRM country assessments: every signed-in user reads them; a team's
	// recommendations have clocks on the deadlines page.
	Assessments, Recommendations bool
	Stats                        bool // statistics and the yearly report
	// Trial monitoring: the monitors' trials, and the findings for all.
	Trials, TrialFindings bool
	// Co-ordination: events and activities (coordination.go).
	Coordination bool
	// The clearinghouse: the directory, the library and the practices.
	Clearinghouse bool
	SelfReferrals bool // the help organisation's inbox (help.go)
}

// menuCounts are the counts of the menu: referrals waiting and what is new.
// A failure to count must not cost the user the page: it is logged and the
// menu shows no count.
func (w *Web) menuCounts(r *http.Request, s service.SessionInfo) service.Menu {
	m, err := w.svc.Menu(nrm.WithActor(r.Context(), s.Actor))
	if err != nil {
		w.log.ErrorContext(r.Context(), "menu counts", "request_id", nrm.RequestID(r.Context()), "error", nrm.AsError(err).Cause)
	}
	return m
}

func (w *Web) render(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, page string, v view) {
	v.L = localizerFor(r)
	v.Langs = langLinks(r, v.L.Lang())
	v.Actor = s.Actor
	v.UserName = s.User.Name
	if s.Stage == service.StageFull {
		v.Can = navPermissions{
			Cases:  nrm.Can(s.Actor, nrm.ActCaseList, nrm.Access{}),
			Create: nrm.Can(s.Actor, nrm.ActCaseCreate, nrm.Access{}),
			Admin:  nrm.Can(s.Actor, nrm.ActUserManage, nrm.Access{}),
			Audit:  nrm.Can(s.Actor, nrm.ActAuditRead, nrm.Access{}),
			Flags:  nrm.Can(s.Actor, nrm.ActFlagsOverview, nrm.Access{}),
			Inbox:  nrm.Can(s.Actor, nrm.ActReferralRespond, nrm.Access{Relation: nrm.RelRecipient}),
			Due:    nrm.Can(s.Actor, nrm.ActDeadlines, nrm.Access{}),
			Notify: nrm.Can(s.Actor, nrm.ActNotify, nrm.Access{}),
			// Assessment teams see their recommendations' clocks on the deadlines page.
			Assessments: nrm.Can(s.Actor, nrm.ActAssessmentRead, nrm.Access{}),
			Stats:       nrm.Can(s.Actor, nrm.ActStatsRead, nrm.Access{}),
			// Trial monitoring (trials.go).
			Trials:        nrm.Can(s.Actor, nrm.ActTrialRead, nrm.Access{}),
			TrialFindings: nrm.Can(s.Actor, nrm.ActTrialFindingsRead, nrm.Access{}),
			Coordination:  nrm.Can(s.Actor, nrm.ActEventRead, nrm.Access{}),
			Clearinghouse: nrm.Can(s.Actor, nrm.ActLibraryRead, nrm.Access{}),
			SelfReferrals: nrm.Can(s.Actor, nrm.ActSelfReferralRead, nrm.Access{}) && s.Actor.OrgID == w.svc.HelpOrgID(),
		}
		v.Can.Recommendations = nrm.Can(s.Actor, nrm.ActAssessmentWrite, nrm.Access{})
		v.Menu = w.menuCounts(r, s)
	} else {
		v.Actor = nrm.Actor{}
	}
	v.CSRF = maskCSRF(s.CSRF) // afresh per response (web/csrf.go)
	if v.FieldErrors == nil {
		v.FieldErrors = map[string]string{}
	}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	// A field's error is worded from its key and arguments (Localizer.Err).
	for _, e := range v.Errors {
		if _, ok := v.FieldErrors[e.Field]; ok && e.Field != "" {
			v.FieldErrors[e.Field] = v.L.Err(e)
		}
	}
	var buf bytes.Buffer
	if err := w.pages[page].ExecuteTemplate(&buf, "layout", v); err != nil {
		w.log.ErrorContext(r.Context(), "template", "page", page, "error", err.Error())
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(status)
	rw.Write(buf.Bytes())
}

// fail renders an error page, or the form again when the error names a field.
func (w *Web) fail(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, err error) {
	e := nrm.AsError(err)
	status := statusOf(e.Code)
	if status >= 500 {
		w.log.ErrorContext(r.Context(), "request failed", "request_id", nrm.RequestID(r.Context()), "route", r.Pattern, "error", e.Cause)
	}
	w.render(rw, r, s, status, "error", view{Data: errorPageOf(localizerFor(r), r, status, e)})
}

func statusOf(code string) int { return nrm.StatusOf(code) }

// formError turns an error into the errors shown on a form; ok is false
// when the error is not about the input.
func formError(err error) (view, bool) {
	e := nrm.AsError(err)
	if e.Code != nrm.CodeInvalid {
		return view{}, false
	}
	v := view{Errors: []*nrm.Error{e}, FieldErrors: map[string]string{}}
	if e.Field != "" {
		v.FieldErrors[e.Field] = e.Message
	}
	return v, true
}

type pageFunc func(rw http.ResponseWriter, r *http.Request, s service.SessionInfo)

// signedIn requires a full session; POSTs must carry its CSRF token.
func (w *Web) signedIn(h pageFunc) http.Handler {
	return w.stage(service.StageFull, h)
}

// stage requires a session at the given stage ("" for any stage).
func (w *Web) stage(stage string, h pageFunc) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var s service.SessionInfo
		var err error = nrm.Unauthorized("sign-in required")
		c, cerr := r.Cookie(CookieName)
		if cerr == nil {
			s, err = w.svc.Session(r.Context(), c.Value)
			s.Token = c.Value
		}
		if err != nil || (stage != "" && s.Stage != stage) {
			if err != nil && nrm.ErrorCode(err) != nrm.CodeUnauthorized {
				w.fail(rw, r, service.SessionInfo{}, err)
				return
			}
			if r.Method == http.MethodGet {
				// The sign-in page tells a cookie that ended from none (loginPage).
				http.Redirect(rw, r, "/login", http.StatusSeeOther)
				return
			}
			if cerr == nil && err != nil {
				w.clearCookie(rw)
			}
			w.fail(rw, r, service.SessionInfo{}, nrm.Unauthorized("your session has ended; sign in again"))
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(rw, r.Body, postLimit(r))
			if uploadTooLarge(r) {
				w.fail(rw, r, s, nrm.Invalid("file", "larger than %d MiB", service.MaxMaterialSize>>20))
				return
			}
			if !csrfMatches(r.PostFormValue("csrf"), s.CSRF) {
				w.fail(rw, r, s, nrm.Forbidden("the form had expired; go back, reload the page and try again"))
				return
			}
		}
		h(rw, r.WithContext(withLangPref(nrm.WithActor(r.Context(), s.Actor), s.User.Lang)), s)
	})
}

func (w *Web) setCookie(rw http.ResponseWriter, token string) {
	http.SetCookie(rw, &http.Cookie{Name: CookieName, Value: token, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
}

func (w *Web) clearCookie(rw http.ResponseWriter) {
	http.SetCookie(rw, &http.Cookie{Name: CookieName, Value: "", Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

func (w *Web) clientAddr(r *http.Request) string {
	if w.opts.TrustProxy {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			return strings.TrimSpace(strings.SplitN(f, ",", 2)[0])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (w *Web) loginPage(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, service.SessionInfo{}, http.StatusOK, "login", view{Data: w.loginOptions(w.loginNotice(rw, r))})
}

func (w *Web) login(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, 16<<10)
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	s, err := w.svc.SignIn(r.Context(), email, password, w.clientAddr(r))
	if err != nil {
		e := nrm.AsError(err)
		if e.Code == nrm.CodeInternal {
			w.fail(rw, r, service.SessionInfo{}, err)
			return
		}
		w.render(rw, r, service.SessionInfo{}, statusOf(e.Code), "login",
			view{Errors: []*nrm.Error{e}, Form: map[string]string{"email": email}, Data: w.loginOptions(loginView{})})
		return
	}
	w.setCookie(rw, s.Token)
	next := "/login/code"
	if s.Stage == service.StageEnrol {
		next = "/login/enrol"
	}
	http.Redirect(rw, r, next, http.StatusSeeOther)
}

func (w *Web) codePage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.render(rw, r, s, http.StatusOK, "code", view{Data: codeView{Codes: w.svc.CodesAllowed(r.Context(), s)}})
}

// codeView: whether the organisation still takes app codes (web/passkeys.go).
type codeView struct{ Codes bool }

func (w *Web) code(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	full, err := w.svc.CompleteSignIn(r.Context(), s.Token, r.PostFormValue("code"), w.clientAddr(r))
	if err != nil {
		if v, ok := formError(err); ok || nrm.ErrorCode(err) == nrm.CodeThrottled {
			if !ok {
				v = view{Errors: []*nrm.Error{nrm.AsError(err)}}
			}
			v.Data = codeView{Codes: true}
			w.render(rw, r, s, statusOf(nrm.ErrorCode(err)), "code", v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	w.setCookie(rw, full.Token)
	http.Redirect(rw, r, "/", http.StatusSeeOther)
}

type enrolView struct {
	QR          template.URL
	Secret      string
	PasskeyOnly bool
}

func (w *Web) enrolPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	e, err := w.svc.BeginEnrolment(r.Context(), s.Token)
	if err != nil && nrm.ErrorCode(err) == nrm.CodeConflict && w.svc.PasskeysEnabled() {
		// The organisation takes passkeys only (web/passkeys.go).
		w.render(rw, r, s, http.StatusOK, "enrol", view{Data: enrolView{PasskeyOnly: true}})
		return
	}
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	qr := template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QRPNG))
	w.render(rw, r, s, http.StatusOK, "enrol", view{Data: enrolView{QR: qr, Secret: e.Secret}})
}

func (w *Web) enrol(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	full, codes, err := w.svc.ConfirmEnrolment(r.Context(), s.Token, r.PostFormValue("code"))
	if err != nil {
		if _, ok := formError(err); ok {
			// Show the same secret again: a new one would invalidate the app's entry.
			l := localizerFor(r)
			w.render(rw, r, s, http.StatusUnprocessableEntity, "error", view{Data: errorView{
				Title: l.T("That code was not right"), Message: l.Err(nrm.AsError(err)),
				Next: l.T("Go back: the same QR code is shown again. Wait for the next code in your app and type it."),
				Link: "/login/enrol", LinkText: l.T("Try again")}})
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	w.setCookie(rw, full.Token)
	w.render(rw, r, full, http.StatusOK, "recovery", view{Data: codes})
}

func (w *Web) logout(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.svc.SignOut(r.Context(), s.Token)
	w.clearCookie(rw)
	http.Redirect(rw, r, "/signed-out", http.StatusSeeOther)
}

func formVersion(r *http.Request) (int64, error) {
	v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || v < 1 {
		return 0, nrm.Invalid("version", "the form is missing its version; reload the page")
	}
	return v, nil
}

// postLimit bounds a form's body: small, but for the library's upload.
func postLimit(r *http.Request) int64 {
	if r.Pattern == "POST /library" {
		return service.MaxMaterialSize + 1<<20
	}
	return 64 << 10
}

// withLocalizer is a partial's data with the page's localizer ({{withL $.L .}}).
type withLocalizer struct {
	L Localizer
	C any
}
