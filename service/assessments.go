package service

// NRM country assessments (CONTRACT.md, "NRM country assessments"):
// frameworks, assessments, scores, findings, recommendations and their
// progress, and the comparison of countries and periods. A team (an
// analyst or co-ordinator of a co-ordinator, ombudsman, international or
// trial-monitoring organisation) writes; only its own organisation edits
// an assessment it made. A draft is the team's; once published, an
// assessment is every signed-in user's to read and its scores and findings
// are final, while recommendations and their progress go on for years.
// Nothing here touches a case. Team members' names are professionals'
// data: they never go to a log or an audit entry.

import (
	"context"
	"fmt"
	"strings"

	"github.com/nrmproject/nrm"
)

// AssessmentStore is what assessments ask of a transaction (sqlstore/assessments.go).
type AssessmentStore interface {
	InsertCountryAssessment(ctx context.Context, a nrm.CountryAssessment) error
	CountryAssessment(ctx context.Context, id string) (nrm.CountryAssessment, error)
	CountryAssessments(ctx context.Context, f nrm.AssessmentFilter) ([]nrm.CountryAssessment, error)
	UpdateCountryAssessment(ctx context.Context, a nrm.CountryAssessment) error
	UpsertBenchmarkScore(ctx context.Context, s nrm.BenchmarkScore) error
	BenchmarkScores(ctx context.Context, assessmentIDs []string) (map[string][]nrm.BenchmarkScore, error)
	InsertRecommendation(ctx context.Context, r nrm.Recommendation) error
	Recommendation(ctx context.Context, id string) (nrm.Recommendation, error)
	Recommendations(ctx context.Context, assessmentID string) ([]nrm.Recommendation, error)
	SetRecommendationStatus(ctx context.Context, id, status string, on nrm.Date, version int64) error
	InsertRecommendationProgress(ctx context.Context, p nrm.RecommendationProgress) error
	ProgressOf(ctx context.Context, assessmentID string) (map[string][]nrm.RecommendationProgress, error)
	OpenRecommendations(ctx context.Context, orgID string, limit int) ([]nrm.RecommendationDue, error)
}

// Frameworks lists the assessment frameworks.
func (s *Service) Frameworks(ctx context.Context) ([]nrm.Framework, error) {
	if _, err := s.allow(ctx, nrm.ActAssessmentRead); err != nil {
		return nil, err
	}
	if err := s.recordRead(ctx, s.entry(ctx, "assessment.frameworks", "frameworks", outcomeOK, "")); err != nil {
		return nil, err
	}
	return s.cfg.Frameworks, nil
}

// framework finds a framework by id.
func (s *Service) framework(id string) (nrm.Framework, bool) {
	for _, f := range s.cfg.Frameworks {
		if f.ID == id {
			return f, true
		}
	}
	return nrm.Framework{}, false
}

// MayEditAssessment tells whether the actor edits an assessment: a team
// member of the organisation that made it.
func MayEditAssessment(a nrm.Actor, x nrm.CountryAssessment) bool {
	return nrm.Can(a, nrm.ActAssessmentWrite, nrm.Access{}) && x.OrgID == a.OrgID
}

// visible: a published assessment is everyone's; a draft, its team's.
func visible(a nrm.Actor, x nrm.CountryAssessment) bool {
	return x.Status == nrm.AssessmentPublished || MayEditAssessment(a, x)
}

// draftsOf is the organisation whose drafts the actor may see ("" for none).
func draftsOf(a nrm.Actor) string {
	if nrm.Can(a, nrm.ActAssessmentWrite, nrm.Access{}) {
		return a.OrgID
	}
	return ""
}

