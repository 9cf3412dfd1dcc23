// Package framework loads the assessment frameworks of NRM country
// assessments: the built-in "odihr-nrm" (embedded from frameworks/*.json)
// and any JSON file of the same shape an operator puts in DATA/frameworks.
// A file that is not well-formed JSON, or that breaks a rule (a benchmark
// without a source, a score scale other than 0 to 3, an id used twice),
// stops nrm at start, naming the file, the line and the field.
package framework

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/datadir"
)

//go:embed frameworks/*.json
var builtinFS embed.FS

// DefaultID is the built-in framework.
const DefaultID = "odihr-nrm"

// ValidationError is a bad framework file: the file, the line (0 when
// unknown) and the JSON field at fault. Error() gives "file:line: field: problem".
type ValidationError struct {
	File    string
	Line    int
	Field   string
	Problem string
	at      string // the id of the area or benchmark at fault, to find its line
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Problem)
	return b.String()
}

// Builtin returns the built-in frameworks. They are checked by the tests,
// so a failure here is a programming error.
func Builtin() []nrm.Framework {
	names, _ := fs.Glob(builtinFS, "frameworks/*.json")
	var out []nrm.Framework
	for _, n := range names {
		data, err := builtinFS.ReadFile(n)
		if err != nil {
			panic(err)
		}
		f, err := Decode(data, n)
		if err != nil {
			panic(err)
		}
		out = append(out, f)
	}
	return out
}

// LoadDir reads every *.json file of dir (none when dir does not exist).
// An id already used, by a built-in framework or another file, is refused.
func LoadDir(dir string) ([]nrm.Framework, error) {
	files, err := datadir.JSONFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("frameworks: %w", err)
	}
	seen := map[string]string{}
	for _, f := range Builtin() {
		seen[f.ID] = "a built-in framework"
	}
	var out []nrm.Framework
	for _, df := range files {
		file, data := df.Path, df.Data
		f, err := Decode(data, file)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[f.ID]; ok {
			return nil, &ValidationError{File: file, Line: lineOfValue(data, f.ID), Field: "id",
				Problem: fmt.Sprintf("%q is already %s: choose another id", f.ID, prev)}
		}
		seen[f.ID] = "used by " + file
		out = append(out, f)
	}
	return out, nil
}

// Decode reads and checks one framework file.
func Decode(data []byte, file string) (nrm.Framework, error) {
	var f nrm.Framework
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, decodeError(data, file, dec.InputOffset(), err)
	}
	if dec.More() {
		return f, &ValidationError{File: file, Line: lineAt(data, dec.InputOffset()), Problem: "one JSON object is expected; found more after it"}
	}
	for i := range f.Areas {
		for j := range f.Areas[i].Benchmarks {
			if f.Areas[i].Benchmarks[j].Questions == nil {
				f.Areas[i].Benchmarks[j].Questions = []string{}
			}
		}
	}
	if err := Validate(f); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ve.File = file
			if ve.Line == 0 {
				ve.Line = ve.lineIn(data)
			}
		}
		return f, err
	}
	return f, nil
}

// decodeError turns a JSON error into one naming the line.
func decodeError(data []byte, file string, at int64, err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &ValidationError{File: file, Line: lineAt(data, syntax.Offset), Problem: "malformed JSON: " + syntax.Error()}
	case errors.As(err, &typeErr):
		return &ValidationError{File: file, Line: lineAt(data, typeErr.Offset), Field: typeErr.Field,
			Problem: fmt.Sprintf("must be %s, not %s", typeErr.Type, typeErr.Value)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		line := lineAt(data, at)
		// The decoder has read the whole value by then: the field's own line is its first use as a key.
		if loc := regexp.MustCompile(regexp.QuoteMeta(fmt.Sprintf("%q", name)) + `\s*:`).FindIndex(data); loc != nil {
			line = lineAt(data, int64(loc[0]))
		}
		return &ValidationError{File: file, Line: line, Field: name, Problem: "unknown field"}
	}
	return &ValidationError{File: file, Line: lineAt(data, at), Problem: "malformed JSON: " + err.Error()}
}

