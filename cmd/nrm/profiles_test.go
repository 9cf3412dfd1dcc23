package main

// Jurisdiction profiles in DATA/profiles (CONTRACT.md, "Rules every path
// enforces"): a file that breaks a rule is refused at start, naming the file
// and the field, with exit status 2; a good one, holidays and all, is used.

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/sqlstore"
)

// profileJSON is a valid two-step profile, as a file holds it, with changes.
func profileJSON(t *testing.T, change func(map[string]any)) []byte {
	t.Helper()
	m := map[string]any{
		"id":                          "test-holidays",
		"name":                        "Test jurisdiction with bank holidays",
		"steps":                       []string{"reasonable-grounds", "conclusive-grounds"},
		"reasonable_grounds_target":   5,
		"reasonable_grounds_counting": "business",
		"recovery_days":               30,
		"conclusive_earliest":         30,
		"conclusive_target":           0,
		"holidays":                    []string{"2026-12-28", "2026-12-25", "2027-01-01"},
		"source":                      "A test act, s.1",
	}
	if change != nil {
		change(m)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeProfileFile puts a profile file into the instance's DATA/profiles.
func writeProfileFile(t *testing.T, in instance, name string, data []byte) string {
	t.Helper()
	dir := filepath.Join(in.data, "profiles")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestBadProfileIsRefusedAtStart(t *testing.T) {
	t.Parallel()
	id := nrm.NewID()
	// Every command goes through domainConfig before it opens anything.
	commands := [][]string{
		{"serve", "--addr", "127.0.0.1:0"},
		{"migrate"},
		{"org", "add", "--name", "X", "--kind", "ngo"},
		{"user", "add", "--email", "a@example.org", "--name", "A", "--org", id, "--role", "admin"},
		{"token", "create", "--email", "a@example.org"},
		{"demo-code", "--email", "caseworker@demo.invalid"},
		{"audit", "verify"},
		{"keys", "rotate"},
		{"keys", "retire"},
		{"erase", "--case", id, "--reason", "request of the person"},
	}
	profiles := []struct {
		name   string
		change func(map[string]any)
		field  string
		words  string
	}{
		{"recovery_days_20", func(m map[string]any) { m["recovery_days"], m["conclusive_earliest"] = 20, 0 },
			"recovery_days", "recovery_days: must be at least 30 days (CETS 197 Art. 13), got 20"},
		{"one_step_recovery_days_20", func(m map[string]any) {
			m["steps"], m["reasonable_grounds_target"], m["reasonable_grounds_counting"] = []string{"conclusive-grounds"}, 0, ""
			m["recovery_days"], m["conclusive_earliest"] = 20, 0
		}, "recovery_days", "got 20"},
		{"conclusive_earliest_before_the_recovery_end", func(m map[string]any) { m["conclusive_earliest"] = 10 },
			"conclusive_earliest", "before the recovery period ends"},
		{"bad_holiday", func(m map[string]any) { m["holidays"] = []string{"2026-12-25", "2026-02-30"} },
			"holidays[1]", `"2026-02-30"`},
		{"duplicate_holiday", func(m map[string]any) { m["holidays"] = []string{"2026-12-25", "2026-12-25"} },
			"holidays[1]", "twice"},
	}
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			for _, cmd := range commands {
				t.Run(strings.Join(cmd[:min(2, len(cmd))], "_"), func(t *testing.T) {
					in := newInstance(t, sqlstore.SQLite)
					// A good profile beside it changes nothing.
					writeProfileFile(t, in, "a-good.json", profileJSON(t, func(m map[string]any) { m["id"] = "test-good" }))
					file := writeProfileFile(t, in, "bad.json", profileJSON(t, p.change))
					r := nrmRun(t, "", in.args(cmd...)...)
					wantUsageError(t, r, p.words)
					if want := "nrm: jurisdiction profile " + file + ": " + p.field + ": "; !strings.HasPrefix(r.stderr, want) {
						t.Errorf("stderr %q, want it to start %q", r.stderr, want)
					}
					// Refused at start: no keys, no database.
					for _, made := range []string{"keys", "nrm.db"} {
						if _, err := os.Stat(filepath.Join(in.data, made)); !errors.Is(err, fs.ErrNotExist) {
							t.Errorf("%s was made although the profile was refused (%v)", made, err)
						}
					}
				})
			}
		})
	}
	t.Run("unparsable_file_names_its_line", func(t *testing.T) {
		in := newInstance(t, sqlstore.SQLite)
		file := writeProfileFile(t, in, "bad.json", []byte("{\n  \"id\": \"x\",\n  \"recovery_days\": \n}\n"))
		r := nrmRun(t, "", in.args("migrate")...)
		wantUsageError(t, r, file+":4: ")
	})
	t.Run("an_unreadable_directory_is_not_a_usage_error", func(t *testing.T) {
		in := newInstance(t, sqlstore.SQLite)
		if err := os.MkdirAll(in.data, 0o700); err != nil {
			t.Fatal(err)
		}
		// DATA/profiles is a file: nrm cannot list it; exit 1, not 2.
		if err := os.WriteFile(filepath.Join(in.data, "profiles"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if r := nrmRun(t, "", in.args("migrate")...); r.code != 1 || !strings.Contains(r.stderr, "jurisdiction profiles") {
			t.Errorf("exit %d, stderr %q; want 1 and the profiles named", r.code, r.stderr)
		}
	})
}

func TestProfileWithHolidaysIsAccepted(t *testing.T) {
	t.Parallel()
	in := newInstance(t, sqlstore.SQLite)
	writeProfileFile(t, in, "test-holidays.json", profileJSON(t, nil))
	t.Run("domainConfig_chooses_it_with_the_holidays_sorted", func(t *testing.T) {
		cfg, err := domainConfig(common{data: in.data, jurisdiction: "test-holidays"})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Profile.ID != "test-holidays" || !slices.Equal(cfg.Profile.Holidays, []string{"2026-12-25", "2026-12-28", "2027-01-01"}) {
			t.Errorf("profile %+v", cfg.Profile)
		}
		if len(cfg.Profiles) != 1 || cfg.Profiles[0].ID != "test-holidays" {
			t.Errorf("extra profiles %+v", cfg.Profiles)
		}
	})
	t.Run("commands_run_beside_it", func(t *testing.T) {
		MustRun(t, "", in.args("migrate")...)
		MustOrg(t, in, "ngo")
	})
	t.Run("serve_uses_it", func(t *testing.T) {
		c := MustServe(t, in, "--jurisdiction", "test-holidays")
		c.MustStop(t)
		if logs := c.stderr.String(); !strings.Contains(logs, `"jurisdiction":"test-holidays"`) {
			t.Errorf("serve did not log the chosen profile:\n%s", logs)
		}
	})
}
