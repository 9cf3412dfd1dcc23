package nrm

import (
	"slices"
	"strings"
	"time"
)

// The protection track runs beside the identification track (DESIGN.md,
// "Beside the track"): needs assessment, support plan, services given and
// residence. All of it is in the support compartment. It never waits on a
// decision and never depends on co-operation with the police (CETS 197
// Art. 12(6)): nothing here asks for a referral or a justice step.

// ServiceTypes are the kinds of service given to a person.
var ServiceTypes = []string{"accommodation", "medical", "psychological", "legal", "interpretation", "education", "employment"}

// NeedTypes are what a needs assessment may find: every kind of service,
// and what no single service answers.
var NeedTypes = append(slices.Clone(ServiceTypes), "safety", "documents", "financial", "family-contact", "return")

// PlanTypes are the HTCDS v2.0 support plan types (spl_Type).
var PlanTypes = []string{"Education", "Financial", "Health", "LabourExploitationRehabilitation", "Legal", "Livelihood",
	"RightsBasedTraining", "SexualExploitationRehabilitation", "SocialCare"}

// ResidenceBases are the grounds a residence permit is applied for on.
var ResidenceBases = []string{"victim-of-trafficking", "recovery-reflection", "humanitarian", "asylum", "other"}

// Limits of the free text of the protection track.
const (
	maxSupportText = 20000
	maxProvider    = 200
)

// NeedsInput is a needs assessment as given.
type NeedsInput struct {
	AssessedOn string   `json:"assessed_on"`
	Needs      []string `json:"needs"`
	Notes      string   `json:"notes"`
}

// Needs is a needs assessment. Notes are sealed under the person's key.
type Needs struct {
	ID         string
	CaseID     string
	AssessedOn Date
	Needs      []string
	Notes      string
	CreatedBy  string
	CreatedOrg string
	CreatedAt  time.Time
}

// Validate checks a needs assessment; without a date it is today's.
func (in NeedsInput) Validate(today Date) (Needs, error) {
	var n Needs
	var err error
	if n.AssessedOn, err = PastDate("assessed_on", in.AssessedOn, today, false); err != nil {
		return n, err
	}
	if n.AssessedOn.IsZero() {
		n.AssessedOn = today
	}
	if len(in.Needs) == 0 {
		return n, Invalid("needs", "name at least one need; one of: %s", strings.Join(NeedTypes, ", "))
	}
	if len(in.Needs) > len(NeedTypes) {
		return n, Invalid("needs", "at most %d needs", len(NeedTypes))
	}
	for _, v := range in.Needs {
		v = strings.TrimSpace(v)
		if !slices.Contains(NeedTypes, v) {
			return n, Invalid("needs", "unknown need %q; one of: %s", v, strings.Join(NeedTypes, ", "))
		}
		if !slices.Contains(n.Needs, v) {
			n.Needs = append(n.Needs, v)
		}
	}
	if n.Notes, err = Text("notes", in.Notes, maxSupportText); err != nil {
		return n, err
	}
	return n, nil
}

// PlanInput is a support plan as given.
type PlanInput struct {
	Type       string `json:"type"`
	Objectives string `json:"objectives"`
	ActionPlan string `json:"action_plan"`
	StartsOn   string `json:"starts_on"`
	PlannedEnd string `json:"planned_end"`
	ReviewOn   string `json:"review_on"`
}

// Plan is a support plan (HTCDS spl_). Objectives and action plan are
// sealed under the person's key. A review date starts the plan-review clock.
type Plan struct {
	ID         string
	CaseID     string
	Type       string
	Objectives string
	ActionPlan string
	StartsOn   Date
	PlannedEnd Date // zero: open-ended
	ReviewOn   Date // zero: no review set
	CreatedBy  string
	CreatedOrg string
	CreatedAt  time.Time
}

