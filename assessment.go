package nrm

import (
	"slices"
	"strings"
	"time"
)

// NRM country assessments (CONTRACT.md, "NRM country assessments"): a
// team evaluates a country's identification, protection and access to
// justice, its media coverage and its law against the benchmarks of a
// framework, scores each benchmark 0 to 3 with evidence, writes findings
// and recommendations, and follows the recommendations for years. Nothing
// here is about a victim: the records name a country, a period and the
// professionals of the team, never a person the mechanism assists.

// Framework is a set of benchmarks grouped by area. Frameworks are data:
// the built-in "odihr-nrm" and any file in DATA/frameworks (package framework).
type Framework struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Description string          `json:"description,omitempty"`
	Scale       []ScaleLevel    `json:"scale"`
	Areas       []FrameworkArea `json:"areas"`
}

// ScaleLevel says what one score means.
type ScaleLevel struct {
	Score   int    `json:"score"`
	Label   string `json:"label"`
	Meaning string `json:"meaning"`
}

// FrameworkArea is one area of a framework (identification, safe return...).
type FrameworkArea struct {
	ID         string      `json:"id"`
	Title      string      `json:"title"`
	Benchmarks []Benchmark `json:"benchmarks"`
}

// Benchmark is one standard a country is measured against, with the
// instrument it comes from (an article of CETS 197, a chapter of the OSCE
// Action Plan, a standard of the ODIHR NRM handbook) and the questions
// that guide the team.
type Benchmark struct {
	ID        string   `json:"id"`
	Text      string   `json:"text"`
	Source    string   `json:"source"`
	Questions []string `json:"questions"`
}

// Score bounds: every benchmark is scored 0 (not in place) to 3 (fully in place).
const (
	MinScore = 0
	MaxScore = 3
)

// Benchmark finds a benchmark of the framework and its area.
func (f Framework) Benchmark(id string) (Benchmark, FrameworkArea, bool) {
	for _, a := range f.Areas {
		for _, b := range a.Benchmarks {
			if b.ID == id {
				return b, a, true
			}
		}
	}
	return Benchmark{}, FrameworkArea{}, false
}

// ScaleLabel names a score in the framework's words.
func (f Framework) ScaleLabel(score int) string {
	for _, l := range f.Scale {
		if l.Score == score {
			return l.Label
		}
	}
	return ""
}

// Assessment statuses: a draft is the team's; a published assessment is
// everyone's, and its scores and findings are final.
const (
	AssessmentDraft     = "draft"
	AssessmentPublished = "published"
)

// Recommendation statuses, as progress records them.
const (
	RecNotStarted  = "not-started"
	RecInProgress  = "in-progress"
	RecImplemented = "implemented"
	RecDropped     = "dropped"
)

// RecommendationStatuses are the statuses of progress, in order.
var RecommendationStatuses = []string{RecNotStarted, RecInProgress, RecImplemented, RecDropped}

// RecommendationOpen tells whether a recommendation's clock still runs.
func RecommendationOpen(status string) bool { return status != RecImplemented && status != RecDropped }

// AssessmentTeamKinds are the kinds of organisation whose analysts and
// co-ordinators form assessment teams (policy.go).
var AssessmentTeamKinds = []OrgKind{KindCoordinator, KindOmbudsman, KindInternational, KindTrialMonitor}

// PeriodInput is an assessed period as given.
type PeriodInput struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Period is the span of time an assessment covers.
type Period struct{ From, To Date }

// CountryAssessmentInput is a new assessment as given.
type CountryAssessmentInput struct {
	Framework string      `json:"framework"`
	Country   string      `json:"country"`
	Period    PeriodInput `json:"period"`
	Team      []string    `json:"team"`
}

// CountryAssessment is one assessment of a country over a period. Team
// holds the names of professionals: never written to a log or an audit entry.
type CountryAssessment struct {
	ID          string
	Framework   string
	Country     string
	Period      Period
	Team        []string
	Findings    string
	Status      string
	PublishedOn Date
	OrgID       string // the team's organisation, which edits it
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int64

	Scores          []BenchmarkScore
	Recommendations []Recommendation
}

