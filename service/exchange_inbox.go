package service

// The inbox: every packet from a partner, delivered over HTTPS or imported
// from a file, goes through Receive. A packet refused at any check is
// audited with its reason and content hash and nothing else is stored.

import (
	"context"
	"errors"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/exchange"
	"github.com/nrmproject/nrm/keyring"
)

// How old a packet may be when it arrives (exchange/format.md).
var (
	LimitsHTTPS   = exchange.Limits{MaxAge: 24 * time.Hour, MaxSkew: 5 * time.Minute}
	LimitsOffline = exchange.Limits{MaxAge: 30 * 24 * time.Hour, MaxSkew: 5 * time.Minute}
)

// Received is what the inbox answers for a packet it took.
type Received struct {
	ID          string // the received packet's id here
	Kind        string
	ContentHash string
}

// RefusedError is a packet refused: the reason (exchange.Reject*), a
// message safe for the sender, and the status to answer.
type RefusedError struct {
	Reason, Message string
	Status          int
}

func (e *RefusedError) Error() string { return "packet refused (" + e.Reason + "): " + e.Message }

// refusalStatus is the HTTP status of each refusal: all 4xx.
var refusalStatus = map[string]int{
	exchange.RejectMalformed: 400, exchange.RejectTooLarge: 400, exchange.RejectNotForUs: 403,
	exchange.RejectUnknown: 403, exchange.RejectSignature: 403, exchange.RejectTooOld: 422,
	exchange.RejectFuture: 422, exchange.RejectUndecrypted: 422, exchange.RejectPayload: 422,
	exchange.RejectReplay: 409, exchange.RejectUnknownReferral: 422,
}

func refused(reason, msg string) *RefusedError {
	st := refusalStatus[reason]
	if st == 0 {
		st = 400
	}
	return &RefusedError{Reason: reason, Message: msg, Status: st}
}

// Receive takes a packet from a partner. offline: it was carried on a file
// (nrm exchange import), which may be older. No credentials: the packet is
// authenticated by its signature.
func (s *Service) Receive(ctx context.Context, body []byte, offline bool) (Received, error) {
	ctx = nrm.WithActor(ctx, nrm.SystemActor)
	lim := LimitsHTTPS
	via := "https"
	if offline {
		lim, via = LimitsOffline, "file"
	}
	if s.cfg.Exchange.Keys == nil {
		return Received{}, errNoExchangeKeys
	}
	p, err := exchange.Parse(body)
	if err != nil {
		return Received{}, s.refuse(ctx, nil, via, err)
	}
	var out Received
	err = s.store.Write(ctx, func(tx Tx) error {
		partner, perr := tx.ActivePartner(ctx, p.Sender)
		if perr != nil && nrm.ErrorCode(perr) != nrm.CodeNotFound {
			return perr
		}
		known := perr == nil
		pt, err := exchange.Open(s.cfg.Exchange.Keys, p, func(fp string) (exchange.Identity, bool) {
			return exchange.Identity(partner.InstanceIdentity), known && fp == partner.Fingerprint
		}, tx.Time(), lim)
		if err != nil {
			return err
		}
		// A replay is named as such before the payload's own rules, which an
		// answer seen before would fail for another reason.
		if seen, err := tx.ReceivedBefore(ctx, p.Sender, p.ID); err != nil {
			return err
		} else if seen {
			return refused(exchange.RejectReplay, "this packet id was received from the sender before")
		}
		v, err := exchange.DecodePayload(p.Kind, pt)
		if err != nil {
			return err
		}
		rp := nrm.ReceivedPacket{ID: nrm.NewID(), PartnerID: partner.ID, Sender: p.Sender, PacketID: p.ID, Kind: p.Kind,
			Ref: p.Ref, ContentHash: p.ContentHash(), Status: nrm.ReceivedDone, ReceivedAt: tx.Time()}
		today := nrm.DateOf(tx.Time())
		switch v := v.(type) {
		case *exchange.Referral:
			if p.Ref != "" {
				return refused(exchange.RejectMalformed, "a referral names no ref")
			}
			if _, _, _, err := receivedCase(v, today); err != nil {
				return refused(exchange.RejectPayload, "the referral's "+nrm.AsError(err).Field+" is not valid: "+nrm.AsError(err).Message)
			}
			rp.Status = nrm.ReceivedPending
		case *exchange.Ack:
			t, err := s.sentReferral(ctx, tx, partner, p.Ref)
			if err != nil {
				return err
			}
			if t.Status != nrm.TransQueued && t.Status != nrm.TransSent {
				return refused(exchange.RejectUnknownReferral, "the referral was answered already")
			}
			var sealed []byte
			if v.Reason != "" {
				rec, err := tx.Case(ctx, t.CaseID)
				if err != nil {
					return err
				}
				if rec.PersonKey != nil {
					z, err := s.personSealer(rec)
					if err != nil {
						return err
					}
					sealed = z.seal("exchange_referrals", "response", t.ID, v.Reason)
				}
			}
			if err := tx.SetTransnationalStatus(ctx, t.ID, t.Status, v.Status, tx.Time(), sealed); err != nil {
				return err
			}
			rp.CaseID = t.CaseID
			if err := s.event(ctx, tx, t.CaseID, "referral", "", today, "referral abroad "+v.Status+" by "+partner.Instance, t.ID); err != nil {
				return err
			}
		case *exchange.FollowUp:
			t, err := s.sentReferral(ctx, tx, partner, p.Ref)
			if err != nil {
				return err
			}
			rp.CaseID = t.CaseID
			if err := s.event(ctx, tx, t.CaseID, "follow-up", nrm.Support, today, "follow-up report received from "+partner.Instance, t.ID); err != nil {
				return err
			}
		case *exchange.Withdrawal:
			in, err := tx.ReceivedReferral(ctx, partner.ID, p.Ref)
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return refused(exchange.RejectUnknownReferral, "no referral with this ref was received from the sender")
			}
			if err != nil {
				return err
			}
			rp.CaseID = in.CaseID
			if in.Status == nrm.ReceivedPending {
				if err := tx.RespondReceived(ctx, in.ID, nrm.ReceivedDeclined, "", ""); err != nil {
					return err
				}
			}
			if in.CaseID != "" {
				if err := s.event(ctx, tx, in.CaseID, "consent", "", today, "the person withdrew the consent the referral from "+partner.Instance+" rests on", in.ID); err != nil {
					return err
				}
			}
		}
		dk, err := s.newDataKey(ctx, tx, rp.ID)
		if err != nil {
			return err
		}
		rp.Payload = dk.Seal(pt, keyring.AD("exchange_received", "payload", rp.ID))
		if err := tx.InsertReceived(ctx, rp); err != nil {
			if nrm.ErrorCode(err) == nrm.CodeConflict {
				return refused(exchange.RejectReplay, "this packet id was received from the sender before")
			}
			return err
		}
		out = Received{ID: rp.ID, Kind: p.Kind, ContentHash: rp.ContentHash}
		return s.record(ctx, tx, s.entry(ctx, "exchange.packet.received", "partner/"+partner.ID, outcomeOK,
			"kind "+p.Kind+"; packet "+p.ID+"; via "+via+"; content hash "+rp.ContentHash))
	})
	if err != nil {
		return Received{}, s.refuse(ctx, p, via, err)
	}
	return out, nil
}

