package web

// The pages of NRM country assessments: the list, a new assessment, the
// assessment with its benchmarks, findings and recommendations, the form
// that scores a benchmark, the published summary, and the comparison as a
// heat map (and as CSV). The service decides who writes and reads; the
// pages only offer the forms the service would accept.

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// registerAssessments adds the pages of country assessments.
func (w *Web) registerAssessments(handle func(string, http.Handler)) {
	handle("GET /assessments", w.signedIn(w.assessmentsPage))
	handle("GET /assessments/new", w.signedIn(w.newAssessmentPage))
	handle("POST /assessments", w.signedIn(w.createAssessment))
	handle("GET /assessments/compare", w.signedIn(w.comparePage))
	handle("GET /assessments/compare.csv", w.signedIn(w.compareCSV))
	handle("GET /assessments/{id}", w.signedIn(w.assessmentPage))
	handle("GET /assessments/{id}/summary", w.signedIn(w.assessmentSummary))
	handle("GET /assessments/{id}/benchmarks/{b}", w.signedIn(w.scorePage))
	handle("POST /assessments/{id}/benchmarks/{b}", w.signedIn(w.scoreBenchmark))
	handle("POST /assessments/{id}/findings", w.signedIn(w.setFindings))
	handle("POST /assessments/{id}/publish", w.signedIn(w.publishAssessment))
	handle("POST /assessments/{id}/recommendations", w.signedIn(w.addRecommendation))
	handle("POST /assessments/{id}/recommendations/{r}/progress", w.signedIn(w.addProgress))
}

// The notices after a form of the assessment pages (flash).
func init() {
	for k, v := range map[string]string{
		"a-created": "The assessment was started as a draft of your team.", "a-findings": "The findings were saved.",
		"a-published":      "The assessment was published: every signed-in user can read it now.",
		"a-recommendation": "The recommendation was recorded; its due date shows on your team's deadlines.",
		"a-progress":       "The progress was recorded.", "a-score": "The score was saved.",
	} {
		saved[k] = v
	}
	for k, v := range map[string]string{nrm.RecNotStarted: "Not started", nrm.RecInProgress: "In progress",
		nrm.RecImplemented: "Implemented", nrm.RecDropped: "Dropped"} {
		if _, ok := labels[k]; !ok {
			labels[k] = v
		}
	}
}

// frameworkOf finds a framework by id in the list the service gave.
func frameworkOf(fs []nrm.Framework, id string) nrm.Framework {
	for _, f := range fs {
		if f.ID == id {
			return f
		}
	}
	return nrm.Framework{ID: id, Title: id}
}

// nonEmptyLines splits a text area into its non-empty lines.
func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// The list, and a new assessment.

type assessmentsView struct {
	Items      []nrm.CountryAssessment
	Frameworks []nrm.Framework
	Titles     map[string]string
	CanWrite   bool
}

func (w *Web) assessmentsPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	fs, err := w.svc.Frameworks(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	items, err := w.svc.Assessments(r.Context(), service.AssessmentQuery{})
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v := assessmentsView{Items: items, Frameworks: fs, Titles: map[string]string{}, CanWrite: nrm.Can(s.Actor, nrm.ActAssessmentWrite, nrm.Access{})}
	for _, f := range fs {
		v.Titles[f.ID] = f.Title
	}
	w.render(rw, r, s, http.StatusOK, "assessments", view{Flash: flash(r), Data: v})
}

func (w *Web) newAssessmentPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if !nrm.Can(s.Actor, nrm.ActAssessmentWrite, nrm.Access{}) {
		w.fail(rw, r, s, nrm.Forbidden("only an assessment team starts an assessment"))
		return
	}
	w.renderNewAssessment(rw, r, s, http.StatusOK, view{Form: map[string]string{"framework": "odihr-nrm"}})
}

