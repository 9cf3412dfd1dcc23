package nrm

import (
	"slices"
	"strconv"
	"strings"
)

// Microdata for publication (issue 11, "Exchange"): nrm's cases projection
// written as rows of CTDC's global k-anonymised layout, so that partners
// read it with the tools they use for CTDC's own file (and nrm stats import
// --layout ctdc-global takes it back). Every column written is treated as a
// quasi-identifier: someone who knows a victim's year, sex, age, country
// and kind of exploitation must find at least k rows that fit. Values are
// generalised step by step (Datafly: the column with the most distinct
// values first), then the rows still in groups under k are suppressed.

// The quasi-identifiers, each with its steps of generalisation: the value,
// then coarser ones, then missing.
const (
	qiYear = iota
	qiGender
	qiAge
	qiCitizenship
	qiCountry
	qiExploitation
	qiCount
)

// MicrodataQuasiIdentifiers names the quasi-identifiers and their steps.
var MicrodataQuasiIdentifiers = []struct {
	Name  string
	Steps []string
}{
	{"year", []string{"year", "unknown"}},
	{"gender", []string{"gender", "unknown"}},
	{"age", []string{"age band", "majority", "unknown"}},
	{"citizenship", []string{"country", "UN sub-region", "UN region", "unknown"}},
	{"country_of_exploitation", []string{"country", "UN sub-region", "UN region", "unknown"}},
	{"exploitation", []string{"type", "labour, sexual or other", "unknown"}},
}

// MicrodataMaxSuppressedShare: generalising stops once at most this share
// of the rows (1/50) sits in groups under k; those rows are then left out.
const MicrodataMaxSuppressedShare = 50

// Microdata is one k-anonymous release.
type Microdata struct {
	Columns    []string   // LayoutGlobal.Columns
	Rows       [][]string // sorted, so that the order says nothing of when a case came
	K          int
	Total      int               // rows of the projection
	Suppressed int               // rows left out
	Steps      map[string]string // quasi-identifier -> the step it was generalised to
}

// microRow is one projected row as the export reads it.
type microRow struct {
	year, gender, ageBand, majority string
	citizenship, country            []string
	types                           []string
}

func microRowOf(r StatRow) microRow {
	m := microRow{year: r["year"], gender: ctdcGender[r["sex"]], majority: ctdcMajority[r["majority"]],
		citizenship: SplitValues(r["citizenship"]), country: SplitValues(r["country_of_exploitation"]),
		types: SplitValues(r["exploitation_type"])}
	if b := r["age_band"]; b != "" && b != "unknown" {
		m.ageBand = strings.Replace(b, "-", "--", 1) // CTDC writes bands with a double hyphen
	}
	return m
}

var (
	ctdcGender   = map[string]string{"female": "Female", "male": "Male", "other": "Other"}
	ctdcMajority = map[string]string{"adult": "Adult", "minor": "Minor"}
)

// generalise answers the row's value of one quasi-identifier at a step.
func (m microRow) generalise(qi, step int) []string {
	switch qi {
	case qiYear:
		return stepped(step, m.year)
	case qiGender:
		return stepped(step, m.gender)
	case qiAge:
		switch step {
		case 0:
			return []string{m.ageBand, m.majority}
		case 1:
			return []string{"", m.majority}
		}
		return []string{"", ""}
	case qiCitizenship:
		return places(m.citizenship, step)
	case qiCountry:
		return places(m.country, step)
	}
	return exploitationAt(m.types, step)
}

func stepped(step int, v string) []string {
	if step > 0 {
		return []string{""}
	}
	return []string{v}
}