// CreateAssessment starts a draft assessment for the actor's organisation.
func (s *Service) CreateAssessment(ctx context.Context, in nrm.CountryAssessmentInput) (nrm.CountryAssessment, error) {
	a, err := s.allow(ctx, nrm.ActAssessmentWrite)
	if err != nil {
		return nrm.CountryAssessment{}, err
	}
	x, err := in.Validate(s.cfg.Frameworks)
	if err != nil {
		return x, err
	}
	err = s.write(ctx, func(tx Tx) error {
		x.ID, x.Status, x.OrgID, x.CreatedBy, x.Version = nrm.NewID(), nrm.AssessmentDraft, a.OrgID, a.UserID, 1
		x.CreatedAt, x.UpdatedAt = tx.Time(), tx.Time()
		if err := tx.InsertCountryAssessment(ctx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "assessment.create", "assessment/"+x.ID, outcomeOK, assessmentDetail(x)))
	})
	return x, err
}

// assessmentDetail describes an assessment for the audit log: never its team.
func assessmentDetail(x nrm.CountryAssessment) string {
	return fmt.Sprintf("%s %s %s..%s", x.Framework, x.Country, x.Period.From, x.Period.To)
}

// loadAssessment reads one assessment the actor may see, with its scores,
// recommendations and their progress.
func (s *Service) loadAssessment(ctx context.Context, tx Tx, a nrm.Actor, id string) (nrm.CountryAssessment, error) {
	if !nrm.ValidID(id) {
		return nrm.CountryAssessment{}, nrm.NotFound("assessment")
	}
	x, err := tx.CountryAssessment(ctx, id)
	if err != nil {
		return x, err
	}
	if !visible(a, x) {
		return x, s.deny(ctx, a, nrm.ActAssessmentRead, "assessment/"+id, nrm.NotFound("assessment"))
	}
	scores, err := tx.BenchmarkScores(ctx, []string{id})
	if err != nil {
		return x, err
	}
	x.Scores = scores[id]
	if x.Recommendations, err = tx.Recommendations(ctx, id); err != nil {
		return x, err
	}
	progress, err := tx.ProgressOf(ctx, id)
	if err != nil {
		return x, err
	}
	for i := range x.Recommendations {
		x.Recommendations[i].Progress = progress[x.Recommendations[i].ID]
	}
	return x, nil
}

// Assessment reads one assessment.
func (s *Service) Assessment(ctx context.Context, id string) (nrm.CountryAssessment, error) {
	a, err := s.allow(ctx, nrm.ActAssessmentRead)
	if err != nil {
		return nrm.CountryAssessment{}, err
	}
	var x nrm.CountryAssessment
	err = s.read(ctx, func(tx Tx) error {
		x, err = s.loadAssessment(ctx, tx, a, id)
		return err
	})
	if err != nil {
		return x, err
	}
	return x, s.recordRead(ctx, s.entry(ctx, "assessment.read", "assessment/"+id, outcomeOK, ""))
}

// AssessmentQuery narrows the list of assessments.
type AssessmentQuery struct {
	Framework, Country string
}

