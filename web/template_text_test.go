package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"text/template/parse"
)

var (
	htmlTag       = regexp.MustCompile(`<[^>]*>`)
	shownAttr     = regexp.MustCompile(`(?i)\b(?:title|placeholder|aria-label|alt)="([^"{]*)"`)
	htmlEntity    = regexp.MustCompile(`&[a-z#0-9]+;`)
	scriptOrStyle = regexp.MustCompile(`(?s)<(script|style)\b.*?</(script|style)>`)
	allowedWords  = map[string]bool{"nrm": true, "PDF": true, "CSV": true, "XLSX": true, "JSON": true}
)

// TestTemplatesHaveNoTextOutsideT: every word a template shows goes through
// t, so no page shows English in another language: the text between the
// tags and the attributes people read (title, placeholder, aria-label, alt).
func TestTemplatesHaveNoTextOutsideT(t *testing.T) {
	funcs := map[string]any{}
	for _, n := range []string{"asset", "when", "day", "machineTime", "flagRef", "t", "tn", "label", "roleLabel", "field", "status", "errText", "num", "date", "withL"} {
		funcs[n] = true
	}
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, n := range names {
		src, _ := fs.ReadFile(templateFS, n)
		trees, err := parse.Parse(n, string(src), "", "", funcs, builtinFuncs())
		if err != nil {
			t.Fatal(err)
		}
		for _, tree := range trees {
			// The page's text with every action as a mark, so that a tag
			// split by actions ("<label for="{{.ID}}">") is still one tag.
			var b strings.Builder
			walkText(tree.Root, func(text string) { b.WriteString(text) }, func() { b.WriteString("\x00") })
			text := scriptOrStyle.ReplaceAllString(b.String(), " ")
			for _, m := range shownAttr.FindAllStringSubmatch(text, -1) {
				if words := englishWords(m[1]); words != "" {
					t.Errorf("%s: attribute text outside t: %q", n, m[0])
				}
			}
			for _, line := range strings.Split(htmlEntity.ReplaceAllString(htmlTag.ReplaceAllString(text, "\n"), " "), "\n") {
				if words := englishWords(line); words != "" {
					t.Errorf("%s: text outside t: %q", n, strings.TrimSpace(strings.ReplaceAll(line, "\x00", "…")))
				}
			}
		}
	}
}

// englishWords returns the words of s, less those that are the same in every language.
func englishWords(s string) string {
	var out []string
	for _, token := range strings.Fields(s) {
		if strings.ContainsAny(token, "0123456789") {
			continue // an example of a reference or a code (NRM-2026-AB12CD)
		}
		for _, w := range strings.FieldsFunc(token, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }) {
			if len(w) > 1 && !allowedWords[w] {
				out = append(out, w)
			}
		}
	}
	return strings.Join(out, " ")
}

func walkText(n parse.Node, text func(string), action func()) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walkText(c, text, action)
			}
		}
	case *parse.TextNode:
		text(string(n.Text))
	case *parse.IfNode:
		action()
		walkText(n.List, text, action)
		walkText(n.ElseList, text, action)
	case *parse.RangeNode:
		action()
		walkText(n.List, text, action)
		walkText(n.ElseList, text, action)
	case *parse.WithNode:
		action()
		walkText(n.List, text, action)
		walkText(n.ElseList, text, action)
	default:
		action()
	}
}
