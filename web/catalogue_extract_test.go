package web

// The English catalogue (locales/active.en.json) is the source of every
// other: it must hold exactly the messages the code uses. This test finds
// them by parsing the templates and the Go code (calls of T and TN, the
// error constructors, the code lists and the indicator texts), and fails
// when the file differs. Regenerate it with
//
//	go test ./web -run TestEnglishCatalogue -update
//
// An update keeps the plural forms already written for a message.

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/nrmproject/nrm/screening"
	"github.com/nrmproject/nrm/service"
)

var update = flag.Bool("update", false, "rewrite locales/active.en.json from the code")

// dynamicFields are struct fields and map names whose string values are
// messages shown through T elsewhere (errorView.Title, dimLabels, ...).
var dynamicFields = map[string]bool{"Title": true, "Next": true, "Message": true, "Explain": true, "LinkText": true,
	"Label": true, "Desc": true, "Gate": true, "Hint": true, "Help": true, "Text": true, "Name": false}

// reportText is a literal of the reports that people read: it begins with a
// capital letter.
var reportText = regexp.MustCompile(`"[A-Z][^"%]*"`)

// pairName follows the name of a placeholder in name, value pairs.
var pairName = regexp.MustCompile(`^, [a-z]+\.`)

// extractMessages returns every English message id and whether it is about a count.
func extractMessages(t *testing.T) map[string]bool {
	keys := map[string]bool{}
	add := func(s string, count bool) {
		words := printfVerb.ReplaceAllString(s, "")
		if strings.IndexFunc(words, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }) >= 0 {
			keys[s] = keys[s] || count
		}
	}
	// Templates: the literal texts given to t, tn and field.
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
			walkTemplate(tree.Root, func(c *parse.CommandNode) {
				id, ok := c.Args[0].(*parse.IdentifierNode)
				if !ok {
					// A page's own helpers ($d.In "claim" "amount" "Amount claimed"
					// "A decimal, e.g. 1200.50."): their texts are shown through t.
					for _, a := range c.Args[1:] {
						if s, ok := a.(*parse.StringNode); ok && (strings.Contains(s.Text, " ") || s.Text != "" && s.Text[0] >= 'A' && s.Text[0] <= 'Z') {
							add(s.Text, false)
						}
					}
					return
				}
				switch id.Ident {
				case "eq", "ne", "index", "printf", "print", "asset", "flagRef":
					return
				case "t", "tn":
					if len(c.Args) < 3 {
						return
					}
					if s, ok := c.Args[2].(*parse.StringNode); ok {
						add(s.Text, id.Ident == "tn")
					}
				case "field":
					if len(c.Args) > 4 {
						if s, ok := c.Args[4].(*parse.StringNode); ok {
							add(s.Text, false)
						}
					}
				}
			})
		}
	}
	// Go: the web package and the packages whose errors pages show.
	for _, dir := range []string{".", "..", "../service", "../sqlstore", "../screening"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			extractGo(t, f, dir == ".", add)
		}
	}
	for _, v := range labels {
		add(v, false)
	}
	for _, v := range roleLabels {
		add(v, false)
	}
	for _, p := range monthPatterns {
		add(p, false)
	}
	// The reports' section and table titles and introductions, which the
	// service words in English and the pages translate.
	for _, f := range []string{"../service/report.go", "../service/report_trials.go", "../service/progress.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range reportText.FindAllStringIndex(string(src), -1) {
			if pairName.MatchString(string(src[at[1]:])) {
				continue // the name of a placeholder's value: "Profile", p.Name
			}
			add(string(src[at[0]+1:at[1]-1]), false)
		}
	}
	for _, v := range service.MailSentences {
		add(v, false)
	}
	for _, set := range screening.Default().Sets() {
		for _, ind := range set.Indicators {
			add(ind.Text, false)
		}
	}
	return keys
}

