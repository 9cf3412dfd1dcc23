package service

// The yearly report (issue 11): a year's identifications, referrals,
// decisions and their timeliness against the profile's targets, support,
// returns and follow-ups, and compensation, by the usual dimensions, every
// figure through disclosure control (small-cell suppression with secondary
// suppression, service/disclosure.go). Each figure is counted by the store's
// one counting query over the cases projection (sqlstore/report.go): no
// sealed column is read and no person's key is needed.
//
// The report is a list of sections (reportSections); a later section, such
// as trial-monitoring findings, is one more entry there.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/jurisdiction"
)

// ReportStore is what the report asks of a transaction (sqlstore/report.go).
type ReportStore interface {
	YearFacts(ctx context.Context, measure string, year int) ([]nrm.StatFact, error)
	CrossTabFacts(ctx context.Context, facts []nrm.StatFact, by []string, split string) ([]nrm.RawCell, error)
	CompensationTotals(ctx context.Context, year int) ([]nrm.CompensationTotal, error)
}

// YearReport is the report of one year.
type YearReport struct {
	Year     int
	K        int
	Profile  string // the jurisdiction profile the targets come from
	Sections []ReportSection
}

// ReportSection is one part of the report.
type ReportSection struct {
	ID, Title string
	Intro     string
	IntroArgs []any // name, value pairs of Intro's placeholders; nrm.Phrase values are words to translate
	Tables    []ReportTable
	Money     []ReportMoney // compensation only
}

// ReportTable is one figure: counts by the category of a measure alone
// (Dim "") or with a dimension of the person. Withheld says why a table is
// not published (no suppression pattern protects its small cells).
type ReportTable struct {
	ID, Title string
	Dim       string
	Table     nrm.StatTable
	Withheld  string
}

// ReportMoney is a currency's compensation: counts through suppression, and
// each amount only where its count is published (an amount over a hidden
// count would tell what one person was awarded).
type ReportMoney struct {
	Currency                     string
	Claims, Awards, Payments     *int64
	Claimed, Awarded, Paid       string // decimal amounts, "" where suppressed
	ClaimedOK, AwardedOK, PaidOK bool
}

// ReportDims are the usual dimensions of the report's tables; the
// multi-valued ones count a person under each of their values.
var ReportDims = []string{"sex", "majority", "age_band", "exploitation_type", "citizenship"}

func splitOf(dim string) string {
	if dim == "exploitation_type" || dim == "citizenship" {
		return dim
	}
	return ""
}

// reportSection builds one section of the report.
type reportSection struct {
	id, title string
	build     func(rc *reportCtx, sec *ReportSection) error
}

// reportSections are the report's sections, in order. Add a section here.
var reportSections = []reportSection{
	{"identifications", "Identifications", buildIdentifications},
	{"referrals", "Referrals", buildReferrals},
	{"decisions", "Decisions", buildDecisions},
	{"timeliness", "Timeliness of decisions", buildTimeliness},
	{"support", "Support given", buildSupport},
	{"returns", "Returns and follow-ups", buildReturns},
	{"compensation", "Compensation", buildCompensation},
	{"trials", "Trial monitoring", buildTrials}, // report_trials.go
}

// ReportSectionIDs lists the sections' ids, in order.
func ReportSectionIDs() []string {
	var ids []string
	for _, s := range reportSections {
		ids = append(ids, s.id)
	}
	return ids
}

type reportCtx struct {
	ctx     context.Context
	tx      Tx
	year, k int
	profile jurisdiction.Profile
}

// YearReport builds the report of a year (YYYY) with suppression threshold
// k ("" for the default 10, never under 5), and audits it with the format
// it is drawn in.
func (s *Service) YearReport(ctx context.Context, year, k, format string) (YearReport, error) {
	if _, err := s.allowOperatorOr(ctx, nrm.ActStatsRead); err != nil {
		return YearReport{}, err
	}
	y, err := strconv.Atoi(strings.TrimSpace(year))
	if err != nil || y < 1990 || y > s.Today().Time().Year()+1 {
		return YearReport{}, nrm.Invalid("year", "a year from 1990 to %d, such as %d", s.Today().Time().Year()+1, s.Today().Time().Year())
	}
	q, err := nrm.ParseStatQuery(nrm.StatQueryInput{Dataset: nrm.CasesDataset, By: "year", Privacy: nrm.PrivacySuppress, K: k})
	if err != nil {
		return YearReport{}, err
	}
	r := YearReport{Year: y, K: q.K, Profile: s.cfg.Profile.Name}
	err = s.read(ctx, func(tx Tx) error {
		rc := &reportCtx{ctx: ctx, tx: tx, year: y, k: q.K, profile: s.cfg.Profile}
		for _, def := range reportSections {
			sec := ReportSection{ID: def.id, Title: def.title}
			if err := def.build(rc, &sec); err != nil {
				return err
			}
			r.Sections = append(r.Sections, sec)
		}
		return nil
	})
	if err != nil {
		return YearReport{}, err
	}
	if err := s.recordRead(ctx, s.entry(ctx, "report.generate", "report/"+strconv.Itoa(y), outcomeOK,
		fmt.Sprintf("%s k %d", format, q.K))); err != nil {
		return YearReport{}, err
	}
	return r, nil
}

