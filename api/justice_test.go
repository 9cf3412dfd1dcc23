package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// justiceSnap is the justice compartment as its owner reads it, to show
// that a refused request changed nothing.
func (w *world) justiceSnap(t *testing.T, id, token string) string {
	t.Helper()
	j := w.must(t, 200, "GET", "/api/v1/cases/"+id+"/justice", token, nil)
	for _, list := range []string{"proceedings", "compensation_claims"} {
		for _, x := range j[list].([]any) {
			delete(x.(map[string]any), "version")
		}
	}
	return mustJSON(j) + w.snap(t, id, token).Deadlines
}

func money(amount, currency string) map[string]any {
	return map[string]any{"amount": amount, "currency": currency}
}

func TestJusticeContract(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		today := w.a.Svc.Today()
		id := w.adultCase(t, w.ngoWorker)
		base := "/api/v1/cases/" + id

		var proc string
		t.Run("a proceeding is recorded with its lawyer and rights information", func(t *testing.T) {
			p := w.must(t, 201, "POST", base+"/proceedings", w.ngoWorker, map[string]any{"kind": "criminal", "stage": "investigation",
				"authority": "Bristol Police", "reference": "OP-118", "charges": []string{"trafficking"}, "person_role": "injured-party",
				"lawyer":             map[string]any{"name": "A. Lawyer", "legal_aid": true},
				"rights_information": map[string]any{"given_on": today.String(), "language": "ro", "interpreter": true}})
			proc = p["id"].(string)
			if p["lawyer"].(map[string]any)["legal_aid"] != true || p["rights_information"].(map[string]any)["language"] != "ro" {
				t.Fatalf("%v", p)
			}
		})
		t.Run("bad proceedings name the field and change nothing", func(t *testing.T) {
			before := w.justiceSnap(t, id, w.ngoWorker)
			good := func() map[string]any {
				return map[string]any{"kind": "civil", "stage": "trial", "authority": "Court", "person_role": "witness"}
			}
			for field, set := range map[string]func(map[string]any){
				"kind":        func(b map[string]any) { b["kind"] = "religious" },
				"stage":       func(b map[string]any) { b["stage"] = "pending" },
				"person_role": func(b map[string]any) { b["person_role"] = "judge" },
				"authority":   func(b map[string]any) { delete(b, "authority") },
				"rights_information.given_on": func(b map[string]any) {
					b["rights_information"] = map[string]any{"given_on": today.AddDays(3).String(), "language": "ro"}
				},
				"rights_information.language": func(b map[string]any) {
					b["rights_information"] = map[string]any{"given_on": today.String(), "language": "r0"}
				},
				"lawyer.name": func(b map[string]any) { b["lawyer"] = map[string]any{"legal_aid": true} },
			} {
				b := good()
				set(b)
				w.wantError(t, 422, field, "POST", base+"/proceedings", w.ngoWorker, b)
			}
			if after := w.justiceSnap(t, id, w.ngoWorker); after != before {
				t.Fatalf("changed:\n%s\n%s", before, after)
			}
		})
		t.Run("events: a hearing ahead is a clock, a stage event moves the proceeding", func(t *testing.T) {
			ev := "/api/v1/proceedings/" + proc + "/events"
			hearing := today.AddDays(20).String()
			w.must(t, 201, "POST", ev, w.ngoWorker, map[string]any{"kind": "hearing", "date": hearing})
			w.must(t, 201, "POST", ev, w.ngoWorker, map[string]any{"kind": "protective-measure", "date": today.String(),
				"measure": "video-testimony", "status": "requested"})
			w.must(t, 201, "POST", ev, w.ngoWorker, map[string]any{"kind": "stage", "date": today.String(), "stage": "prosecution"})
			s := w.must(t, 201, "POST", ev, w.ngoWorker, map[string]any{"kind": "sentence", "date": today.String(), "months": 36, "suspended": false})
			if s["months"] != float64(36) || s["suspended"] != false {
				t.Fatalf("%v", s)
			}
			c := w.must(t, 200, "GET", base, w.ngoWorker, nil)
			if !strings.Contains(mustJSON(c["deadlines"]), `{"due":"`+hearing+`","kind":"hearing"}`) {
				t.Fatalf("no hearing clock: %v", c["deadlines"])
			}
			j := w.must(t, 200, "GET", base+"/justice", w.ngoWorker, nil)
			p := j["proceedings"].([]any)[0].(map[string]any)
			if p["stage"] != "prosecution" || len(p["events"].([]any)) != 4 {
				t.Fatalf("%v", p)
			}
		})
		t.Run("bad events name the field and change nothing", func(t *testing.T) {
			ev := "/api/v1/proceedings/" + proc + "/events"
			before := w.justiceSnap(t, id, w.ngoWorker)
			for _, tc := range []struct {
				field string
				body  map[string]any
			}{
				{"kind", map[string]any{"kind": "party", "date": today.String()}},
				{"measure", map[string]any{"kind": "protective-measure", "date": today.String(), "measure": "wig", "status": "ordered"}},
				{"status", map[string]any{"kind": "protective-measure", "date": today.String(), "measure": "anonymity", "status": "maybe"}},
				{"outcome", map[string]any{"kind": "verdict", "date": today.String(), "outcome": "guilty"}},
				{"date", map[string]any{"kind": "verdict", "date": today.AddDays(1).String(), "outcome": "acquitted"}},
				{"measure", map[string]any{"kind": "hearing", "date": today.String(), "measure": "anonymity"}},
				{"months", map[string]any{"kind": "sentence", "date": today.String()}},
				{"stage", map[string]any{"kind": "stage", "date": today.String(), "stage": "limbo"}},
			} {
				w.wantError(t, 422, tc.field, "POST", ev, w.ngoWorker, tc.body)
			}
			w.wantError(t, 404, "", "POST", "/api/v1/proceedings/"+nrm.NewID()+"/events", w.ngoWorker, map[string]any{"kind": "hearing", "date": today.String()})
			if after := w.justiceSnap(t, id, w.ngoWorker); after != before {
				t.Fatalf("changed:\n%s\n%s", before, after)
			}
		})
		t.Run("an open non-punishment record flags the case and the list", func(t *testing.T) {
			for field, body := range map[string]map[string]any{
				"compelled": {"offence": "Cannabis cultivation", "compelled": false, "status": "raised", "authority": "CPS"},
				"status":    {"offence": "Cannabis cultivation", "compelled": true, "status": "forgotten", "authority": "CPS"},
				"offence":   {"compelled": true, "status": "raised", "authority": "CPS"},
			} {
				w.wantError(t, 422, field, "POST", base+"/non-punishment", w.ngoWorker, body)
			}
			if c := w.must(t, 200, "GET", base, w.ngoWorker, nil); c["non_punishment"] != nil {
				t.Fatalf("flag before any record: %v", c["non_punishment"])
			}
			n := w.must(t, 201, "POST", base+"/non-punishment", w.ngoWorker, map[string]any{"offence": "Cannabis cultivation",
				"compelled": true, "status": "raised", "authority": "Crown Prosecution Service"})
			if c := w.must(t, 200, "GET", base, w.ngoWorker, nil); c["non_punishment"] != "raised" {
				t.Fatalf("no flag: %v", c["non_punishment"])
			}
			l := w.must(t, 200, "GET", "/api/v1/cases", w.ngoWorker, nil)
			if it := l["items"].([]any)[0].(map[string]any); it["id"] != id || it["non_punishment"] != "raised" {
				t.Fatalf("list: %v", it)
			}
			w.must(t, 200, "POST", "/api/v1/non-punishment/"+n["id"].(string)+"/status", w.ngoWorker, map[string]any{"status": "applied"})
			if c := w.must(t, 200, "GET", base, w.ngoWorker, nil); c["non_punishment"] != nil {
				t.Fatalf("flag after the record was applied: %v", c["non_punishment"])
			}
		})
		t.Run("compensation: exact amounts, payments never beyond the award", func(t *testing.T) {
			c := w.must(t, 201, "POST", base+"/compensation-claims", w.ngoWorker, map[string]any{"route": "criminal",
				"filed_on": today.String(), "claimed": money("1200.50", "EUR")})
			if c["status"] != "filed" || c["claimed"].(map[string]any)["amount"] != "1200.50" {
				t.Fatalf("%v", c)
			}
			claim := "/api/v1/compensation-claims/" + c["id"].(string)
			before := w.justiceSnap(t, id, w.ngoWorker)
			w.wantError(t, 409, "", "POST", claim+"/payments", w.ngoWorker, map[string]any{"paid_on": today.String(), "paid": money("1.00", "EUR")})
			for _, tc := range []struct {
				field string
				body  any
			}{
				{"claimed.amount", map[string]any{"route": "civil", "filed_on": today.String(), "claimed": money("12.345", "EUR")}},
				{"claimed.amount", map[string]any{"route": "civil", "filed_on": today.String(), "claimed": money("-5", "EUR")}},
				{"claimed.amount", map[string]any{"route": "civil", "filed_on": today.String(), "claimed": money("1e3", "EUR")}},
				{"claimed.currency", map[string]any{"route": "civil", "filed_on": today.String(), "claimed": money("5", "EURO")}},
				{"route", map[string]any{"route": "lottery", "filed_on": today.String(), "claimed": money("5", "EUR")}},
				{"filed_on", map[string]any{"route": "civil", "filed_on": today.AddDays(2).String(), "claimed": money("5", "EUR")}},
			} {
				w.wantError(t, 422, tc.field, "POST", base+"/compensation-claims", w.ngoWorker, tc.body)
			}
			r := w.a.Do(t, "POST", base+"/compensation-claims", w.ngoWorker,
				`{"route": "civil", "filed_on": "`+today.String()+`", "claimed": {"amount": 1200.5, "currency": "EUR"}}`)
			if r.Status != http.StatusBadRequest {
				t.Fatalf("a float amount: %d %s", r.Status, r.Body)
			}
			w.wantError(t, 422, "awarded.currency", "POST", claim+"/awards", w.ngoWorker, map[string]any{"decided_on": today.String(), "awarded": money("1000.00", "GBP")})
			if after := w.justiceSnap(t, id, w.ngoWorker); after != before {
				t.Fatalf("changed:\n%s\n%s", before, after)
			}
			aw := w.must(t, 201, "POST", claim+"/awards", w.ngoWorker, map[string]any{"decided_on": today.String(), "awarded": money("1000", "EUR")})
			if aw["status"] != "awarded" || aw["awarded"].(map[string]any)["amount"] != "1000.00" || aw["id"] == nil {
				t.Fatalf("%v", aw)
			}
			w.wantError(t, 409, "", "POST", claim+"/awards", w.ngoWorker, map[string]any{"decided_on": today.String(), "awarded": money("2000", "EUR")})
			p := w.must(t, 201, "POST", claim+"/payments", w.ngoWorker, map[string]any{"paid_on": today.String(), "paid": money("600.10", "EUR")})
			if p["status"] != "partly-paid" {
				t.Fatalf("%v", p)
			}
			before = w.justiceSnap(t, id, w.ngoWorker)
			w.wantError(t, 422, "paid.amount", "POST", claim+"/payments", w.ngoWorker, map[string]any{"paid_on": today.String(), "paid": money("399.91", "EUR")})
			w.wantError(t, 422, "paid.currency", "POST", claim+"/payments", w.ngoWorker, map[string]any{"paid_on": today.String(), "paid": money("1", "GBP")})
			if after := w.justiceSnap(t, id, w.ngoWorker); after != before {
				t.Fatalf("changed:\n%s\n%s", before, after)
			}
			p = w.must(t, 201, "POST", claim+"/payments", w.ngoWorker, map[string]any{"paid_on": today.String(), "paid": money("399.90", "EUR")})
			if p["status"] != "paid" {
				t.Fatalf("%v", p)
			}
			cl := w.must(t, 200, "GET", base+"/justice", w.ngoWorker, nil)["compensation_claims"].([]any)[0].(map[string]any)
			if cl["status"] != "paid" || cl["paid"].(map[string]any)["amount"] != "1000.00" || cl["awarded_unpaid"].(map[string]any)["amount"] != "0.00" {
				t.Fatalf("%v", cl)
			}
		})
		t.Run("an award of 0 refuses the claim", func(t *testing.T) {
			c := w.must(t, 201, "POST", base+"/compensation-claims", w.ngoWorker, map[string]any{"route": "state-fund",
				"filed_on": today.String(), "claimed": money("500", "GBP")})
			aw := w.must(t, 201, "POST", "/api/v1/compensation-claims/"+c["id"].(string)+"/awards", w.ngoWorker,
				map[string]any{"decided_on": today.String(), "awarded": money("0", "GBP")})
			if aw["status"] != "refused" {
				t.Fatalf("%v", aw)
			}
		})
		t.Run("who reads justice: consent scope and role", func(t *testing.T) {
			// Not involved: not found.
			w.wantError(t, 404, "", "GET", base+"/justice", w.detective, nil)
			w.wantError(t, 404, "", "POST", base+"/proceedings", w.detective, map[string]any{"kind": "criminal", "stage": "trial", "authority": "X", "person_role": "witness"})
			// A police partner with justice in scope reads it; without, not.
			w.must(t, 200, "POST", "/api/v1/referrals/"+w.refer(t, w.ngoWorker, id, w.police.ID,
				w.consent(t, w.ngoWorker, id, w.police.ID, []string{"identity", "justice"}, ""))+"/accept", w.detective, nil)
			if j := w.must(t, 200, "GET", base+"/justice", w.detective, nil); len(j["proceedings"].([]any)) != 1 {
				t.Fatalf("%v", j)
			}
			// The police never read the return part (support).
			w.wantError(t, 403, "", "GET", base+"/return", w.detective, nil)
			other := w.adultCase(t, w.ngoWorker)
			w.must(t, 200, "POST", "/api/v1/referrals/"+w.refer(t, w.ngoWorker, other, w.police.ID,
				w.consent(t, w.ngoWorker, other, w.police.ID, []string{"identity"}, ""))+"/accept", w.detective, nil)
			w.wantError(t, 403, "", "GET", "/api/v1/cases/"+other+"/justice", w.detective, nil)
			w.wantError(t, 403, "", "POST", "/api/v1/cases/"+other+"/non-punishment", w.detective,
				map[string]any{"offence": "x", "compelled": true, "status": "raised", "authority": "CPS"})
		})
	})
}

