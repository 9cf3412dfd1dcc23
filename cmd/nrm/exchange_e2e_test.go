package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// country is one nrm instance of the end-to-end exchange: its data, the
// tokens of the people who act on it, and its process once served.
type country struct {
	in                   instance
	code                 string
	ngo                  string // the NGO's organisation id
	admin, coord, worker string // API tokens
	srv                  *child
	partner              string // the other country's partner id here
}

func setUpCountry(t *testing.T, e sqlstore.Engine, code string) *country {
	t.Helper()
	c := &country{in: newInstance(t, e), code: code}
	org := func(kind string) string {
		return MustRun(t, "", c.in.args("org", "add", "--name", "Org "+code+" "+kind, "--kind", kind, "--country", code)...)[0]
	}
	token := func(org, role string) string {
		email := role + "." + strings.ToLower(code) + "@example.org"
		MustRun(t, "correct horse battery staple\n", c.in.args("user", "add", "--email", email, "--name", "Test "+role,
			"--org", org, "--role", role, "--password-stdin")...)
		return MustRun(t, "", c.in.args("token", "create", "--email", email)...)[0]
	}
	coordOrg := org("coordinator")
	c.ngo = org("ngo")
	c.admin, c.coord, c.worker = token(coordOrg, "admin"), token(coordOrg, "coordinator"), token(c.ngo, "case-worker")
	return c
}

func (c *country) serve(t *testing.T) {
	t.Helper()
	c.srv = MustServe(t, c.in, "--instance-name", "nrm "+c.code, "--country", c.code, "--public-url", "http://127.0.0.1:1")
}

// call sends an API request and decodes the answer.
func (c *country) call(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.srv.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(res.Body)
	json.Unmarshal(b, &m)
	return res.StatusCode, m
}

func (c *country) must(t *testing.T, status int, method, path, token string, body any) map[string]any {
	t.Helper()
	got, m := c.call(t, method, path, token, body)
	if got != status {
		t.Fatalf("%s %s: %d %v, want %d", method, path, got, m, status)
	}
	return m
}

// register makes other a partner of c, at the URL other serves at.
func (c *country) register(t *testing.T, other *country) {
	t.Helper()
	_, id := other.call(t, "GET", "/api/v1/exchange/identity", "", nil)
	id["url"] = other.srv.url
	c.partner = c.must(t, 201, "POST", "/api/v1/exchange/partners", c.admin, map[string]any{"identity": id})["id"].(string)
}

// referral is a consented referral of a new case from c to its partner.
func (c *country) referral(t *testing.T, given string) (caseID string, ref map[string]any) {
	t.Helper()
	caseID = c.must(t, 201, "POST", "/api/v1/cases", c.worker, map[string]any{
		"person":    map[string]any{"given_name": given, "family_name": "Ceban", "date_of_birth": "1996-04-04", "sex": "female", "citizenship": []string{"MD"}},
		"encounter": map[string]any{"date": "2026-11-20", "place": "Leeds", "country": "GB"}})["id"].(string)
	c.must(t, 201, "POST", "/api/v1/cases/"+caseID+"/needs", c.worker, map[string]any{"needs": []string{"medical"}, "notes": "needs her insulin"})
	k := c.must(t, 201, "POST", "/api/v1/cases/"+caseID+"/consents", c.worker, map[string]any{
		"purpose": "transnational-referral", "recipient_partner": c.partner, "scope": []string{"identity", "support"}})
	ref = c.must(t, 201, "POST", "/api/v1/cases/"+caseID+"/transnational-referrals", c.worker,
		map[string]any{"partner_id": c.partner, "consent_id": k["id"], "reason": "safe return to Chisinau"})
	return caseID, ref
}

// eventually polls until ok, for what the outbox worker delivers.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("%s: not within 30s", what)
}

// acceptLatest accepts the newest pending incoming referral on c.
func (c *country) acceptLatest(t *testing.T) string {
	t.Helper()
	for _, it := range c.must(t, 200, "GET", "/api/v1/exchange/incoming", c.coord, nil)["items"].([]any) {
		it := it.(map[string]any)
		if it["status"] == "pending" {
			return c.must(t, 200, "POST", "/api/v1/exchange/incoming/"+it["id"].(string)+"/accept", c.coord,
				map[string]any{"assign_to_org": c.ngo})["case_id"].(string)
		}
	}
	t.Fatal("no pending incoming referral")
	return ""
}

