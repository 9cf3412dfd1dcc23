package e2e

// Browser checks of the pages people work in all day, where layout and
// focus are the point: the audit log on a phone (no sideways scroll, no word
// broken in two, the checkpoint block reached by the keyboard), and the
// confirmation after a case-page form standing where the page jumps to.

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// workedCase is a case a few days into its life, for the pages to show.
type workedCase struct {
	ID      string
	NGO, CA nrm.Organisation
	Worker  testapp.User
	DM      testapp.User
}

func mustWorkedCase(t *testing.T, a *testapp.App) workedCase {
	t.Helper()
	wc := workedCase{NGO: a.MustOrg(t, nrm.KindNGO), CA: a.MustOrg(t, nrm.KindCompetentAuthority)}
	wc.Worker = a.MustUser(t, wc.NGO, nrm.RoleCaseWorker)
	wc.DM = a.MustUser(t, wc.CA, nrm.RoleDecisionMaker)
	w := testapp.As(wc.Worker.Actor)
	c, err := a.Svc.CreateCase(w, nrm.CaseInput{
		Person:    nrm.PersonInput{GivenName: "Zyxandra", FamilyName: "Quellwood", DateOfBirth: "1999-04-02", Sex: "female", Citizenship: []string{"MD"}},
		Encounter: nrm.EncounterInput{Date: "2026-11-20", Place: "Eastbrook Quay", Country: "GB"}, ExploitationTypes: []string{"forced-labour"}})
	if err != nil {
		t.Fatal(err)
	}
	wc.ID = c.ID
	if _, err := a.Svc.Screen(w, c.ID, service.ScreeningInput{IndicatorSet: "adult-labour", Indicators: []string{"AL01", "AL02"}, ScreenedOn: "2026-11-24"}); err != nil {
		t.Fatal(err)
	}
	k, err := a.Svc.RecordConsent(w, c.ID, nrm.ConsentInput{Purpose: "referral", RecipientOrg: wc.CA.ID, Scope: []string{"identity", "support"}, GivenOn: "2026-11-24"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Svc.Refer(w, c.ID, nrm.ReferralInput{ToOrg: wc.CA.ID, Reason: "Indicators of forced labour.", ConsentID: k.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Svc.AddNote(w, c.ID, nrm.NoteInput{Compartment: "support", Text: "First meeting at the drop-in centre."}); err != nil {
		t.Fatal(err)
	}
	return wc
}

// brokenWords lists words of the selected elements that the layout split
// over two lines: each word's range must lie on one line. A line may end
// after a hyphen (a name like Smith-Jones), and a case reference (.ref) is
// one word, hyphens and all.
const brokenWords = `((sel) => { const out = [];
  for (const root of document.querySelectorAll(sel)) {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const ref = n.parentElement && n.parentElement.closest('.ref');
      const re = ref ? /[^\s]+/g : /[^\s-]+/g; let m;
      while ((m = re.exec(n.data)) !== null) {
        if (m[0].length < 2 || m[0].length > 24) continue; // hashes and ids may wrap
        const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        const tops = new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top)));
        if (tops.size > 1) out.push(m[0]);
      }
    }
  }
  return out.slice(0, 8).join(', '); })`

func TestPagesInTheBrowser(t *testing.T) {
	needChromium(t)
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		wc := mustWorkedCase(t, a)
		auditor := a.MustUser(t, wc.NGO, nrm.RoleAuditor)
		b := newChromium(t, a.URL)
		step := func(name string, f func(t *testing.T)) bool {
			a.Clock.Advance(90 * time.Second)
			return t.Run(name, f)
		}

		step("confirmation_stands_in_the_section_the_page_jumps_to", func(t *testing.T) {
			b.signInFirstTime(t, a, wc.Worker)
			b.open(t, "/cases/"+wc.ID)
			b.click(t, `#notes details.form > summary`)
			b.typeInto(t, "note.text", "She asked about her passport.")
			b.submit(t, `form[action$="/notes"] button[type="submit"]`)
			b.wantText(t, "#notes #saved", "The note was added.")
			if n := b.count(t, `.case-head #saved, main > .notice[role=status]`); n != 0 {
				t.Error("the confirmation is (also) drawn at the top of the page")
			}
			// The page jumped to #notes: the confirmation is in view.
			if in := b.eval(t, `(() => { const r = document.getElementById('saved').getBoundingClientRect();
				return r.top >= 0 && r.bottom <= window.innerHeight ? 'yes' : 'no: top ' + r.top + ' of ' + window.innerHeight; })()`); in != "yes" {
				t.Errorf("the confirmation is out of sight after the jump: %s", in)
			}
			b.submit(t, `form[action="/logout"] button`)
			b.wantText(t, "main h1", "You are signed out")
		})

		step("audit_log_reads_on_a_phone_without_sideways_scroll", func(t *testing.T) {
			b.signInFirstTime(t, a, auditor)
			b.viewport(t, phoneWidth, phoneHeight, true)
			defer b.viewport(t, viewportWidth, viewportHeight, false)
			b.open(t, "/audit")
			b.wantText(t, "table.audit", wc.Worker.Name, "Read a case")
			b.wantNoSidewaysScroll(t)
			if broken := b.eval(t, brokenWords+`('table.audit, form.audit-filter')`); broken != "" {
				t.Errorf("words broken over two lines on a phone: %s", broken)
			}
			b.saveScreenshot(t, engine, "audit-phone")
		})

		step("audit_log_columns_do_not_break_words_on_a_laptop", func(t *testing.T) {
			b.open(t, "/audit")
			if broken := b.eval(t, brokenWords+`('table.audit')`); broken != "" {
				t.Errorf("words broken over two lines: %s", broken)
			}
		})

		step("checkpoint_block_is_reached_with_the_tab_key", func(t *testing.T) {
			b.open(t, "/audit")
			reached := false
			for range 80 {
				if err := chromedp.Do(b.ctx, chromedp.KeyEvent("\t")); err != nil {
					t.Fatal(err)
				}
				if b.eval(t, `document.activeElement ? document.activeElement.className : ''`) == "checkpoint" {
					reached = true
					break
				}
			}
			if !reached {
				t.Fatal("the Tab key never reaches the checkpoint block")
			}
			if name := b.eval(t, `(() => { const e = document.activeElement; const id = e.getAttribute('aria-labelledby');
				return id ? document.getElementById(id).textContent : (e.getAttribute('aria-label') || ''); })()`); name == "" {
				t.Error("the focused checkpoint block has no name")
			}
		})
	})
}
