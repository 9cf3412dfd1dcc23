package api

import (
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// NRM country assessments (CONTRACT.md): frameworks, assessments, scores,
// findings, recommendations and their progress, and the comparison. The
// service decides who writes (an assessment team) and reads.

// assessmentRoutes are the operations of country assessments (in routes()).
func (a *API) assessmentRoutes() []route {
	return []route{
		{"GET /api/v1/assessment-frameworks", a.listFrameworks},
		{"POST /api/v1/assessments", a.createAssessment},
		{"GET /api/v1/assessments", a.listAssessments},
		{"GET /api/v1/assessments/compare", a.compareAssessments},
		{"GET /api/v1/assessments/{id}", a.getAssessment},
		{"PUT /api/v1/assessments/{id}/benchmarks/{benchmark_id}", a.scoreBenchmark},
		{"PUT /api/v1/assessments/{id}/findings", a.setFindings},
		{"POST /api/v1/assessments/{id}/publish", a.publishAssessment},
		{"POST /api/v1/assessments/{id}/recommendations", a.addRecommendation},
		{"GET /api/v1/recommendations", a.recommendationClocks},
		{"POST /api/v1/recommendations/{id}/progress", a.addProgress},
	}
}

type periodJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func toPeriodJSON(p nrm.Period) periodJSON {
	return periodJSON{From: p.From.String(), To: p.To.String()}
}

type benchmarkScoreJSON struct {
	AssessmentID string    `json:"assessment_id"`
	BenchmarkID  string    `json:"benchmark_id"`
	Score        int       `json:"score"`
	Evidence     string    `json:"evidence"`
	Sources      []string  `json:"sources"`
	ScoredBy     string    `json:"scored_by"`
	ScoredAt     time.Time `json:"scored_at"`
}

func toBenchmarkScoreJSON(s nrm.BenchmarkScore) benchmarkScoreJSON {
	out := benchmarkScoreJSON{AssessmentID: s.AssessmentID, BenchmarkID: s.BenchmarkID, Score: s.Score, Evidence: s.Evidence,
		Sources: s.Sources, ScoredBy: s.ScoredBy, ScoredAt: s.ScoredAt}
	if out.Sources == nil {
		out.Sources = []string{}
	}
	return out
}

type progressJSON struct {
	ID               string    `json:"id"`
	RecommendationID string    `json:"recommendation_id"`
	Date             string    `json:"date"`
	Status           string    `json:"status"`
	Note             string    `json:"note"`
	CreatedBy        string    `json:"created_by"`
	CreatedAt        time.Time `json:"created_at"`
	// RecommendationStatus is the recommendation's status after this
	// progress (in the answer to POST only).
	RecommendationStatus string `json:"recommendation_status,omitempty"`
}

func toProgressJSON(p nrm.RecommendationProgress) progressJSON {
	return progressJSON{ID: p.ID, RecommendationID: p.RecommendationID, Date: p.Date.String(), Status: p.Status, Note: p.Note,
		CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt}
}

type recommendationJSON struct {
	ID           string         `json:"id"`
	AssessmentID string         `json:"assessment_id"`
	BenchmarkID  string         `json:"benchmark_id"`
	Text         string         `json:"text"`
	Addressee    string         `json:"addressee"`
	Due          string         `json:"due"`
	MadeOn       string         `json:"made_on"`
	Status       string         `json:"status"`
	StatusOn     string         `json:"status_on"`
	Progress     []progressJSON `json:"progress"`
	CreatedBy    string         `json:"created_by"`
	CreatedAt    time.Time      `json:"created_at"`
	Version      int64          `json:"version"`
}

func toRecommendationJSON(r nrm.Recommendation) recommendationJSON {
	return recommendationJSON{ID: r.ID, AssessmentID: r.AssessmentID, BenchmarkID: r.BenchmarkID, Text: r.Text, Addressee: r.Addressee,
		Due: r.Due.String(), MadeOn: r.MadeOn.String(), Status: r.Status, StatusOn: r.StatusOn.String(),
		Progress: items(r.Progress, toProgressJSON).Items, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, Version: r.Version}
}

type countryAssessmentJSON struct {
	ID              string               `json:"id"`
	Framework       string               `json:"framework"`
	Country         string               `json:"country"`
	Period          periodJSON           `json:"period"`
	Team            []string             `json:"team"`
	Findings        string               `json:"findings"`
	Status          string               `json:"status"`
	PublishedOn     string               `json:"published_on,omitempty"`
	OrgID           string               `json:"org_id"`
	Scores          []benchmarkScoreJSON `json:"scores"`
	Recommendations []recommendationJSON `json:"recommendations"`
	CreatedBy       string               `json:"created_by"`
	CreatedAt       time.Time            `json:"created_at"`
	UpdatedAt       time.Time            `json:"updated_at"`
	Version         int64                `json:"version"`
}

func toCountryAssessmentJSON(x nrm.CountryAssessment) countryAssessmentJSON {
	team := x.Team
	if team == nil {
		team = []string{}
	}
	return countryAssessmentJSON{ID: x.ID, Framework: x.Framework, Country: x.Country, Period: toPeriodJSON(x.Period), Team: team,
		Findings: x.Findings, Status: x.Status, PublishedOn: x.PublishedOn.String(), OrgID: x.OrgID,
		Scores: items(x.Scores, toBenchmarkScoreJSON).Items, Recommendations: items(x.Recommendations, toRecommendationJSON).Items,
		CreatedBy: x.CreatedBy, CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt, Version: x.Version}
}

// countryAssessmentItemJSON is an assessment in a list: no scores, findings or team.
type countryAssessmentItemJSON struct {
	ID          string     `json:"id"`
	Framework   string     `json:"framework"`
	Country     string     `json:"country"`
	Period      periodJSON `json:"period"`
	Status      string     `json:"status"`
	PublishedOn string     `json:"published_on,omitempty"`
	OrgID       string     `json:"org_id"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

func toCountryAssessmentItemJSON(x nrm.CountryAssessment) countryAssessmentItemJSON {
	return countryAssessmentItemJSON{ID: x.ID, Framework: x.Framework, Country: x.Country, Period: toPeriodJSON(x.Period),
		Status: x.Status, PublishedOn: x.PublishedOn.String(), OrgID: x.OrgID, UpdatedAt: x.UpdatedAt}
}

type comparisonCellJSON struct {
	Country      string      `json:"country"`
	Score        *int        `json:"score"`
	AssessmentID string      `json:"assessment_id,omitempty"`
	Period       *periodJSON `json:"period,omitempty"`
}

type comparisonRowJSON struct {
	ID     string               `json:"id"`
	Text   string               `json:"text"`
	Source string               `json:"source"`
	Scores []comparisonCellJSON `json:"scores"`
}

type comparisonAreaJSON struct {
	ID         string              `json:"id"`
	Title      string              `json:"title"`
	Benchmarks []comparisonRowJSON `json:"benchmarks"`
}

type comparisonColumnJSON struct {
	Country      string      `json:"country"`
	AssessmentID string      `json:"assessment_id,omitempty"`
	Period       *periodJSON `json:"period,omitempty"`
}

type comparisonJSON struct {
	Framework string                 `json:"framework"`
	Title     string                 `json:"title"`
	Country   string                 `json:"country,omitempty"`
	Countries []string               `json:"countries,omitempty"`
	Columns   []comparisonColumnJSON `json:"columns"`
	Areas     []comparisonAreaJSON   `json:"areas"`
}

func toComparisonJSON(c nrm.Comparison) comparisonJSON {
	out := comparisonJSON{Framework: c.Framework.ID, Title: c.Framework.Title, Country: c.Country, Countries: c.Countries,
		Columns: []comparisonColumnJSON{}, Areas: []comparisonAreaJSON{}}
	for _, col := range c.Columns {
		cj := comparisonColumnJSON{Country: col.Country, AssessmentID: col.AssessmentID}
		if col.AssessmentID != "" {
			p := toPeriodJSON(col.Period)
			cj.Period = &p
		}
		out.Columns = append(out.Columns, cj)
	}
	for _, a := range c.Areas {
		aj := comparisonAreaJSON{ID: a.ID, Title: a.Title, Benchmarks: []comparisonRowJSON{}}
		for _, r := range a.Benchmarks {
			rj := comparisonRowJSON{ID: r.Benchmark.ID, Text: r.Benchmark.Text, Source: r.Benchmark.Source, Scores: []comparisonCellJSON{}}
			for i, cell := range r.Cells {
				cj := comparisonCellJSON{Country: c.Columns[i].Country}
				if cell.Scored {
					score, p := cell.Score, toPeriodJSON(cell.Period)
					cj.Score, cj.AssessmentID, cj.Period = &score, cell.AssessmentID, &p
				}
				rj.Scores = append(rj.Scores, cj)
			}
			aj.Benchmarks = append(aj.Benchmarks, rj)
		}
		out.Areas = append(out.Areas, aj)
	}
	return out
}

type recommendationClockJSON struct {
	ID           string `json:"id"`
	AssessmentID string `json:"assessment_id"`
	BenchmarkID  string `json:"benchmark_id"`
	Country      string `json:"country"`
	Framework    string `json:"framework"`
	Text         string `json:"text"`
	Addressee    string `json:"addressee"`
	Due          string `json:"due"`
	Status       string `json:"status"`
	Overdue      bool   `json:"overdue"`
}

type recommendationClocksJSON struct {
	Today   string                    `json:"today"`
	Overdue int                       `json:"overdue"`
	DueSoon int                       `json:"due_soon"`
	Items   []recommendationClockJSON `json:"items"`
}

func (a *API) listFrameworks(w http.ResponseWriter, r *http.Request) (int, any, error) {
	fs, err := a.svc.Frameworks(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, itemsJSON[nrm.Framework]{Items: fs}, nil
}

func (a *API) createAssessment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.CountryAssessmentInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	x, err := a.svc.CreateAssessment(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", "/api/v1/assessments/"+x.ID)
	return http.StatusCreated, toCountryAssessmentJSON(x), nil
}

func (a *API) listAssessments(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	xs, err := a.svc.Assessments(r.Context(), service.AssessmentQuery{Framework: q.Get("framework"), Country: q.Get("country")})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items(xs, toCountryAssessmentItemJSON), nil
}

func (a *API) getAssessment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	x, err := a.svc.Assessment(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCountryAssessmentJSON(x), nil
}

func (a *API) compareAssessments(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	c, err := a.svc.CompareAssessments(r.Context(), service.CompareInput{Framework: q.Get("framework"), Countries: q.Get("countries"), Country: q.Get("country")})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toComparisonJSON(c), nil
}

func (a *API) scoreBenchmark(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.BenchmarkScoreInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	s, err := a.svc.ScoreBenchmark(r.Context(), r.PathValue("id"), r.PathValue("benchmark_id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toBenchmarkScoreJSON(s), nil
}

func (a *API) setFindings(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.FindingsInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	x, err := a.svc.SetFindings(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCountryAssessmentJSON(x), nil
}

func (a *API) publishAssessment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in struct{}
	if err := decodeOptional(r, &in); err != nil {
		return 0, nil, err
	}
	x, err := a.svc.PublishAssessment(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCountryAssessmentJSON(x), nil
}

func (a *API) addRecommendation(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.RecommendationInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	rec, err := a.svc.AddRecommendation(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toRecommendationJSON(rec), nil
}

func (a *API) addProgress(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ProgressInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	p, rec, err := a.svc.AddProgress(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	out := toProgressJSON(p)
	out.RecommendationStatus = rec.Status
	return http.StatusCreated, out, nil
}

func (a *API) recommendationClocks(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := a.svc.RecommendationClocks(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := recommendationClocksJSON{Today: b.Today.String(), Overdue: b.Overdue, DueSoon: b.DueSoon, Items: []recommendationClockJSON{}}
	for _, it := range b.Items {
		out.Items = append(out.Items, recommendationClockJSON{ID: it.ID, AssessmentID: it.AssessmentID, BenchmarkID: it.BenchmarkID,
			Country: it.Country, Framework: it.Framework, Text: it.Text, Addressee: it.Addressee, Due: it.Due.String(),
			Status: it.Status, Overdue: it.Due.Before(b.Today)})
	}
	return http.StatusOK, out, nil
}