// places generalises countries: codes, UN sub-regions, UN regions, nothing.
func places(codes []string, step int) []string {
	var out []string
	for _, c := range codes {
		v := c
		if step >= 1 {
			v = M49SubRegion(c)
		}
		if step >= 2 {
			v = M49Region(v)
		}
		if step >= 3 || v == "" {
			continue
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return []string{strings.Join(out, ";")}
}

// The CTDC flags of nrm's exploitation types: the main flag, and the
// type-of-labour flag where there is one.
var ctdcExploitation = map[string][2]string{
	"forced-labour": {"isForcedLabour", ""}, "child-labour": {"isForcedLabour", ""},
	"domestic-servitude": {"isForcedLabour", "typeOfLabourDomesticWork"}, "forced-begging": {"isForcedLabour", "typeOfLabourBegging"},
	"forced-criminality":  {"isForcedLabour", "typeOfLabourIllicitActivities"},
	"sexual-exploitation": {"isSexualExploit", ""}, "forced-marriage": {"isForcedMarriage", ""},
	"forced-military": {"isForcedMilitary", ""}, "organ-removal": {"isOrganRemoval", ""},
	"illegal-adoption": {"isOtherExploit", ""}, "surrogacy": {"isOtherExploit", ""}, "other": {"isOtherExploit", ""},
}

var ctdcExploitLabel = map[string]string{"isForcedLabour": "Forced labour", "isSexualExploit": "Sexual exploitation",
	"isForcedMarriage": "Forced marriage", "isForcedMilitary": "Forced military", "isOrganRemoval": "Organ removal",
	"isOtherExploit": "Other", "typeOfLabourDomesticWork": "Domestic work", "typeOfLabourBegging": "Begging",
	"typeOfLabourIllicitActivities": "Illicit activities"}

// exploitationAt is the set of CTDC flags set at a step: every flag, then
// only forced labour, sexual exploitation and other, then none.
func exploitationAt(types []string, step int) []string {
	var out []string
	for _, t := range types {
		f, ok := ctdcExploitation[t]
		if !ok || step >= 2 {
			continue
		}
		flags := []string{f[0], f[1]}
		if step == 1 {
			if f[0] != "isForcedLabour" && f[0] != "isSexualExploit" {
				flags[0] = "isOtherExploit"
			}
			flags[1] = ""
		}
		for _, x := range flags {
			if x != "" && !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	slices.Sort(out)
	return []string{strings.Join(out, ";")}
}

// KAnonymousMicrodata generalises and suppresses the projected rows until
// every combination of the quasi-identifiers written has at least k rows.
func KAnonymousMicrodata(rows []StatRow, k int) (Microdata, error) {
	if k < MinK {
		return Microdata{}, Invalid("k", "at least %d", MinK)
	}
	ms := make([]microRow, len(rows))
	for i, r := range rows {
		ms[i] = microRowOf(r)
	}
	var steps [qiCount]int
	keyOf := func(m microRow) string {
		var b strings.Builder
		for qi := 0; qi < qiCount; qi++ {
			for _, v := range m.generalise(qi, steps[qi]) {
				b.WriteString(v)
				b.WriteByte(0)
			}
		}
		return b.String()
	}
	var sizes map[string]int
	for {
		sizes = map[string]int{}
		for _, m := range ms {
			sizes[keyOf(m)]++
		}
		small := 0
		for _, n := range sizes {
			if n < k {
				small += n
			}
		}
		if small*MicrodataMaxSuppressedShare <= len(ms) {
			break
		}
		// Datafly: generalise the quasi-identifier with the most distinct
		// values at its present step.
		best, most := -1, 0
		for qi := 0; qi < qiCount; qi++ {
			if steps[qi] >= len(MicrodataQuasiIdentifiers[qi].Steps)-1 {
				continue
			}
			seen := map[string]bool{}
			for _, m := range ms {
				seen[strings.Join(m.generalise(qi, steps[qi]), "\x00")] = true
			}
			if len(seen) > most {
				best, most = qi, len(seen)
			}
		}
		if best < 0 {
			break // everything is generalised to unknown: suppression does the rest
		}
		steps[best]++
	}
	out := Microdata{Columns: LayoutGlobal.Columns, K: k, Total: len(ms), Steps: map[string]string{}}
	for qi, q := range MicrodataQuasiIdentifiers {
		out.Steps[q.Name] = q.Steps[steps[qi]]
	}
	for _, m := range ms {
		if sizes[keyOf(m)] < k {
			out.Suppressed++
			continue
		}
		out.Rows = append(out.Rows, ctdcGlobalRow(m, steps))
	}
	slices.SortFunc(out.Rows, func(a, b []string) int { return slices.Compare(a, b) })
	return out, nil
}

var globalIndex = func() map[string]int {
	out := map[string]int{}
	for i, c := range LayoutGlobal.Columns {
		out[c] = i
	}
	return out
}()

// ctdcGlobalRow writes a row in the global layout: flags 1 or empty, any
// other missing value -99, as CTDC's own file does.
func ctdcGlobalRow(m microRow, steps [qiCount]int) []string {
	row := make([]string, len(LayoutGlobal.Columns))
	for i, c := range LayoutGlobal.Columns {
		if LayoutGlobal.kinds[c] != colFlag {
			row[i] = "-99"
		}
	}
	set := func(col, v string) {
		if v != "" {
			row[globalIndex[col]] = v
		}
	}
	set("yearOfRegistration", m.generalise(qiYear, steps[qiYear])[0])
	set("gender", m.generalise(qiGender, steps[qiGender])[0])
	age := m.generalise(qiAge, steps[qiAge])
	set("ageBroad", age[0])
	set("majorityStatus", age[1])
	set("citizenship", m.generalise(qiCitizenship, steps[qiCitizenship])[0])
	set("CountryOfExploitation", m.generalise(qiCountry, steps[qiCountry])[0])
	flags := SplitValues(m.generalise(qiExploitation, steps[qiExploitation])[0])
	var main, labour []string
	for _, f := range flags {
		set(f, "1")
		if strings.HasPrefix(f, "typeOfLabour") {
			labour = append(labour, ctdcExploitLabel[f])
		} else {
			main = append(main, ctdcExploitLabel[f])
		}
	}
	if slices.Contains(flags, "isForcedLabour") && slices.Contains(flags, "isSexualExploit") {
		set("isSexAndLabour", "1")
	}
	set("typeOfExploitConcatenated", strings.Join(main, ";"))
	set("typeOfLabourConcatenated", strings.Join(labour, ";"))
	return row
}

// MicrodataSummary is one line for the operator: how many rows, how many
// left out, each quasi-identifier's step. It names no value.
func (m Microdata) MicrodataSummary() string {
	var parts []string
	for _, q := range MicrodataQuasiIdentifiers {
		parts = append(parts, q.Name+"="+m.Steps[q.Name])
	}
	return strconv.Itoa(len(m.Rows)) + " rows (k " + strconv.Itoa(m.K) + ", " + strconv.Itoa(m.Suppressed) +
		" of " + strconv.Itoa(m.Total) + " suppressed; " + strings.Join(parts, ", ") + ")"
}