// TestCompensationReport holds the report's figures to a fixture of
// claims, awards and partial payments in two currencies.
func TestCompensationReport(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		analyst := w.a.MustToken(t, w.a.MustUser(t, w.coord, nrm.RoleAnalyst))
		today := w.a.Svc.Today()
		day := func(n int) string { return today.AddDays(n).String() }
		a, b := w.adultCase(t, w.ngoWorker), w.adultCase(t, w.ngoWorker)
		claim := func(caseID, route, filed, amount, cur string) string {
			return w.must(t, 201, "POST", "/api/v1/cases/"+caseID+"/compensation-claims", w.ngoWorker,
				map[string]any{"route": route, "filed_on": filed, "claimed": money(amount, cur)})["id"].(string)
		}
		award := func(id, amount, cur string) {
			w.must(t, 201, "POST", "/api/v1/compensation-claims/"+id+"/awards", w.ngoWorker, map[string]any{"decided_on": day(0), "awarded": money(amount, cur)})
		}
		pay := func(id, amount, cur string) {
			w.must(t, 201, "POST", "/api/v1/compensation-claims/"+id+"/payments", w.ngoWorker, map[string]any{"paid_on": day(0), "paid": money(amount, cur)})
		}
		// EUR: 1000.10 awarded 800.05, paid 300.00 + 0.05; 250.00 filed only;
		// 99.99 awarded 99.99 and paid in full. GBP: 5000 awarded 0 (refused);
		// 1200.50 awarded 1200.50, paid 1000.25. Outside the period: EUR 7.77.
		e1 := claim(a, "criminal", day(-5), "1000.10", "EUR")
		award(e1, "800.05", "EUR")
		pay(e1, "300.00", "EUR")
		pay(e1, "0.05", "EUR")
		claim(a, "civil", day(-4), "250.00", "EUR")
		e3 := claim(b, "settlement", day(-3), "99.99", "EUR")
		award(e3, "99.99", "EUR")
		pay(e3, "99.99", "EUR")
		g1 := claim(b, "state-fund", day(-2), "5000", "GBP")
		award(g1, "0", "GBP")
		g2 := claim(b, "labour-tribunal", day(-1), "1200.50", "GBP")
		award(g2, "1200.50", "GBP")
		pay(g2, "1000.25", "GBP")
		claim(a, "civil", day(0), "7.77", "EUR")

		for _, token := range []string{w.coordinator, analyst} {
			r := w.must(t, 200, "GET", "/api/v1/reports/compensation?from="+day(-7)+"&to="+day(-1), token, nil)
			want := `{"by_currency":{"EUR":{"awarded":"900.04","awarded_unpaid":"500.00","claimed":"1350.09","paid":"400.04"},` +
				`"GBP":{"awarded":"1200.50","awarded_unpaid":"200.25","claimed":"6200.50","paid":"1000.25"}},"claims":5,"from":"` + day(-7) + `","to":"` + day(-1) + `"}`
			if got := mustJSON(r); got != want {
				t.Fatalf("report:\n got  %s\n want %s", got, want)
			}
			for _, leak := range []string{a, b, e1, "Popescu", "criminal"} {
				if strings.Contains(mustJSON(r), leak) {
					t.Fatalf("the report holds %q", leak)
				}
			}
		}
		w.wantError(t, 403, "", "GET", "/api/v1/reports/compensation?from="+day(-10)+"&to="+day(0), w.ngoWorker, nil)
		w.wantError(t, 422, "from", "GET", "/api/v1/reports/compensation?from=yesterday&to="+day(0), w.coordinator, nil)
		w.wantError(t, 422, "to", "GET", "/api/v1/reports/compensation?from="+day(0)+"&to="+day(-1), w.coordinator, nil)
	})
}

