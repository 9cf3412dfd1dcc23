package service

import (
	"maps"
	"slices"
	"time"

	"github.com/nrmproject/nrm"
)

// buildTrials is the report's section of trial-monitoring findings: the
// monitors' observations of the year's hearings and the verdicts given in
// it, counted as the findings count them (nrm.TrialFindings), through the
// same suppression as every other table.
func buildTrials(rc *reportCtx, sec *ReportSection) error {
	sec.Intro = "What independent trial monitors observed at the hearings of the year, and the verdicts given in it. Trials are counted as the findings page counts them; no trial or person is named."
	from := nrm.DateOf(time.Date(rc.year, 1, 1, 0, 0, 0, 0, time.UTC))
	to := nrm.DateOf(time.Date(rc.year, 12, 31, 0, 0, 0, 0, time.UTC))
	return rc.trialTables(sec, from, to)
}

// trialTables counts the findings of a period into sec's tables (the
// yearly report's year, or the progress report's period).
func (rc *reportCtx) trialTables(sec *ReportSection, from, to nrm.Date) error {
	facts, err := rc.tx.TrialFacts(rc.ctx, "", from, to)
	if err != nil {
		return err
	}
	f := nrm.NewTrialFindings("", from, to)
	for _, t := range facts {
		f.Count(t)
	}
	str := func(s string) *string { return &s }
	var verdicts []nrm.RawCell
	for _, v := range slices.Sorted(maps.Keys(f.Verdicts)) {
		if n := f.Verdicts[v]; n > 0 {
			verdicts = append(verdicts, nrm.RawCell{Values: []*string{str(v)}, Count: int64(n)})
		}
	}
	if err := rc.trialTable(sec, "trial-verdicts", "Verdicts", "", verdicts); err != nil {
		return err
	}
	var items []nrm.RawCell
	for _, item := range slices.Sorted(maps.Keys(f.Items)) {
		for _, v := range slices.Sorted(maps.Keys(f.Items[item])) {
			if n := f.Items[item][v]; n > 0 {
				items = append(items, nrm.RawCell{Values: []*string{str(v), str(item)}, Count: int64(n)})
			}
		}
	}
	return rc.trialTable(sec, "trial-hearings", "What the monitors observed at hearings", "item", items)
}

// trialTable releases one table of the trials section through suppression:
// counts by the fact (a verdict, what was observed) alone, or by a
// dimension too (the item of the hearing sheet).
func (rc *reportCtx) trialTable(sec *ReportSection, id, title, dim string, raw []nrm.RawCell) error {
	t := ReportTable{ID: id, Title: title, Dim: dim}
	by := []string{nrm.FactColumn}
	if dim != "" {
		by = append(by, dim)
	}
	var err error
	t.Table, err = release(nrm.StatQuery{Dataset: "trials", By: by, Privacy: nrm.PrivacySuppress, K: rc.k}, raw)
	if nrm.ErrorCode(err) == nrm.CodeInvalid {
		t.Table.Cells, t.Table.Total = nil, nil
		t.Withheld = "Not published: its small counts could be worked out from totals published elsewhere, whatever is hidden."
	} else if err != nil {
		return err
	}
	sec.Tables = append(sec.Tables, t)
	return nil
}