// Score returns the assessment's score of a benchmark, if given.
func (a CountryAssessment) Score(benchmarkID string) (BenchmarkScore, bool) {
	for _, s := range a.Scores {
		if s.BenchmarkID == benchmarkID {
			return s, true
		}
	}
	return BenchmarkScore{}, false
}

// Validate checks a new assessment against the frameworks known.
func (in CountryAssessmentInput) Validate(frameworks []Framework) (CountryAssessment, error) {
	var a CountryAssessment
	var err error
	a.Framework = strings.TrimSpace(in.Framework)
	if a.Framework == "" {
		return a, Invalid("framework", "a framework is required")
	}
	if !slices.ContainsFunc(frameworks, func(f Framework) bool { return f.ID == a.Framework }) {
		return a, Invalid("framework", "unknown framework %q", a.Framework)
	}
	if a.Country, err = ParseCountry("country", in.Country, false); err != nil {
		return a, err
	}
	if a.Period, err = in.Period.Validate("period"); err != nil {
		return a, err
	}
	if len(in.Team) == 0 {
		return a, Invalid("team", "name at least one member of the team")
	}
	if len(in.Team) > 30 {
		return a, Invalid("team", "at most 30 members")
	}
	for _, m := range in.Team {
		m, err := Text("team", m, 200)
		if err != nil {
			return a, err
		}
		if m == "" || strings.ContainsAny(m, "\n\t") {
			return a, Invalid("team", "each member is a name on one line")
		}
		if !slices.Contains(a.Team, m) {
			a.Team = append(a.Team, m)
		}
	}
	return a, nil
}

// Validate checks a period: both dates, the end not before the start.
func (in PeriodInput) Validate(field string) (Period, error) {
	var p Period
	var err error
	if strings.TrimSpace(in.From) == "" {
		return p, Invalid(field+".from", "the first day of the period is required")
	}
	if p.From, err = ParseDate(field+".from", in.From); err != nil {
		return p, err
	}
	if strings.TrimSpace(in.To) == "" {
		return p, Invalid(field+".to", "the last day of the period is required")
	}
	if p.To, err = ParseDate(field+".to", in.To); err != nil {
		return p, err
	}
	if p.To.Before(p.From) {
		return p, Invalid(field+".to", "before the start of the period (%s)", p.From)
	}
	return p, nil
}

// BenchmarkScoreInput is a benchmark's score as given.
type BenchmarkScoreInput struct {
	Score    *int     `json:"score"`
	Evidence string   `json:"evidence"`
	Sources  []string `json:"sources"`
}

// BenchmarkScore is a team's score of one benchmark, with its evidence.
type BenchmarkScore struct {
	AssessmentID string
	BenchmarkID  string
	Score        int
	Evidence     string
	Sources      []string
	ScoredBy     string
	ScoredAt     time.Time
}

// Validate checks a score against the assessment's framework.
func (in BenchmarkScoreInput) Validate(f Framework, benchmarkID string) (BenchmarkScore, error) {
	s := BenchmarkScore{BenchmarkID: benchmarkID}
	var err error
	if _, _, ok := f.Benchmark(benchmarkID); !ok {
		return s, Invalid("benchmark_id", "framework %s has no benchmark %q", f.ID, benchmarkID)
	}
	if in.Score == nil {
		return s, Invalid("score", "a score from %d to %d is required", MinScore, MaxScore)
	}
	if *in.Score < MinScore || *in.Score > MaxScore {
		return s, Invalid("score", "from %d to %d, not %d", MinScore, MaxScore, *in.Score)
	}
	s.Score = *in.Score
	if s.Evidence, err = Text("evidence", in.Evidence, 10000); err != nil {
		return s, err
	}
	if s.Evidence == "" {
		return s, Invalid("evidence", "say what the score rests on")
	}
	if len(in.Sources) > 50 {
		return s, Invalid("sources", "at most 50 sources")
	}
	s.Sources = []string{}
	for _, src := range in.Sources {
		src, err := Text("sources", src, 500)
		if err != nil {
			return s, err
		}
		if src != "" && !slices.Contains(s.Sources, src) {
			s.Sources = append(s.Sources, src)
		}
	}
	return s, nil
}

