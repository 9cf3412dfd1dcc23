package nrm

import (
	"slices"
	"strings"
	"time"
)

// PersonPatch is a correction of a person as given: only the fields present
// change (a field sent as null counts as absent). It is also how the old
// values of a correction are kept: applying them would undo it.
type PersonPatch struct {
	GivenName     *string   `json:"given_name,omitempty"`
	FamilyName    *string   `json:"family_name,omitempty"`
	Aliases       *[]string `json:"aliases,omitempty"`
	DateOfBirth   *string   `json:"date_of_birth,omitempty"`
	AgeUncertain  *bool     `json:"age_uncertain,omitempty"`
	Sex           *string   `json:"sex,omitempty"`
	Citizenship   *[]string `json:"citizenship,omitempty"`
	Contact       *string   `json:"contact,omitempty"`
	SafeToContact *bool     `json:"safe_to_contact,omitempty"`
}

// Field names of a person, as the API and the timeline name them.
const (
	FieldGivenName     = "given_name"
	FieldFamilyName    = "family_name"
	FieldAliases       = "aliases"
	FieldDateOfBirth   = "date_of_birth"
	FieldAgeUncertain  = "age_uncertain"
	FieldSex           = "sex"
	FieldCitizenship   = "citizenship"
	FieldContact       = "contact"
	FieldSafeToContact = "safe_to_contact"
)

// Empty reports whether the patch gives no field at all.
func (p PersonPatch) Empty() bool { return p == PersonPatch{} }

// input is the person as given at creation, with the patch laid over cur.
func (p PersonPatch) input(cur Person) PersonInput {
	in := PersonInput{GivenName: cur.GivenName, FamilyName: cur.FamilyName, Aliases: cur.Aliases,
		DateOfBirth: cur.DateOfBirth.String(), AgeUncertain: cur.AgeUncertain, Sex: cur.Sex,
		Citizenship: cur.Citizenship, Contact: cur.Contact, SafeToContact: cur.SafeToContact}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.GivenName, p.GivenName)
	set(&in.FamilyName, p.FamilyName)
	set(&in.DateOfBirth, p.DateOfBirth)
	set(&in.Sex, p.Sex)
	set(&in.Contact, p.Contact)
	if p.Aliases != nil {
		in.Aliases = *p.Aliases
	}
	if p.Citizenship != nil {
		in.Citizenship = *p.Citizenship
	}
	if p.AgeUncertain != nil {
		in.AgeUncertain = *p.AgeUncertain
	}
	if p.SafeToContact != nil {
		in.SafeToContact = *p.SafeToContact
	}
	return in
}

// Apply validates the correction of cur exactly as a new person is
// validated (the errors name person.FIELD), and returns the corrected person
// and the names of the fields that changed, sorted. A date of birth after
// the encounter is refused as well.
func (p PersonPatch) Apply(cur Person, today, encounter Date) (Person, []string, error) {
	next, err := p.input(cur).validate(today)
	if err != nil {
		return Person{}, nil, err
	}
	if !next.DateOfBirth.IsZero() && !encounter.IsZero() && encounter.Before(next.DateOfBirth) {
		return Person{}, nil, Invalid("person.date_of_birth", "after the encounter (%s)", encounter)
	}
	next.ID, next.Erased = cur.ID, cur.Erased
	return next, ChangedFields(cur, next), nil
}

// ChangedFields names the fields in which two persons differ, sorted.
func ChangedFields(a, b Person) []string {
	var out []string
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add(FieldGivenName, a.GivenName != b.GivenName)
	add(FieldFamilyName, a.FamilyName != b.FamilyName)
	add(FieldAliases, !slices.Equal(a.Aliases, b.Aliases))
	add(FieldDateOfBirth, a.DateOfBirth != b.DateOfBirth)
	add(FieldAgeUncertain, a.AgeUncertain != b.AgeUncertain)
	add(FieldSex, a.Sex != b.Sex)
	add(FieldCitizenship, !slices.Equal(a.Citizenship, b.Citizenship))
	add(FieldContact, a.Contact != b.Contact)
	add(FieldSafeToContact, a.SafeToContact != b.SafeToContact)
	slices.Sort(out)
	return out
}

