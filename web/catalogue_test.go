package web

// Every catalogue has exactly the messages of English, keeps each
// message's placeholders ({{.Name}} and, in error messages, fmt verbs), and
// has the plural forms its language's CLDR rules need. A language whose
// file is not there yet is reported, not failed; once the file exists,
// every missing message fails.

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

var (
	printfVerb  = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?[sdvqfxXtg%]`)
	placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
)

// pluralForms are the forms each language's CLDR cardinal rules use for
// whole numbers (fr "many" is for millions).
var pluralForms = map[string][]string{
	"en": {"one", "other"}, "ru": {"few", "many", "one", "other"}, "uk": {"few", "many", "one", "other"},
	"fr": {"many", "one", "other"}, "tr": {"one", "other"}, "ka": {"one", "other"}, "hy": {"one", "other"},
	"kk": {"one", "other"}, "sq": {"one", "other"}, "ro": {"few", "one", "other"},
}

// marks is what a translation must keep of its message: the names of its
// placeholders and its fmt verbs, sorted.
func marks(s string) string {
	var m []string
	for _, x := range placeholder.FindAllStringSubmatch(s, -1) {
		m = append(m, "{{."+x[1]+"}}")
	}
	// A verb counts by the argument it takes: "%[2]s … %[1]q" keeps "%q … %s".
	next := 1
	for _, v := range printfVerb.FindAllStringSubmatch(s, -1) {
		if v[0] == "%%" {
			continue
		}
		if v[1] != "" {
			next, _ = strconv.Atoi(v[1])
		}
		m = append(m, fmt.Sprintf("%%[%d]%s", next, v[0][len(v[0])-1:]))
		next++
	}
	sort.Strings(m)
	return strings.Join(m, " ")
}

func TestCataloguesMatchEnglish(t *testing.T) {
	en := readCatalogue(t, "locales/active.en.json")
	plural := map[string]bool{}
	for id, m := range en {
		plural[id] = m["one"] != ""
	}
	for _, lang := range Languages {
		if lang.Code == "en" {
			continue
		}
		t.Run(lang.Code, func(t *testing.T) {
			path := "locales/active." + lang.Code + ".json"
			cat := readCatalogue(t, path)
			if cat == nil {
				t.Logf("%s: not translated yet (no %s)", lang.Name, path)
				return
			}
			var missing, extra []string
			for id := range en {
				if _, ok := cat[id]; !ok {
					missing = append(missing, id)
				}
			}
			for id, m := range cat {
				if _, ok := en[id]; !ok {
					extra = append(extra, id)
					continue
				}
				forms := []string{"other"}
				if plural[id] {
					forms = pluralForms[lang.Code]
				}
				for _, f := range forms {
					if strings.TrimSpace(m[f]) == "" {
						t.Errorf("%q lacks its %q form", id, f)
						continue
					}
					// A plural form may leave out the count ("one" can say
					// "a case"), but must name nothing English does not.
					want, got := marks(id), marks(m[f])
					if plural[id] {
						want, got = strings.ReplaceAll(want, "{{.Count}}", ""), strings.ReplaceAll(got, "{{.Count}}", "")
					}
					if strings.TrimSpace(want) != strings.TrimSpace(got) {
						t.Errorf("%q: the %s form %q keeps %q, not %q", id, f, m[f], got, want)
					}
				}
			}
			slices.Sort(missing)
			slices.Sort(extra)
			t.Logf("%s: %d of %d messages (%.0f%%)", lang.Name, len(en)-len(missing), len(en), 100*float64(len(en)-len(missing))/float64(len(en)))
			if len(missing) > 0 {
				t.Errorf("%s misses %d messages of English, e.g. %q", path, len(missing), head(missing))
			}
			if len(extra) > 0 {
				t.Errorf("%s has %d messages English lacks (renamed or removed?), e.g. %q", path, len(extra), head(extra))
			}
		})
	}
}

// TestPluralFormsAreCLDRs checks the table above against go-i18n's CLDR
// rules, which TN uses: a message with every form, localised for the counts
// 0–200 and a million, shows exactly the forms the table names.
func TestPluralFormsAreCLDRs(t *testing.T) {
	b := i18n.NewBundle(language.English)
	msg := &i18n.Message{ID: "n", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
	for lang, want := range pluralForms {
		b.MustAddMessages(language.MustParse(lang), msg)
		l := i18n.NewLocalizer(b, lang)
		seen := map[string]bool{}
		for _, n := range append(rangeInts(0, 200), 1000000) {
			s, err := l.Localize(&i18n.LocalizeConfig{MessageID: "n", PluralCount: n})
			if err != nil {
				t.Fatal(err)
			}
			seen[s] = true
		}
		seen["other"] = true // CLDR always has it (in Russian, for fractions)
		var got []string
		for f := range seen {
			got = append(got, f)
		}
		sort.Strings(got)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: CLDR forms %v, table %v", lang, got, want)
		}
	}
}

func rangeInts(from, to int) []int {
	var s []int
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

// TestCatalogueStatus: every language has a review status, shown in
// docs/translating.md.
func TestCatalogueStatus(t *testing.T) {
	buf, err := os.ReadFile("locales/status.json")
	if err != nil {
		t.Fatal(err)
	}
	var status map[string]struct{ Status, Reviewer string }
	if err := json.Unmarshal(buf, &status); err != nil {
		t.Fatal(err)
	}
	for _, l := range Languages {
		if status[l.Code].Status == "" {
			t.Errorf("locales/status.json has no status for %s", l.Code)
		}
	}
}

// TestTNUsesThePluralForm renders a count in Russian with every form.
func TestTNUsesThePluralForm(t *testing.T) {
	l := Localizer{lang: "en"}
	if got := l.TN("{{.Count}} cases", 1); got != "1 case" {
		t.Errorf("en one: %q", got)
	}
	if got := l.TN("{{.Count}} cases", 12345); got != "12,345 cases" {
		t.Errorf("en other with grouping: %q", got)
	}
}
