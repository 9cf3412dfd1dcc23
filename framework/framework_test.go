package framework

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The built-in framework covers the areas of an ODIHR assessment (seed
// report, section 2.1), and every benchmark cites an article of CETS 197,
// a chapter of the OSCE Action Plan or the ODIHR NRM handbook.
func TestBuiltinODIHRFramework(t *testing.T) {
	fs := Builtin()
	if len(fs) != 1 || fs[0].ID != DefaultID {
		t.Fatalf("built-in frameworks %v", fs)
	}
	f := fs[0]
	var areas []string
	for _, a := range f.Areas {
		areas = append(areas, a.ID)
	}
	want := "identification protection-assistance access-to-justice safe-return coordination data-protection media legal-framework"
	if got := strings.Join(areas, " "); got != want {
		t.Errorf("areas %q, want %q", got, want)
	}
	source := regexp.MustCompile(`^(CETS 197 Art\. \d+(\(\d+\))?( and \d+(\(\d+\))?)?|OSCE Action Plan 2003, ch\. (III|IV|V|VI) \(.+\)|ODIHR NRM Handbook \(2004\): .+)$`)
	cites := map[string]bool{}
	for _, a := range f.Areas {
		for _, b := range a.Benchmarks {
			if !source.MatchString(b.Source) {
				t.Errorf("%s: source %q cites none of the three instruments", b.ID, b.Source)
			}
			cites[strings.SplitN(b.Source, "(", 2)[0]] = true
			if len(b.Questions) == 0 {
				t.Errorf("%s: no guiding question", b.ID)
			}
		}
	}
	// The articles the issue names: identification, private life,
	// assistance, recovery period, residence, compensation, return,
	// non-punishment, protection of victims and witnesses.
	for _, art := range []string{"10", "11", "12", "13", "14", "15", "16", "26", "28"} {
		if !cites["CETS 197 Art. "+art] {
			t.Errorf("no benchmark cites CETS 197 Art. %s", art)
		}
	}
	if f.ScaleLabel(0) == "" || f.ScaleLabel(3) == "" || f.ScaleLabel(4) != "" {
		t.Errorf("scale %v", f.Scale)
	}
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const good = `{
  "id": "greta-round-4",
  "title": "Round four",
  "scale": [{"score": 0, "label": "No"}, {"score": 1, "label": "Little"}, {"score": 2, "label": "Much"}, {"score": 3, "label": "Yes"}],
  "areas": [
    {"id": "remedies", "title": "Remedies", "benchmarks": [
      {"id": "r-1", "text": "Compensation is paid.", "source": "CETS 197 Art. 15(4)"}
    ]}
  ]
}
`

func TestLoadDir(t *testing.T) {
	t.Run("a missing folder is no framework", func(t *testing.T) {
		fs, err := LoadDir(filepath.Join(t.TempDir(), "none"))
		if err != nil || len(fs) != 0 {
			t.Fatalf("%v %v", fs, err)
		}
	})
	t.Run("a good file loads", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "greta.json", good)
		fs, err := LoadDir(dir)
		if err != nil || len(fs) != 1 || fs[0].ID != "greta-round-4" || fs[0].Areas[0].Benchmarks[0].Questions == nil {
			t.Fatalf("%+v %v", fs, err)
		}
	})
	for _, tc := range []struct {
		name, body string
		line       int
		field      string
	}{
		{"malformed JSON names the line", strings.Replace(good, `"title": "Remedies",`, `"title": "Remedies"`, 1), 6, ""},
		{"an unknown field names the line", strings.Replace(good, `"source": "CETS 197 Art. 15(4)"`, `"source": "CETS 197 Art. 15(4)", "weight": 2`, 1), 7, "weight"},
		{"a wrong type names the line", strings.Replace(good, `{"score": 2,`, `{"score": "2",`, 1), 4, "scale.score"},
		{"a benchmark without a source", strings.Replace(good, `"source": "CETS 197 Art. 15(4)"`, `"source": ""`, 1), 7, "areas[0].benchmarks[0].source"},
		{"a scale beyond 3", strings.Replace(good, `{"score": 3, "label": "Yes"}`, `{"score": 3, "label": "Yes"}, {"score": 4, "label": "More"}`, 1), 2, "scale"},
		{"the built-in id", strings.Replace(good, `"greta-round-4"`, `"odihr-nrm"`, 1), 2, "id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := writeFile(t, dir, "bad.json", tc.body)
			_, err := LoadDir(dir)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err %v", err)
			}
			if ve.File != file || ve.Line != tc.line || ve.Field != tc.field {
				t.Fatalf("%q: file %s line %d field %q; want line %d field %q", err, ve.File, ve.Line, ve.Field, tc.line, tc.field)
			}
			if !strings.HasPrefix(err.Error(), file) {
				t.Errorf("%q does not start with the file", err)
			}
		})
	}
}