// Assessments lists the assessments the actor may see (published ones,
// and the drafts of the actor's team), the latest period first, without
// their scores.
func (s *Service) Assessments(ctx context.Context, q AssessmentQuery) ([]nrm.CountryAssessment, error) {
	a, err := s.allow(ctx, nrm.ActAssessmentRead)
	if err != nil {
		return nil, err
	}
	f := nrm.AssessmentFilter{DraftsOf: draftsOf(a), Framework: strings.TrimSpace(q.Framework)}
	if f.Framework != "" {
		if _, ok := s.framework(f.Framework); !ok {
			return nil, nrm.Invalid("framework", "unknown framework %q", f.Framework)
		}
	}
	if strings.TrimSpace(q.Country) != "" {
		cc, err := nrm.ParseCountry("country", q.Country, false)
		if err != nil {
			return nil, err
		}
		f.Countries = []string{cc}
	}
	var out []nrm.CountryAssessment
	err = s.read(ctx, func(tx Tx) error {
		out, err = tx.CountryAssessments(ctx, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.recordRead(ctx, s.entry(ctx, "assessment.list", "assessments", outcomeOK, fmt.Sprintf("%d", len(out))))
}

// editAssessment opens an assessment for a write by its team: 404 for an
// assessment the actor may not see, 403 for a published one of another
// team, 409 when a change of scores or findings comes after publication.
func (s *Service) editAssessment(ctx context.Context, tx Tx, a nrm.Actor, id string, draftOnly bool) (nrm.CountryAssessment, nrm.Framework, error) {
	x, err := s.loadAssessment(ctx, tx, a, id)
	if err != nil {
		return x, nrm.Framework{}, err
	}
	if !MayEditAssessment(a, x) {
		return x, nrm.Framework{}, s.deny(ctx, a, nrm.ActAssessmentWrite, "assessment/"+id,
			nrm.Forbidden("only the team's organisation edits this assessment"))
	}
	if draftOnly && x.Status == nrm.AssessmentPublished {
		return x, nrm.Framework{}, nrm.Conflict("the assessment is published: its scores and findings are final")
	}
	f, ok := s.framework(x.Framework)
	if !ok {
		return x, f, nrm.Conflict("the framework %s of this assessment is no longer loaded", x.Framework)
	}
	return x, f, nil
}

// ScoreBenchmark saves the team's score of one benchmark of a draft.
func (s *Service) ScoreBenchmark(ctx context.Context, id, benchmarkID string, in nrm.BenchmarkScoreInput) (nrm.BenchmarkScore, error) {
	a, err := s.allow(ctx, nrm.ActAssessmentWrite)
	if err != nil {
		return nrm.BenchmarkScore{}, err
	}
	var sc nrm.BenchmarkScore
	err = s.write(ctx, func(tx Tx) error {
		x, f, err := s.editAssessment(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		if sc, err = in.Validate(f, benchmarkID); err != nil {
			return err
		}
		sc.AssessmentID, sc.ScoredBy, sc.ScoredAt = id, a.UserID, tx.Time()
		x.UpdatedAt = tx.Time()
		if err := tx.UpdateCountryAssessment(ctx, x); err != nil {
			return err
		}
		if err := tx.UpsertBenchmarkScore(ctx, sc); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "assessment.score", "assessment/"+id, outcomeOK, fmt.Sprintf("%s %d", sc.BenchmarkID, sc.Score)))
	})
	return sc, err
}

// SetFindings saves the findings of a draft.
func (s *Service) SetFindings(ctx context.Context, id string, in nrm.FindingsInput) (nrm.CountryAssessment, error) {
	a, err := s.allow(ctx, nrm.ActAssessmentWrite)
	if err != nil {
		return nrm.CountryAssessment{}, err
	}
	findings, err := nrm.Text("findings", in.Findings, 50000)
	if err != nil {
		return nrm.CountryAssessment{}, err
	}
	var x nrm.CountryAssessment
	err = s.write(ctx, func(tx Tx) error {
		if x, _, err = s.editAssessment(ctx, tx, a, id, true); err != nil {
			return err
		}
		x.Findings, x.UpdatedAt = findings, tx.Time()
		if err := tx.UpdateCountryAssessment(ctx, x); err != nil {
			return err
		}
		x.Version++
		return s.record(ctx, tx, s.entry(ctx, "assessment.findings", "assessment/"+id, outcomeOK, ""))
	})
	return x, err
}

// PublishAssessment makes a draft every signed-in user's to read. It needs
// findings and at least one score: a summary of nothing is not published.
func (s *Service) PublishAssessment(ctx context.Context, id string) (nrm.CountryAssessment, error) {
	a, err := s.allow(ctx, nrm.ActAssessmentWrite)
	if err != nil {
		return nrm.CountryAssessment{}, err
	}
	var x nrm.CountryAssessment
	err = s.write(ctx, func(tx Tx) error {
		if x, _, err = s.editAssessment(ctx, tx, a, id, true); err != nil {
			return err
		}
		if x.Findings == "" {
			return nrm.Conflict("write the findings before publishing")
		}
		if len(x.Scores) == 0 {
			return nrm.Conflict("score at least one benchmark before publishing")
		}
		x.Status, x.PublishedOn, x.UpdatedAt = nrm.AssessmentPublished, nrm.DateOf(tx.Time()), tx.Time()
		if err := tx.UpdateCountryAssessment(ctx, x); err != nil {
			return err
		}
		x.Version++
		return s.record(ctx, tx, s.entry(ctx, "assessment.publish", "assessment/"+id, outcomeOK, assessmentDetail(x)))
	})
	return x, err
}

// AddRecommendation records a recommendation of an assessment; its due
// date is a clock on the dashboards of the team's organisation.
func (s *Service) AddRecommendation(ctx context.Context, id string, in nrm.RecommendationInput) (nrm.Recommendation, error) {
	a, err := s.allow(ctx, nrm.ActAssessmentWrite)
	if err != nil {
		return nrm.Recommendation{}, err
	}
	var r nrm.Recommendation
	err = s.write(ctx, func(tx Tx) error {
		x, f, err := s.editAssessment(ctx, tx, a, id, false)
		if err != nil {
			return err
		}
		if r, err = in.Validate(f, x); err != nil {
			return err
		}
		today := nrm.DateOf(tx.Time())
		r.ID, r.AssessmentID, r.MadeOn, r.Status, r.StatusOn = nrm.NewID(), id, today, nrm.RecNotStarted, today
		r.OrgID, r.CreatedBy, r.CreatedAt, r.Version = x.OrgID, a.UserID, tx.Time(), 1
		r.Progress = []nrm.RecommendationProgress{}
		if err := tx.InsertRecommendation(ctx, r); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "assessment.recommendation", "recommendation/"+r.ID, outcomeOK,
			fmt.Sprintf("assessment %s %s due %s", id, r.BenchmarkID, r.Due)))
	})
	return r, err
}

