package nrm

import (
	"slices"
	"time"
)

// A self-referral is what a person (or someone helping them) leaves on the
// public help page (/help) without an account: what they choose to say, how
// and when it is safe to contact them. It lands in the inbox of the
// organisation the deployment names; its text is sealed under a data key of
// its own (id = the self-referral's id), so that it can be crypto-shredded.
// No client address or user agent is ever part of it.
type SelfReferral struct {
	ID        string
	OrgID     string
	State     string
	Language  string // ISO 639-1, optional
	CaseID    string // once converted
	CreatedAt time.Time
	UpdatedAt time.Time
	// Sealed content, filled only when opened.
	Message     string
	Channel     string
	Contact     string
	ContactWhen string
}

// SelfReferralRecord is a self-referral as stored: the content sealed.
type SelfReferralRecord struct {
	SelfReferral
	Sealed []byte
}

// Self-referral states.
const (
	SelfReferralNew       = "new"
	SelfReferralConverted = "converted" // a case was opened from it
	SelfReferralClosed    = "closed"    // closed without a case
)

// Contact channels a visitor may name as safe.
var SelfReferralChannels = []string{"phone", "sms", "email", "messenger", "in-person", "other"}

// Limits of the self-referral form.
const (
	SelfReferralMessageMax = 4000
	SelfReferralContactMax = 200
	SelfReferralWhenMax    = 300
)

// SelfReferralInput is the form as sent.
type SelfReferralInput struct {
	Message, Channel, Contact, ContactWhen, Language string
}

// Validate checks the form; every field is optional, but a contact detail
// needs a channel to be usable and a form with nothing in it says nothing.
func (in SelfReferralInput) Validate() (SelfReferral, error) {
	var r SelfReferral
	var err error
	if r.Message, err = Text("message", in.Message, SelfReferralMessageMax); err != nil {
		return r, err
	}
	if r.Contact, err = Text("contact", in.Contact, SelfReferralContactMax); err != nil {
		return r, err
	}
	if r.ContactWhen, err = Text("contact_when", in.ContactWhen, SelfReferralWhenMax); err != nil {
		return r, err
	}
	if in.Channel != "" && !slices.Contains(SelfReferralChannels, in.Channel) {
		return r, Invalid("channel", "choose one of the ways listed")
	}
	r.Channel = in.Channel
	if r.Contact != "" && r.Channel == "" {
		return r, Invalid("channel", "say which way this contact is (phone, e-mail...)")
	}
	if in.Language != "" {
		if r.Language, err = ParseLanguage("language", in.Language); err != nil {
			return r, err
		}
	}
	if r.Message == "" && r.Contact == "" {
		return r, Invalid("message", "write something, or leave a way to contact you")
	}
	return r, nil
}

// ClockWarningDays is how many days before a clock falls due its
// organisation is told by e-mail.
func ClockWarningDays(kind string) int {
	switch kind {
	case DeadlinePermitExpiry:
		return 30
	case DeadlineRecoveryEnd, DeadlineCG:
		return 14
	}
	return 7
}

// Kinds of e-mail notification: the mail names only the kind and a link.
const (
	MailReferral     = "referral"
	MailSelfReferral = "self-referral"
	MailClockDue     = "clock-due"
	MailFollowUpDue  = "follow-up-due" // a co-ordination event's follow-up
)

// MailItem is one notification e-mail waiting in the outbox, addressed to a
// user (the address is looked up when it is sent).
type MailItem struct {
	ID            string
	UserID        string
	Kind          string
	Link          string // a path: /referrals, /due, /help/inbox
	Status        string // OutboxPending, OutboxDelivered, OutboxRefused
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
}
