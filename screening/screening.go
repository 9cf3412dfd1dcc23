// Package screening holds the ILO/EC operational indicators of trafficking in
// human beings and the ILO/EC rule that combines them.
//
// Indicator sets are data. The sets shipped with nrm are embedded from
// data/*.csv; more CSV files with the same columns
// (id,population,exploitation,dimension,strength,indicator) can be loaded at
// run time with [Catalog.Load] and [Catalog.LoadDir], without code. A set is
// named "<population>-<exploitation>", e.g. "adult-labour" or "child-labour".
//
// The combination rule works by dimension name (see [DimensionMet] and
// [Set.Assess]), so a set added later that uses the same six dimension names
// is assessed unchanged.
//
// A screening result is an aid to referral. It is never a legal determination
// that a person is or is not a victim: that is the competent authority's
// reasonable-grounds and conclusive-grounds decision.
package screening

import "fmt"

// Strength is the weight the ILO/EC Delphi survey gave an indicator.
type Strength string

// The three strengths of an indicator.
const (
	Strong Strength = "strong"
	Medium Strength = "medium"
	Weak   Strength = "weak"
)

// Valid reports whether s is one of strong, medium or weak.
func (s Strength) Valid() bool { return s == Strong || s == Medium || s == Weak }

// The populations an indicator set is for. Only these two are accepted: the
// combination rule differs between them.
const (
	Adult = "adult"
	Child = "child"
)

// The six ILO/EC dimensions the combination rule refers to, by name.
const (
	DeceptiveRecruitment              = "deceptive-recruitment"
	CoerciveRecruitment               = "coercive-recruitment"
	RecruitmentAbuseOfVulnerability   = "recruitment-abuse-of-vulnerability"
	ExploitativeConditions            = "exploitative-conditions"
	CoercionAtDestination             = "coercion-at-destination"
	AbuseOfVulnerabilityAtDestination = "abuse-of-vulnerability-at-destination"
)

// The outcomes of an assessment (Result.Outcome).
const (
	// TraffickingIndicated: the dimensions required for the population are
	// met (adult: recruitment, exploitation and coercion or abuse of
	// vulnerability at destination; child: recruitment and exploitation).
	TraffickingIndicated = "trafficking-indicated"
	// PartlyIndicated: at least one dimension is met, but not all that the
	// population requires.
	PartlyIndicated = "partly-indicated"
	// NotIndicated: no dimension is met.
	NotIndicated = "not-indicated"
)

// Indicator is one operational indicator.
type Indicator struct {
	ID        string   // stable id from the data, e.g. "AL01"
	Set       string   // name of the set it belongs to, e.g. "adult-labour"
	Dimension string   // e.g. "deceptive-recruitment"
	Strength  Strength // strong, medium or weak
	Text      string   // the indicator as published
}

// Set is one list of indicators, for one population and one form of
// exploitation. Treat a Set returned by a Catalog as read-only.
type Set struct {
	Name         string      // "<population>-<exploitation>"
	Population   string      // "adult" or "child"
	Exploitation string      // e.g. "labour"
	Dimensions   []string    // in the order they first appear in the CSV
	Indicators   []Indicator // in CSV order

	index map[string]int // id → position in Indicators; nil for a Set built by hand
}

// Indicator returns the indicator of the set with that id.
func (s *Set) Indicator(id string) (Indicator, bool) {
	if s.index != nil {
		i, ok := s.index[id]
		if !ok {
			return Indicator{}, false
		}
		return s.Indicators[i], true
	}
	for _, ind := range s.Indicators {
		if ind.ID == id {
			return ind, true
		}
	}
	return Indicator{}, false
}

func (s *Set) clone() *Set {
	c := *s
	c.Dimensions = append([]string(nil), s.Dimensions...)
	c.Indicators = append([]Indicator(nil), s.Indicators...)
	c.index = make(map[string]int, len(s.Indicators))
	for i, ind := range c.Indicators {
		c.index[ind.ID] = i
	}
	return &c
}

// UnknownIndicatorError is returned by Set.Assess for an id that is not in the
// set.
type UnknownIndicatorError struct {
	ID  string // the id as given
	Set string // the set it was looked up in
}

func (e *UnknownIndicatorError) Error() string {
	if e.Set == "" {
		return fmt.Sprintf("unknown indicator %q", e.ID)
	}
	return fmt.Sprintf("unknown indicator %q in set %s", e.ID, e.Set)
}

// LoadError is an error in an indicator CSV file. Error() gives
// "source:line: field: problem".
type LoadError struct {
	Source  string // the name given to Load, or the file path
	Line    int    // 1-based line of the CSV; 0 when not about a line
	Field   string // column name, when the problem is in one field
	Problem string
}

func (e *LoadError) Error() string {
	s := e.Source
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Problem
}
