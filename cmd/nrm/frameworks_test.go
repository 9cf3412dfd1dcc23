package main

// Assessment frameworks in DATA/frameworks (CONTRACT.md, "NRM country
// assessments"): a malformed file is refused at start with exit status 2,
// naming the file and the line; a good one is loaded beside odihr-nrm.

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nrmproject/nrm/sqlstore"
)

const frameworkFile = `{
  "id": "test-round",
  "title": "A test round",
  "scale": [{"score": 0, "label": "No"}, {"score": 1, "label": "Little"}, {"score": 2, "label": "Much"}, {"score": 3, "label": "Yes"}],
  "areas": [
    {"id": "remedies", "title": "Remedies", "benchmarks": [
      {"id": "r-1", "text": "Compensation is paid.", "source": "CETS 197 Art. 15(4)"}
    ]}
  ]
}
`

func writeFrameworkFile(t *testing.T, in instance, name, body string) string {
	t.Helper()
	dir := filepath.Join(in.data, "frameworks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestBadFrameworkIsRefusedAtStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, want string
	}{
		{"malformed_json", strings.Replace(frameworkFile, `"title": "Remedies",`, `"title": "Remedies"`, 1), ":6: malformed JSON"},
		{"benchmark_without_source", strings.Replace(frameworkFile, `"source": "CETS 197 Art. 15(4)"`, `"source": ""`, 1),
			":7: areas[0].benchmarks[0].source: required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, cmd := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"migrate"}} {
				in := newInstance(t, sqlstore.SQLite)
				file := writeFrameworkFile(t, in, "bad.json", tc.body)
				r := nrmRun(t, "", in.args(cmd...)...)
				wantUsageError(t, r, file+tc.want)
				if want := "nrm: assessment framework " + file + ":"; !strings.HasPrefix(r.stderr, want) {
					t.Errorf("stderr %q, want it to start %q", r.stderr, want)
				}
				if _, err := os.Stat(filepath.Join(in.data, "nrm.db")); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("the database was made although the framework was refused (%v)", err)
				}
			}
		})
	}
	t.Run("a_good_file_is_loaded_beside_the_built_in_one", func(t *testing.T) {
		in := newInstance(t, sqlstore.SQLite)
		writeFrameworkFile(t, in, "round.json", frameworkFile)
		cfg, err := domainConfig(common{data: in.data})
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.Frameworks) != 2 || cfg.Frameworks[0].ID != "odihr-nrm" || cfg.Frameworks[1].ID != "test-round" {
			t.Fatalf("frameworks %+v", cfg.Frameworks)
		}
	})
}
