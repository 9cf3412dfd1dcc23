package exchange

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/hpke"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Format names version 1 of the packet format (format.md). A receiver
// refuses any other.
const Format = "nrm-packet/1"

// MaxPacketSize is the largest packet accepted, JSON envelope included.
const MaxPacketSize = 4 << 20

// MaxPayloadSize is the largest plaintext a packet may carry.
const MaxPayloadSize = 3 << 20

// The packet kinds.
const (
	KindReferral   = "referral"   // the consented part of a case file
	KindAck        = "ack"        // a referral accepted or declined
	KindFollowUp   = "follow-up"  // a follow-up report after a return, back to the sender
	KindWithdrawal = "withdrawal" // the person withdrew the consent the referral rests on
)

var kinds = map[string]bool{KindReferral: true, KindAck: true, KindFollowUp: true, KindWithdrawal: true}

// The HPKE suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305.
var (
	suiteKEM  = hpke.DHKEM(ecdh.X25519())
	suiteKDF  = hpke.HKDFSHA256()
	suiteAEAD = hpke.ChaCha20Poly1305()
)

// Header names a packet: what it is, who sent it to whom, and when. It is
// bound to the ciphertext twice: as HPKE's info (a changed header does not
// decrypt) and under the sender's signature.
type Header struct {
	Format    string    `json:"format"`
	Kind      string    `json:"kind"`
	ID        string    `json:"id"`
	Sender    string    `json:"sender"`    // the sender's fingerprint
	Recipient string    `json:"recipient"` // the recipient's fingerprint
	Created   time.Time `json:"created_at"`
	// Ref is the id of the referral a packet other than a referral is about.
	Ref string `json:"ref,omitempty"`
}

// Packet is a header, the HPKE encapsulated key and ciphertext, and the
// sender's Ed25519 signature over all three. Binary fields are base64 in
// JSON.
type Packet struct {
	Header
	Enc        []byte `json:"enc"`
	Ciphertext []byte `json:"ciphertext"`
	Signature  []byte `json:"signature"`
}

var packetID = regexp.MustCompile(`^[0-9A-Za-z_-]{16,64}$`)

// headerBytes is the header's one encoding that is signed and used as HPKE
// info: each field length-prefixed, so that no two headers encode alike.
func (h Header) headerBytes() []byte {
	var b bytes.Buffer
	for _, f := range []string{h.Format, h.Kind, h.ID, h.Sender, h.Recipient, h.Ref} {
		binary.Write(&b, binary.BigEndian, uint32(len(f)))
		b.WriteString(f)
	}
	binary.Write(&b, binary.BigEndian, h.Created.UnixMicro())
	return b.Bytes()
}

// signed is what the signature covers.
func (p *Packet) signed() []byte {
	var b bytes.Buffer
	b.WriteString("nrm packet signature v1\x00")
	hb := p.headerBytes()
	for _, f := range [][]byte{hb, p.Enc, p.Ciphertext} {
		binary.Write(&b, binary.BigEndian, uint32(len(f)))
		b.Write(f)
	}
	return b.Bytes()
}

// ContentHash identifies a packet in both instances' audit logs: SHA-256 of
// what is signed and the signature, in hex. It does not depend on how the
// JSON was written, so sender and receiver compute the same value.
func (p *Packet) ContentHash() string {
	h := sha256.New()
	h.Write(p.signed())
	h.Write(p.Signature)
	return hex.EncodeToString(h.Sum(nil))
}

// Seal encrypts payload to the recipient and signs the packet. The header's
// Sender, Format and Created (if zero) are filled in.
func Seal(k *Keys, to Identity, h Header, payload []byte) (*Packet, error) {
	if len(payload) > MaxPayloadSize {
		return nil, fmt.Errorf("exchange: payload of %d bytes is over the limit of %d", len(payload), MaxPayloadSize)
	}
	if !kinds[h.Kind] {
		return nil, fmt.Errorf("exchange: unknown packet kind %q", h.Kind)
	}
	if !packetID.MatchString(h.ID) {
		return nil, errors.New("exchange: a packet id is 16 to 64 letters, digits, - or _")
	}
	h.Format, h.Sender, h.Recipient = Format, k.Fingerprint(), to.Fingerprint
	if h.Created.IsZero() {
		h.Created = time.Now()
	}
	h.Created = h.Created.UTC().Truncate(time.Microsecond)
	pub, err := suiteKEM.NewPublicKey(to.EncryptionKey)
	if err != nil {
		return nil, fmt.Errorf("exchange: recipient key: %w", err)
	}
	enc, sender, err := hpke.NewSender(pub, suiteKDF, suiteAEAD, h.info())
	if err != nil {
		return nil, fmt.Errorf("exchange: %w", err)
	}
	p := &Packet{Header: h, Enc: enc}
	if p.Ciphertext, err = sender.Seal(nil, payload); err != nil {
		return nil, fmt.Errorf("exchange: %w", err)
	}
	p.Signature = ed25519.Sign(k.sign, p.signed())
	return p, nil
}

