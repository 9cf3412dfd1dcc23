package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/exchange"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestExchangeCommands(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		de, md := newInstance(t, e), newInstance(t, sqlstore.SQLite)
		identity := func(in instance, names ...string) (nrm.InstanceIdentity, result) {
			r := nrmRun(t, "", in.args(append([]string{"exchange", "identity"}, names...)...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var id nrm.InstanceIdentity
			if err := json.Unmarshal([]byte(r.stdout), &id); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, r.stdout)
			}
			return id, r
		}
		t.Run("identity_is_made_once_and_kept_0600", func(t *testing.T) {
			first, r := identity(de)
			if !strings.Contains(r.stderr, "partners cannot register this identity yet") || !strings.Contains(r.stderr, exchange.Grouped(first.Fingerprint)) {
				t.Errorf("an unnamed instance should say what it lacks and show its fingerprint: %s", r.stderr)
			}
			again, _ := identity(de, "--instance-name", "nrm Germany", "--country", "de", "--public-url", "https://nrm.de.example")
			if again.Fingerprint != first.Fingerprint || again.Country != "DE" {
				t.Errorf("second start: %+v, first %+v", again, first)
			}
			for _, f := range []string{"instance-signing.key", "instance-encryption.key"} {
				st, err := os.Stat(filepath.Join(de.data, "keys", f))
				if err != nil || st.Mode().Perm() != 0o600 {
					t.Errorf("%s: %v %v", f, err, st)
				}
			}
		})
		t.Run("partner_add_and_remove", func(t *testing.T) {
			t.Setenv("NRM_INSTANCE_NAME", "nrm Moldova")
			t.Setenv("NRM_COUNTRY", "MD")
			t.Setenv("NRM_PUBLIC_URL", "http://127.0.0.1:9")
			mdID, r := identity(md)
			if strings.Contains(r.stderr, "cannot register") {
				t.Errorf("a named instance: %s", r.stderr)
			}
			file := filepath.Join(t.TempDir(), "md.json")
			if err := os.WriteFile(file, []byte(r.stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			out := MustRun(t, "", de.args("partner", "add", "--identity", file)...)
			if len(out) != 1 || !nrm.ValidID(out[0]) {
				t.Fatalf("partner add printed %q", out)
			}
			if r := nrmRun(t, "", de.args("partner", "add", "--identity", file)...); r.code != 1 || !strings.Contains(r.stderr, "already a partner") {
				t.Errorf("twice: exit %d, %s", r.code, r.stderr)
			}
			altered := mdID
			altered.EncryptionKey = mustIdentity(t).EncryptionKey
			b, _ := json.Marshal(altered)
			bad := filepath.Join(t.TempDir(), "bad.json")
			os.WriteFile(bad, b, 0o600)
			if r := nrmRun(t, "", de.args("partner", "add", "--identity", bad)...); r.code != 2 || !strings.Contains(r.stderr, "--fingerprint") {
				t.Errorf("an altered identity: exit %d, %s", r.code, r.stderr)
			}
			if r := nrmRun(t, "", de.args("partner", "add", "--identity", filepath.Join(t.TempDir(), "none.json"))...); r.code != 2 {
				t.Errorf("a missing file: exit %d, %s", r.code, r.stderr)
			}
			MustRun(t, "", de.args("partner", "remove", "--id", out[0])...)
			if r := nrmRun(t, "", de.args("partner", "remove", "--id", out[0])...); r.code != 1 || !strings.Contains(r.stderr, "not found") {
				t.Errorf("removed twice: exit %d, %s", r.code, r.stderr)
			}
		})
	})
}

func mustIdentity(t *testing.T) nrm.InstanceIdentity {
	t.Helper()
	k, err := exchange.LoadOrCreateKeys(filepath.Join(t.TempDir(), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	return k.Identity("x", "UA", "https://x.example")
}
