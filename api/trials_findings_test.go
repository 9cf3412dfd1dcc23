package api_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

type fxHearing struct {
	date  string
	sheet map[string]string // an item left out was not observed
}

type fxOutcome struct {
	date, verdict string
	months        int
	suspended     bool
	compensation  map[string]any
}

type fxTrial struct {
	second   bool // observed by the second monitoring organisation
	country  string
	opened   string
	hearings []fxHearing
	outcome  *fxOutcome
}

// sheetOf makes a varied sheet, leaving some items out.
func sheetOf(i, j int) map[string]string {
	s := map[string]string{}
	for k, item := range nrm.TrialSheetItems {
		if (i*7+j*3+k)%5 == 0 {
			continue
		}
		s[item] = nrm.TrialSheetValues[(i+j*2+k)%len(nrm.TrialSheetValues)]
	}
	return s
}

func hearingsOn(i int, dates ...string) []fxHearing {
	out := make([]fxHearing, len(dates))
	for j, d := range dates {
		out[j] = fxHearing{d, sheetOf(i, j)}
	}
	return out
}

// trialFixture: eight trials in GB and MD by two organisations, with
// hearings and outcomes inside, at the edges of and outside 2026-03-01 –
// 2026-08-31.
func trialFixture() []fxTrial {
	return []fxTrial{
		{false, "GB", "2026-01-10", hearingsOn(1, "2026-02-15", "2026-03-10", "2026-04-20"),
			&fxOutcome{"2026-05-05", "convicted-trafficking", 48, false, money("5000.00", "GBP")}},
		{true, "GB", "2026-03-15", hearingsOn(2, "2026-04-01", "2026-06-30"), &fxOutcome{"2026-07-10", "convicted-other", 24, true, nil}},
		{false, "GB", "2025-11-01", hearingsOn(3, "2025-12-01"), &fxOutcome{"2026-02-20", "acquitted", 0, false, nil}},
		{true, "GB", "2026-08-01", hearingsOn(4, "2026-08-31", "2026-09-15"), &fxOutcome{"2026-10-01", "acquitted", 0, false, nil}},
		{false, "GB", "2026-02-01", hearingsOn(5, "2026-03-01"), &fxOutcome{"2026-03-01", "acquitted", 0, false, money("100.00", "GBP")}},
		{false, "MD", "2026-04-01", hearingsOn(6, "2026-04-15", "2026-05-15", "2026-06-15"),
			&fxOutcome{"2026-08-01", "convicted-trafficking", 60, true, money("2500.00", "MDL")}},
		{true, "MD", "2026-05-01", hearingsOn(7, "2026-05-20"), &fxOutcome{"2026-06-01", "dismissed", 0, false, money("0", "MDL")}},
		{true, "MD", "2026-09-01", hearingsOn(8, "2026-09-10"), nil},
	}
}

// expectedFindings counts the fixture by the definition of the answer,
// independently of the code under test.
func expectedFindings(fx []fxTrial, country, from, to string) map[string]any {
	in := func(d string) bool { return d >= from && d <= to }
	items := map[string]any{}
	counts := map[string]map[string]int{}
	for _, item := range nrm.TrialSheetItems {
		counts[item] = map[string]int{"yes": 0, "no": 0, "not-applicable": 0, "not-observed": 0}
	}
	verdicts := map[string]int{"convicted-trafficking": 0, "convicted-other": 0, "acquitted": 0, "dismissed": 0}
	var trials, hearings, outcomes, suspended, compensated int
	for _, t := range fx {
		if country != "" && t.country != country {
			continue
		}
		seen := in(t.opened)
		for _, h := range t.hearings {
			if !in(h.date) {
				continue
			}
			seen = true
			hearings++
			for _, item := range nrm.TrialSheetItems {
				v, ok := h.sheet[item]
				if !ok {
					v = "not-observed"
				}
				counts[item][v]++
			}
		}
		if o := t.outcome; o != nil && in(o.date) {
			seen = true
			outcomes++
			verdicts[o.verdict]++
			if o.suspended {
				suspended++
			}
			if o.compensation != nil && o.compensation["amount"] != "0" {
				compensated++
			}
		}
		if seen {
			trials++
		}
	}
	for item, c := range counts {
		m := map[string]any{}
		for v, n := range c {
			m[v] = float64(n)
		}
		items[item] = m
	}
	vs := map[string]any{}
	for v, n := range verdicts {
		vs[v] = float64(n)
	}
	share := func(n int) any {
		if outcomes == 0 {
			return nil
		}
		return float64(n) / float64(outcomes)
	}
	out := map[string]any{"from": from, "to": to, "trials": float64(trials), "hearings": float64(hearings), "items": items,
		"verdicts": vs, "outcomes": float64(outcomes), "suspended_share": share(suspended), "compensation_awarded_share": share(compensated)}
	if country != "" {
		out["country"] = country
	}
	return out
}

