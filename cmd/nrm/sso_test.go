package main

import (
	"os"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/sqlstore"
)

func TestSSOCommandsAndFlags(t *testing.T) {
	t.Run("serve_refuses_an_issuer_without_its_client", func(t *testing.T) {
		in := newInstance(t, sqlstore.SQLite)
		r := nrmRun(t, "", in.args("serve", "--addr", "127.0.0.1:0", "--oidc-issuer", "https://id.example")...)
		if r.code != 2 || !strings.Contains(r.stderr, "--oidc-client-id") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if _, err := os.Stat(in.data); !os.IsNotExist(err) {
			t.Fatalf("the data directory was created: %v", err)
		}
	})
	t.Run("sso_map_routes_a_group_to_an_organisation", func(t *testing.T) {
		in := newInstance(t, sqlstore.SQLite)
		org := MustOrg(t, in, "ngo")
		lines := MustRun(t, "", in.args("sso", "map", "--org", org, "--issuer", "https://id.example", "--claim", "groups",
			"--value", "ngo-staff", "--role", "case-worker")...)
		if len(lines) != 1 || !nrm.ValidID(lines[0]) {
			t.Fatalf("stdout %q", lines)
		}
		r := nrmRun(t, "", in.args("sso", "map", "--org", org, "--issuer", "https://id.example", "--value", "x", "--role", "admin")...)
		if r.code != 2 || !strings.Contains(r.stderr, "--role") {
			t.Errorf("an admin role from a group: exit %d: %s", r.code, r.stderr)
		}
		r = nrmRun(t, "", in.args("sso", "map", "--org", org, "--issuer", "https://id.example", "--value", "x", "--role", "wizard")...)
		if r.code != 2 || !strings.Contains(r.stderr, "--role") {
			t.Errorf("an unknown role: exit %d: %s", r.code, r.stderr)
		}
	})
}