// sentReferral is the referral this instance sent to a partner as packet
// ref; an answer about any other is refused.
func (s *Service) sentReferral(ctx context.Context, tx Tx, p nrm.Partner, ref string) (nrm.TransnationalRecord, error) {
	if ref == "" {
		return nrm.TransnationalRecord{}, refused(exchange.RejectMalformed, "the packet names no ref")
	}
	t, err := tx.TransnationalByPacket(ctx, p.ID, ref)
	if nrm.ErrorCode(err) == nrm.CodeNotFound {
		return t, refused(exchange.RejectUnknownReferral, "no referral with this ref was sent to the sender")
	}
	return t, err
}

// refuse audits a refused packet (its reason and, when it parsed, its
// content hash) in a transaction of its own, and returns the refusal.
// Errors that are not refusals (the database failing) pass through.
func (s *Service) refuse(ctx context.Context, p *exchange.Packet, via string, err error) error {
	var rf *RefusedError
	var rj *exchange.Rejection
	switch {
	case errors.As(err, &rf):
	case errors.As(err, &rj):
		rf = refused(rj.Reason, rj.Message)
	default:
		return err
	}
	detail := "reason " + rf.Reason + "; via " + via
	object := "exchange/inbox"
	if p != nil {
		detail = "kind " + p.Kind + "; packet " + p.ID + "; " + detail + "; content hash " + p.ContentHash()
	}
	if aerr := s.store.Write(ctx, func(tx Tx) error {
		return s.record(ctx, tx, s.entry(ctx, "exchange.packet.rejected", object, outcomeDenied, detail))
	}); aerr != nil {
		return aerr // audit fails closed: the refusal is not answered as one
	}
	return rf
}

// openReceived opens a received packet's payload.
func (s *Service) openReceived(ctx context.Context, tx Tx, rp nrm.ReceivedPacket) (any, error) {
	k, err := tx.DataKey(ctx, rp.ID)
	if err != nil {
		return nil, err
	}
	if k.Wrapped == nil {
		return nil, nrm.Conflict("the packet's key was destroyed")
	}
	dk, err := s.unwrap(rp.ID, k.Wrapped)
	if err != nil {
		return nil, err
	}
	pt, err := dk.Open(rp.Payload, keyring.AD("exchange_received", "payload", rp.ID))
	if err != nil {
		return nil, nrm.Internal(err)
	}
	return exchange.DecodePayload(rp.Kind, pt)
}

// receivedCase turns a received referral into the case, needs and
// services it becomes here, checked by this instance's own rules.
func receivedCase(r *exchange.Referral, today nrm.Date) (nrm.Case, []nrm.Needs, []nrm.Service, error) {
	in := nrm.CaseInput{Encounter: nrm.EncounterInput{Date: r.Case.EncounterDate, Country: r.Case.EncounterCountry},
		ExploitationTypes: r.Case.ExploitationTypes}
	if r.Identity != nil {
		in.Person = r.Identity.Person
		in.Encounter.Place = r.Identity.Encounter.Place
	} else {
		// Without the identity compartment the person is known here only
		// by the sender's case reference, as a pseudonym.
		in.Person.Aliases = []string{"referred case " + r.Reference}
	}
	c, err := in.Validate(today)
	if err != nil {
		return c, nil, nil, err
	}
	if r.Case.Child {
		c.Child = true // presumed a child on the sending side: stays one (CETS 197 Art. 10(3))
	}
	var needs []nrm.Needs
	var services []nrm.Service
	if r.Support != nil {
		for _, n := range r.Support.Needs {
			v, err := nrm.NeedsInput{AssessedOn: n.AssessedOn, Needs: n.Needs, Notes: n.Notes}.Validate(today)
			if err != nil {
				return c, nil, nil, err
			}
			needs = append(needs, v)
		}
		for _, x := range r.Support.Services {
			v, err := nrm.ServiceInput{Type: x.Type, Provider: x.Provider, StartedOn: x.StartedOn, EndedOn: x.EndedOn, Notes: x.Notes}.Validate(today)
			if err != nil {
				return c, nil, nil, err
			}
			services = append(services, v)
		}
	}
	return c, needs, services, nil
}