func (h Header) info() []byte { return append([]byte("nrm packet v1\x00"), h.headerBytes()...) }

// Why a packet is refused. Each is an *Rejection with one of these reasons,
// so that the receiver can answer and audit it without parsing messages.
const (
	RejectMalformed   = "malformed" // not a packet of this format
	RejectTooLarge    = "too-large" // over MaxPacketSize
	RejectNotForUs    = "wrong-recipient"
	RejectUnknown     = "unknown-sender"
	RejectSignature   = "bad-signature"
	RejectTooOld      = "too-old"
	RejectFuture      = "from-the-future"
	RejectUndecrypted = "undecryptable" // signed by the partner but not openable with our key
)

// Rejection is a packet refused, with the reason and a message safe to
// send back (it never holds packet content).
type Rejection struct {
	Reason  string
	Message string
}

func (r *Rejection) Error() string { return "packet refused (" + r.Reason + "): " + r.Message }

func reject(reason, format string, args ...any) error {
	return &Rejection{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Parse reads a packet's JSON, refusing anything over the size limit or not
// of this format. It does not verify the packet: Open does.
func Parse(b []byte) (*Packet, error) {
	if len(b) > MaxPacketSize {
		return nil, reject(RejectTooLarge, "a packet is at most %d bytes", MaxPacketSize)
	}
	var p Packet
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, reject(RejectMalformed, "not a packet: %v", err)
	}
	if dec.More() {
		return nil, reject(RejectMalformed, "not a packet: data after the JSON object")
	}
	switch {
	case p.Format != Format:
		return nil, reject(RejectMalformed, "format %q is not %s", p.Format, Format)
	case !kinds[p.Kind]:
		return nil, reject(RejectMalformed, "unknown kind %q", p.Kind)
	case !packetID.MatchString(p.ID):
		return nil, reject(RejectMalformed, "not a packet id")
	case p.Ref != "" && !packetID.MatchString(p.Ref):
		return nil, reject(RejectMalformed, "ref is not a packet id")
	case len(p.Signature) != ed25519.SignatureSize || len(p.Enc) == 0 || len(p.Ciphertext) == 0:
		return nil, reject(RejectMalformed, "signature, enc and ciphertext are required")
	case p.Created.IsZero():
		return nil, reject(RejectMalformed, "created_at is required")
	}
	return &p, nil
}

// Limits bound how old a packet may be when it arrives, and how far the
// sender's clock may run ahead. A packet carried offline on a file needs
// the longer MaxAge the caller gives it.
type Limits struct {
	MaxAge, MaxSkew time.Duration
}

// Open verifies a packet addressed to k's instance and returns its
// plaintext. partner finds a registered partner by fingerprint (false: not
// registered). The checks run in an order that tells an unregistered
// sender nothing about our keys: recipient, sender, signature, time, and
// only then decryption. Replays are the caller's to refuse: it remembers
// packet ids in its database.
func Open(k *Keys, p *Packet, partner func(fingerprint string) (Identity, bool), now time.Time, lim Limits) ([]byte, error) {
	if p.Recipient != k.Fingerprint() {
		return nil, reject(RejectNotForUs, "the packet is addressed to another instance")
	}
	from, ok := partner(p.Sender)
	if !ok {
		return nil, reject(RejectUnknown, "the sender is not a registered partner")
	}
	if len(from.SigningKey) != ed25519.PublicKeySize || !ed25519.Verify(ed25519.PublicKey(from.SigningKey), p.signed(), p.Signature) {
		return nil, reject(RejectSignature, "the signature does not verify against the partner's key")
	}
	if age := now.Sub(p.Created); age > lim.MaxAge {
		return nil, reject(RejectTooOld, "the packet is %s old; at most %s is accepted", age.Round(time.Second), lim.MaxAge)
	} else if -age > lim.MaxSkew {
		return nil, reject(RejectFuture, "the packet is dated %s ahead of this instance's clock", (-age).Round(time.Second))
	}
	priv, err := hpke.NewDHKEMPrivateKey(k.enc)
	if err != nil {
		return nil, fmt.Errorf("exchange: %w", err)
	}
	r, err := hpke.NewRecipient(p.Enc, priv, suiteKDF, suiteAEAD, p.info())
	if err != nil {
		return nil, reject(RejectUndecrypted, "the packet does not open with this instance's key")
	}
	pt, err := r.Open(nil, p.Ciphertext)
	if err != nil {
		return nil, reject(RejectUndecrypted, "the packet does not open with this instance's key")
	}
	return pt, nil
}