// lineAt is the line (from 1) of a byte offset.
func lineAt(data []byte, offset int64) int {
	if offset < 0 {
		offset = 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// lineOfValue is the line of the first "id": value in the file, or 0.
func lineOfValue(data []byte, id string) int {
	re := regexp.MustCompile(`"id"\s*:\s*` + regexp.QuoteMeta(fmt.Sprintf("%q", id)))
	if loc := re.FindIndex(data); loc != nil {
		return lineAt(data, int64(loc[0]))
	}
	return 0
}

// lineIn finds the line of the object a validation error is about: the
// benchmark or area whose id it names.
func (e *ValidationError) lineIn(data []byte) int {
	if e.at == "" {
		return 0
	}
	return lineOfValue(data, e.at)
}

var idRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks a framework: ids of lower-case words joined by '-',
// unique benchmark ids, a title and a source for everything, and the scale
// 0 to 3 with a label for each score.
func Validate(f nrm.Framework) error {
	bad := func(field, at, format string, args ...any) error {
		return &ValidationError{Field: field, Problem: fmt.Sprintf(format, args...), at: at}
	}
	if !idRE.MatchString(f.ID) {
		return bad("id", "", "%q: lower-case letters and digits, words joined by '-'", f.ID)
	}
	if strings.TrimSpace(f.Title) == "" {
		return bad("title", f.ID, "required")
	}
	if len(f.Scale) != nrm.MaxScore-nrm.MinScore+1 {
		return bad("scale", f.ID, "one level for each score from %d to %d", nrm.MinScore, nrm.MaxScore)
	}
	for i, l := range f.Scale {
		if l.Score != nrm.MinScore+i {
			return bad(fmt.Sprintf("scale[%d].score", i), "", "%d expected, in order", nrm.MinScore+i)
		}
		if strings.TrimSpace(l.Label) == "" {
			return bad(fmt.Sprintf("scale[%d].label", i), "", "required")
		}
	}
	if len(f.Areas) == 0 {
		return bad("areas", f.ID, "at least one area")
	}
	areas, benchmarks := map[string]bool{}, map[string]bool{}
	for i, a := range f.Areas {
		at := fmt.Sprintf("areas[%d]", i)
		if !idRE.MatchString(a.ID) {
			return bad(at+".id", "", "%q: lower-case letters and digits, words joined by '-'", a.ID)
		}
		if areas[a.ID] {
			return bad(at+".id", a.ID, "%q is used twice", a.ID)
		}
		areas[a.ID] = true
		if strings.TrimSpace(a.Title) == "" {
			return bad(at+".title", a.ID, "required")
		}
		if len(a.Benchmarks) == 0 {
			return bad(at+".benchmarks", a.ID, "at least one benchmark")
		}
		for j, b := range a.Benchmarks {
			bt := fmt.Sprintf("%s.benchmarks[%d]", at, j)
			if !idRE.MatchString(b.ID) {
				return bad(bt+".id", "", "%q: lower-case letters and digits, words joined by '-'", b.ID)
			}
			if benchmarks[b.ID] {
				return bad(bt+".id", b.ID, "%q is used twice: benchmark ids are unique in a framework", b.ID)
			}
			benchmarks[b.ID] = true
			if strings.TrimSpace(b.Text) == "" {
				return bad(bt+".text", b.ID, "required")
			}
			if strings.TrimSpace(b.Source) == "" || strings.ContainsAny(b.Source, "\r\n") {
				return bad(bt+".source", b.ID, "required, on one line: the article, chapter or standard the benchmark comes from")
			}
			for k, q := range b.Questions {
				if strings.TrimSpace(q) == "" {
					return bad(fmt.Sprintf("%s.questions[%d]", bt, k), b.ID, "empty")
				}
			}
		}
	}
	return nil
}