// Validate checks a support plan; without a start date it starts today.
// A plan may start, end and be reviewed in the future.
func (in PlanInput) Validate(today Date) (Plan, error) {
	p := Plan{Type: strings.TrimSpace(in.Type)}
	if !slices.Contains(PlanTypes, p.Type) {
		return p, Invalid("type", "one of the HTCDS support plan types: %s", strings.Join(PlanTypes, ", "))
	}
	var err error
	if p.Objectives, err = Text("objectives", in.Objectives, maxSupportText); err != nil {
		return p, err
	}
	if p.Objectives == "" {
		return p, Invalid("objectives", "say what the plan is for")
	}
	if p.ActionPlan, err = Text("action_plan", in.ActionPlan, maxSupportText); err != nil {
		return p, err
	}
	if p.StartsOn, err = optionalDate("starts_on", in.StartsOn); err != nil {
		return p, err
	}
	if p.StartsOn.IsZero() {
		p.StartsOn = today
	}
	if p.PlannedEnd, err = optionalDate("planned_end", in.PlannedEnd); err != nil {
		return p, err
	}
	if !p.PlannedEnd.IsZero() && p.PlannedEnd.Before(p.StartsOn) {
		return p, Invalid("planned_end", "before the plan starts (%s)", p.StartsOn)
	}
	if p.ReviewOn, err = optionalDate("review_on", in.ReviewOn); err != nil {
		return p, err
	}
	if !p.ReviewOn.IsZero() && p.ReviewOn.Before(p.StartsOn) {
		return p, Invalid("review_on", "before the plan starts (%s)", p.StartsOn)
	}
	return p, nil
}

// ServiceInput is a service given, as given.
type ServiceInput struct {
	Type      string `json:"type"`
	Provider  string `json:"provider"`
	StartedOn string `json:"started_on"`
	EndedOn   string `json:"ended_on"`
	Notes     string `json:"notes"`
}

// Service is a service given to the person: what, by whom, from when to
// when. Provider and notes are sealed under the person's key: a provider
// (a shelter, a clinic) can point to where someone is.
type Service struct {
	ID         string
	CaseID     string
	Type       string
	Provider   string
	StartedOn  Date
	EndedOn    Date // zero: still given
	Notes      string
	CreatedBy  string
	CreatedOrg string
	CreatedAt  time.Time
}

// Validate checks a service. It has started (not in the future); its end
// may be planned ahead but not before its start.
func (in ServiceInput) Validate(today Date) (Service, error) {
	s := Service{Type: strings.TrimSpace(in.Type)}
	if !slices.Contains(ServiceTypes, s.Type) {
		return s, Invalid("type", "one of: %s", strings.Join(ServiceTypes, ", "))
	}
	var err error
	if s.Provider, err = Text("provider", in.Provider, maxProvider); err != nil {
		return s, err
	}
	if s.Provider == "" {
		return s, Invalid("provider", "name who gives the service")
	}
	if s.StartedOn, err = PastDate("started_on", in.StartedOn, today, true); err != nil {
		return s, err
	}
	if s.EndedOn, err = optionalDate("ended_on", in.EndedOn); err != nil {
		return s, err
	}
	if !s.EndedOn.IsZero() && s.EndedOn.Before(s.StartedOn) {
		return s, Invalid("ended_on", "before the service started (%s)", s.StartedOn)
	}
	if s.Notes, err = Text("notes", in.Notes, maxSupportText); err != nil {
		return s, err
	}
	return s, nil
}

// ResidenceInput is a residence permit (its application, and its grant
// when known) as given.
type ResidenceInput struct {
	Basis     string `json:"basis"`
	AppliedOn string `json:"applied_on"`
	GrantedOn string `json:"granted_on"`
	ExpiresOn string `json:"expires_on"`
}

// Residence statuses, derived from the dates.
const (
	ResidenceApplied = "applied"
	ResidenceGranted = "granted"
	ResidenceExpired = "expired"
)

// Residence is a residence permit: basis, application, grant, expiry and
// the last renewal. An expiry date starts the permit-expiry clock.
type Residence struct {
	ID         string
	CaseID     string
	Basis      string
	AppliedOn  Date
	GrantedOn  Date // zero: not granted (yet)
	ExpiresOn  Date // zero: no expiry known
	RenewedOn  Date // zero: never renewed
	CreatedBy  string
	CreatedOrg string
	CreatedAt  time.Time
	Version    int64
}

// StatusOn is the permit's status on a date: expired from the day after
// its expiry date.
func (r Residence) StatusOn(today Date) string {
	switch {
	case r.GrantedOn.IsZero():
		return ResidenceApplied
	case !r.ExpiresOn.IsZero() && r.ExpiresOn.Before(today):
		return ResidenceExpired
	}
	return ResidenceGranted
}

