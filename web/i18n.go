package web

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"time"
	"unicode"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/nrmproject/nrm"
)

// Every string a person reads goes through T (or TN for a count). The
// catalogues are go-i18n JSON files (web/locales/active.LL.json), which
// Weblate and Crowdin import; the message id is the English text, as in
// gettext, so a missing translation is still readable.
//
//go:embed locales/active.*.json
var localeFS embed.FS

// Languages are the languages of the region, each named in itself, in the
// order the switcher shows them.
var Languages = []struct{ Code, Name string }{
	{"en", "English"}, {"ru", "Русский"}, {"uk", "Українська"}, {"fr", "Français"}, {"tr", "Türkçe"},
	{"ka", "ქართული"}, {"hy", "Հայերեն"}, {"kk", "Қазақ тілі"}, {"sq", "Shqip"}, {"ro", "Română"},
}

// compiled is one message form, parsed once at start: pages call T
// hundreds of times, and parsing a template per call would show.
type compiled struct {
	text string
	tmpl *template.Template // nil when the text has no named placeholder
}

type catalogue struct {
	tag      language.Tag
	msgs     map[string]compiled // the "other" form of every message
	plurals  *i18n.Localizer     // CLDR plural selection, for TN only
	printer  *message.Printer    // numbers with the locale's grouping
	messages map[string]*i18n.Message
}

var (
	catalogueOnce sync.Once
	catalogues    map[string]*catalogue
	bundle        *i18n.Bundle
)

// loadCatalogues reads every embedded catalogue; a broken file is a bug in
// the build, so it panics at start rather than serving half a language.
func loadCatalogues() map[string]*catalogue {
	catalogueOnce.Do(func() {
		bundle = i18n.NewBundle(language.English)
		catalogues = map[string]*catalogue{}
		for _, lang := range Languages {
			tag := language.MustParse(lang.Code)
			c := &catalogue{tag: tag, msgs: map[string]compiled{}, messages: map[string]*i18n.Message{}, printer: message.NewPrinter(tag)}
			path := "locales/active." + lang.Code + ".json"
			if buf, err := fs.ReadFile(localeFS, path); err == nil {
				mf, err := bundle.ParseMessageFileBytes(buf, path)
				if err != nil {
					panic(fmt.Sprintf("catalogue %s: %v", path, err))
				}
				var done []*i18n.Message
				for _, m := range mf.Messages {
					if m.Other == "" {
						continue // not translated yet: English shows, and the miss is recorded
					}
					c.messages[m.ID] = m
					c.msgs[m.ID] = compile(m.Other)
					done = append(done, m)
				}
				// go-i18n picks the plural form by the rules of the language
				// that has the message, so each language's messages are its own.
				if err := bundle.AddMessages(tag, done...); err != nil {
					panic(fmt.Sprintf("catalogue %s: %v", path, err))
				}
			}
			catalogues[lang.Code] = c
		}
		for code, c := range catalogues {
			c.plurals = i18n.NewLocalizer(bundle, code)
		}
	})
	return catalogues
}

func compile(text string) compiled {
	c := compiled{text: text}
	if strings.Contains(text, "{{") {
		t, err := template.New("").Option("missingkey=zero").Parse(text)
		if err == nil {
			c.tmpl = t
		}
	}
	return c
}

// Localizer translates for one request.
type Localizer struct{ lang string }

// newLocalizer returns the localizer of a known language, or English.
func newLocalizer(lang string) Localizer {
	if _, ok := loadCatalogues()[lang]; !ok {
		lang = "en"
	}
	return Localizer{lang: lang}
}

func (l Localizer) Lang() string { return l.lang }

func (l Localizer) cat() *catalogue {
	if c, ok := loadCatalogues()[l.lang]; ok {
		return c
	}
	return loadCatalogues()["en"]
}

// missHook, when set (by tests), hears of every message a language lacks.
var missHook atomic.Pointer[func(lang, msg string)]

func (l Localizer) lookup(msg string) compiled {
	c := l.cat()
	if m, ok := c.msgs[msg]; ok {
		return m
	}
	if h := missHook.Load(); h != nil && hasLetters(msg) {
		(*h)(l.lang, msg) // "18-24" or "—" reads the same in every language
	}
	if m, ok := loadCatalogues()["en"].msgs[msg]; ok {
		return m
	}
	return compile(msg)
}

