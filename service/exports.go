package service

// Exchange (issue 11): nrm's cases in HTCDS field names for the people
// allowed to see the records, and k-anonymous microdata in CTDC's global
// layout for publication.

import (
	"context"
	"slices"
	"strconv"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
)

// ExportStore is what the exports ask of a transaction (sqlstore/exports.go).
type ExportStore interface {
	StatCaseRows(ctx context.Context) ([]nrm.StatRow, error)
}

// htcdsPage is how many cases the export reads at a time.
const htcdsPage = 500

// ExportHTCDS answers every case the actor may see, each field only when the
// actor may read its compartment. It is the case list in another form: the
// same roles (ActCaseList), the same rule on every case (ActCaseView, then
// the compartments nrm.Readable gives), the same opening of sealed fields.
// Every case exported is audited as read via the export, with the
// compartments read, never their content; one more entry counts the export.
// The command line's operator is no user and may not export identified records.
func (s *Service) ExportHTCDS(ctx context.Context, format string) ([]nrm.HTCDSRecord, error) {
	a, err := s.allow(ctx, nrm.ActCaseList)
	if err != nil {
		return nil, err
	}
	var out []nrm.HTCDSRecord
	var views []nrm.CaseView
	err = s.read(ctx, func(tx Tx) error {
		after := ""
		for {
			recs, err := tx.Cases(ctx, nrm.CaseFilter{OrgID: a.OrgID, After: after, Limit: htcdsPage})
			if err != nil {
				return err
			}
			viewable, access, err := viewableOf(ctx, tx, a, recs)
			if err != nil {
				return err
			}
			for i, rec := range viewable {
				v, err := s.openCase(ctx, tx, a, access[i], rec)
				if err != nil {
					return err
				}
				c := nrm.HTCDSCase{View: v}
				if v.Readable.Has(nrm.Support) {
					plans, err := tx.Plans(ctx, rec.ID)
					if err != nil {
						return err
					}
					for _, p := range plans {
						if !slices.Contains(c.PlanTypes, p.Type) {
							c.PlanTypes = append(c.PlanTypes, p.Type)
						}
					}
				}
				out = append(out, nrm.HTCDSRecordOf(c))
				views = append(views, v)
			}
			if len(recs) < htcdsPage {
				return nil
			}
			after = recs[len(recs)-1].ID
		}
	})
	if err != nil {
		return nil, err
	}
	entries := make([]auditlog.Entry, 0, len(views)+1)
	for _, v := range views {
		entries = append(entries, s.readEntry(ctx, v, "htcds-export"))
	}
	entries = append(entries, s.entry(ctx, "export.htcds", "", outcomeOK,
		strconv.Itoa(len(views))+" cases as "+format+", HTCDS "+nrm.HTCDSVersion))
	if err := s.recordRead(ctx, entries...); err != nil {
		return nil, err
	}
	return out, nil
}

// ExportMicrodata answers the cases projection as k-anonymous rows of
// CTDC's global layout. Like every statistic it never needs a data key and
// carries no case id, name, date finer than the year or free text; the
// audit entry says how much was published and how coarsely.
func (s *Service) ExportMicrodata(ctx context.Context, layout, k string) (nrm.Microdata, error) {
	if _, err := s.allowOperatorOr(ctx, nrm.ActStatsRead); err != nil {
		return nrm.Microdata{}, err
	}
	if layout != nrm.LayoutGlobal.Name {
		return nrm.Microdata{}, nrm.Invalid("layout", "ctdc-global (the layout microdata is written in)")
	}
	kk := nrm.DefaultK
	if k != "" {
		n, err := strconv.Atoi(k)
		if err != nil {
			return nrm.Microdata{}, nrm.Invalid("k", "a whole number")
		}
		kk = n
	}
	if kk < nrm.MinK {
		return nrm.Microdata{}, nrm.Invalid("k", "at least %d", nrm.MinK)
	}
	var rows []nrm.StatRow
	err := s.read(ctx, func(tx Tx) error {
		var err error
		rows, err = tx.StatCaseRows(ctx)
		return err
	})
	if err != nil {
		return nrm.Microdata{}, err
	}
	m, err := nrm.KAnonymousMicrodata(rows, kk)
	if err != nil {
		return m, err
	}
	if err := s.recordRead(ctx, s.entry(ctx, "statistics.microdata", "dataset/"+nrm.CasesDataset, outcomeOK,
		layout+" "+m.MicrodataSummary())); err != nil {
		return nrm.Microdata{}, err
	}
	return m, nil
}