func TestTrialFindingsOverAFixture(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		w := newTrialWorld(t, e)
		fx := trialFixture()
		var ids []string
		for i, ft := range fx {
			token := w.monitor
			if ft.second {
				token = w.otherMonitor
			}
			body := trialBody(ft.country, ft.opened)
			body["court"] = "Court number " + string(rune('A'+i))
			id := w.trial(t, token, body)
			ids = append(ids, id)
			for _, h := range ft.hearings {
				w.must(t, 201, "POST", "/api/v1/trials/"+id+"/hearings", token, map[string]any{"date": h.date, "sheet": h.sheet,
					"notes": "Sheet of W1."})
			}
			if o := ft.outcome; o != nil {
				b := map[string]any{"date": o.date, "verdict": o.verdict, "suspended": o.suspended}
				if strings.HasPrefix(o.verdict, "convicted-") {
					b["sentence_months"] = o.months
				}
				if o.compensation != nil {
					b["compensation_awarded"] = o.compensation
				}
				w.must(t, 201, "POST", "/api/v1/trials/"+id+"/outcome", token, b)
			}
		}
		for _, tc := range []struct{ name, country, from, to string }{
			{"GB over the period", "GB", "2026-03-01", "2026-08-31"},
			{"MD over the period", "MD", "2026-03-01", "2026-08-31"},
			{"every country over the period", "", "2026-03-01", "2026-08-31"},
			{"GB over the year", "GB", "2026-01-01", "2026-12-31"},
			{"MD in a month without an outcome", "MD", "2026-04-01", "2026-04-30"},
			{"a country without trials", "FR", "2026-01-01", "2026-12-31"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				q := "/api/v1/trials/findings?from=" + tc.from + "&to=" + tc.to
				if tc.country != "" {
					q += "&country=" + strings.ToLower(tc.country)
				}
				r := w.a.Do(t, "GET", q, w.analyst, nil)
				var got map[string]any
				if err := json.Unmarshal(r.Body, &got); err != nil || r.Status != 200 {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
				want := expectedFindings(fx, tc.country, tc.from, tc.to)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("findings\n got %s\nwant %s", mustJSON(got), mustJSON(want))
				}
				for _, s := range append([]string{"Court", "W1"}, ids...) {
					if strings.Contains(string(r.Body), s) {
						t.Fatalf("the findings hold %q", s)
					}
				}
			})
		}
		t.Run("the GB figures of the period, spelled out", func(t *testing.T) {
			f := w.must(t, 200, "GET", "/api/v1/trials/findings?country=GB&from=2026-03-01&to=2026-08-31", w.ngoWorker, nil)
			// Trials 1, 2, 4, 5; hearings 03-10, 04-20, 04-01, 06-30, 08-31, 03-01;
			// outcomes of 1, 2 and 5: one suspended, two with compensation.
			if f["trials"] != 4.0 || f["hearings"] != 6.0 || f["outcomes"] != 3.0 || f["suspended_share"] != 1.0/3 ||
				f["compensation_awarded_share"] != 2.0/3 || mustJSON(f["verdicts"]) !=
				`{"acquitted":1,"convicted-other":1,"convicted-trafficking":1,"dismissed":0}` {
				t.Fatalf("%s", mustJSON(f))
			}
		})
	})
}
