package screening

import "fmt"

// DimensionMet is the ILO/EC rule for one dimension, given how many distinct
// strong, medium and weak indicators of it are present: met with 2 strong, or
// 1 strong and 1 medium or weak, or 3 medium, or 2 medium and 1 weak. Each is
// a minimum: more indicators never un-meet a dimension. Weak indicators alone
// never meet one.
func DimensionMet(strong, medium, weak int) bool {
	switch {
	case strong >= 2:
		return true
	case strong >= 1 && medium+weak >= 1:
		return true
	case medium >= 3:
		return true
	case medium >= 2 && weak >= 1:
		return true
	}
	return false
}

// DimensionResult is the assessment of one dimension.
type DimensionResult struct {
	Dimension            string
	Met                  bool
	Strong, Medium, Weak int         // distinct indicators present, by strength
	Indicators           []Indicator // those present, in set order
}

// Result is the assessment of a set of indicators against one Set.
type Result struct {
	Set        string
	Dimensions []DimensionResult // every dimension of the set, in set order
	Outcome    string            // TraffickingIndicated, PartlyIndicated or NotIndicated
}

// Met returns, for every dimension of the set, whether it is met.
func (r Result) Met() map[string]bool {
	m := make(map[string]bool, len(r.Dimensions))
	for _, d := range r.Dimensions {
		m[d.Dimension] = d.Met
	}
	return m
}

// Assess applies the combination rule to the indicators with the given ids.
// An id not in the set gives *UnknownIndicatorError; an id given twice counts
// once. No ids is a valid assessment with outcome NotIndicated.
//
// Adult sets: trafficking is indicated when a recruitment dimension
// (deceptive-recruitment, coercive-recruitment or
// recruitment-abuse-of-vulnerability), exploitative-conditions, and a means
// dimension at destination (coercion-at-destination or
// abuse-of-vulnerability-at-destination) are all met. Child sets: a
// recruitment dimension and exploitative-conditions (the means are not
// required for children). A dimension the set does not have is never met.
func (s *Set) Assess(ids []string) (Result, error) {
	if s.Population != Adult && s.Population != Child {
		return Result{}, fmt.Errorf("screening: set %s has unknown population %q", s.Name, s.Population)
	}
	present := make(map[string]bool, len(ids))
	for _, id := range ids {
		if _, ok := s.Indicator(id); !ok {
			return Result{}, &UnknownIndicatorError{ID: id, Set: s.Name}
		}
		present[id] = true
	}

	res := Result{Set: s.Name}
	pos := make(map[string]int, len(s.Dimensions))
	dim := func(name string) *DimensionResult {
		i, ok := pos[name]
		if !ok { // only for a hand-built Set whose Dimensions lack this one
			i = len(res.Dimensions)
			pos[name] = i
			res.Dimensions = append(res.Dimensions, DimensionResult{Dimension: name})
		}
		return &res.Dimensions[i]
	}
	for _, name := range s.Dimensions {
		dim(name)
	}
	for _, ind := range s.Indicators {
		if !present[ind.ID] {
			continue
		}
		present[ind.ID] = false // a duplicate id in a hand-built Set counts once
		d := dim(ind.Dimension)
		switch ind.Strength {
		case Strong:
			d.Strong++
		case Medium:
			d.Medium++
		case Weak:
			d.Weak++
		}
		d.Indicators = append(d.Indicators, ind)
	}
	for i := range res.Dimensions {
		d := &res.Dimensions[i]
		d.Met = DimensionMet(d.Strong, d.Medium, d.Weak)
	}
	res.Outcome = outcome(s.Population, res.Met())
	return res, nil
}

func outcome(population string, met map[string]bool) string {
	recruitment := met[DeceptiveRecruitment] || met[CoerciveRecruitment] || met[RecruitmentAbuseOfVulnerability]
	exploitation := met[ExploitativeConditions]
	means := met[CoercionAtDestination] || met[AbuseOfVulnerabilityAtDestination]
	indicated := recruitment && exploitation
	if population == Adult {
		indicated = indicated && means
	}
	if indicated {
		return TraffickingIndicated
	}
	for _, m := range met {
		if m {
			return PartlyIndicated
		}
	}
	return NotIndicated
}