// AddProgress records progress on a recommendation; the latest progress
// by date sets its status, and an implemented or dropped recommendation's
// clock stops.
func (s *Service) AddProgress(ctx context.Context, recID string, in nrm.ProgressInput) (nrm.RecommendationProgress, nrm.Recommendation, error) {
	a, err := s.allow(ctx, nrm.ActAssessmentWrite)
	if err != nil {
		return nrm.RecommendationProgress{}, nrm.Recommendation{}, err
	}
	if !nrm.ValidID(recID) {
		return nrm.RecommendationProgress{}, nrm.Recommendation{}, nrm.NotFound("recommendation")
	}
	var p nrm.RecommendationProgress
	var r nrm.Recommendation
	err = s.write(ctx, func(tx Tx) error {
		if r, err = tx.Recommendation(ctx, recID); err != nil {
			return err
		}
		x, _, err := s.editAssessment(ctx, tx, a, r.AssessmentID, false)
		if err != nil {
			return err
		}
		if p, err = in.Validate(r.MadeOn, nrm.DateOf(tx.Time())); err != nil {
			return err
		}
		p.ID, p.RecommendationID, p.CreatedBy, p.CreatedAt = nrm.NewID(), recID, a.UserID, tx.Time()
		if err := tx.InsertRecommendationProgress(ctx, p); err != nil {
			return err
		}
		for _, rec := range x.Recommendations {
			if rec.ID == recID {
				r.Progress = append(rec.Progress, p)
			}
		}
		latest, _ := nrm.LatestProgress(r.Progress)
		if err := tx.SetRecommendationStatus(ctx, recID, latest.Status, latest.Date, r.Version); err != nil {
			return err
		}
		r.Status, r.StatusOn, r.Version = latest.Status, latest.Date, r.Version+1
		return s.record(ctx, tx, s.entry(ctx, "assessment.progress", "recommendation/"+recID, outcomeOK, p.Date.String()+" "+p.Status))
	})
	return p, r, err
}

