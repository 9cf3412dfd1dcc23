package nrm

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// The layouts of the Counter Trafficking Data Collaborative (CTDC) that
// nrm imports as statistical datasets. Their codebooks say: an empty field
// and -99 are missing; flags (is..., meansOfControl..., typeOf...,
// recruiterRelation..., IP_ flags) take 1 or are empty; a multi-valued field
// joins its values with ";"; age bands use a double hyphen ("18--20", "48+").

// Layout is one CTDC file layout.
type Layout struct {
	Name    string
	Columns []string
	kinds   map[string]colKind
}

type colKind int

const (
	colText colKind = iota
	colYear
	colFlag
	colAge
)

// LayoutVP is CTDC's Victim–Perpetrator synthetic dataset (16 columns).
var LayoutVP = newLayout("ctdc-vp", []string{"yearRegister", "gender", "majorityStatus", "isForcedLabour",
	"isSexualExploit", "UN_COO_Region", "UN_COE_Region", "IP_Exploiter", "IP_Gender", "IP_ageBroad",
	"IP_citizen_UNRegion", "IP_Relation", "IP_PayMoney", "IP_RecruiterBroker", "IP_TransactionProcess",
	"IP_ControlAbuseKidnap"},
	map[string]colKind{"yearRegister": colYear, "isForcedLabour": colFlag, "isSexualExploit": colFlag,
		"IP_Exploiter": colFlag, "IP_PayMoney": colFlag, "IP_RecruiterBroker": colFlag,
		"IP_TransactionProcess": colFlag, "IP_ControlAbuseKidnap": colFlag, "IP_ageBroad": colAge})

// LayoutGlobal is CTDC's global k-anonymised dataset (63 columns).
var LayoutGlobal = newLayout("ctdc-global", []string{"yearOfRegistration", "Datasource", "gender", "ageBroad",
	"majorityStatus", "majorityStatusAtExploit", "majorityEntry", "citizenship",
	"meansOfControlDebtBondage", "meansOfControlTakesEarnings", "meansOfControlRestrictsFinancialAccess",
	"meansOfControlThreats", "meansOfControlPsychologicalAbuse", "meansOfControlPhysicalAbuse",
	"meansOfControlSexualAbuse", "meansOfControlFalsePromises", "meansOfControlPsychoactiveSubstances",
	"meansOfControlRestrictsMovement", "meansOfControlRestrictsMedicalCare", "meansOfControlExcessiveWorkingHours",
	"meansOfControlUsesChildren", "meansOfControlThreatOfLawEnforcement", "meansOfControlWithholdsNecessities",
	"meansOfControlWithholdsDocuments", "meansOfControlOther", "meansOfControlNotSpecified",
	"meansOfControlConcatenated",
	"isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour", "isForcedMarriage",
	"isForcedMilitary", "isOrganRemoval", "isSlaveryAndPractices", "typeOfExploitConcatenated",
	"typeOfLabourAgriculture", "typeOfLabourAquafarming", "typeOfLabourBegging", "typeOfLabourConstruction",
	"typeOfLabourDomesticWork", "typeOfLabourHospitality", "typeOfLabourIllicitActivities",
	"typeOfLabourManufacturing", "typeOfLabourMiningOrDrilling", "typeOfLabourPeddling",
	"typeOfLabourTransportation", "typeOfLabourOther", "typeOfLabourNotSpecified", "typeOfLabourConcatenated",
	"typeOfSexProstitution", "typeOfSexPornography", "typeOfSexRemoteInteractiveServices",
	"typeOfSexPrivateSexualServices", "typeOfSexConcatenated",
	"isAbduction", "RecruiterRelationship", "CountryOfExploitation",
	"recruiterRelationIntimatePartner", "recruiterRelationFriend", "recruiterRelationFamily",
	"recruiterRelationOther", "recruiterRelationUnknown"}, nil)

