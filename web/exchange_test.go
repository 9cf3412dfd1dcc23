package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/exchange"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestExchangePages(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		coord, ngo := a.MustOrg(t, nrm.KindCoordinator), a.MustOrg(t, nrm.KindNGO)
		admin := MustSignIn(t, a, a.MustUser(t, coord, nrm.RoleAdmin), "")
		coordinator := MustSignIn(t, a, a.MustUser(t, coord, nrm.RoleCoordinator), "")
		worker := MustSignIn(t, a, a.MustUser(t, ngo, nrm.RoleCaseWorker), "")
		other, err := exchange.LoadOrCreateKeys(filepath.Join(t.TempDir(), "keys"))
		if err != nil {
			t.Fatal(err)
		}
		md := other.Identity("nrm Moldova", "MD", "https://nrm.md.example")
		raw, _ := json.Marshal(md)

		t.Run("partners_with_fingerprints_grouped_for_comparison", func(t *testing.T) {
			p := admin.post(t, "/admin/partners", url.Values{"csrf": {admin.CSRF}, "identity": {string(raw)}})
			wantRedirect(t, p, "/admin/partners?saved=partner-added")
			p = admin.get(t, "/admin/partners")
			wantStatus(t, p, http.StatusOK)
			if !strings.Contains(p.Body, exchange.Grouped(md.Fingerprint)) || !strings.Contains(p.Body, "nrm Moldova") {
				t.Errorf("the partner's grouped fingerprint is not shown:\n%s", p.Body)
			}
			own, _ := a.Svc.Identity()
			if !strings.Contains(p.Body, exchange.Grouped(own.Fingerprint)) {
				t.Errorf("this instance's fingerprint is not shown")
			}
		})
		t.Run("a_case_worker_trusts_no_partner", func(t *testing.T) {
			csrf := worker.csrfFrom(t, "/cases/new", "/")
			p := worker.post(t, "/admin/partners", url.Values{"csrf": {csrf}, "identity": {string(raw)}})
			wantStatus(t, p, http.StatusForbidden)
			if p := worker.get(t, "/exchange/incoming"); p.Status != http.StatusForbidden {
				t.Errorf("a case worker sees incoming referrals: %d", p.Status)
			}
		})
		t.Run("the_coordinator_accepts_an_incoming_referral", func(t *testing.T) {
			own, _ := a.Svc.Identity()
			ref, _ := json.Marshal(exchange.Referral{Version: 1, Scope: []string{"identity"}, Reference: "MD-2026-0001", Reason: "home in Bristol",
				FromOrg: "La Strada", Case: exchange.Case{EncounterDate: "2026-11-20", EncounterCountry: "MD"},
				Identification: exchange.Identification{State: "encountered"},
				Identity:       &nrm.CaseInput{Person: nrm.PersonInput{GivenName: "Maria", FamilyName: "Lungu"}}})
			pk, err := exchange.Seal(other, exchange.Identity(own), exchange.Header{Kind: exchange.KindReferral, ID: nrm.NewID(), Created: a.Clock.Now()}, ref)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(pk)
			if _, err := a.Svc.Receive(context.Background(), b, false); err != nil {
				t.Fatal(err)
			}
			p := coordinator.get(t, "/exchange/incoming")
			wantStatus(t, p, http.StatusOK)
			if !strings.Contains(p.Body, "home in Bristol") || strings.Contains(p.Body, "Lungu") {
				t.Errorf("the incoming page shows the wrong things:\n%s", p.Body)
			}
			items, _ := a.Svc.IncomingReferrals(testapp.As(coordinator.User.Actor))
			p = coordinator.post(t, "/exchange/incoming/"+items[0].ID+"/accept", url.Values{"csrf": {coordinator.CSRF}, "assign_to_org": {ngo.ID}})
			wantRedirect(t, p, "/exchange/incoming?saved=incoming-accepted#i-"+items[0].ID)
			if n := MustCount(t, a, worker.User.Actor); n != 1 {
				t.Errorf("the NGO holds %d cases", n)
			}
		})
	})
}
