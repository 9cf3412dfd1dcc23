package nrm

import (
	"encoding/json"
	"fmt"
	"strings"
)

// summaryMarker starts a stored summary made by Summary. A unit separator
// never begins a sentence typed or made before, so old plain summaries
// decode as themselves.
const summaryMarker = "\x1fmsg"

type storedSummary struct {
	Key  string `json:"k"`
	Args []any  `json:"a,omitempty"`
}

type storedPhrase struct {
	P  string   `json:"p,omitempty"`
	PS []string `json:"ps,omitempty"`
}

// Summary makes a timeline summary from a printf-style English format and
// its arguments, kept apart so that pages word it in the reader's language
// (Phrase arguments translated too); the API shows the English sentence.
func Summary(format string, args ...any) string {
	s := storedSummary{Key: format}
	for _, a := range args {
		switch a := a.(type) {
		case Phrase:
			s.Args = append(s.Args, storedPhrase{P: string(a)})
		case []Phrase:
			ps := make([]string, len(a))
			for i, p := range a {
				ps[i] = string(p)
			}
			s.Args = append(s.Args, storedPhrase{PS: ps})
		case int:
			s.Args = append(s.Args, a)
		default:
			s.Args = append(s.Args, fmt.Sprint(a))
		}
	}
	b, _ := json.Marshal(s)
	return summaryMarker + string(b)
}

// DecodeSummary returns a stored summary's key, arguments (Phrase, []Phrase,
// int or string) and English sentence. A plain summary has key "".
func DecodeSummary(stored string) (key string, args []any, english string) {
	rest, ok := strings.CutPrefix(stored, summaryMarker)
	if !ok {
		return "", nil, stored
	}
	var raw struct {
		Key  string            `json:"k"`
		Args []json.RawMessage `json:"a"`
	}
	if json.Unmarshal([]byte(rest), &raw) != nil {
		return "", nil, stored
	}
	for _, r := range raw.Args {
		var p storedPhrase
		var n int
		var s string
		switch {
		case json.Unmarshal(r, &n) == nil:
			args = append(args, n)
		case json.Unmarshal(r, &s) == nil:
			args = append(args, s)
		case json.Unmarshal(r, &p) == nil && p.PS != nil:
			ps := make([]Phrase, len(p.PS))
			for i, x := range p.PS {
				ps[i] = Phrase(x)
			}
			args = append(args, ps)
		case json.Unmarshal(r, &p) == nil:
			args = append(args, Phrase(p.P))
		}
	}
	return raw.Key, args, EnglishOf(raw.Key, args)
}

// EnglishOf formats a message key with its arguments, phrases in English.
func EnglishOf(format string, args []any) string { return english(format, args) }

// DecodeSummary fills the event's key and arguments from its stored
// summary and leaves Summary the English sentence.
func (e *Event) DecodeSummary() {
	e.SummaryKey, e.SummaryArgs, e.Summary = DecodeSummary(e.Summary)
}