// FindingsInput is an assessment's findings as given.
type FindingsInput struct {
	Findings string `json:"findings"`
}

// RecommendationInput is a recommendation as given.
type RecommendationInput struct {
	BenchmarkID string `json:"benchmark_id"`
	Text        string `json:"text"`
	Addressee   string `json:"addressee"`
	Due         string `json:"due"`
}

// Recommendation is what an assessment asks of an addressee by a due date:
// a clock on the dashboards of the team's organisation until it is
// implemented or dropped.
type Recommendation struct {
	ID           string
	AssessmentID string
	BenchmarkID  string
	Text         string
	Addressee    string
	Due          Date
	MadeOn       Date
	Status       string
	StatusOn     Date
	OrgID        string
	CreatedBy    string
	CreatedAt    time.Time
	Version      int64
	Progress     []RecommendationProgress
}

// Validate checks a recommendation of an assessment.
func (in RecommendationInput) Validate(f Framework, a CountryAssessment) (Recommendation, error) {
	var r Recommendation
	var err error
	r.BenchmarkID = strings.TrimSpace(in.BenchmarkID)
	if r.BenchmarkID == "" {
		return r, Invalid("benchmark_id", "the benchmark the recommendation answers is required")
	}
	if _, _, ok := f.Benchmark(r.BenchmarkID); !ok {
		return r, Invalid("benchmark_id", "framework %s has no benchmark %q", f.ID, r.BenchmarkID)
	}
	if r.Text, err = Text("text", in.Text, 4000); err != nil {
		return r, err
	}
	if r.Text == "" {
		return r, Invalid("text", "the recommendation is required")
	}
	if r.Addressee, err = Text("addressee", in.Addressee, 300); err != nil {
		return r, err
	}
	if r.Addressee == "" {
		return r, Invalid("addressee", "name who the recommendation is addressed to")
	}
	if strings.TrimSpace(in.Due) == "" {
		return r, Invalid("due", "a due date is required")
	}
	if r.Due, err = ParseDate("due", in.Due); err != nil {
		return r, err
	}
	if r.Due.Before(a.Period.To) {
		return r, Invalid("due", "before the end of the assessed period (%s)", a.Period.To)
	}
	return r, nil
}

// ProgressInput is progress on a recommendation as given.
type ProgressInput struct {
	Date   string `json:"date"`
	Status string `json:"status"`
	Note   string `json:"note"`
}

// RecommendationProgress is one step of a recommendation's follow-up.
type RecommendationProgress struct {
	ID               string
	RecommendationID string
	Date             Date
	Status           string
	Note             string
	CreatedBy        string
	CreatedAt        time.Time
}

// Validate checks progress on a recommendation made on madeOn.
func (in ProgressInput) Validate(madeOn, today Date) (RecommendationProgress, error) {
	var p RecommendationProgress
	var err error
	if p.Date, err = PastDate("date", in.Date, today, true); err != nil {
		return p, err
	}
	if p.Date.Before(madeOn) {
		return p, Invalid("date", "before the recommendation was made (%s)", madeOn)
	}
	if p.Status, err = oneOf("status", in.Status, RecommendationStatuses); err != nil {
		return p, err
	}
	if p.Note, err = Text("note", in.Note, 4000); err != nil {
		return p, err
	}
	return p, nil
}

// LatestProgress is the progress that sets a recommendation's status: the
// latest by date, then by the order recorded.
func LatestProgress(ps []RecommendationProgress) (RecommendationProgress, bool) {
	if len(ps) == 0 {
		return RecommendationProgress{}, false
	}
	best := ps[0]
	for _, p := range ps[1:] {
		if p.Date.After(best.Date) || (p.Date == best.Date && !p.CreatedAt.Before(best.CreatedAt)) {
			best = p
		}
	}
	return best, true
}

// RecommendationDue is an open recommendation on a dashboard: its
// assessment's country and framework, never anything of a case.
type RecommendationDue struct {
	Recommendation
	Country   string
	Framework string
}

// AssessmentFilter narrows a list of assessments: the published ones, and
// the drafts of the organisation DraftsOf; empty fields do not filter.
type AssessmentFilter struct {
	DraftsOf  string
	Framework string
	Countries []string
	Limit     int
}