// facts reads a measure's facts, each re-categorised by relabel when given.
func (rc *reportCtx) facts(measure string, relabel func(nrm.StatFact) string) ([]nrm.StatFact, error) {
	fs, err := rc.tx.YearFacts(rc.ctx, measure, rc.year)
	if err != nil {
		return nil, err
	}
	if relabel != nil {
		for i := range fs {
			fs[i].Value = relabel(fs[i])
		}
	}
	return fs, nil
}

// tables counts facts by their category, then by each dimension, each
// table through suppression.
func (rc *reportCtx) tables(sec *ReportSection, id, title string, facts []nrm.StatFact, dims ...string) error {
	if len(facts) == 0 {
		dims = nil // nothing of the year: the headline says so once
	}
	for _, dim := range append([]string{""}, dims...) {
		by := []string{nrm.FactColumn}
		if dim != "" {
			by = append(by, dim)
		}
		split := splitOf(dim)
		raw, err := rc.tx.CrossTabFacts(rc.ctx, facts, by, split)
		if err != nil {
			return err
		}
		sortCells(raw)
		q := nrm.StatQuery{Dataset: nrm.CasesDataset, By: by, Split: split, Privacy: nrm.PrivacySuppress, K: rc.k}
		t := ReportTable{ID: id, Title: title, Dim: dim}
		if dim != "" {
			t.ID += "-by-" + strings.ReplaceAll(dim, "_", "-")
		}
		t.Table, err = release(q, raw)
		if nrm.ErrorCode(err) == nrm.CodeInvalid {
			t.Table.Cells, t.Table.Total = nil, nil
			t.Withheld = "Not published: its small counts could be worked out from totals published elsewhere, whatever is hidden."
		} else if err != nil {
			return err
		}
		sec.Tables = append(sec.Tables, t)
	}
	return nil
}

func buildIdentifications(rc *reportCtx, sec *ReportSection) error {
	sec.Intro = "Possible victims met in the year: cases registered, and anonymous notifications of adults who did not consent to a referral."
	fs, err := rc.facts(nrm.MeasureRegistered, nil)
	if err != nil {
		return err
	}
	return rc.tables(sec, "identifications", "Cases and notifications", fs, ReportDims...)
}

func buildReferrals(rc *reportCtx, sec *ReportSection) error {
	sec.Intro = "Referrals made in the year, by the kind of organisation referred to."
	fs, err := rc.facts(nrm.MeasureReferrals, nil)
	if err != nil {
		return err
	}
	return rc.tables(sec, "referrals", "Referrals", fs, "sex", "majority", "exploitation_type", "citizenship")
}

func buildDecisions(rc *reportCtx, sec *ReportSection) error {
	sec.Intro = "Decisions taken in the year, by outcome."
	for _, m := range []struct{ measure, id, title string }{
		{nrm.MeasureRG, "reasonable-grounds", "Reasonable-grounds decisions"},
		{nrm.MeasureCG, "conclusive-grounds", "Conclusive-grounds decisions"},
	} {
		fs, err := rc.facts(m.measure, nil)
		if err != nil {
			return err
		}
		if err := rc.tables(sec, m.id, m.title, fs, "sex", "majority", "exploitation_type", "citizenship"); err != nil {
			return err
		}
	}
	return nil
}

// Timeliness categories of a decision.
const (
	OnTime   = "on-time"
	Late     = "late"
	NoTarget = "no-target"
)

