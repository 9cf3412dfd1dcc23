package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// The timeline is stored as message keys and arguments, so a page in
// Russian words every entry in Russian, the compartments too, and no entry
// shows the English sentence the API returns.
func TestTimelineInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ngo, ca := a.MustOrg(t, nrm.KindNGO), a.MustOrg(t, nrm.KindCompetentAuthority)
		id, worker, _ := decided(t, a, ngo, ca)
		ws := signInAs(t, a, worker, "")

		p := ws.get(t, "/cases/"+id+"?lang=ru")
		wantStatus(t, p, http.StatusOK)
		timeline := p.Body[strings.Index(p.Body, `id="timeline"`):]
		timeline = timeline[:strings.Index(timeline, "</section>")]
		wantIn(t, timeline, "перенаправлено в "+ca.Name+" (Кто это лицо, Поддержка)", "согласие дано на", "дело записано: встречена возможная жертва")
		for _, english := range []string{"referred to", "consent given", "case recorded", "decision:", "NRM referral to"} {
			if strings.Contains(timeline, english) {
				t.Errorf("the Russian timeline shows %q:\n%s", english, timeline)
			}
		}

		en := ws.get(t, "/cases/"+id+"?lang=en")
		wantContains(t, en, "referred to "+ca.Name+" (")
	})
}

func wantIn(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q in:\n%s", w, text)
		}
	}
}