// A hearing's clock is justice: it shows on the dashboard and the case
// only to those who read justice.
func TestHearingClockFollowsTheJusticeCompartment(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newWorld(t, e, service.Config{})
		responder := w.a.MustToken(t, w.a.MustUser(t, w.ngo, nrm.RoleFirstResponder))
		id := w.adultCase(t, w.ngoWorker)
		p := w.must(t, 201, "POST", "/api/v1/cases/"+id+"/proceedings", w.ngoWorker, map[string]any{"kind": "labour", "stage": "trial",
			"authority": "Employment Tribunal", "person_role": "civil-party"})
		due := w.a.Svc.Today().AddDays(10).String()
		w.must(t, 201, "POST", "/api/v1/proceedings/"+p["id"].(string)+"/events", w.ngoWorker, map[string]any{"kind": "hearing", "date": due})
		for token, want := range map[string]bool{w.ngoWorker: true, w.ngoLawyer: true, responder: false} {
			dash := mustJSON(w.must(t, 200, "GET", "/api/v1/deadlines?within=30", token, nil))
			c := w.a.Do(t, "GET", "/api/v1/cases/"+id, token, nil)
			if got := strings.Contains(dash, `"hearing"`); got != want {
				t.Errorf("dashboard shows the hearing: %v, want %v: %s", got, want, dash)
			}
			if c.Status == 200 && strings.Contains(string(c.Body), `"kind":"hearing"`) != want {
				t.Errorf("case shows the hearing: want %v: %s", want, c.Body)
			}
		}
		w.wantError(t, 403, "", "GET", "/api/v1/cases/"+id+"/justice", responder, nil)
	})
}