func (w *Web) renderNewAssessment(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	fs, err := w.svc.Frameworks(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v.Data = fs
	w.render(rw, r, s, status, "assessment_new", v)
}

func (w *Web) createAssessment(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := map[string]string{}
	for _, k := range []string{"framework", "country", "period.from", "period.to", "team"} {
		form[k] = r.PostFormValue(k)
	}
	x, err := w.svc.CreateAssessment(r.Context(), nrm.CountryAssessmentInput{Framework: form["framework"], Country: form["country"],
		Period: nrm.PeriodInput{From: form["period.from"], To: form["period.to"]}, Team: nonEmptyLines(form["team"])})
	if err != nil {
		if v, ok := pageFormError(err); ok {
			v.Form = form
			w.renderNewAssessment(rw, r, s, statusOf(nrm.ErrorCode(err)), v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/assessments/"+x.ID+"?saved=a-created", http.StatusSeeOther)
}

// pageFormError shows bad input (422) at its field and a step out of
// order (409) above the form; anything else is the error page.
func pageFormError(err error) (view, bool) {
	if v, ok := formError(err); ok {
		return v, true
	}
	if e := nrm.AsError(err); e.Code == nrm.CodeConflict {
		return view{Errors: []*nrm.Error{e}, FieldErrors: map[string]string{}}, true
	}
	return view{}, false
}

// ---------------------------------------------------------------------------
// The assessment page and its forms.

type benchmarkLine struct {
	nrm.Benchmark
	Scored bool
	Score  nrm.BenchmarkScore
	Cell   heatCell
}

type areaLines struct {
	ID, Title  string
	Benchmarks []benchmarkLine
	Scored     int
}

type recommendationLine struct {
	nrm.Recommendation
	Benchmark string
	Open      bool
	Overdue   bool
}

type assessmentView struct {
	X               nrm.CountryAssessment
	Framework       nrm.Framework
	Areas           []areaLines
	Recommendations []recommendationLine
	Org             string
	Editable        bool // the team's organisation may still change scores and findings
	Team            bool // the team's organisation: recommendations and progress
	Scored, Total   int
	Statuses        []string
	Today           nrm.Date
	Legend          []heatCell
}

func (w *Web) assessmentView(r *http.Request, s service.SessionInfo, id string) (assessmentView, error) {
	x, err := w.svc.Assessment(r.Context(), id)
	if err != nil {
		return assessmentView{}, err
	}
	fs, err := w.svc.Frameworks(r.Context())
	if err != nil {
		return assessmentView{}, err
	}
	f := frameworkOf(fs, x.Framework)
	team := service.MayEditAssessment(s.Actor, x)
	v := assessmentView{X: x, Framework: f, Team: team, Editable: team && x.Status == nrm.AssessmentDraft,
		Statuses: nrm.RecommendationStatuses, Today: w.svc.Today(), Legend: legendOf(f)}
	if names, err := w.orgNames(r.Context()); err == nil {
		v.Org = names[x.OrgID]
	}
	for _, a := range f.Areas {
		al := areaLines{ID: a.ID, Title: a.Title}
		for _, b := range a.Benchmarks {
			bl := benchmarkLine{Benchmark: b, Cell: cellFor(f, false, 0, "")}
			if sc, ok := x.Score(b.ID); ok {
				bl.Scored, bl.Score, bl.Cell = true, sc, cellFor(f, true, sc.Score, "")
				al.Scored++
			}
			al.Benchmarks = append(al.Benchmarks, bl)
		}
		v.Scored += al.Scored
		v.Total += len(a.Benchmarks)
		v.Areas = append(v.Areas, al)
	}
	for _, rec := range x.Recommendations {
		b, _, _ := f.Benchmark(rec.BenchmarkID)
		open := nrm.RecommendationOpen(rec.Status)
		v.Recommendations = append(v.Recommendations, recommendationLine{Recommendation: rec, Benchmark: b.Text, Open: open,
			Overdue: open && rec.Due.Before(v.Today)})
	}
	return v, nil
}

func (w *Web) assessmentPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderAssessment(rw, r, s, http.StatusOK, view{Flash: flash(r)})
}

func (w *Web) renderAssessment(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	av, err := w.assessmentView(r, s, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	if _, ok := v.Form["findings"]; !ok {
		v.Form["findings"] = av.X.Findings
	}
	v.Data = av
	w.render(rw, r, s, status, "assessment", v)
}

func (w *Web) assessmentSummary(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	av, err := w.assessmentView(r, s, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	w.render(rw, r, s, http.StatusOK, "assessment_summary", view{Data: av})
}

// formBack re-renders the assessment page after a form failed, or goes
// back to it with a notice.
func (w *Web) formBack(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, err error, form map[string]string, saved, anchor string) {
	if err != nil {
		if v, ok := pageFormError(err); ok {
			v.Form = form
			w.renderAssessment(rw, r, s, statusOf(nrm.ErrorCode(err)), v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/assessments/"+r.PathValue("id")+"?saved="+saved+"#"+anchor, http.StatusSeeOther)
}

func (w *Web) setFindings(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := map[string]string{"findings": r.PostFormValue("findings")}
	_, err := w.svc.SetFindings(r.Context(), r.PathValue("id"), nrm.FindingsInput{Findings: form["findings"]})
	w.formBack(rw, r, s, err, form, "a-findings", "findings")
}

func (w *Web) publishAssessment(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	_, err := w.svc.PublishAssessment(r.Context(), r.PathValue("id"))
	w.formBack(rw, r, s, err, nil, "a-published", "top")
}

func (w *Web) addRecommendation(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := map[string]string{}
	for _, k := range []string{"benchmark_id", "text", "addressee", "due"} {
		form[k] = r.PostFormValue(k)
	}
	_, err := w.svc.AddRecommendation(r.Context(), r.PathValue("id"), nrm.RecommendationInput{BenchmarkID: form["benchmark_id"],
		Text: form["text"], Addressee: form["addressee"], Due: form["due"]})
	w.formBack(rw, r, s, err, form, "a-recommendation", "recommendations")
}

func (w *Web) addProgress(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := map[string]string{}
	for _, k := range []string{"date", "status", "note"} {
		form[k] = r.PostFormValue(k)
	}
	_, _, err := w.svc.AddProgress(r.Context(), r.PathValue("r"), nrm.ProgressInput{Date: form["date"], Status: form["status"], Note: form["note"]})
	w.formBack(rw, r, s, err, form, "a-progress", "recommendations")
}

// ---------------------------------------------------------------------------
// Scoring one benchmark.

type scoreView struct {
	X         nrm.CountryAssessment
	Framework nrm.Framework
	Area      nrm.FrameworkArea
	Benchmark nrm.Benchmark
	Scored    bool
}

func (w *Web) renderScore(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view) {
	av, err := w.assessmentView(r, s, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if !av.Team {
		w.fail(rw, r, s, nrm.Forbidden("only the team's organisation scores this assessment"))
		return
	}
	b, area, ok := av.Framework.Benchmark(r.PathValue("b"))
	if !ok {
		w.fail(rw, r, s, nrm.NotFound("benchmark"))
		return
	}
	sv := scoreView{X: av.X, Framework: av.Framework, Area: area, Benchmark: b}
	if v.Form == nil {
		v.Form = map[string]string{}
		if sc, ok := av.X.Score(b.ID); ok {
			v.Form["score"], v.Form["evidence"], v.Form["sources"] = strconv.Itoa(sc.Score), sc.Evidence, strings.Join(sc.Sources, "\n")
		}
	}
	_, sv.Scored = av.X.Score(b.ID)
	if !av.Editable && len(v.Errors) == 0 {
		v.Errors = []*nrm.Error{nrm.Conflict("the assessment is published: its scores are final")}
	}
	v.Data = sv
	w.render(rw, r, s, status, "assessment_score", v)
}

func (w *Web) scorePage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderScore(rw, r, s, http.StatusOK, view{})
}

func (w *Web) scoreBenchmark(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := map[string]string{}
	for _, k := range []string{"score", "evidence", "sources"} {
		form[k] = r.PostFormValue(k)
	}
	in := nrm.BenchmarkScoreInput{Evidence: form["evidence"], Sources: nonEmptyLines(form["sources"])}
	if n, err := strconv.Atoi(strings.TrimSpace(form["score"])); err == nil {
		in.Score = &n
	} else if strings.TrimSpace(form["score"]) != "" {
		n := -1 // not a number: refused as out of range
		in.Score = &n
	}
	_, err := w.svc.ScoreBenchmark(r.Context(), r.PathValue("id"), r.PathValue("b"), in)
	if err != nil {
		if v, ok := pageFormError(err); ok {
			v.Form = form
			w.renderScore(rw, r, s, statusOf(nrm.ErrorCode(err)), v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/assessments/"+r.PathValue("id")+"?saved=a-score#b-"+url.PathEscape(r.PathValue("b")), http.StatusSeeOther)
}

// ---------------------------------------------------------------------------
// The comparison: a heat map, and the same as CSV.

// heatCell is one cell of the heat map: the score written out, its words,
// and a colour class that only repeats them.
type heatCell struct {
	Class, Text, Words, Period string
}

func cellFor(f nrm.Framework, scored bool, score int, period string) heatCell {
	if !scored {
		return heatCell{Class: "score-none", Text: "–", Words: "not scored"}
	}
	return heatCell{Class: "score-" + strconv.Itoa(score), Text: strconv.Itoa(score), Words: f.ScaleLabel(score), Period: period}
}

func legendOf(f nrm.Framework) []heatCell {
	var out []heatCell
	for _, l := range f.Scale {
		c := cellFor(f, true, l.Score, "")
		c.Period = l.Meaning
		out = append(out, c)
	}
	return append(out, cellFor(f, false, 0, ""))
}

type heatRow struct {
	ID, Text, Source string
	Cells            []heatCell
}

type heatArea struct {
	ID, Title string
	Rows      []heatRow
}

type compareView struct {
	Frameworks                    []nrm.Framework
	Framework, Countries, Country string
	Asked                         bool
	Result                        nrm.Comparison
	Columns                       []string
	Areas                         []heatArea
	Legend                        []heatCell
	CSV                           string
	Span                          int // the columns of an area's heading row
}

func compareQuery(r *http.Request) service.CompareInput {
	q := r.URL.Query()
	return service.CompareInput{Framework: q.Get("framework"), Countries: q.Get("countries"), Country: q.Get("country")}
}

// columnName heads a column: the country, or the period over time.
func columnName(c nrm.Comparison, i int) string {
	col := c.Columns[i]
	if c.Country != "" {
		return fmt.Sprintf("%s–%s", col.Period.From, col.Period.To)
	}
	return col.Country
}

func (w *Web) comparePage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	fs, err := w.svc.Frameworks(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	in := compareQuery(r)
	v := compareView{Frameworks: fs, Framework: in.Framework, Countries: in.Countries, Country: in.Country}
	if v.Framework == "" {
		v.Framework = "odihr-nrm"
	}
	vw := view{}
	if in.Framework != "" {
		v.Asked = true
		c, err := w.svc.CompareAssessments(r.Context(), in)
		if err != nil {
			fv, ok := formError(err)
			if !ok {
				w.fail(rw, r, s, err)
				return
			}
			vw = fv
			v.Asked = false
		} else {
			v.Result, v.Legend = c, legendOf(c.Framework)
			for i := range c.Columns {
				v.Columns = append(v.Columns, columnName(c, i))
			}
			for _, a := range c.Areas {
				ha := heatArea{ID: a.ID, Title: a.Title}
				for _, row := range a.Benchmarks {
					hr := heatRow{ID: row.Benchmark.ID, Text: row.Benchmark.Text, Source: row.Benchmark.Source}
					for _, cell := range row.Cells {
						period := ""
						if cell.Scored && c.Country == "" {
							period = cell.Period.From.String() + "–" + cell.Period.To.String()
						}
						hr.Cells = append(hr.Cells, cellFor(c.Framework, cell.Scored, cell.Score, period))
					}
					ha.Rows = append(ha.Rows, hr)
				}
				v.Areas = append(v.Areas, ha)
			}
			v.CSV, v.Span = "/assessments/compare.csv?"+r.URL.RawQuery, len(c.Columns)+1
		}
	}
	vw.Data = v
	status := http.StatusOK
	if len(vw.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	w.render(rw, r, s, status, "assessment_compare", vw)
}

func (w *Web) compareCSV(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	c, err := w.svc.CompareAssessments(r.Context(), compareQuery(r))
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	header := []string{"area", "benchmark", "source"}
	for i := range c.Columns {
		header = append(header, columnName(c, i))
	}
	var rows [][]string
	for _, a := range c.Areas {
		for _, row := range a.Benchmarks {
			line := []string{a.ID, row.Benchmark.ID, row.Benchmark.Source}
			for _, cell := range row.Cells {
				if cell.Scored {
					line = append(line, strconv.Itoa(cell.Score))
				} else {
					line = append(line, "")
				}
			}
			rows = append(rows, line)
		}
	}
	w.writeCSV(rw, r, s, "assessment-comparison", "assessment-comparison.csv", header, rows)
}

// ---------------------------------------------------------------------------
// The clocks of a team's recommendations, on the deadlines page.

type recommendationRow struct {
	nrm.RecommendationDue
	Days, Abs int
	Overdue   bool
}

type recommendationTable struct {
	Board service.RecommendationBoard
	Rows  []recommendationRow
}

// recommendationTable reads the open recommendations of the user's team
// (nil for a user outside an assessment team), within days when set.
func (w *Web) recommendationTable(r *http.Request, within int) (*recommendationTable, error) {
	a, _ := nrm.ActorFrom(r.Context())
	if !nrm.Can(a, nrm.ActAssessmentWrite, nrm.Access{}) {
		return nil, nil
	}
	b, err := w.svc.RecommendationClocks(r.Context())
	if err != nil {
		return nil, err
	}
	t := &recommendationTable{Board: b}
	for _, it := range b.Items {
		days := int(it.Due.Time().Sub(b.Today.Time()).Hours() / 24)
		if within > 0 && days > within {
			continue
		}
		t.Rows = append(t.Rows, recommendationRow{RecommendationDue: it, Days: days, Abs: max(days, -days), Overdue: days < 0})
	}
	return t, nil
}
