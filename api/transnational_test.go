package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/exchange"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// Personal data of the referred person: it must arrive opened on the
// partner and never be found in a packet, in transit or in the outbox.
const (
	xGiven     = "Valentina"
	xFamily    = "Rusnacescu"
	xNeedsNote = "afraid of the recruiter's cousin in Balti"
	xProvider  = "Casa Speranta shelter, strada Florilor"
)

// side is one instance of a pair, with the people who act on it.
type side struct {
	*testapp.App
	Keys    *exchange.Keys
	Coord   nrm.Organisation
	NGO     nrm.Organisation
	Admin   string // token: admin of the coordinator
	Coordin string // token: coordinator of the coordinator
	Worker  string // token: case worker of the NGO
	Partner string // the other side's partner id here
}

func newSide(t *testing.T, e sqlstore.Engine, name, country string) *side {
	t.Helper()
	keys, err := exchange.LoadOrCreateKeys(filepath.Join(t.TempDir(), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	a := testapp.NewWith(t, e, service.Config{Exchange: service.ExchangeConfig{Keys: keys, Name: name, Country: country, URL: "https://unused.example"}})
	s := &side{App: a, Keys: keys}
	org := func(kind nrm.OrgKind) nrm.Organisation {
		o, err := a.Svc.CreateOrg(testapp.System(), nrm.OrgInput{Name: name + " " + string(kind), Kind: string(kind), Country: country})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	s.Coord, s.NGO = org(nrm.KindCoordinator), org(nrm.KindNGO)
	s.Admin = a.MustToken(t, a.MustUser(t, s.Coord, nrm.RoleAdmin))
	s.Coordin = a.MustToken(t, a.MustUser(t, s.Coord, nrm.RoleCoordinator))
	s.Worker = a.MustToken(t, a.MustUser(t, s.NGO, nrm.RoleCaseWorker))
	return s
}

// identity is what the side says of itself, with the URL it is served at.
func (s *side) identity(t *testing.T) map[string]any {
	t.Helper()
	id := s.Do(t, "GET", "/api/v1/exchange/identity", "", nil).JSON(t)
	id["url"] = s.URL
	return id
}

// pair starts two instances, each registered as the other's partner.
func pair(t *testing.T, ea, eb sqlstore.Engine) (gb, md *side) {
	t.Helper()
	gb, md = newSide(t, ea, "nrm United Kingdom", "GB"), newSide(t, eb, "nrm Moldova", "MD")
	register := func(on, other *side) {
		r := on.Do(t, "POST", "/api/v1/exchange/partners", on.Admin, map[string]any{"identity": other.identity(t)})
		if r.Status != http.StatusCreated {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		on.Partner = r.JSON(t)["id"].(string)
	}
	register(gb, md)
	register(md, gb)
	return gb, md
}

func must(t *testing.T, r testapp.Response, status int, what string) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: %d %s", what, r.Status, r.Body)
	}
	return r.JSON(t)
}

// consentedCase is an adult's case with support records and a consent to
// the partner for identity and support.
func consentedCase(t *testing.T, s *side) (caseID, consentID string) {
	t.Helper()
	caseID = s.MustCase(t, s.Worker, testapp.CaseBody(xGiven, xFamily, "1994-03-02"))
	must(t, s.Do(t, "POST", "/api/v1/cases/"+caseID+"/needs", s.Worker,
		map[string]any{"needs": []string{"accommodation", "medical"}, "notes": xNeedsNote}), 201, "needs")
	must(t, s.Do(t, "POST", "/api/v1/cases/"+caseID+"/services", s.Worker,
		map[string]any{"type": "accommodation", "provider": xProvider, "started_on": "2026-11-21"}), 201, "service")
	k := must(t, s.Do(t, "POST", "/api/v1/cases/"+caseID+"/consents", s.Worker, map[string]any{
		"purpose": "transnational-referral", "recipient_partner": s.Partner, "scope": []string{"identity", "support"}}), 201, "consent")
	return caseID, k["id"].(string)
}

func count(t *testing.T, a *testapp.App, q string, args ...any) int {
	t.Helper()
	var n int
	if err := a.RawDB(t).QueryRow(rebindFor(a.Engine, q), args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// hashes are the content hashes an instance's audit log names for action.
func hashes(t *testing.T, a *testapp.App, action string) []string {
	t.Helper()
	rows, err := a.RawDB(t).Query("SELECT detail FROM audit_entries WHERE action = '" + action + "' ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		rows.Scan(&d)
		if _, h, ok := strings.Cut(d, "content hash "); ok {
			out = append(out, strings.TrimRight(strings.Fields(h)[0], ";"))
		}
	}
	return out
}

func TestTransnationalReferral(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		gb, md := pair(t, sqlstore.SQLite, e)
		caseID, consentID := consentedCase(t, gb)

		t.Run("a_consent_for_another_purpose_is_refused", func(t *testing.T) {
			other := testapp.CaseBody("Ion", "Other", "1990-01-01")
			c := gb.MustCase(t, gb.Worker, other)
			r := gb.Do(t, "POST", "/api/v1/cases/"+c+"/transnational-referrals", gb.Worker,
				map[string]any{"partner_id": gb.Partner, "reason": "return home"})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "consent_id") {
				t.Errorf("without consent: %d %s", r.Status, r.Body)
			}
			r = gb.Do(t, "POST", "/api/v1/cases/"+c+"/transnational-referrals", gb.Worker,
				map[string]any{"partner_id": gb.Partner, "consent_id": consentID, "reason": "return home"})
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("another case's consent: %d %s", r.Status, r.Body)
			}
			if n := count(t, gb.App, "SELECT COUNT(*) FROM exchange_outbox"); n != 0 {
				t.Errorf("%d packets queued", n)
			}
		})

		var refID string
		t.Run("sent_received_accepted_acknowledged", func(t *testing.T) {
			ref := must(t, gb.Do(t, "POST", "/api/v1/cases/"+caseID+"/transnational-referrals", gb.Worker,
				map[string]any{"partner_id": gb.Partner, "consent_id": consentID, "reason": "she wants to return to her mother"}), 201, "refer")
			refID = ref["id"].(string)
			if ref["status"] != "sent" {
				t.Fatalf("status %v, want sent", ref["status"])
			}
			in := must(t, md.Do(t, "GET", "/api/v1/exchange/incoming", md.Coordin, nil), 200, "incoming")
			items := in["items"].([]any)
			if len(items) != 1 {
				t.Fatalf("%d incoming", len(items))
			}
			item := items[0].(map[string]any)
			if item["status"] != "pending" || item["reason"] != "she wants to return to her mother" || item["partner"] != "nrm United Kingdom" {
				t.Errorf("incoming %v", item)
			}
			if r := md.Do(t, "GET", "/api/v1/exchange/incoming", md.Worker, nil); r.Status != http.StatusForbidden {
				t.Errorf("a case worker lists incoming referrals: %d", r.Status)
			}
			if r := md.Do(t, "POST", "/api/v1/exchange/incoming/"+item["id"].(string)+"/accept", md.Worker, map[string]any{}); r.Status != http.StatusForbidden {
				t.Errorf("a case worker accepts: %d", r.Status)
			}
			acc := must(t, md.Do(t, "POST", "/api/v1/exchange/incoming/"+item["id"].(string)+"/accept", md.Coordin,
				map[string]any{"assign_to_org": md.NGO.ID}), 200, "accept")
			local := acc["case_id"].(string)
			c := must(t, md.Do(t, "GET", "/api/v1/cases/"+local, md.Worker, nil), 200, "local case")
			person := c["person"].(map[string]any)
			if person["given_name"] != xGiven || person["family_name"] != xFamily {
				t.Errorf("local case person %v", person)
			}
			p := must(t, md.Do(t, "GET", "/api/v1/cases/"+local+"/protection", md.Worker, nil), 200, "protection")
			if b, _ := json.Marshal(p); !bytes.Contains(b, []byte(xNeedsNote)) || !bytes.Contains(b, []byte(xProvider)) {
				t.Errorf("support not carried over: %s", b)
			}
			got := must(t, gb.Do(t, "GET", "/api/v1/transnational-referrals/"+refID, gb.Worker, nil), 200, "referral")
			if got["status"] != "accepted" {
				t.Errorf("sender sees %v", got["status"])
			}
			if r := md.Do(t, "POST", "/api/v1/exchange/incoming/"+item["id"].(string)+"/decline", md.Coordin, map[string]any{"reason": "x"}); r.Status != http.StatusConflict {
				t.Errorf("answered twice: %d", r.Status)
			}

			t.Run("a_follow_up_goes_back", func(t *testing.T) {
				f := must(t, md.Do(t, "POST", "/api/v1/cases/"+local+"/follow-ups", md.Worker,
					map[string]any{"report": "settled with her mother; attends school"}), 201, "follow-up")
				if f["status"] != "sent" {
					t.Errorf("follow-up %v", f)
				}
				got := must(t, gb.Do(t, "GET", "/api/v1/transnational-referrals/"+refID, gb.Worker, nil), 200, "referral")
				ups := got["follow_ups"].([]any)
				if len(ups) != 1 || ups[0].(map[string]any)["report"] != "settled with her mother; attends school" {
					t.Errorf("follow-ups %v", ups)
				}
			})
		})

		t.Run("the_two_audit_logs_agree_on_the_hashes", func(t *testing.T) {
			sent, received := hashes(t, gb.App, "exchange.packet.sent"), hashes(t, md.App, "exchange.packet.received")
			mdSent, gbReceived := hashes(t, md.App, "exchange.packet.sent"), hashes(t, gb.App, "exchange.packet.received")
			if len(sent) != 1 || strings.Join(sent, ",") != strings.Join(received, ",") {
				t.Errorf("sent by GB %v, received by MD %v", sent, received)
			}
			if len(mdSent) != 2 || strings.Join(mdSent, ",") != strings.Join(gbReceived, ",") {
				t.Errorf("sent by MD %v, received by GB %v", mdSent, gbReceived)
			}
			if acc := hashes(t, md.App, "exchange.incoming.accept"); len(acc) != 1 || acc[0] != sent[0] {
				t.Errorf("accepted %v, sent %v", acc, sent)
			}
		})

		t.Run("a_decline_shows_on_the_sender_with_its_reason", func(t *testing.T) {
			c, k := consentedCase(t, gb)
			ref := must(t, gb.Do(t, "POST", "/api/v1/cases/"+c+"/transnational-referrals", gb.Worker,
				map[string]any{"partner_id": gb.Partner, "consent_id": k, "reason": "return"}), 201, "refer")
			items := must(t, md.Do(t, "GET", "/api/v1/exchange/incoming", md.Coordin, nil), 200, "incoming")["items"].([]any)
			id := ""
			for _, it := range items { // the one still pending: the list's order is not this test's to assume
				if m := it.(map[string]any); m["status"] == "pending" {
					id = m["id"].(string)
				}
			}
			if r := md.Do(t, "POST", "/api/v1/exchange/incoming/"+id+"/decline", md.Coordin, map[string]any{"reason": ""}); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("a decline without a reason: %d", r.Status)
			}
			cases := count(t, md.App, "SELECT COUNT(*) FROM cases")
			must(t, md.Do(t, "POST", "/api/v1/exchange/incoming/"+id+"/decline", md.Coordin, map[string]any{"reason": "no shelter place in her region"}), 200, "decline")
			if count(t, md.App, "SELECT COUNT(*) FROM cases") != cases {
				t.Errorf("a declined referral made a case")
			}
			got := must(t, gb.Do(t, "GET", "/api/v1/transnational-referrals/"+ref["id"].(string), gb.Worker, nil), 200, "referral")
			if got["status"] != "declined" || got["response"] != "no shelter place in her region" {
				t.Errorf("sender sees %v %v", got["status"], got["response"])
			}
		})

		t.Run("a_consent_withdrawn_after_delivery_sends_a_withdrawal_notice", func(t *testing.T) {
			before := count(t, md.App, "SELECT COUNT(*) FROM exchange_received WHERE kind = 'withdrawal'")
			must(t, gb.Do(t, "POST", "/api/v1/consents/"+consentID+"/withdraw", gb.Worker, map[string]any{}), 200, "withdraw")
			if n, err := gb.Svc.DeliverOutbox(context.Background()); n != 1 || err != nil {
				t.Fatalf("delivered %d: %v", n, err)
			}
			if count(t, md.App, "SELECT COUNT(*) FROM exchange_received WHERE kind = 'withdrawal'") != before+1 {
				t.Errorf("the partner got no withdrawal notice")
			}
		})
		_ = refID
	})
}

