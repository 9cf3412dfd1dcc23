package nrm

import (
	"slices"
	"strings"
	"time"
)

// Who may ask the competent authority to reconsider: the organisation that
// made the NRM referral, a support provider of the person, or their lawyer.
const (
	RequesterReferrer = "referring-organisation"
	RequesterSupport  = "support-provider"
	RequesterLawyer   = "lawyer"
)

// What a reconsideration request is about.
const (
	SubjectDecision = "decision" // a negative reasonable- or conclusive-grounds decision
	SubjectDecline  = "decline"  // the authority's decline of the NRM referral
)

// Reconsideration request statuses and answers.
const (
	RequestPending = "pending"
	RequestGranted = "granted"
	RequestRefused = "refused"
)

// ReconsiderationRequest asks the authority to look again at a negative
// decision or a decline. Its reason and answer are sealed at rest.
type ReconsiderationRequest struct {
	ID, CaseID   string
	Subject      string // SubjectDecision or SubjectDecline
	SubjectID    string // the decision or the declined referral
	ToOrg        string // the competent authority asked
	Requester    string // Requester*
	Reason       string
	Status       string
	Answer       string
	RequestedBy  string
	RequestedOrg string
	AnsweredBy   string
	AnsweredAt   time.Time
	CreatedAt    time.Time
}

// ReconsiderationRecord is a request as stored.
type ReconsiderationRecord struct {
	ReconsiderationRequest
	SealedReason, SealedAnswer []byte
}

// ReconsiderationInput is a request as given.
type ReconsiderationInput struct {
	Reason string `json:"reason"`
}

// ReconsiderationAnswerInput is the authority's answer as given.
type ReconsiderationAnswerInput struct {
	Outcome string `json:"outcome"` // granted or refused
	Reasons string `json:"reasons"`
}

// Validate checks an answer.
func (in ReconsiderationAnswerInput) Validate() (string, string, error) {
	outcome := strings.TrimSpace(in.Outcome)
	if !slices.Contains([]string{RequestGranted, RequestRefused}, outcome) {
		return "", "", Invalid("outcome", "%s or %s", RequestGranted, RequestRefused)
	}
	reasons, err := Text("reasons", in.Reasons, 5000)
	if err == nil && reasons == "" {
		err = Invalid("reasons", "say why")
	}
	return outcome, reasons, err
}