// T translates msg. Values go in by name, as pairs: T("Due in {{.Days}}
// days", "Days", 3). Error messages (nrm.Error keys) keep fmt verbs and take
// positional arguments (see Err).
func (l Localizer) T(msg string, args ...any) string {
	m := l.lookup(msg)
	if m.tmpl != nil {
		return execute(m.tmpl, m.text, args)
	}
	if len(args) > 0 && strings.Contains(m.text, "%") {
		return fmt.Sprintf(m.text, args...)
	}
	return m.text
}

// TN translates a message about a count: the catalogue holds the plural
// forms the language's CLDR rules need ("one", "few", "many", "other"), and
// {{.Count}} is the count, written with the locale's digit grouping.
func (l Localizer) TN(msg string, count int, pairs ...any) string {
	c := l.cat()
	values := pairMap(pairs)
	values["Count"] = c.printer.Sprint(count)
	if _, ok := c.messages[msg]; !ok {
		if h := missHook.Load(); h != nil {
			(*h)(l.lang, msg)
		}
		c = loadCatalogues()["en"]
	}
	if m, ok := c.messages[msg]; ok {
		if s, err := c.plurals.Localize(&i18n.LocalizeConfig{MessageID: m.ID, PluralCount: count, TemplateData: values}); err == nil {
			return s
		}
	}
	return l.T(msg, append(pairs, "Count", values["Count"])...)
}

// Num writes a number with the locale's digit grouping.
func (l Localizer) Num(n any) string { return l.cat().printer.Sprint(n) }

// Err words an error for a page from its message key and arguments, never
// from the English sentence already made of them. Arguments that are
// phrases (nrm.Phrase) are translated too.
func (l Localizer) Err(e *nrm.Error) string {
	if e == nil {
		return ""
	}
	key := e.Key
	if key == "" {
		key = e.Message
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		switch a := a.(type) {
		case nrm.Phrase:
			args[i] = l.T(label(string(a)))
		case []nrm.Phrase:
			words := make([]string, len(a))
			for j, p := range a {
				words[j] = l.T(label(string(p)))
			}
			args[i] = strings.Join(words, ", ")
		default:
			args[i] = a
		}
	}
	text := l.lookup(key).text
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

func pairMap(pairs []any) map[string]any {
	values := make(map[string]any, len(pairs)/2+1)
	for i := 0; i+1 < len(pairs); i += 2 {
		if name, ok := pairs[i].(string); ok {
			values[name] = pairs[i+1]
		}
	}
	return values
}

// execute fills a message's named placeholders with name, value pairs.
func execute(t *template.Template, text string, pairs []any) string {
	var b strings.Builder
	if err := t.Execute(&b, pairMap(pairs)); err != nil {
		return text
	}
	return b.String()
}

// monthPatterns are the keys of a written date, one per month, so that each
// language orders the day, month and year and inflects the month its own
// way ("2 декабря 2026 г.", "2 Aralık 2026").
var monthPatterns = [12]string{
	"{{.Day}} January {{.Year}}", "{{.Day}} February {{.Year}}", "{{.Day}} March {{.Year}}",
	"{{.Day}} April {{.Year}}", "{{.Day}} May {{.Year}}", "{{.Day}} June {{.Year}}",
	"{{.Day}} July {{.Year}}", "{{.Day}} August {{.Year}}", "{{.Day}} September {{.Year}}",
	"{{.Day}} October {{.Year}}", "{{.Day}} November {{.Year}}", "{{.Day}} December {{.Year}}",
}

// Date writes a day for people to read (form values stay ISO); it takes an
// nrm.Date or a time.Time already in the zone wanted.
func (l Localizer) Date(d any) string {
	var t time.Time
	switch d := d.(type) {
	case nrm.Date:
		t = d.Time()
	case time.Time:
		t = d
	}
	if t.IsZero() {
		return ""
	}
	return l.T(monthPatterns[t.Month()-1], "Day", t.Day(), "Year", t.Year())
}

func hasLetters(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// tWords is T with name, value pairs whose nrm.Phrase values are words
// to translate themselves (by their label), such as a kind of day.
func (l Localizer) tWords(msg string, pairs []any) string {
	out := slices.Clone(pairs)
	for i := 1; i < len(out); i += 2 {
		if p, ok := out[i].(nrm.Phrase); ok {
			out[i] = l.T(label(string(p)))
		}
	}
	return l.T(msg, out...)
}
