package web

// Which language a page speaks: ?lang=LL (remembered in the lang cookie),
// then the signed-in user's own preference (set on /account), then the
// browser's Accept-Language, then English.

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/text/language"

	"github.com/nrmproject/nrm/service"
)

// LangCookie remembers the language chosen with the switcher.
const LangCookie = "lang"

var langMatcher = func() language.Matcher {
	tags := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		tags[i] = language.MustParse(l.Code)
	}
	return language.NewMatcher(tags)
}()

func knownLang(code string) bool {
	for _, l := range Languages {
		if l.Code == code {
			return true
		}
	}
	return false
}

type langPrefKey struct{}

// withLangPref carries the signed-in user's preference to localizerFor.
func withLangPref(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langPrefKey{}, lang)
}

// chooseLang applies the order above to one request.
func chooseLang(r *http.Request) string {
	if q := r.URL.Query().Get("lang"); knownLang(q) {
		return q
	}
	if c, err := r.Cookie(LangCookie); err == nil && knownLang(c.Value) {
		return c.Value
	}
	if p, _ := r.Context().Value(langPrefKey{}).(string); knownLang(p) {
		return p
	}
	if h := r.Header.Get("Accept-Language"); h != "" {
		if tags, _, err := language.ParseAcceptLanguage(h); err == nil && len(tags) > 0 {
			_, i, conf := langMatcher.Match(tags...)
			if conf != language.No {
				return Languages[i].Code
			}
		}
	}
	return "en"
}

// localizerFor is the localizer of the request's language.
func localizerFor(r *http.Request) Localizer { return newLocalizer(chooseLang(r)) }

// rememberLang sets the lang cookie when a page is asked for with ?lang=.
// The public help page (/help) is the exception: it sets no cookie but the
// CSRF token's, so a person looking for help leaves no other trace in the
// browser; its switcher's links carry ?lang= instead.
func rememberLang(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if q := r.URL.Query().Get("lang"); knownLang(q) && !isHelpPath(r.URL.Path) {
			setLangCookie(rw, r, q)
		}
		h.ServeHTTP(rw, r)
	})
}

func isHelpPath(p string) bool { return p == "/help" || strings.HasPrefix(p, "/help/") }

func setLangCookie(rw http.ResponseWriter, r *http.Request, lang string) {
	http.SetCookie(rw, &http.Cookie{Name: LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// langLink is one entry of the switcher.
type langLink struct {
	Code, Name, URL string
	Current         bool
}

// langLinks are the switcher's links: the same page (for a GET) with
// ?lang=LL, keeping the page's other query parameters. The links are
// relative, so a page does not repeat its own address (a missing case and
// one of another organisation must read the same). After a POST the links
// lead to the start page, as the POST's address has no page to show.
func langLinks(r *http.Request, current string) []langLink {
	path, q := "/", url.Values{}
	if r != nil && r.Method == http.MethodGet {
		path = ""
		for k, v := range r.URL.Query() {
			q[k] = v
		}
	}
	links := make([]langLink, len(Languages))
	for i, l := range Languages {
		q.Set("lang", l.Code)
		links[i] = langLink{Code: l.Code, Name: l.Name, URL: path + "?" + q.Encode(), Current: l.Code == current}
	}
	return links
}

// setLanguage saves the user's own choice from /account, and remembers it in
// the cookie too, so that an older switcher choice does not hide it.
func (w *Web) setLanguage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	lang := r.PostFormValue("lang")
	codes := make([]string, len(Languages))
	for i, l := range Languages {
		codes[i] = l.Code
	}
	if err := w.svc.SetLanguage(r.Context(), lang, codes); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if lang == "" {
		http.SetCookie(rw, &http.Cookie{Name: LangCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	} else {
		setLangCookie(rw, r, lang)
	}
	http.Redirect(rw, r, "/account", http.StatusSeeOther)
}
