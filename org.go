package nrm

import (
	"slices"
	"strings"
	"time"
)

// OrgKind is what an organisation is in the mechanism.
type OrgKind string

const (
	KindPolice             OrgKind = "police"
	KindBorderGuard        OrgKind = "border-guard"
	KindLabourInspectorate OrgKind = "labour-inspectorate"
	KindProsecutor         OrgKind = "prosecutor"
	KindCourt              OrgKind = "court"
	KindSocialServices     OrgKind = "social-services"
	KindChildProtection    OrgKind = "child-protection"
	KindNGO                OrgKind = "ngo"
	KindShelter            OrgKind = "shelter"
	KindLegalAid           OrgKind = "legal-aid"
	KindOmbudsman          OrgKind = "ombudsman"
	KindCompetentAuthority OrgKind = "competent-authority"
	KindCoordinator        OrgKind = "coordinator"
	KindTrialMonitor       OrgKind = "trial-monitor"
	KindInternational      OrgKind = "international"
	KindOther              OrgKind = "other"
)

// OrgKinds lists every kind, in the contract's order.
var OrgKinds = []OrgKind{
	KindPolice, KindBorderGuard, KindLabourInspectorate, KindProsecutor, KindCourt,
	KindSocialServices, KindChildProtection, KindNGO, KindShelter, KindLegalAid,
	KindOmbudsman, KindCompetentAuthority, KindCoordinator, KindTrialMonitor,
	KindInternational, KindOther,
}

func (k OrgKind) Valid() bool { return slices.Contains(OrgKinds, k) }

// LawEnforcement reports whether the kind is a police-type body, whose staff
// never read support notes (CETS 197 Art. 12(6): assistance does not depend on
// co-operation with the police, so what the person shares for support stays there).
func (k OrgKind) LawEnforcement() bool {
	return k == KindPolice || k == KindBorderGuard || k == KindLabourInspectorate
}

// Role is what a user may do within their organisation.
type Role string

const (
	RoleAdmin          Role = "admin"
	RoleCoordinator    Role = "coordinator"
	RoleFirstResponder Role = "first-responder"
	RoleCaseWorker     Role = "case-worker"
	RoleDecisionMaker  Role = "decision-maker"
	RoleLegalAdvisor   Role = "legal-advisor"
	RoleLawEnforcement Role = "law-enforcement"
	RoleTrialMonitor   Role = "trial-monitor"
	RoleAnalyst        Role = "analyst"
	RoleAuditor        Role = "auditor"
)

// Roles lists every role, in the contract's order.
var Roles = []Role{
	RoleAdmin, RoleCoordinator, RoleFirstResponder, RoleCaseWorker, RoleDecisionMaker,
	RoleLegalAdvisor, RoleLawEnforcement, RoleTrialMonitor, RoleAnalyst, RoleAuditor,
}

func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Organisation is a tenant: its users see cases only through its involvement.
type Organisation struct {
	ID        string
	Name      string
	Kind      OrgKind
	Country   string // ISO 3166-1 alpha-2, or empty
	CreatedAt time.Time
	Version   int64
}

// OrgInput is what creating or editing an organisation takes.
type OrgInput struct {
	Name    string
	Kind    string
	Country string
}

// Validate checks the input and returns it normalised.
func (in OrgInput) Validate() (Organisation, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return Organisation{}, Invalid("name", "a name is required")
	}
	if len(name) > 200 {
		return Organisation{}, Invalid("name", "at most 200 characters")
	}
	kind := OrgKind(in.Kind)
	if !kind.Valid() {
		return Organisation{}, Invalid("kind", "unknown organisation kind %q; one of: %s", in.Kind, joinKinds())
	}
	country, err := ParseCountry("country", in.Country, true)
	if err != nil {
		return Organisation{}, err
	}
	return Organisation{Name: name, Kind: kind, Country: country}, nil
}

func joinKinds() string {
	s := make([]string, len(OrgKinds))
	for i, k := range OrgKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func joinRoles() string {
	s := make([]string, len(Roles))
	for i, r := range Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// ParseCountry accepts an ISO 3166-1 alpha-2 code in any case.
func ParseCountry(field, s string, optional bool) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" && optional {
		return "", nil
	}
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return "", Invalid(field, "a two-letter ISO 3166-1 country code is required")
	}
	return s, nil
}
