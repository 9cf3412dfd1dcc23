package web

import (
	"fmt"
	"net/http"
	"strings"
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

// T translates msg and fills in args with fmt verbs.
func (l Localizer) T(msg string, args ...any) string {
	if t, ok := catalogs[l.lang][msg]; ok {
		msg = t
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

func (l Localizer) Lang() string { return l.lang }
