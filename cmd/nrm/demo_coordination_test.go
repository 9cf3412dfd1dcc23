package main

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
	"github.com/nrmproject/nrm/web"
)

// TestDemoProgressReport: the demo's year of co-ordination makes a
// progress report of the last year that renders as HTML, with every
// section and no published count of people under k, and as a PDF of
// several pages.
func TestDemoProgressReport(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		in := newInstance(t, e)
		ctx := context.Background()
		a, err := open(ctx, common{data: in.data, db: in.db}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		defer a.close()
		if err := seedDemo(ctx, a, 40); err != nil {
			t.Fatal(err)
		}
		today := a.svc.Today()
		rep, err := a.svc.ProgressReport(systemCtx(ctx), today.AddDays(-364).String(), today.String(), "html")
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Events) != 6 || len(rep.Activities) != 5 || rep.FollowUpsDone != 1 || rep.FollowUpsOverdue < 2 || len(rep.Assessments) == 0 {
			t.Fatalf("events %d activities %d follow-ups done %d overdue %d assessments %d", len(rep.Events), len(rep.Activities),
				rep.FollowUpsDone, rep.FollowUpsOverdue, len(rep.Assessments))
		}
		w := web.New(a.svc, slog.New(slog.DiscardHandler), web.Options{})
		t.Run("html", func(t *testing.T) {
			var b bytes.Buffer
			if err := w.WriteProgress(&b, rep, "html"); err != nil {
				t.Fatal(err)
			}
			html := b.String()
			if !strings.HasPrefix(html, "<!doctype html>") {
				t.Fatalf("%.80s", html)
			}
			for _, id := range []string{"summary", "by-country-and-theme", "events", "activities", "assessments", "decisions", "trials"} {
				if !strings.Contains(html, `id="`+id+`"`) {
					t.Errorf("no section %s", id)
				}
			}
			for _, want := range []string{"Meeting of national focal points (fictitious)", "Review of the draft law on compensation"} {
				if !strings.Contains(html, want) {
					t.Errorf("no %q", want)
				}
			}
			// The figures about people: no published count under k.
			for _, sec := range []string{"decisions", "trials"} {
				i := strings.Index(html, `<section class="report-section" id="`+sec+`"`)
				j := strings.Index(html[i+1:], `<section class="report-section"`)
				part := html[i:]
				if j >= 0 {
					part = html[i : i+1+j]
				}
				for _, m := range regexp.MustCompile(`<td class="num">(\d+)</td>`).FindAllStringSubmatch(part, -1) {
					if n, _ := strconv.Atoi(m[1]); n > 0 && n < rep.K {
						t.Errorf("section %s publishes %d, under k %d", sec, n, rep.K)
					}
				}
			}
			for _, personal := range []string{"Demo001", "Alia", "Demo Harbour", "W1 testified"} {
				if strings.Contains(html, personal) {
					t.Errorf("the report holds %q", personal)
				}
			}
		})
		t.Run("pdf", func(t *testing.T) {
			var b bytes.Buffer
			if err := w.WriteProgress(&b, rep, "pdf"); err != nil {
				t.Fatal(err)
			}
			pdf := b.String()
			pages := regexp.MustCompile(`/Type /Page\b`).FindAllString(pdf, -1)
			if !strings.HasPrefix(pdf, "%PDF-") || !strings.Contains(pdf, "/Type /Pages") || len(pages) < 2 {
				t.Fatalf("not a PDF of several pages: %.20q, %d pages", pdf, len(pages))
			}
		})
	})
}