// CompareInput asks for two or more countries side by side (Countries),
// or one country over time (Country).
type CompareInput struct {
	Framework, Countries, Country string
}

// CompareAssessments answers the comparison over the assessments the
// actor may see.
func (s *Service) CompareAssessments(ctx context.Context, in CompareInput) (nrm.Comparison, error) {
	a, err := s.allow(ctx, nrm.ActAssessmentRead)
	if err != nil {
		return nrm.Comparison{}, err
	}
	id := strings.TrimSpace(in.Framework)
	if id == "" {
		return nrm.Comparison{}, nrm.Invalid("framework", "a framework is required")
	}
	f, ok := s.framework(id)
	if !ok {
		return nrm.Comparison{}, nrm.Invalid("framework", "unknown framework %q", id)
	}
	countries, err := nrm.ParseCountries("countries", in.Countries)
	if err != nil {
		return nrm.Comparison{}, err
	}
	var country string
	switch {
	case strings.TrimSpace(in.Country) != "" && len(countries) > 0:
		return nrm.Comparison{}, nrm.Invalid("country", "ask for countries side by side or for one country over time, not both")
	case strings.TrimSpace(in.Country) != "":
		if country, err = nrm.ParseCountry("country", in.Country, false); err != nil {
			return nrm.Comparison{}, err
		}
		countries = []string{country}
	case len(countries) < 2:
		return nrm.Comparison{}, nrm.Invalid("countries", "two or more countries, separated by commas (or country for one over time)")
	}
	var as []nrm.CountryAssessment
	err = s.read(ctx, func(tx Tx) error {
		if as, err = tx.CountryAssessments(ctx, nrm.AssessmentFilter{DraftsOf: draftsOf(a), Framework: f.ID, Countries: countries}); err != nil {
			return err
		}
		ids := make([]string, len(as))
		for i, x := range as {
			ids[i] = x.ID
		}
		scores, err := tx.BenchmarkScores(ctx, ids)
		for i := range as {
			as[i].Scores = scores[as[i].ID]
		}
		return err
	})
	if err != nil {
		return nrm.Comparison{}, err
	}
	var c nrm.Comparison
	if country != "" {
		c = nrm.CompareOverTime(f, country, as)
	} else {
		c = nrm.CompareCountries(f, countries, as)
	}
	detail := f.ID + " " + strings.Join(countries, ",")
	if country != "" {
		detail += " over time"
	}
	return c, s.recordRead(ctx, s.entry(ctx, "assessment.compare", "frameworks/"+f.ID, outcomeOK, detail))
}

// RecommendationBoard is the clocks of the recommendations of a team's
// organisation: open ones, soonest due first. Nothing of a case.
type RecommendationBoard struct {
	Today            nrm.Date
	Overdue, DueSoon int // run out; still running
	Items            []nrm.RecommendationDue
}

// RecommendationClocks reads the open recommendations of the actor's
// organisation's assessments. A user outside an assessment team has none
// (an empty board, never an error: the dashboard shows it to every role).
func (s *Service) RecommendationClocks(ctx context.Context) (RecommendationBoard, error) {
	a, err := actor(ctx)
	if err != nil {
		return RecommendationBoard{}, err
	}
	b := RecommendationBoard{Today: s.Today()}
	if !nrm.Can(a, nrm.ActAssessmentWrite, nrm.Access{}) {
		return b, nil
	}
	err = s.read(ctx, func(tx Tx) error {
		b.Items, err = tx.OpenRecommendations(ctx, a.OrgID, 500)
		return err
	})
	if err != nil {
		return b, err
	}
	for _, it := range b.Items {
		if it.Due.Before(b.Today) {
			b.Overdue++
		} else {
			b.DueSoon++
		}
	}
	return b, s.recordRead(ctx, s.entry(ctx, "assessment.clocks", "recommendations", outcomeOK, fmt.Sprintf("%d", len(b.Items))))
}
