package exchange

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/nrmproject/nrm"
)

// PayloadVersion is the version of the payloads below (format.md,
// "Payloads"). A receiver refuses any other.
const PayloadVersion = 1

// RejectPayload is a packet that verified and decrypted but whose payload
// is not one of this version (malformed JSON inside a valid envelope).
const RejectPayload = "malformed-payload"

// Referral is the payload of a referral packet: what the person consented
// to pass on, and nothing else. Identity, Support and Justice are present
// only when the consent's scope (Scope) includes them.
type Referral struct {
	Version int      `json:"version"`
	Scope   []string `json:"scope"`
	// Reference is the sender's case reference, to name the case in
	// follow-ups and calls between the two sides.
	Reference string `json:"reference"`
	Reason    string `json:"reason"`
	// FromOrg names the referring organisation (an institution, not a person).
	FromOrg string `json:"from_org"`
	Case    Case   `json:"case"`
	// Identification is the identification outcome on the sending side.
	Identification Identification `json:"identification"`
	Identity       *nrm.CaseInput `json:"identity,omitempty"` // person and encounter place
	Support        *Support       `json:"support,omitempty"`
	// Justice and Return are the hooks of the justice and safe-return
	// tracks: each track fills its own part (only within the consent's
	// scope: Justice needs justice, Return needs support) when it exists on
	// the sending side. Until then they are absent.
	Justice json.RawMessage `json:"justice,omitempty"`
	Return  json.RawMessage `json:"return,omitempty"`
}

// Case is what a referral always says of the case: no personal data.
type Case struct {
	Child             bool     `json:"child"`
	EncounterDate     string   `json:"encounter_date"`
	EncounterCountry  string   `json:"encounter_country"`
	ExploitationTypes []string `json:"exploitation_types"`
}

// Identification is where the identification track stands.
type Identification struct {
	State     string     `json:"state"`
	Outcome   string     `json:"outcome,omitempty"`
	Decisions []Decision `json:"decisions,omitempty"`
}

// Decision is one identification decision (without its reasons, which
// are the deciding authority's).
type Decision struct {
	Kind      string `json:"kind"`
	Outcome   string `json:"outcome"`
	DecidedOn string `json:"decided_on"`
}

// Support is the support compartment: needs assessments and the history
// of services given.
type Support struct {
	Needs    []Needs   `json:"needs"`
	Services []Service `json:"services"`
}

// Needs is one needs assessment.
type Needs struct {
	AssessedOn string   `json:"assessed_on"`
	Needs      []string `json:"needs"`
	Notes      string   `json:"notes,omitempty"`
}

// Service is one service given.
type Service struct {
	Type      string `json:"type"`
	Provider  string `json:"provider,omitempty"`
	StartedOn string `json:"started_on"`
	EndedOn   string `json:"ended_on,omitempty"`
	Notes     string `json:"notes,omitempty"`
}

// Ack is the payload of an ack packet: the referral accepted or declined.
type Ack struct {
	Version int    `json:"version"`
	Status  string `json:"status"` // accepted or declined
	Reason  string `json:"reason,omitempty"`
}

// FollowUp is the payload of a follow-up packet: a report on the person
// after a return, from the receiving side back to the sender.
type FollowUp struct {
	Version int    `json:"version"`
	Date    string `json:"date"`
	Report  string `json:"report"`
}

// Withdrawal is the payload of a withdrawal packet: the person withdrew
// the consent the referral rests on.
type Withdrawal struct {
	Version     int    `json:"version"`
	WithdrawnOn string `json:"withdrawn_on"`
}

// DecodePayload reads a payload strictly (no unknown fields, one object,
// this version) into v, which must be a pointer to one of the payloads of
// the packet's kind. Its refusal is a Rejection RejectPayload.
func DecodePayload(kind string, b []byte) (any, error) {
	var v any
	switch kind {
	case KindReferral:
		v = &Referral{}
	case KindAck:
		v = &Ack{}
	case KindFollowUp:
		v = &FollowUp{}
	case KindWithdrawal:
		v = &Withdrawal{}
	default:
		return nil, reject(RejectMalformed, "unknown kind %q", kind)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return nil, reject(RejectPayload, "the %s payload is not valid: %v", kind, err)
	}
	if dec.More() {
		return nil, reject(RejectPayload, "the %s payload has data after its JSON object", kind)
	}
	var version int
	switch p := v.(type) {
	case *Referral:
		version = p.Version
	case *Ack:
		version = p.Version
		if p.Status != nrm.ReferralAccepted && p.Status != nrm.ReferralDeclined {
			return nil, reject(RejectPayload, "an ack's status is accepted or declined")
		}
	case *FollowUp:
		version = p.Version
		if p.Report == "" {
			return nil, reject(RejectPayload, "a follow-up carries a report")
		}
	case *Withdrawal:
		version = p.Version
	}
	if version != PayloadVersion {
		return nil, reject(RejectPayload, "payload version %d is not %d", version, PayloadVersion)
	}
	return v, nil
}

// EncodePayload writes a payload.
func EncodePayload(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("exchange: payload: %w", err)
	}
	return b, nil
}
