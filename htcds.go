package nrm

import (
	"slices"
	"strings"
)

// The HTCDS export (issue 11, "Exchange"): a case as IOM's Human
// Trafficking Case Data Standard v2.0 names its fields, for the people
// allowed to see the record. Only fields nrm holds are mapped; each comes
// from one compartment of the case file, and a field is filled only when
// the reader may read that compartment (the service decides, through the
// policy table). HTCDS has no field for a case number: nrm_CaseReference
// is nrm's own reference, so that a receiver can quote it back.

// HTCDSVersion is the standard's version the export follows.
const HTCDSVersion = "2.0"

// HTCDSField is one exported field: its HTCDS name, the compartment it
// belongs to ("" for the case record, which every reader of the case sees),
// whether it holds several values, and what in nrm it comes from.
type HTCDSField struct {
	Name        string
	Compartment Compartment
	Multi       bool
	Source      string
	value       func(HTCDSCase) []string
}

// HTCDSCase is what the export reads of one case: the case as the reader
// sees it, and its support plans' types when the reader may read support.
type HTCDSCase struct {
	View      CaseView
	PlanTypes []string
}

// HTCDSFields is the mapping, one row per field, in the order of the CSV.
var HTCDSFields = []HTCDSField{
	{"nrm_CaseReference", "", false, "case reference (nrm's own; HTCDS has none)",
		func(c HTCDSCase) []string { return one(c.View.Reference) }},
	{"cas_Status", "", false, "episode open/closed", func(c HTCDSCase) []string { return one(htcdsCaseStatus(c.View.Case)) }},
	{"cas_ReasonForCaseClosure", "", false, "closure reason", func(c HTCDSCase) []string { return one(c.View.ClosedReason) }},
	{"vic_TraffickingStatus", "", false, "identification state and outcome",
		func(c HTCDSCase) []string { return one(htcdsTraffickingStatus(c.View.Case)) }},
	{"vic_TypeOfExploitation", "", true, "exploitation types",
		func(c HTCDSCase) []string { return htcdsExploitation(c.View.ExploitationTypes) }},
	{"hte_Country", "", false, "country of the encounter", func(c HTCDSCase) []string { return one(c.View.Encounter.Country) }},
	{"prs_FirstName", Identity, false, "given name", func(c HTCDSCase) []string { return one(c.View.Person.GivenName) }},
	{"prs_SecondName", Identity, false, "family name", func(c HTCDSCase) []string { return one(c.View.Person.FamilyName) }},
	{"prs_Birthdate", Identity, false, "date of birth", func(c HTCDSCase) []string {
		if c.View.Person.DateOfBirth.IsZero() {
			return nil
		}
		return one(c.View.Person.DateOfBirth.String())
	}},
	{"prs_Gender", Identity, false, "sex", func(c HTCDSCase) []string { return one(htcdsGender[c.View.Person.Sex]) }},
	{"prs_Citizenship", Identity, true, "citizenship (ISO 3166-1 alpha-2)",
		func(c HTCDSCase) []string { return c.View.Person.Citizenship }},
	{"hte_City", Identity, false, "place of the encounter (sealed)", func(c HTCDSCase) []string { return one(c.View.Encounter.Place) }},
	{"spl_Type", Support, true, "support plans' types (HTCDS values already)", func(c HTCDSCase) []string { return c.PlanTypes }},
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// htcdsGender maps the contract's sex values to prs_Gender's picklist.
var htcdsGender = map[string]string{"female": "Feminine", "male": "Masculine", "other": "NonConforming",
	"unknown": "NonSpecifiedUnknown"}

// htcdsExploitationTypes maps the contract's exploitation types to
// vic_TypeOfExploitation's picklist; forced criminality, which HTCDS lacks,
// is Other, and unknown is left out.
var htcdsExploitationTypes = map[string]string{"forced-labour": "ForcedLabour", "sexual-exploitation": "SexualExploitation",
	"domestic-servitude": "Servitude", "forced-criminality": "Other", "forced-begging": "ForcedBegging",
	"forced-marriage": "ForcedMarriage", "organ-removal": "OrganRemoval", "child-labour": "ChildLabour",
	"illegal-adoption": "ForcedAdoption", "surrogacy": "Surrogacy", "forced-military": "ForcedMilitaryByNonStateActors",
	"other": "Other"}

func htcdsExploitation(types []string) []string {
	var out []string
	for _, t := range types {
		if v := htcdsExploitationTypes[t]; v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// htcdsCaseStatus: cas_Status is Active or Closed (nrm has no follow-up
// status of its own; a closed case is Closed whatever its reason).
func htcdsCaseStatus(c Case) string {
	if c.State == StateClosed {
		return "Closed"
	}
	return "Active"
}

// htcdsTraffickingStatus: a positive conclusive decision makes an actual
// victim, a negative one "not a victim"; anything before is a possible one.
func htcdsTraffickingStatus(c Case) string {
	switch c.Identification() {
	case StateIdentified:
		return "ActualVictimOfTrafficking"
	case StateNotIdentified:
		return "NotAVictimOfTrafficking"
	}
	return "PossibleVictimOfTrafficking"
}

// HTCDSRecord is one exported case: field name to values, only the fields
// the reader may read and that hold something.
type HTCDSRecord map[string][]string

// HTCDSRecordOf maps one case. Readable is the reader's scope on the case
// (the service's decision); a field of a compartment outside it stays out,
// and so does the identity of an erased person.
func HTCDSRecordOf(c HTCDSCase) HTCDSRecord {
	r := HTCDSRecord{}
	for _, f := range HTCDSFields {
		if f.Compartment != "" && !c.View.Readable.Has(f.Compartment) {
			continue
		}
		if f.Compartment == Identity && c.View.Person.Erased {
			continue
		}
		if vs := f.value(c); len(vs) > 0 {
			r[f.Name] = vs
		}
	}
	return r
}

// JSON is the record as an export's item: a multi-valued field a list, any
// other a string.
func (r HTCDSRecord) JSON() map[string]any {
	out := make(map[string]any, len(r))
	for _, f := range HTCDSFields {
		if vs, ok := r[f.Name]; ok {
			if f.Multi {
				out[f.Name] = vs
			} else {
				out[f.Name] = vs[0]
			}
		}
	}
	return out
}

// HTCDSHeader is the CSV header: every mapped field, in table order.
func HTCDSHeader() []string {
	out := make([]string, len(HTCDSFields))
	for i, f := range HTCDSFields {
		out[i] = f.Name
	}
	return out
}

// CSV is the record as a CSV row under HTCDSHeader: several values joined
// with ";", as CTDC and HTCDS multiselects are written; empty when unread.
// Names and places are typed by people: a cell a spreadsheet would run as
// a formula is defused (CSVCell).
func (r HTCDSRecord) CSV() []string {
	out := make([]string, len(HTCDSFields))
	for i, f := range HTCDSFields {
		out[i] = CSVCell(strings.Join(r[f.Name], ";"))
	}
	return out
}

// CSVCell defuses a cell a spreadsheet would read as a formula (CSV
// injection): one starting with = + - @, a tab or a carriage return gets a
// leading apostrophe. For text people typed, never for codes a program
// reads back (a CTDC file's -99).
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
