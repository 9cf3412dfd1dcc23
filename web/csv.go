package web

// Lists as CSV files: the case list (one page, with the page's filters),
// the deadlines and the referrals inbox. Each holds no more than its page
// shows to the same person, is read through the same service call (so the
// same access decides and the same audit entries are written), and its
// export is audited before the file is written. Cells that a spreadsheet
// would run as a formula are defused.

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// csvCell defuses a cell a spreadsheet would read as a formula (nrm.CSVCell).
func csvCell(s string) string { return nrm.CSVCell(s) }

// writeCSV audits the export and sends the file.
func (w *Web) writeCSV(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, list, filename string, header []string, rows [][]string) {
	if err := w.svc.RecordExport(r.Context(), list, len(rows)); err != nil {
		w.fail(rw, r, s, err)
		return
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(header)
	for _, row := range rows {
		for i := range row {
			row[i] = csvCell(row[i])
		}
		cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		w.fail(rw, r, s, nrm.Internal(err))
		return
	}
	rw.Header().Set("Content-Type", "text/csv; charset=utf-8")
	rw.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	rw.Write(buf.Bytes())
}

// casesCSV serves GET /cases.csv: the page of the case list the same
// filters show.
func (w *Web) casesCSV(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	q, err := caseQuery(r)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	list, err := w.svc.ExportCases(r.Context(), q)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	l := localizerFor(r)
	var rows [][]string
	for _, c := range list.Rows {
		name := ""
		switch {
		case c.Person.Erased:
			name = "erased"
		case c.Readable.Has(nrm.Identity):
			name = strings.TrimSpace(c.Person.GivenName + " " + c.Person.FamilyName)
		}
		child, kind, due := "no", "", ""
		if c.Child {
			child = "yes"
		}
		if !c.NextClock.Due.IsZero() {
			kind, due = l.T(labeller{}.Label(c.NextClock.Kind)), c.NextClock.Due.String()
		}
		rows = append(rows, []string{c.Reference, name, l.T(caseStatus(c.CaseView)), string(c.State), child, kind, due,
			c.AssignedName, c.Encounter.Date.String()})
	}
	w.writeCSV(rw, r, s, "cases", "cases.csv",
		[]string{"reference", "person", "status", "state", "child", "next_clock", "next_clock_due", "assigned_to", "met_on"}, rows)
}

// dueCSV serves GET /due.csv: the deadlines page's tables.
func (w *Web) dueCSV(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	within, err := dueWindow(r)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	tables, err := w.dueTables(r, s, within)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	l := localizerFor(r)
	var rows [][]string
	for i, t := range tables {
		list := "own"
		if i > 0 {
			list = "overview"
		}
		for _, d := range t.Rows {
			rows = append(rows, []string{list, d.Due.String(), strconv.Itoa(d.Days), l.T(labeller{}.Label(d.Kind)), d.Reference,
				string(d.State), d.Org})
		}
	}
	recs, err := w.recommendationTable(r, within)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	if recs != nil {
		for _, x := range recs.Rows {
			rows = append(rows, []string{"recommendations", x.Due.String(), strconv.Itoa(x.Days), l.T("Recommendation due"),
				x.Country + " " + x.BenchmarkID, x.Status, ""})
		}
	}
	w.writeCSV(rw, r, s, "deadlines", "deadlines.csv", []string{"list", "due", "days_from_today", "clock", "reference", "state", "held_by"}, rows)
}

// inboxCSV serves GET /referrals.csv: the referrals waiting, without their
// reasons (free text stays on the page).
func (w *Web) inboxCSV(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	items, names, err := w.inbox(r, s)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	today := w.svc.Today()
	var rows [][]string
	for _, x := range items {
		child := "no"
		if x.Child {
			child = "yes"
		}
		var shares []string
		for _, c := range x.Scope.Compartments() {
			shares = append(shares, string(c))
		}
		rows = append(rows, []string{x.Reference, names[x.FromOrg], x.CreatedAt.Format("2006-01-02"), strconv.Itoa(daysSince(x.CreatedAt, today)),
			child, strconv.FormatBool(x.NRM), strings.Join(shares, " ")})
	}
	w.writeCSV(rw, r, s, "referrals", "referrals.csv", []string{"reference", "from", "sent_on", "days_waiting", "child", "nrm_referral", "shares"}, rows)
}