func extractGo(t *testing.T, path string, web bool, add func(string, bool)) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	lit := func(e ast.Expr) (string, bool) {
		b, ok := e.(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			name := ""
			switch fn := n.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			case *ast.Ident:
				name = fn.Name
			}
			arg := func(i int) (string, bool) {
				if len(n.Args) > i {
					return lit(n.Args[i])
				}
				return "", false
			}
			switch name {
			case "T", "TN":
				if s, ok := arg(0); ok && web {
					add(s, name == "TN")
				}
			case "Invalid", "gateError":
				if s, ok := arg(1); ok {
					add(s, false)
				}
			case "Forbidden", "Conflict", "Unauthorized":
				if s, ok := arg(0); ok {
					add(s, false)
				}
			case "NotFound":
				if s, ok := arg(0); ok {
					add(s+" not found", false)
				}
			}
		case *ast.KeyValueExpr:
			// Error literals' messages, and the messages of the page views.
			if k, ok := n.Key.(*ast.Ident); ok && (k.Name == "Message" || web && dynamicFields[k.Name]) {
				if s, ok := lit(n.Value); ok {
					add(s, false)
				}
			}
			if web {
				if s, ok := lit(n.Value); ok && strings.Contains(s, " ") || ok && len(s) > 0 && s[0] >= 'A' && s[0] <= 'Z' {
					add(s, false) // the values of the code lists' maps (dimLabels, savedSection, ...)
				}
			}
		case *ast.BasicLit:
			// A sentence written in web's Go code is for people.
			if s, ok := lit(n); ok && web && len(s) > 12 && s[0] >= 'A' && s[0] <= 'Z' && strings.HasSuffix(s, ".") && strings.Contains(s, " ") {
				add(s, false)
			}
		case *ast.AssignStmt:
			// v.Title, v.Next = "…", "…"
			for i, l := range n.Lhs {
				if sel, ok := l.(*ast.SelectorExpr); ok && web && dynamicFields[sel.Sel.Name] && i < len(n.Rhs) {
					if s, ok := lit(n.Rhs[i]); ok {
						add(s, false)
					}
				}
			}
		case *ast.ValueSpec:
			// The steps of the state machine are phrases of its errors.
			if id, ok := n.Type.(*ast.Ident); ok && id.Name == "Step" {
				for _, v := range n.Values {
					if s, ok := lit(v); ok {
						add(s, false)
					}
				}
			}
		}
		return true
	})
}

func builtinFuncs() map[string]any {
	m := map[string]any{}
	for _, n := range []string{"and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge", "slice", "call", "html", "js", "urlquery"} {
		m[n] = true
	}
	return m
}

func walkTemplate(n parse.Node, fn func(*parse.CommandNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkTemplate(c, fn)
		}
	case *parse.ActionNode:
		walkTemplate(n.Pipe, fn)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkTemplate(c, fn)
		}
	case *parse.CommandNode:
		fn(n)
		for _, a := range n.Args {
			walkTemplate(a, fn)
		}
	case *parse.IfNode:
		walkTemplate(n.Pipe, fn)
		walkTemplate(n.List, fn)
		walkTemplate(n.ElseList, fn)
	case *parse.RangeNode:
		walkTemplate(n.Pipe, fn)
		walkTemplate(n.List, fn)
		walkTemplate(n.ElseList, fn)
	case *parse.WithNode:
		walkTemplate(n.Pipe, fn)
		walkTemplate(n.List, fn)
		walkTemplate(n.ElseList, fn)
	case *parse.TemplateNode:
		walkTemplate(n.Pipe, fn)
	}
}

func TestEnglishCatalogue(t *testing.T) {
	keys := extractMessages(t)
	path := "locales/active.en.json"
	old := readCatalogue(t, path)
	out := map[string]map[string]string{}
	for k, count := range keys {
		m := old[k]
		if m == nil {
			m = map[string]string{"other": k}
		}
		if m["other"] != k {
			t.Errorf("English message %q says %q: the English text is the id", k, m["other"])
		}
		if count && m["one"] == "" {
			t.Errorf("English message %q is about a count but has no \"one\" form", k)
		}
		out[k] = m
	}
	buf := marshalCatalogue(out)
	if *update {
		if err := os.WriteFile(path, buf, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	cur, _ := os.ReadFile(path)
	if !bytes.Equal(cur, buf) {
		var missing, extra []string
		for k := range keys {
			if old[k] == nil {
				missing = append(missing, k)
			}
		}
		for k := range old {
			if _, ok := keys[k]; !ok {
				extra = append(extra, k)
			}
		}
		slices.Sort(missing)
		slices.Sort(extra)
		t.Errorf("%s is out of date (run go test ./web -run TestEnglishCatalogue -update): %d missing %q, %d unused %q",
			path, len(missing), head(missing), len(extra), head(extra))
	}
}

func head(s []string) []string { return s[:min(len(s), 5)] }

// readCatalogue reads a catalogue in the form this repository writes: every
// message an object of its plural forms ({"other": "…"}), so that no
// English text is mistaken for a reserved word of the format.
func readCatalogue(t *testing.T, path string) map[string]map[string]string {
	buf, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]map[string]string
	if err := json.Unmarshal(buf, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func marshalCatalogue(m map[string]map[string]string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(m) // maps are written sorted by key
	return b.Bytes()
}