// packetFrom seals a packet as the given keys to the recipient.
func packetFrom(t *testing.T, k *exchange.Keys, to *side, h exchange.Header, payload any) []byte {
	t.Helper()
	b, _ := json.Marshal(payload)
	if h.ID == "" {
		h.ID = nrm.NewID()
	}
	if h.Created.IsZero() {
		h.Created = to.Clock.Now()
	}
	id, err := exchange.ParseIdentity(jsonOf(t, to.identity(t)))
	if err != nil {
		t.Fatal(err)
	}
	p, err := exchange.Seal(k, id, h, b)
	if err != nil {
		t.Fatal(err)
	}
	return jsonOf(t, p)
}

func jsonOf(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestInboxRefusals(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		gb, md := pair(t, sqlstore.SQLite, e)
		stranger, err := exchange.LoadOrCreateKeys(filepath.Join(t.TempDir(), "keys"))
		if err != nil {
			t.Fatal(err)
		}
		referral := exchange.Referral{Version: 1, Scope: []string{"support"}, Reference: "GB-1", Reason: "return",
			Case: exchange.Case{EncounterDate: "2026-11-20", EncounterCountry: "GB"}, Identification: exchange.Identification{State: "encountered"}}
		stored := func() int {
			return count(t, md.App, "SELECT COUNT(*) FROM exchange_received") + count(t, md.App, "SELECT COUNT(*) FROM data_keys")
		}
		post := func(body []byte) testapp.Response {
			return md.Do(t, "POST", "/api/v1/exchange/inbox", "", body)
		}
		good := packetFrom(t, gb.Keys, md, exchange.Header{Kind: exchange.KindReferral}, referral)
		tamper := func(b []byte, f func(p *exchange.Packet)) []byte {
			var p exchange.Packet
			json.Unmarshal(b, &p)
			f(&p)
			return jsonOf(t, p)
		}
		otherID, _ := exchange.ParseIdentity(jsonOf(t, gb.identity(t)))
		cases := []struct {
			name, reason string
			status       int
			body         []byte
		}{
			{"not_json", exchange.RejectMalformed, 400, []byte("{not a packet")},
			{"too_large", exchange.RejectTooLarge, 400, bytes.Repeat([]byte(" "), exchange.MaxPacketSize+10)},
			{"unknown_sender", exchange.RejectUnknown, 403, packetFrom(t, stranger, md, exchange.Header{Kind: exchange.KindReferral}, referral)},
			{"bad_signature", exchange.RejectSignature, 403, tamper(good, func(p *exchange.Packet) { p.Ciphertext[3] ^= 1 })},
			{"altered_header", exchange.RejectSignature, 403, tamper(good, func(p *exchange.Packet) { p.ID = nrm.NewID() })},
			{"for_another_instance", exchange.RejectNotForUs, 403, func() []byte {
				p, _ := exchange.Seal(gb.Keys, otherID, exchange.Header{Kind: exchange.KindReferral, ID: nrm.NewID(), Created: md.Clock.Now()}, jsonOf(t, referral))
				return jsonOf(t, p)
			}()},
			{"too_old", exchange.RejectTooOld, 422, packetFrom(t, gb.Keys, md, exchange.Header{Kind: exchange.KindReferral,
				Created: md.Clock.Now().Add(-25 * 60 * 60 * 1e9)}, referral)},
			{"malformed_payload", exchange.RejectPayload, 422, packetFrom(t, gb.Keys, md, exchange.Header{Kind: exchange.KindReferral}, map[string]any{"version": 1, "surprise": true})},
			{"ack_for_a_referral_never_sent", exchange.RejectUnknownReferral, 422, packetFrom(t, gb.Keys, md,
				exchange.Header{Kind: exchange.KindAck, Ref: nrm.NewID()}, exchange.Ack{Version: 1, Status: "accepted"})},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := stored()
				rejected := count(t, md.App, "SELECT COUNT(*) FROM audit_entries WHERE action = 'exchange.packet.rejected'")
				r := post(c.body)
				if r.Status != c.status || !strings.Contains(string(r.Body), `"reason":"`+c.reason+`"`) {
					t.Errorf("%d %s, want %d %s", r.Status, r.Body, c.status, c.reason)
				}
				if n := stored(); n != before {
					t.Errorf("stored %d rows", n-before)
				}
				if n := count(t, md.App, "SELECT COUNT(*) FROM audit_entries WHERE action = 'exchange.packet.rejected' AND detail LIKE ?", "%reason "+c.reason+"%"); n <= 0 ||
					count(t, md.App, "SELECT COUNT(*) FROM audit_entries WHERE action = 'exchange.packet.rejected'") != rejected+1 {
					t.Errorf("refusal not audited with its reason")
				}
			})
		}
		t.Run("a_replay_is_refused", func(t *testing.T) {
			if r := post(good); r.Status != http.StatusAccepted {
				t.Fatalf("first: %d %s", r.Status, r.Body)
			}
			before := stored()
			if r := post(good); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), `"reason":"replay"`) {
				t.Errorf("replay: %d %s", r.Status, r.Body)
			}
			if stored() != before {
				t.Errorf("the replay stored something")
			}
		})
		t.Run("a_removed_partner_is_unknown", func(t *testing.T) {
			must(t, md.Do(t, "DELETE", "/api/v1/exchange/partners/"+md.Partner, md.Admin, nil), 200, "remove")
			before := stored()
			r := post(packetFrom(t, gb.Keys, md, exchange.Header{Kind: exchange.KindReferral}, referral))
			if r.Status != http.StatusForbidden || stored() != before {
				t.Errorf("removed partner: %d %s", r.Status, r.Body)
			}
		})
		_ = context.Background
	})
}