func newLayout(name string, cols []string, kinds map[string]colKind) *Layout {
	if kinds == nil {
		kinds = map[string]colKind{"yearOfRegistration": colYear, "ageBroad": colAge}
		for _, c := range cols {
			if !strings.HasSuffix(c, "Concatenated") && (strings.HasPrefix(c, "is") || strings.HasPrefix(c, "meansOfControl") ||
				strings.HasPrefix(c, "typeOf") || strings.HasPrefix(c, "recruiterRelation")) {
				kinds[c] = colFlag
			}
		}
	}
	return &Layout{Name: name, Columns: cols, kinds: kinds}
}

// Layouts are the layouts nrm imports, by name.
var Layouts = map[string]*Layout{LayoutVP.Name: LayoutVP, LayoutGlobal.Name: LayoutGlobal}

// MaxStatColumns is the widest layout.
const MaxStatColumns = 63

var (
	yearRe = regexp.MustCompile(`^(19|20)[0-9]{2}$`)
	ageRe  = regexp.MustCompile(`^[0-9]{1,3}(--[0-9]{1,3}|\+)$`)
)

// ImportError names where a file is malformed: the line (1 is the header)
// and the column.
type ImportError struct {
	Line   int
	Column string
	Msg    string
}

func (e *ImportError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Msg)
}

// Read reads a whole CTDC file and calls row for each data row, with
// a missing value as nil. Nothing is kept when it fails: the caller imports
// in one transaction and rolls back on the error, which names the line and
// the column. A value's own text is never quoted in the error (it could be
// anything someone typed).
func (l *Layout) Read(r io.Reader, row func([]*string) error) (int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return 0, &ImportError{Line: 1, Msg: "the file is empty; the header is required"}
	}
	if err != nil {
		return 0, csvError(err)
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	if len(head) != len(l.Columns) {
		return 0, &ImportError{Line: 1, Msg: fmt.Sprintf("the header has %d columns; layout %s has %d", len(head), l.Name, len(l.Columns))}
	}
	for i, h := range head {
		if strings.TrimSpace(h) != l.Columns[i] {
			return 0, &ImportError{Line: 1, Column: l.Columns[i], Msg: fmt.Sprintf("header column %d should be %s", i+1, l.Columns[i])}
		}
	}
	vals := make([]*string, len(l.Columns))
	n := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(l.Columns) {
			return n, &ImportError{Line: line, Msg: fmt.Sprintf("%d columns; layout %s has %d", len(rec), l.Name, len(l.Columns))}
		}
		for i, raw := range rec {
			v, err := l.value(l.Columns[i], raw)
			if err != nil {
				return n, &ImportError{Line: line, Column: l.Columns[i], Msg: err.Error()}
			}
			vals[i] = v
		}
		if err := row(vals); err != nil {
			return n, err
		}
		n++
	}
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ImportError{Line: pe.Line, Msg: fmt.Sprintf("not CSV at column %d: %v", pe.Column, pe.Err)}
	}
	return &ImportError{Line: 0, Msg: err.Error()}
}

// value reads one field by its kind; nil is missing.
func (l *Layout) value(col, raw string) (*string, error) {
	s := strings.TrimSpace(raw)
	if s == "" || s == "-99" {
		return nil, nil
	}
	switch l.kinds[col] {
	case colFlag:
		if s != "1" {
			return nil, errors.New("a flag is 1 or empty")
		}
	case colYear:
		if !yearRe.MatchString(s) {
			return nil, errors.New("a year of four digits")
		}
	case colAge:
		for _, p := range strings.Split(s, ";") {
			if p = strings.TrimSpace(p); p != "" && p != "-99" && !ageRe.MatchString(p) {
				return nil, errors.New(`an age band is written like "18--20" or "48+"`)
			}
		}
	}
	if len(s) > 200 {
		return nil, errors.New("longer than 200 characters")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return nil, errors.New("a control character") // never in a CTDC value; U+001F joins a stored row's values
		}
	}
	return &s, nil
}

// SplitValues are the values of a multi-valued field, blanks and missing left out.
func SplitValues(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" && p != "-99" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
