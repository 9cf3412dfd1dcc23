package nrm

import "time"

// InstanceIdentity is how an nrm instance names itself to partner
// instances in other countries (exchange/format.md): its public keys and
// their fingerprint, which people compare before trusting it.
type InstanceIdentity struct {
	Instance      string `json:"instance"`
	Country       string `json:"country"`
	URL           string `json:"url"`
	SigningKey    []byte `json:"signing_key"`
	EncryptionKey []byte `json:"encryption_key"`
	Fingerprint   string `json:"fingerprint"`
}

// Partner is another instance registered as trusted, by an explicit act
// of an admin of the co-ordinating organisation (or the operator).
type Partner struct {
	ID string
	InstanceIdentity
	AddedBy   string // user id, or "" for the operator at the command line
	AddedAt   time.Time
	RemovedAt time.Time // zero while trusted
}

// Active reports whether the partner is trusted now.
func (p Partner) Active() bool { return p.RemovedAt.IsZero() }

// Statuses of a transnational referral on the sending side.
const (
	TransQueued    = "queued"    // sealed in the outbox, not yet delivered
	TransSent      = "sent"      // delivered to the partner's inbox
	TransAccepted  = "accepted"  // the partner accepted it (its ack)
	TransDeclined  = "declined"  // the partner declined it (its ack)
	TransWithdrawn = "withdrawn" // the consent was withdrawn before delivery: never sent
	TransRefused   = "refused"   // the partner refused the packet itself
)

// TransnationalReferral is a case referred to a partner instance.
type TransnationalReferral struct {
	ID          string
	CaseID      string
	PartnerID   string
	ConsentID   string
	PacketID    string // the referral packet's id
	Scope       Scope
	Reason      string
	Status      string
	ContentHash string
	CreatedBy   string
	CreatedOrg  string
	CreatedAt   time.Time
	SentAt      time.Time
	RespondedAt time.Time
	Response    string // the partner's reason for a decline
}

// TransnationalRecord is a transnational referral as stored: reason and
// response sealed under the case person's key.
type TransnationalRecord struct {
	TransnationalReferral
	SealedReason, SealedResponse []byte
}

// Outbox statuses.
const (
	OutboxPending   = "pending"
	OutboxDelivered = "delivered"
	OutboxRefused   = "refused"  // the partner refused it: not retried
	OutboxStopped   = "stopped"  // the consent was withdrawn before delivery
	OutboxExported  = "exported" // carried offline as a file instead
)

// OutboxItem is a sealed packet waiting for delivery: the packet's JSON,
// encrypted to the partner, never plaintext.
type OutboxItem struct {
	ID            string
	PartnerID     string
	PacketID      string
	Kind          string
	ReferralID    string // the sent referral it belongs to, if any
	Packet        []byte
	ContentHash   string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	DeliveredAt   time.Time
}

// Statuses of a received packet.
const (
	ReceivedPending  = "pending" // a referral waiting for the co-ordinator
	ReceivedAccepted = "accepted"
	ReceivedDeclined = "declined"
	ReceivedDone     = "received" // an ack, follow-up or withdrawal: nothing to answer
)

// ReceivedPacket is a packet received from a partner: its payload sealed
// under a data key of its own (DataKeyID = ID).
type ReceivedPacket struct {
	ID          string
	PartnerID   string
	Sender      string // the sender's fingerprint
	PacketID    string
	Kind        string
	Ref         string // the referral packet it is about (not for a referral)
	ContentHash string
	Payload     []byte // sealed
	Status      string
	CaseID      string // the local case: made on accepting a referral, or the sender's case of a follow-up
	ReceivedAt  time.Time
	RespondedBy string
	RespondedAt time.Time
}
