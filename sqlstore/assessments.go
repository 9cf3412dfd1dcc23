package sqlstore

import (
	"context"

	"github.com/nrmproject/nrm"
)

// NRM country assessments: rows only; the service decides who may write
// and read them. Updates of an assessment check its version, so a score
// saved while another process publishes is refused, never lost.

const countryAssessmentColumns = `id, framework, country, period_from, period_to, team, findings, status, published_on,
	org_id, created_by, created_at, updated_at, version`

func scanCountryAssessment(r scanner) (nrm.CountryAssessment, error) {
	var a nrm.CountryAssessment
	var from, to, team, published string
	var at, up int64
	err := r.Scan(&a.ID, &a.Framework, &a.Country, &from, &to, &team, &a.Findings, &a.Status, &published,
		&a.OrgID, &a.CreatedBy, &at, &up, &a.Version)
	a.Period = nrm.Period{From: date(from), To: date(to)}
	a.Team, a.PublishedOn, a.CreatedAt, a.UpdatedAt = fromJSONList(team), date(published), fromMicros(at), fromMicros(up)
	return a, err
}

// InsertCountryAssessment stores a new assessment; a second one of the
// same framework, country and period is a conflict.
func (tx *Tx) InsertCountryAssessment(ctx context.Context, a nrm.CountryAssessment) error {
	_, err := tx.exec(ctx, "INSERT INTO country_assessments ("+countryAssessmentColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		a.ID, a.Framework, a.Country, a.Period.From.String(), a.Period.To.String(), jsonList(a.Team), a.Findings, a.Status,
		a.PublishedOn.String(), a.OrgID, a.CreatedBy, micros(a.CreatedAt), micros(a.UpdatedAt), a.Version)
	if err != nil && isUniqueViolation(err) {
		return nrm.Conflict("%s has an assessment of %s for this period already", a.Country, a.Framework)
	}
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// CountryAssessment loads one assessment, without its scores.
func (tx *Tx) CountryAssessment(ctx context.Context, id string) (nrm.CountryAssessment, error) {
	return one(tx.queryRow(ctx, "SELECT "+countryAssessmentColumns+" FROM country_assessments WHERE id = ?", id), scanCountryAssessment, "assessment")
}

// CountryAssessments lists the published assessments and the drafts of
// f.DraftsOf, the latest period first.
func (tx *Tx) CountryAssessments(ctx context.Context, f nrm.AssessmentFilter) ([]nrm.CountryAssessment, error) {
	q := "SELECT " + countryAssessmentColumns + " FROM country_assessments WHERE (status = 'published' OR org_id = ?)"
	args := []any{f.DraftsOf}
	if f.Framework != "" {
		q += " AND framework = ?"
		args = append(args, f.Framework)
	}
	if len(f.Countries) > 0 {
		q += " AND country IN (" + placeholders(len(f.Countries)) + ")"
		for _, c := range f.Countries {
			args = append(args, c)
		}
	}
	q += " ORDER BY period_to DESC, period_from DESC, created_at DESC, id"
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q += " LIMIT ?"
	args = append(args, limit)
	return collect(tx, ctx, scanCountryAssessment, q, args...)
}

// UpdateCountryAssessment saves findings, status and publication date if
// the assessment is still at the version read; it bumps the version (a
// score saved bumps it too, so publishing and scoring never cross).
func (tx *Tx) UpdateCountryAssessment(ctx context.Context, a nrm.CountryAssessment) error {
	return updated(tx.exec(ctx, `UPDATE country_assessments SET findings = ?, status = ?, published_on = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ?`, a.Findings, a.Status, a.PublishedOn.String(), micros(a.UpdatedAt), a.ID, a.Version))
}

// UpsertBenchmarkScore saves (or replaces) an assessment's score of a benchmark.
func (tx *Tx) UpsertBenchmarkScore(ctx context.Context, s nrm.BenchmarkScore) error {
	return tx.execErr(ctx, `INSERT INTO assessment_scores (assessment_id, benchmark_id, score, evidence, sources, scored_by, scored_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (assessment_id, benchmark_id) DO UPDATE SET score = excluded.score, evidence = excluded.evidence,
		sources = excluded.sources, scored_by = excluded.scored_by, scored_at = excluded.scored_at`,
		s.AssessmentID, s.BenchmarkID, s.Score, s.Evidence, jsonList(s.Sources), s.ScoredBy, micros(s.ScoredAt))
}

func scanScore(r scanner) (nrm.BenchmarkScore, error) {
	var s nrm.BenchmarkScore
	var sources string
	var at int64
	err := r.Scan(&s.AssessmentID, &s.BenchmarkID, &s.Score, &s.Evidence, &sources, &s.ScoredBy, &at)
	s.Sources, s.ScoredAt = fromJSONList(sources), fromMicros(at)
	if s.Sources == nil {
		s.Sources = []string{}
	}
	return s, err
}

// BenchmarkScores returns the scores of several assessments, by assessment.
func (tx *Tx) BenchmarkScores(ctx context.Context, assessmentIDs []string) (map[string][]nrm.BenchmarkScore, error) {
	out := map[string][]nrm.BenchmarkScore{}
	for start := 0; start < len(assessmentIDs); start += 200 {
		ids := assessmentIDs[start:min(start+200, len(assessmentIDs))]
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		got, err := collect(tx, ctx, scanScore, `SELECT assessment_id, benchmark_id, score, evidence, sources, scored_by, scored_at
			FROM assessment_scores WHERE assessment_id IN (`+placeholders(len(ids))+`) ORDER BY assessment_id, benchmark_id`, args...)
		if err != nil {
			return nil, err
		}
		for _, s := range got {
			out[s.AssessmentID] = append(out[s.AssessmentID], s)
		}
	}
	return out, nil
}

// Recommendations.

const recommendationColumns = `id, assessment_id, benchmark_id, text, addressee, due, made_on, status, status_on, org_id,
	created_by, created_at, version`

func scanRecommendation(r scanner) (nrm.Recommendation, error) {
	var x nrm.Recommendation
	var due, made, statusOn string
	var at int64
	err := r.Scan(&x.ID, &x.AssessmentID, &x.BenchmarkID, &x.Text, &x.Addressee, &due, &made, &x.Status, &statusOn, &x.OrgID,
		&x.CreatedBy, &at, &x.Version)
	x.Due, x.MadeOn, x.StatusOn, x.CreatedAt = date(due), date(made), date(statusOn), fromMicros(at)
	return x, err
}

func (tx *Tx) InsertRecommendation(ctx context.Context, x nrm.Recommendation) error {
	return tx.execErr(ctx, "INSERT INTO assessment_recommendations ("+recommendationColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		x.ID, x.AssessmentID, x.BenchmarkID, x.Text, x.Addressee, x.Due.String(), x.MadeOn.String(), x.Status, x.StatusOn.String(),
		x.OrgID, x.CreatedBy, micros(x.CreatedAt), x.Version)
}

// Recommendation loads one recommendation, without its progress.
func (tx *Tx) Recommendation(ctx context.Context, id string) (nrm.Recommendation, error) {
	return one(tx.queryRow(ctx, "SELECT "+recommendationColumns+" FROM assessment_recommendations WHERE id = ?", id),
		scanRecommendation, "recommendation")
}

// Recommendations lists an assessment's recommendations, oldest first.
func (tx *Tx) Recommendations(ctx context.Context, assessmentID string) ([]nrm.Recommendation, error) {
	return collect(tx, ctx, scanRecommendation, "SELECT "+recommendationColumns+
		" FROM assessment_recommendations WHERE assessment_id = ? ORDER BY created_at, id", assessmentID)
}

// SetRecommendationStatus records the status progress set, if the
// recommendation is still at the version read.
func (tx *Tx) SetRecommendationStatus(ctx context.Context, id, status string, on nrm.Date, version int64) error {
	return updated(tx.exec(ctx, "UPDATE assessment_recommendations SET status = ?, status_on = ?, version = version + 1 WHERE id = ? AND version = ?",
		status, on.String(), id, version))
}

const progressColumns = `id, recommendation_id, on_date, status, note, created_by, created_at`

func scanProgress(r scanner) (nrm.RecommendationProgress, error) {
	var p nrm.RecommendationProgress
	var on string
	var at int64
	err := r.Scan(&p.ID, &p.RecommendationID, &on, &p.Status, &p.Note, &p.CreatedBy, &at)
	p.Date, p.CreatedAt = date(on), fromMicros(at)
	return p, err
}

func (tx *Tx) InsertRecommendationProgress(ctx context.Context, p nrm.RecommendationProgress) error {
	return tx.execErr(ctx, "INSERT INTO recommendation_progress ("+progressColumns+") VALUES (?, ?, ?, ?, ?, ?, ?)",
		p.ID, p.RecommendationID, p.Date.String(), p.Status, p.Note, p.CreatedBy, micros(p.CreatedAt))
}

// ProgressOf lists the progress of an assessment's recommendations, by
// recommendation, in the order of its dates.
func (tx *Tx) ProgressOf(ctx context.Context, assessmentID string) (map[string][]nrm.RecommendationProgress, error) {
	got, err := collect(tx, ctx, scanProgress, `SELECT p.id, p.recommendation_id, p.on_date, p.status, p.note, p.created_by, p.created_at
		FROM recommendation_progress p JOIN assessment_recommendations r ON r.id = p.recommendation_id
		WHERE r.assessment_id = ? ORDER BY p.on_date, p.created_at, p.id`, assessmentID)
	if err != nil {
		return nil, err
	}
	out := map[string][]nrm.RecommendationProgress{}
	for _, p := range got {
		out[p.RecommendationID] = append(out[p.RecommendationID], p)
	}
	return out, nil
}

// OpenRecommendations lists an organisation's recommendations still open,
// soonest due first, with their assessment's country and framework.
func (tx *Tx) OpenRecommendations(ctx context.Context, orgID string, limit int) ([]nrm.RecommendationDue, error) {
	cols := "r.id, r.assessment_id, r.benchmark_id, r.text, r.addressee, r.due, r.made_on, r.status, r.status_on, r.org_id, r.created_by, r.created_at, r.version"
	return collect(tx, ctx, func(s scanner) (nrm.RecommendationDue, error) {
		var d nrm.RecommendationDue
		rec, err := scanRecommendation(scannerWithTail{s, []any{&d.Country, &d.Framework}})
		d.Recommendation = rec
		return d, err
	}, "SELECT "+cols+", a.country, a.framework FROM assessment_recommendations r JOIN country_assessments a ON a.id = r.assessment_id"+
		" WHERE r.org_id = ? AND r.status IN ('not-started', 'in-progress') ORDER BY r.due, r.created_at, r.id LIMIT ?", orgID, limit)
}

// scannerWithTail scans a row whose last columns go to tail.
type scannerWithTail struct {
	s    scanner
	tail []any
}

func (s scannerWithTail) Scan(dest ...any) error { return s.s.Scan(append(dest, s.tail...)...) }