func buildTimeliness(rc *reportCtx, sec *ReportSection) error {
	p := rc.profile
	rgTarget, cgTarget := p.HasStep(jurisdiction.ReasonableGrounds), p.ConclusiveTarget > 0
	switch {
	case rgTarget && cgTarget:
		sec.Intro = "Decisions of the year against the targets of the profile {{.Profile}}: reasonable grounds within {{.RG}} {{.Counting}} days of the referral's acceptance; conclusive grounds within {{.CG}} days of the positive reasonable-grounds decision. A decision without a target (no acceptance date, or a profile without one) counts as no target."
	case rgTarget:
		sec.Intro = "Decisions of the year against the targets of the profile {{.Profile}}: reasonable grounds within {{.RG}} {{.Counting}} days of the referral's acceptance. A decision without a target (no acceptance date, or a profile without one) counts as no target."
	case cgTarget:
		sec.Intro = "Decisions of the year against the targets of the profile {{.Profile}}: conclusive grounds within {{.CG}} days of the positive reasonable-grounds decision. A decision without a target (no acceptance date, or a profile without one) counts as no target."
	default:
		sec.Intro = "Decisions of the year against the targets of the profile {{.Profile}}. A decision without a target (no acceptance date, or a profile without one) counts as no target."
	}
	sec.IntroArgs = []any{"Profile", p.Name, "RG", p.ReasonableGroundsTarget, "CG", p.ConclusiveTarget,
		"Counting", nrm.Phrase(p.ReasonableGroundsCounting)}
	rg, err := rc.facts(nrm.MeasureRG, func(f nrm.StatFact) string {
		if f.From.IsZero() {
			return NoTarget
		}
		due, ok := p.ReasonableGroundsDue(f.From.Time())
		return timeliness(f.On, due, ok)
	})
	if err != nil {
		return err
	}
	if err := rc.tables(sec, "timeliness-rg", "Reasonable-grounds decisions against the target", rg, "majority"); err != nil {
		return err
	}
	cg, err := rc.facts(nrm.MeasureCG, func(f nrm.StatFact) string {
		if f.From.IsZero() {
			return NoTarget
		}
		due, ok := p.ConclusiveTargetDate(f.From.Time())
		return timeliness(f.On, due, ok)
	})
	if err != nil {
		return err
	}
	return rc.tables(sec, "timeliness-cg", "Conclusive-grounds decisions against the target", cg, "majority")
}

// timeliness judges a decision taken on a date against its due date.
func timeliness(on nrm.Date, due time.Time, ok bool) string {
	switch {
	case !ok || on.IsZero():
		return NoTarget
	case on.Time().After(due):
		return Late
	}
	return OnTime
}

func buildSupport(rc *reportCtx, sec *ReportSection) error {
	sec.Intro = "Services started in the year, by type."
	fs, err := rc.facts(nrm.MeasureServices, nil)
	if err != nil {
		return err
	}
	return rc.tables(sec, "services", "Services started", fs, "sex", "majority")
}

func buildReturns(rc *reportCtx, sec *ReportSection) error {
	sec.Intro = "Safe returns made in the year, and the follow-ups after a return, by the person's situation."
	fs, err := rc.facts(nrm.MeasureReturns, nil)
	if err != nil {
		return err
	}
	if err := rc.tables(sec, "returns", "Returns", fs, "sex", "majority", "citizenship"); err != nil {
		return err
	}
	fs, err = rc.facts(nrm.MeasureFollowUps, nil)
	if err != nil {
		return err
	}
	return rc.tables(sec, "follow-ups", "Follow-ups after a return", fs, "majority")
}

func buildCompensation(rc *reportCtx, sec *ReportSection) error {
	sec.Intro = "Compensation claims filed in the year, by route; and, of those claims, the amounts claimed, awarded and paid so far. An amount is shown only where the number of claims behind it is."
	fs, err := rc.facts(nrm.MeasureClaims, nil)
	if err != nil {
		return err
	}
	if err := rc.tables(sec, "claims", "Compensation claims", fs, "sex", "majority"); err != nil {
		return err
	}
	totals, err := rc.tx.CompensationTotals(rc.ctx, rc.year)
	if err != nil {
		return err
	}
	counts := func(n func(nrm.CompensationTotal) int64) ([]*int64, error) {
		var raw []nrm.RawCell
		for _, t := range totals {
			c := t.Currency
			raw = append(raw, nrm.RawCell{Values: []*string{&c}, Count: n(t)})
		}
		out := make([]*int64, len(raw))
		t, err := release(nrm.StatQuery{Dataset: nrm.CasesDataset, By: []string{"currency"}, Privacy: nrm.PrivacySuppress, K: rc.k}, raw)
		if nrm.ErrorCode(err) == nrm.CodeInvalid {
			return out, nil // nothing of it published
		}
		if err != nil {
			return nil, err
		}
		for i, c := range t.Cells {
			out[i] = c.Count
		}
		return out, nil
	}
	claims, err := counts(func(t nrm.CompensationTotal) int64 { return t.Claims })
	if err != nil {
		return err
	}
	awards, err := counts(func(t nrm.CompensationTotal) int64 { return t.Awards })
	if err != nil {
		return err
	}
	payments, err := counts(func(t nrm.CompensationTotal) int64 { return t.Payments })
	if err != nil {
		return err
	}
	for i, t := range totals {
		m := ReportMoney{Currency: t.Currency, Claims: claims[i], Awards: awards[i], Payments: payments[i]}
		if m.ClaimedOK = m.Claims != nil; m.ClaimedOK {
			m.Claimed = nrm.FormatMinor(t.Claimed, t.Currency)
		}
		if m.AwardedOK = m.Awards != nil; m.AwardedOK {
			m.Awarded = nrm.FormatMinor(t.Awarded, t.Currency)
		}
		if m.PaidOK = m.Payments != nil; m.PaidOK {
			m.Paid = nrm.FormatMinor(t.Paid, t.Currency)
		}
		sec.Money = append(sec.Money, m)
	}
	return nil
}
