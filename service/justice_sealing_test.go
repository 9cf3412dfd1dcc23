package service_test

import (
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// The justice and return tracks seal what is personal like the rest of
// the case file: it reads back through the API, and is nowhere in the
// database in plaintext.
func TestJusticeAndReturnSealedAtRest(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		org := a.MustOrg(t, nrm.KindNGO)
		u, coord := a.MustUser(t, org, nrm.RoleCaseWorker), a.MustUser(t, org, nrm.RoleCoordinator)
		token, coordToken := a.MustToken(t, u), a.MustToken(t, coord)
		id := a.MustCase(t, token, secretCase())
		secret := []string{"Quillhaven Magistrates", "QX-7781-Z", "Barrister Ottoline Fenwick", "Harvesting saffron unlawfully",
			"Vorsklava Prosecution Office", "Aunt Melodia in Soroca", "Hotline Cerulean Nine", "Saw her at the Dniester market"}
		must := func(status int, method, path, tok string, body any) map[string]any {
			t.Helper()
			r := a.Do(t, method, path, tok, body)
			if r.Status != status {
				t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
			}
			return r.JSON(t)
		}
		today := a.Svc.Today().String()
		must(201, "POST", "/api/v1/cases/"+id+"/proceedings", token, map[string]any{"kind": "criminal", "stage": "trial",
			"authority": secret[0], "reference": secret[1], "person_role": "witness", "lawyer": map[string]any{"name": secret[2]}})
		must(201, "POST", "/api/v1/cases/"+id+"/non-punishment", token, map[string]any{"offence": secret[3], "compelled": true,
			"status": "raised", "authority": secret[4]})
		answers := map[string]string{}
		for _, it := range nrm.ReturnItems {
			switch {
			case it.Values == nil:
				answers[it.ID] = secret[6]
			case it.Risk:
				answers[it.ID] = "low"
			default:
				answers[it.ID] = it.Values[0]
			}
		}
		answers["family-involved"] = "no"
		as := must(201, "POST", "/api/v1/cases/"+id+"/return-assessments", token, map[string]any{"destination_country": "MD",
			"answers": answers, "summary": secret[5]})
		must(200, "POST", "/api/v1/return-assessments/"+as["id"].(string)+"/approve", coordToken, map[string]any{"reasons": "Checked."})
		r := must(201, "POST", "/api/v1/cases/"+id+"/returns", token, map[string]any{"assessment_id": as["id"], "date": today,
			"voluntary": true, "receiving_org": org.ID})
		must(201, "POST", "/api/v1/returns/"+r["id"].(string)+"/follow-ups", token, map[string]any{"date": today, "situation": "safe", "notes": secret[7]})
		read := string(a.Do(t, "GET", "/api/v1/cases/"+id+"/justice", token, nil).Body) + string(a.Do(t, "GET", "/api/v1/cases/"+id+"/return", token, nil).Body)
		for _, s := range secret {
			if !strings.Contains(read, s) {
				t.Fatalf("%q does not read back: %s", s, read)
			}
		}
		mustNotContain(t, string(e)+" database", databaseBytes(t, a), secret...)
	})
}
