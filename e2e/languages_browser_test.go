package e2e

// The languages in a browser: the switcher changes the language of the
// sign-in page, a person signs in in Russian and finds the home page in
// Russian, and the case page holds on a 360 px phone in the longest
// language (the catalogue with the most text).

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// catalogueText reads a catalogue's "other" forms, by English id.
func catalogueText(t *testing.T, lang string) map[string]string {
	t.Helper()
	buf, err := os.ReadFile(filepath.Join("..", "web", "locales", "active."+lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]map[string]string
	if err := json.Unmarshal(buf, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for id, forms := range m {
		out[id] = forms["other"]
	}
	return out
}

// longestLanguage is the language whose catalogue has the most text.
func longestLanguage(t *testing.T) string {
	best, most := "en", 0
	for _, l := range []string{"ru", "uk", "fr", "tr", "ka", "hy", "kk", "sq", "ro"} {
		n := 0
		for _, s := range catalogueText(t, l) {
			n += len([]rune(s))
		}
		if n > most {
			best, most = l, n
		}
	}
	return best
}

func TestLanguagesInTheBrowser(t *testing.T) {
	needChromium(t)
	ru := catalogueText(t, "ru")
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		wc := mustWorkedCase(t, a)
		b := newChromium(t, a.URL)
		step := func(name string, f func(t *testing.T)) bool {
			a.Clock.Advance(90 * time.Second)
			return t.Run(name, f)
		}
		htmlLang := func(t *testing.T) string { return b.eval(t, `document.documentElement.lang`) }

		step("switcher_changes_the_language_of_the_sign_in_page", func(t *testing.T) {
			b.open(t, "/login")
			b.submit(t, `footer.langs a[hreflang="ru"]`) // a link: submit waits for the page it leads to
			if got := htmlLang(t); got != "ru" {
				t.Fatalf("<html lang=%q> after choosing Русский", got)
			}
			b.wantText(t, "main", ru["Continue"])
			// The choice is remembered: the next page without ?lang is Russian too.
			b.open(t, "/login")
			if got := htmlLang(t); got != "ru" {
				t.Errorf("<html lang=%q> after the switcher chose Russian", got)
			}
		})
		step("signs_in_in_russian", func(t *testing.T) {
			b.typeInto(t, "email", wc.Worker.Email)
			b.typeInto(t, "password", wc.Worker.Password)
			b.submit(t, `form[action="/login"] button[type="submit"]`)
			secret := strings.TrimSpace(b.text(t, "main p code"))
			code, err := totp.GenerateCodeCustom(secret, a.Clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
			if err != nil {
				t.Fatalf("secret %q: %v", secret, err)
			}
			if got := htmlLang(t); got != "ru" {
				t.Errorf("the enrolment page is <html lang=%q>", got)
			}
			b.typeInto(t, "code", code)
			b.submit(t, `form[action="/login/enrol"] button[type="submit"]`)
			b.open(t, "/")
			if got := htmlLang(t); got != "ru" {
				t.Errorf("the home page is <html lang=%q>", got)
			}
			b.wantText(t, "header.top nav", ru["Home"], ru["Cases"])
		})
		longest := longestLanguage(t)
		step("case_page_holds_on_a_phone_in_the_longest_language_"+longest, func(t *testing.T) {
			b.viewport(t, 360, phoneHeight, true)
			defer b.viewport(t, viewportWidth, viewportHeight, false)
			b.open(t, "/cases/"+wc.ID+"?lang="+longest)
			if got := htmlLang(t); got != longest {
				t.Fatalf("<html lang=%q>, want %s", got, longest)
			}
			if fits := b.eval(t, `String(document.documentElement.scrollWidth <= window.innerWidth)`); fits != "true" {
				t.Errorf("the page is %s px wide on a %s px phone", b.eval(t, `String(document.documentElement.scrollWidth)`), b.eval(t, `String(window.innerWidth)`))
			}
			b.wantNoSidewaysScroll(t)
			b.saveScreenshot(t, engine, "case-phone-"+longest)
		})
	})
}
