package nrm_test

import (
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
)

// htcdsStandard reads the field names and picklists of HTCDS v2.0 (IOM,
// CC BY 4.0), copied unchanged into testdata.
func htcdsStandard(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("testdata/htcds-field-standards-2.0.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1 // section rows are shorter
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	name, values := slices.Index(rows[0], "Field Name including Prefix"), slices.Index(rows[0], "Value Names (if picklist)")
	if name < 0 || values < 0 {
		t.Fatalf("header %v", rows[0])
	}
	out := map[string][]string{}
	for _, r := range rows[1:] {
		if len(r) <= name || r[name] == "" {
			continue
		}
		out[r[name]] = nil
		if len(r) > values {
			out[r[name]] = strings.Fields(r[values])
		}
	}
	return out
}

// Every HTCDS name the export uses is a field of the standard; the one
// field of nrm's own says so by its prefix.
func TestHTCDSFieldsExistInTheStandard(t *testing.T) {
	std := htcdsStandard(t)
	seen := map[string]bool{}
	for _, f := range nrm.HTCDSFields {
		if seen[f.Name] {
			t.Errorf("%s mapped twice", f.Name)
		}
		seen[f.Name] = true
		if strings.HasPrefix(f.Name, "nrm_") {
			continue
		}
		if _, ok := std[f.Name]; !ok {
			t.Errorf("%s is not a field of HTCDS v2.0", f.Name)
		}
		if f.Source == "" {
			t.Errorf("%s: no source named", f.Name)
		}
	}
	if len(seen) < 10 {
		t.Errorf("only %d fields mapped", len(seen))
	}
}

// The picklist values written are the standard's own.
func TestHTCDSValuesAreThePicklists(t *testing.T) {
	std := htcdsStandard(t)
	check := func(field, v string) {
		t.Helper()
		if !slices.Contains(std[field], v) {
			t.Errorf("%s value %q is not in the picklist %v", field, v, std[field])
		}
	}
	for _, sex := range nrm.Sexes {
		r := nrm.HTCDSRecordOf(nrm.HTCDSCase{View: nrm.CaseView{Readable: nrm.FullScope, Case: nrm.Case{Person: nrm.Person{Sex: sex}}}})
		check("prs_Gender", r["prs_Gender"][0])
	}
	r := nrm.HTCDSRecordOf(nrm.HTCDSCase{View: nrm.CaseView{Case: nrm.Case{ExploitationTypes: nrm.ExploitationTypes}}})
	for _, v := range r["vic_TypeOfExploitation"] {
		check("vic_TypeOfExploitation", v)
	}
	for _, s := range nrm.States {
		r := nrm.HTCDSRecordOf(nrm.HTCDSCase{View: nrm.CaseView{Case: nrm.Case{State: s}}})
		check("vic_TraffickingStatus", r["vic_TraffickingStatus"][0])
		check("cas_Status", r["cas_Status"][0])
	}
	for _, p := range nrm.PlanTypes {
		check("spl_Type", p)
	}
}

// A field is exported only with its compartment, and an erased person's
// identity never.
func TestHTCDSRecordKeepsToTheCompartments(t *testing.T) {
	c := nrm.Case{Reference: "NRM-1", State: nrm.StateIdentified, ExploitationTypes: []string{"forced-labour"},
		Encounter: nrm.Encounter{Country: "GB", Place: "Bristol"},
		Person: nrm.Person{GivenName: "Ana", FamilyName: "Popescu", Sex: "female", Citizenship: []string{"MD", "RO"},
			DateOfBirth: nrm.NewDate(1999, 4, 2)}}
	full := nrm.HTCDSRecordOf(nrm.HTCDSCase{View: nrm.CaseView{Case: c, Readable: nrm.FullScope}, PlanTypes: []string{"Health"}})
	if full["prs_FirstName"][0] != "Ana" || full["prs_Birthdate"][0] != "1999-04-02" || !slices.Equal(full["prs_Citizenship"], []string{"MD", "RO"}) ||
		full["spl_Type"][0] != "Health" || full["vic_TraffickingStatus"][0] != "ActualVictimOfTrafficking" {
		t.Errorf("full record %v", full)
	}
	if got := strings.Join(full.CSV(), ","); !strings.Contains(got, "MD;RO") {
		t.Errorf("csv %q", got)
	}
	record := nrm.HTCDSRecordOf(nrm.HTCDSCase{View: nrm.CaseView{Case: c, Readable: nrm.ScopeOf(nrm.Justice)}, PlanTypes: []string{"Health"}})
	for _, f := range nrm.HTCDSFields {
		if _, ok := record[f.Name]; ok && f.Compartment != "" {
			t.Errorf("%s (%s) exported without its compartment", f.Name, f.Compartment)
		}
	}
	if record["nrm_CaseReference"][0] != "NRM-1" || record["hte_Country"][0] != "GB" {
		t.Errorf("the record's own fields: %v", record)
	}
	c.Person.Erased = true
	erased := nrm.HTCDSRecordOf(nrm.HTCDSCase{View: nrm.CaseView{Case: c, Readable: nrm.FullScope}})
	for _, f := range []string{"prs_FirstName", "prs_SecondName", "prs_Birthdate", "hte_City"} {
		if _, ok := erased[f]; ok {
			t.Errorf("%s exported for an erased person", f)
		}
	}
}
