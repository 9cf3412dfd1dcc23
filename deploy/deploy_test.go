// Package deploy holds the example deployment (systemd units, reverse-proxy
// configurations); its test holds the units to what the README promises.
package deploy

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// directives reads a unit file: section.key → values, in order.
func directives(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s: not a directive: %q", path, line)
			}
			out[section+"."+k] = append(out[section+"."+k], v)
		}
	}
	return out
}

// TestServiceUnitIsConfined: a dedicated user, the file system read-only but
// for the data directory, no privileges, a clean stop on SIGTERM.
func TestServiceUnitIsConfined(t *testing.T) {
	d := directives(t, "nrm.service")
	want := map[string]string{
		"Service.User":                    "nrm",
		"Service.Group":                   "nrm",
		"Service.ProtectSystem":           "strict",
		"Service.ReadWritePaths":          "/var/lib/nrm",
		"Service.StateDirectory":          "nrm",
		"Service.StateDirectoryMode":      "0700",
		"Service.NoNewPrivileges":         "yes",
		"Service.PrivateTmp":              "yes",
		"Service.PrivateDevices":          "yes",
		"Service.ProtectHome":             "yes",
		"Service.CapabilityBoundingSet":   "",
		"Service.RestrictSUIDSGID":        "yes",
		"Service.MemoryDenyWriteExecute":  "yes",
		"Service.UMask":                   "0077",
		"Service.KillSignal":              "SIGTERM",
		"Service.LimitCORE":               "0",
		"Service.SystemCallArchitectures": "native",
	}
	for k, v := range want {
		got, ok := d[k]
		if !ok || len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if env := strings.Join(d["Service.Environment"], " "); !strings.Contains(env, "NRM_DATA=/var/lib/nrm") {
		t.Errorf("the data directory is not /var/lib/nrm, the only writable path: %s", env)
	}
	if exec := d["Service.ExecStart"]; len(exec) != 1 || !strings.HasSuffix(exec[0], "nrm serve") {
		t.Errorf("ExecStart = %q", exec)
	}
	for _, k := range []string{"Service.ReadWritePaths", "Service.BindPaths", "Service.DynamicUser", "Service.AmbientCapabilities"} {
		for _, v := range d[k] {
			if k == "Service.ReadWritePaths" && v == "/var/lib/nrm" || k == "Service.AmbientCapabilities" && v == "" {
				continue
			}
			t.Errorf("%s=%s: the data directory must be the only writable path, with no capabilities", k, v)
		}
	}
}

// TestUnitsVerify runs systemd-analyze verify over every unit, with
// ExecStart pointed at a binary that exists here; a warning fails as an
// error would.
func TestUnitsVerify(t *testing.T) {
	tool, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed; TestServiceUnitIsConfined parses the unit instead")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	units := []string{"nrm.service", "nrm-backup.service", "nrm-backup.timer"}
	var paths []string
	for _, u := range units {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, u)
		os.WriteFile(p, []byte(strings.ReplaceAll(string(b), "/usr/local/bin/nrm", self)), 0o644)
		paths = append(paths, p)
	}
	out, err := exec.Command(tool, append([]string{"verify"}, paths...)...).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}