// The Done-when of transnational referral: two nrm serve processes on
// loopback, each with its own data directory, keys and database (one on
// SQLite, the other on PostgreSQL when NRM_TEST_POSTGRES is set).
func TestTransnationalEndToEnd(t *testing.T) {
	t.Setenv("NRM_OUTBOX_INTERVAL", "200ms")
	engines := storetest.Engines()
	gb, md := setUpCountry(t, sqlstore.SQLite, "GB"), setUpCountry(t, engines[len(engines)-1], "MD")
	gb.serve(t)
	md.serve(t)
	gb.register(t, md)
	md.register(t, gb)
	top := t

	t.Run("over_https_sent_accepted_acknowledged_followed_up", func(t *testing.T) {
		_, ref := gb.referral(t, "Aurelia")
		// Sent by the request itself, or, when the outbox worker claimed the
		// packet first, by the worker a moment later.
		if ref["status"] != "sent" && ref["status"] != "queued" {
			t.Fatalf("status %v", ref["status"])
		}
		eventually(t, "the referral delivered", func() bool {
			st := gb.must(t, 200, "GET", "/api/v1/transnational-referrals/"+ref["id"].(string), gb.worker, nil)["status"]
			return st == "sent" || st == "accepted"
		})
		local := md.acceptLatest(t)
		c := md.must(t, 200, "GET", "/api/v1/cases/"+local, md.worker, nil)
		if c["person"].(map[string]any)["given_name"] != "Aurelia" {
			t.Errorf("the local case: %v", c["person"])
		}
		path := "/api/v1/transnational-referrals/" + ref["id"].(string)
		eventually(t, "the ack on the sender", func() bool { return gb.must(t, 200, "GET", path, gb.worker, nil)["status"] == "accepted" })
		md.must(t, 201, "POST", "/api/v1/cases/"+local+"/follow-ups", md.worker, map[string]any{"report": "home, in school"})
		eventually(t, "the follow-up on the sender", func() bool {
			ups, _ := gb.must(t, 200, "GET", path, gb.worker, nil)["follow_ups"].([]any)
			return len(ups) == 1 && ups[0].(map[string]any)["report"] == "home, in school"
		})
	})

	t.Run("through_export_and_import_of_a_file", func(t *testing.T) {
		md.srv.MustStop(t) // unreachable: the referral stays queued
		_, ref := gb.referral(t, "Doina")
		if ref["status"] != "queued" {
			t.Fatalf("status %v with the partner down", ref["status"])
		}
		file := filepath.Join(t.TempDir(), "referral.packet")
		MustRun(t, "", gb.in.args("exchange", "export", "--referral", ref["id"].(string), "--out", file)...)
		b, err := os.ReadFile(file)
		if err != nil || bytes.Contains(b, []byte("Doina")) || bytes.Contains(b, []byte("insulin")) {
			t.Fatalf("the file (%v) holds plaintext or nothing", err)
		}
		out := MustRun(t, "", md.in.args("exchange", "import", file)...)
		if !strings.Contains(out[0], `"kind":"referral"`) {
			t.Errorf("import: %v", out)
		}
		if r := nrmRun(t, "", md.in.args("exchange", "import", file)...); r.code == 0 || !strings.Contains(r.stderr, "replay") {
			t.Errorf("a second import: exit %d %s", r.code, r.stderr)
		}
		// The way back on a file too: the sender is unreachable now, so the
		// acknowledgement and the follow-up wait in the receiver's outbox
		// until they are exported together as one bundle.
		gb.srv.MustStop(t)
		md.serve(t)
		local := md.acceptLatest(t)
		c := md.must(t, 200, "GET", "/api/v1/cases/"+local, md.worker, nil)
		if c["person"].(map[string]any)["given_name"] != "Doina" {
			t.Errorf("the local case: %v", c["person"])
		}
		md.must(t, 201, "POST", "/api/v1/cases/"+local+"/follow-ups", md.worker, map[string]any{"report": "back with her mother"})
		md.srv.MustStop(t)
		back := filepath.Join(t.TempDir(), "back.bundle")
		out = MustRun(t, "", md.in.args("exchange", "export", "--partner", md.partner, "--out", back)...)
		if !strings.Contains(out[0], "wrote 2 packets") {
			t.Fatalf("export of the queued packets: %v", out)
		}
		b, err = os.ReadFile(back)
		if err != nil || bytes.Contains(b, []byte("back with her mother")) || bytes.Contains(b, []byte("Doina")) {
			t.Fatalf("the bundle (%v) holds plaintext or nothing", err)
		}
		if r := nrmRun(t, "", md.in.args("exchange", "export", "--partner", md.partner, "--out", back)...); r.code == 0 ||
			!strings.Contains(r.stderr, "nothing is queued") {
			t.Errorf("a second export: exit %d %s", r.code, r.stderr)
		}
		out = MustRun(t, "", gb.in.args("exchange", "import", back)...)
		if len(out) != 2 || !strings.Contains(out[0], `"kind":"ack"`) || !strings.Contains(out[1], `"kind":"follow-up"`) {
			t.Errorf("import of the bundle: %v", out)
		}
		if r := nrmRun(t, "", gb.in.args("exchange", "import", back)...); r.code == 0 || strings.Count(r.stderr, "(replay)") != 2 {
			t.Errorf("the bundle imported again: exit %d %s", r.code, r.stderr)
		}
		gb.serve(top) // it serves on past this subtest
		md.serve(top)
		got := gb.must(t, 200, "GET", "/api/v1/transnational-referrals/"+ref["id"].(string), gb.worker, nil)
		ups, _ := got["follow_ups"].([]any)
		if got["status"] != "accepted" || len(ups) != 1 || ups[0].(map[string]any)["report"] != "back with her mother" {
			t.Errorf("the sender after the import: status %v, follow-ups %v", got["status"], ups)
		}
	})
	gb.srv.MustStop(t)
	md.srv.MustStop(t)
}
