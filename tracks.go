package nrm

import "slices"

// Track is one part of the case file beside the kernel: the identification
// track, protection, and (later) justice, safe return and the transnational
// exchange. Each names the compartment its records belong to, the clocks it
// runs, and its guard: the steps of the whole case file it forbids now. The
// kernel asks every track's guard before a step, so a rule of one track
// holds on every path (CETS 197 Art. 10(2), 13, 16 for removal).
type Track struct {
	Name        string
	Compartment Compartment // "" for the record itself, seen by every viewer of the case
	Clocks      []string    // deadline kinds
	// Guard refuses step (with detail, e.g. a closure reason) on c, or
	// allows it with nil.
	Guard func(c Case, step Step, detail string) error
}

// StepSupportRecord is a record on the protection track.
const StepSupportRecord Step = "a record of assistance or residence"

// tracks are nrm's tracks in the order their guards are asked. It is never
// changed after start: Tracks hands out a copy.
var tracks = []Track{
	{Name: "identification", Clocks: []string{DeadlineRG, DeadlineRecoveryEnd, DeadlineCG, DeadlineConsentExpiry},
		Guard: func(c Case, step Step, detail string) error {
			if step == StepClose {
				return CheckClosure(c.State, detail)
			}
			return nil
		}},
	{Name: "protection", Compartment: Support, Clocks: []string{DeadlinePlanReview, DeadlinePermitExpiry},
		Guard: func(c Case, step Step, _ string) error {
			if step == StepSupportRecord && c.State == StateClosed {
				return Conflict("the case is closed: re-open it as a new episode to record support")
			}
			return nil
		}},
	// Justice goes on after the episode closes (a trial, a claim), so it
	// guards nothing; return guards every closure as returned (returns.go).
	{Name: "justice", Compartment: Justice, Clocks: []string{DeadlineHearing}},
	{Name: "return", Compartment: Support, Clocks: []string{DeadlineReturnFollowUp}, Guard: returnGuard},
}

// Tracks lists the tracks of the case file.
func Tracks() []Track { return slices.Clone(tracks) }

// Guard asks every track whether step may happen to c now.
func Guard(c Case, step Step, detail string) error {
	for _, t := range tracks {
		if t.Guard == nil {
			continue
		}
		if err := t.Guard(c, step, detail); err != nil {
			return err
		}
	}
	return nil
}