// Validate checks a residence permit. Application and grant have happened;
// the expiry is normally ahead, and comes after the grant.
func (in ResidenceInput) Validate(today Date) (Residence, error) {
	r := Residence{Basis: strings.TrimSpace(in.Basis)}
	if !slices.Contains(ResidenceBases, r.Basis) {
		return r, Invalid("basis", "one of: %s", strings.Join(ResidenceBases, ", "))
	}
	var err error
	if r.AppliedOn, err = PastDate("applied_on", in.AppliedOn, today, true); err != nil {
		return r, err
	}
	if r.GrantedOn, err = PastDate("granted_on", in.GrantedOn, today, false); err != nil {
		return r, err
	}
	if !r.GrantedOn.IsZero() && r.GrantedOn.Before(r.AppliedOn) {
		return r, Invalid("granted_on", "before the application (%s)", r.AppliedOn)
	}
	if r.ExpiresOn, err = optionalDate("expires_on", in.ExpiresOn); err != nil {
		return r, err
	}
	if !r.ExpiresOn.IsZero() {
		if r.GrantedOn.IsZero() {
			return r, Invalid("expires_on", "a permit expires only once granted: give granted_on")
		}
		if !r.ExpiresOn.After(r.GrantedOn) {
			return r, Invalid("expires_on", "must be after the grant (%s)", r.GrantedOn)
		}
	}
	return r, nil
}

// RenewalInput renews a granted permit: the date of the renewal, the new
// expiry, and the version of the permit read (optimistic concurrency).
type RenewalInput struct {
	RenewedOn string `json:"renewed_on"`
	ExpiresOn string `json:"expires_on"`
	Version   int64  `json:"version"`
}

// Renewal is a validated renewal.
type Renewal struct {
	RenewedOn Date
	ExpiresOn Date
	Version   int64
}

// Validate checks the form of a renewal; Residence.Renew checks it
// against the permit.
func (in RenewalInput) Validate(today Date) (Renewal, error) {
	var rn Renewal
	var err error
	if rn.RenewedOn, err = PastDate("renewed_on", in.RenewedOn, today, true); err != nil {
		return rn, err
	}
	if strings.TrimSpace(in.ExpiresOn) == "" {
		return rn, Invalid("expires_on", "the new expiry date is required")
	}
	if rn.ExpiresOn, err = ParseDate("expires_on", in.ExpiresOn); err != nil {
		return rn, err
	}
	if !rn.ExpiresOn.After(rn.RenewedOn) {
		return rn, Invalid("expires_on", "must be after the renewal (%s)", rn.RenewedOn)
	}
	if in.Version < 1 {
		return rn, Invalid("version", "the version of the permit you read is required")
	}
	rn.Version = in.Version
	return rn, nil
}

// Renew applies a renewal to the permit: only a granted permit is
// renewed, not before its grant or its last renewal, and its new expiry
// comes after the old one.
func (r Residence) Renew(rn Renewal) (Residence, error) {
	if rn.Version != r.Version {
		return r, ErrStale
	}
	if r.GrantedOn.IsZero() {
		return r, Conflict("the permit was not granted: only a granted permit is renewed")
	}
	if rn.RenewedOn.Before(r.GrantedOn) {
		return r, Invalid("renewed_on", "before the grant (%s)", r.GrantedOn)
	}
	if !r.RenewedOn.IsZero() && rn.RenewedOn.Before(r.RenewedOn) {
		return r, Invalid("renewed_on", "before the last renewal (%s)", r.RenewedOn)
	}
	if !r.ExpiresOn.IsZero() && !rn.ExpiresOn.After(r.ExpiresOn) {
		return r, Invalid("expires_on", "must be after the current expiry (%s)", r.ExpiresOn)
	}
	r.RenewedOn, r.ExpiresOn = rn.RenewedOn, rn.ExpiresOn
	return r, nil
}

// DeadlineCompartment is the compartment a clock belongs to: the clocks
// of the protection track say something about the person's support and
// residence, and show only to those who may read support.
func DeadlineCompartment(kind string) Compartment {
	for _, t := range tracks {
		if slices.Contains(t.Clocks, kind) {
			return t.Compartment
		}
	}
	return ""
}

// VisibleDeadlines keeps the clocks of the compartments in readable (and
// those of no compartment): what a viewer of a case may see of them.
func VisibleDeadlines(ds []Deadline, readable Scope) []Deadline {
	out := make([]Deadline, 0, len(ds))
	for _, d := range ds {
		if c := DeadlineCompartment(d.Kind); c == "" || readable.Has(c) {
			out = append(out, d)
		}
	}
	return out
}

// optionalDate parses a date that may be empty, past or future.
func optionalDate(field, s string) (Date, error) {
	if strings.TrimSpace(s) == "" {
		return Date{}, nil
	}
	return ParseDate(field, s)
}
