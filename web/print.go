package web

// The case summary as PDF, GET /cases/{id}/summary.pdf: for a hearing, a
// transfer, a file that must be on paper. It holds what the viewer may read
// (service.PrintCase decides and audits it as case.print) and no more than a
// summary needs: no free-text notes or reasons, no contact details, no
// place of encounter, so that a lost printout says as little as it can.
// Every page's footer names who printed it and when.

import (
	"bytes"
	_ "embed"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-pdf/fpdf"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// DejaVu Sans prints every name in its own script (Latin with diacritics,
// Cyrillic, Greek, Armenian, Georgian); the PDF core fonts know Latin-1 only.
//
//go:embed fonts/DejaVuSansCondensed.ttf
var printFont []byte

// caseSummaryPDF serves GET /cases/{id}/summary.pdf.
func (w *Web) caseSummaryPDF(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	p, err := w.svc.PrintCase(r.Context(), r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	var buf bytes.Buffer
	orgs, err := w.svc.Orgs(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	orgName := map[string]string{}
	for _, o := range orgs {
		orgName[o.ID] = o.Name
	}
	if err := w.writeSummary(&buf, localizerFor(r), p, orgName); err != nil {
		w.fail(rw, r, s, nrm.Internal(fmt.Errorf("case summary pdf: %w", err)))
		return
	}
	rw.Header().Set("Content-Type", "application/pdf")
	// The reference holds no personal data, so it may name the file.
	rw.Header().Set("Content-Disposition", `attachment; filename="`+p.Reference+`.pdf"`)
	rw.Write(buf.Bytes())
}

// summaryWriter lays out the summary, one labelled line or block at a time.
type summaryWriter struct {
	pdf *fpdf.Fpdf
	l   Localizer
}

func (sw summaryWriter) heading(text string) {
	sw.pdf.Ln(3)
	sw.pdf.SetFont("dejavu", "", 13)
	sw.pdf.MultiCell(0, 7, sw.l.T(text), "B", "L", false)
	sw.pdf.SetFont("dejavu", "", 10)
	sw.pdf.Ln(1)
}

func (sw summaryWriter) line(label, value string) {
	if value == "" {
		return
	}
	x := sw.pdf.GetX()
	sw.pdf.SetTextColor(90, 90, 90)
	sw.pdf.CellFormat(45, 5.5, sw.l.T(label), "", 0, "L", false, 0, "")
	sw.pdf.SetTextColor(0, 0, 0)
	sw.pdf.MultiCell(0, 5.5, value, "", "L", false)
	sw.pdf.SetX(x)
}

func (sw summaryWriter) item(text string) { sw.pdf.MultiCell(0, 5.5, "• "+text, "", "L", false) }

func (sw summaryWriter) none(text string) {
	sw.pdf.SetTextColor(90, 90, 90)
	sw.pdf.MultiCell(0, 5.5, sw.l.T(text), "", "L", false)
	sw.pdf.SetTextColor(0, 0, 0)
}

// lbl is a code's label, translated.
func (sw summaryWriter) lbl(code any) string { return sw.l.T(label(code)) }

func (w *Web) writeSummary(out *bytes.Buffer, l Localizer, p service.PrintedCase, orgName map[string]string) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(p.Reference, true)
	pdf.SetCreator("nrm", true)
	pdf.AddUTF8FontFromBytes("dejavu", "", printFont)
	pdf.SetMargins(18, 16, 18)
	pdf.SetAutoPageBreak(true, 22)
	pdf.AliasNbPages("{nb}")
	stamp := l.T("Printed by {{.User}} ({{.Org}}) on {{.Time}}. Confidential: personal data of a possible victim of trafficking; keep it locked away and destroy it when no longer needed.",
		"User", p.PrintedBy, "Org", p.PrintedByOrg, "Time", w.when(p.PrintedAt))
	pdf.SetFooterFunc(func() {
		pdf.SetY(-18)
		pdf.SetFont("dejavu", "", 7.5)
		pdf.SetTextColor(70, 70, 70)
		pdf.MultiCell(150, 3.6, stamp, "T", "L", false)
		pdf.SetXY(-40, -18)
		pdf.CellFormat(22, 3.6, l.T("page {{.Page}} of {{.Pages}}", "Page", pdf.PageNo(), "Pages", "{nb}"), "T", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	sw := summaryWriter{pdf: pdf, l: l}

	pdf.SetFont("dejavu", "", 17)
	pdf.MultiCell(0, 9, l.T("Case summary")+" · "+p.Reference, "", "L", false)
	pdf.SetFont("dejavu", "", 10)
	status := sw.lbl(p.State)
	if p.Child {
		status += " · " + l.T("Child")
	}
	if p.Episode > 1 {
		status += " · " + l.T("Episode {{.Episode}}", "Episode", p.Episode)
	}
	sw.line("State", status)
	sw.line("Recorded", w.when(p.CreatedAt))

	sw.heading("The person")
	switch {
	case p.Person.Erased:
		sw.none("This person's data was erased. Nothing identifying remains.")
	case p.Readable.Has(nrm.Identity):
		sw.line("Name", strings.TrimSpace(p.Person.GivenName+" "+p.Person.FamilyName))
		sw.line("Also known as", strings.Join(p.Person.Aliases, ", "))
		dob := p.Person.DateOfBirth.String()
		if p.Person.AgeUncertain {
			dob = strings.TrimSpace(dob + " (" + l.T("age uncertain") + ")")
		}
		sw.line("Date of birth", dob)
		sw.line("Sex", sw.lbl(p.Person.Sex))
		sw.line("Citizenship", strings.Join(p.Person.Citizenship, ", "))
	default:
		sw.none("Your role does not read who the person is.")
	}
	sw.line("Met on", p.Encounter.Date.String())
	sw.line("Country", p.Encounter.Country)
	var kinds []string
	for _, k := range p.ExploitationTypes {
		kinds = append(kinds, sw.lbl(k))
	}
	sw.line("Suspected exploitation", strings.Join(kinds, ", "))

	sw.heading("Clocks")
	if len(p.Deadlines) == 0 {
		sw.none("No clock is running on this case.")
	}
	for _, d := range p.Deadlines {
		sw.item(sw.lbl(d.Kind) + ": " + d.Due.String())
	}

	sw.heading("Decisions")
	if len(p.Decisions) == 0 {
		sw.none("No decision yet.")
	}
	for _, d := range p.Decisions {
		sw.item(sw.lbl(d.Kind) + ": " + sw.lbl(d.Outcome) + " · " + l.T("decided on {{.Date}}", "Date", d.DecidedOn))
	}
	sw.heading("Referrals")
	if len(p.Referrals) == 0 {
		sw.none("Not referred yet.")
	}
	for _, x := range p.Referrals {
		sw.item(l.T("To") + " " + orgName[x.ToOrg] + " · " + sw.lbl(x.Status) + " · " + w.day(x.CreatedAt))
	}
	sw.heading("Consent")
	if len(p.Consents) == 0 {
		sw.none("No consent recorded.")
	}
	for _, k := range p.Consents {
		var scope []string
		for _, c := range k.Scope.Compartments() {
			scope = append(scope, sw.lbl(c))
		}
		sw.item(sw.lbl(k.Purpose) + " → " + orgName[k.RecipientOrg] + " · " + sw.lbl(k.StatusOn(w.svc.Today())) +
			" · " + strings.Join(scope, ", ") + " · " + l.T("given on {{.Date}}", "Date", k.GivenOn))
	}
	if len(p.Screenings) > 0 {
		sw.heading("Screening")
		for _, sc := range p.Screenings {
			sw.item(sc.ScreenedOn.String() + " · " + sw.lbl("set:"+sc.Result.Set) + ": " + sw.lbl(sc.Result.Outcome))
		}
		sw.none("A screening is an aid to referral, never a legal finding.")
	}
	if pr := p.Protection; pr != nil {
		sw.heading("Support")
		for _, n := range pr.Needs {
			var needs []string
			for _, x := range n.Needs {
				needs = append(needs, sw.lbl(x))
			}
			sw.item(l.T("Needs assessed on {{.Date}}", "Date", n.AssessedOn) + ": " + strings.Join(needs, ", "))
		}
		for _, x := range pr.Plans {
			text := l.T("Support plan") + ": " + sw.lbl(x.Type) + " · " + l.T("from {{.Date}}", "Date", x.StartsOn)
			if !x.ReviewOn.IsZero() {
				text += " · " + l.T("review on {{.Date}}", "Date", x.ReviewOn)
			}
			sw.item(text)
		}
		for _, x := range pr.Services {
			sw.item(l.T("Service") + ": " + sw.lbl(x.Type) + " · " + l.T("from {{.Date}}", "Date", x.StartedOn))
		}
		for _, x := range pr.Residence {
			text := l.T("Residence") + ": " + sw.lbl(x.Basis) + " · " + sw.lbl(x.StatusOn(w.svc.Today()))
			if !x.ExpiresOn.IsZero() {
				text += " · " + l.T("expires on {{.Date}}", "Date", x.ExpiresOn)
			}
			sw.item(text)
		}
		if len(pr.Needs)+len(pr.Plans)+len(pr.Services)+len(pr.Residence) == 0 {
			sw.none("Nothing recorded yet.")
		}
	}
	return pdf.Output(out)
}
