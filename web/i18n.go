package web

import (
	"fmt"
	"net/http"
	"strings"
	"text/template"
)

// Every user-facing string goes through T, so that the languages of the
// region (English, Russian, French, Turkish, Ukrainian, Georgian, Armenian,
// Kazakh, Albanian, Romanian) can be added as catalogs without touching
// pages. A catalog maps the English text to its translation; a missing
// entry falls back to English.
var catalogs = map[string]map[string]string{
	"en": {},
}

// Localizer translates for one request.
type Localizer struct{ lang string }

// localizerFor picks the first language of Accept-Language that has a catalog.
func localizerFor(r *http.Request) Localizer {
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		tag = strings.SplitN(tag, "-", 2)[0]
		if _, ok := catalogs[tag]; ok {
			return Localizer{lang: tag}
		}
	}
	return Localizer{lang: "en"}
}

// T translates msg. A message with named placeholders ("Due in {{.Days}}
// days") takes its values as name, value pairs: T(msg, "Days", 3). Older
// messages still use fmt verbs with positional arguments.
func (l Localizer) T(msg string, args ...any) string {
	if t, ok := catalogs[l.lang][msg]; ok {
		msg = t
	}
	if strings.Contains(msg, "{{") {
		return fill(msg, args)
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// fill executes a message's named placeholders with name, value pairs.
func fill(msg string, pairs []any) string {
	values := make(map[string]any, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		if name, ok := pairs[i].(string); ok {
			values[name] = pairs[i+1]
		}
	}
	t, err := template.New("").Option("missingkey=zero").Parse(msg)
	if err != nil {
		return msg
	}
	var b strings.Builder
	if err := t.Execute(&b, values); err != nil {
		return msg
	}
	return b.String()
}

func (l Localizer) Lang() string { return l.lang }