// PatchOf returns the values of the named fields of p: the old values kept
// by a correction.
func PatchOf(p Person, fields []string) PersonPatch {
	var out PersonPatch
	for _, f := range fields {
		switch f {
		case FieldGivenName:
			out.GivenName = ptr(p.GivenName)
		case FieldFamilyName:
			out.FamilyName = ptr(p.FamilyName)
		case FieldAliases:
			out.Aliases = ptr(append([]string{}, p.Aliases...))
		case FieldDateOfBirth:
			out.DateOfBirth = ptr(p.DateOfBirth.String())
		case FieldAgeUncertain:
			out.AgeUncertain = ptr(p.AgeUncertain)
		case FieldSex:
			out.Sex = ptr(p.Sex)
		case FieldCitizenship:
			out.Citizenship = ptr(append([]string{}, p.Citizenship...))
		case FieldContact:
			out.Contact = ptr(p.Contact)
		case FieldSafeToContact:
			out.SafeToContact = ptr(p.SafeToContact)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// NamesChanged reports whether a correction touches what the blind indexes
// are made of (names, aliases, date of birth).
func NamesChanged(fields []string) bool {
	for _, f := range fields {
		if f == FieldGivenName || f == FieldFamilyName || f == FieldAliases || f == FieldDateOfBirth {
			return true
		}
	}
	return false
}

// AgeChanged reports whether a correction re-decides the child rules.
func AgeChanged(fields []string) bool {
	return slices.Contains(fields, FieldDateOfBirth) || slices.Contains(fields, FieldAgeUncertain)
}

// PersonCorrection is one correction of a person, as its history shows it:
// which fields, their values before, who and when.
type PersonCorrection struct {
	ID     string
	CaseID string // the case through which the person was corrected
	Fields []string
	Old    PersonPatch // empty once the person was erased
	By     string
	OrgID  string
	At     time.Time
}

// PersonHistoryRecord is a correction as stored: the old values sealed
// under the person's key.
type PersonHistoryRecord struct {
	ID        string
	PersonID  string
	CaseID    string
	Fields    []string
	SealedOld []byte
	By        string
	OrgID     string
	At        time.Time
}

// Warning kinds of a case.
const WarnNoChildProtection = "no-child-protection"

// Warning tells the viewers of a case what the mechanism cannot do for it.
// It holds no personal data.
type Warning struct {
	Code    string
	Message string
}

// GuardianInput is a child's guardian as given.
type GuardianInput struct {
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
	AppointedOn  string `json:"appointed_on"`
	Contact      string `json:"contact"`
}

// Guardian is the guardian (or representative) appointed for a child
// (CETS 197 Art. 10(4)(a)); sealed at rest under the person's key.
type Guardian struct {
	Name         string
	Organisation string
	AppointedOn  Date
	Contact      string
	SetBy        string
	SetOrg       string
	SetAt        time.Time
}

// GuardianRecord is a guardian as stored: the details sealed.
type GuardianRecord struct {
	CaseID   string
	PersonID string
	Sealed   []byte
	SetBy    string
	SetOrg   string
	SetAt    time.Time
}

// Validate checks a guardian: a name is required.
func (in GuardianInput) Validate(today Date) (Guardian, error) {
	var g Guardian
	var err error
	if g.Name, err = Text("name", in.Name, 200); err != nil {
		return g, err
	}
	if g.Name == "" {
		return g, Invalid("name", "the guardian's name is required")
	}
	if g.Organisation, err = Text("organisation", in.Organisation, 200); err != nil {
		return g, err
	}
	if g.AppointedOn, err = PastDate("appointed_on", in.AppointedOn, today, false); err != nil {
		return g, err
	}
	if g.Contact, err = Text("contact", in.Contact, 1000); err != nil {
		return g, err
	}
	return g, nil
}

// FieldList joins field names for a timeline line or an audit detail.
func FieldList(fields []string) string { return strings.Join(fields, ", ") }
