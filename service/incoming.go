package service

// Incoming referrals from partner instances: the co-ordinator of a
// co-ordinating organisation sees them, accepts one (a local case holding
// the consented part, assigned to an organisation of this country) or
// declines it; a signed ack goes back through the outbox. After a return,
// follow-up reports travel back the same way.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
	"github.com/nrmproject/nrm/exchange"
)

// Incoming is a referral received from a partner, as the co-ordinator sees
// it before answering: who refers and why, never the person.
type Incoming struct {
	ID          string
	Partner     string // the partner instance's name
	Country     string
	ReceivedAt  time.Time
	Status      string // pending, accepted, declined
	Reason      string
	Reference   string // the sender's case reference
	FromOrg     string
	Scope       []string
	Child       bool
	CaseID      string // the local case, once accepted
	ContentHash string
}

// IncomingReferrals lists the referrals received, newest first.
func (s *Service) IncomingReferrals(ctx context.Context) ([]Incoming, error) {
	if _, err := s.allow(ctx, nrm.ActExchangeRespond); err != nil {
		return nil, err
	}
	var out []Incoming
	err := s.read(ctx, func(tx Tx) error {
		rps, err := tx.ReceivedOf(ctx, exchange.KindReferral, "", 500)
		if err != nil {
			return err
		}
		for _, rp := range rps {
			in, err := s.incoming(ctx, tx, rp)
			if err != nil {
				return err
			}
			out = append(out, in)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.recordRead(ctx, s.entry(ctx, "exchange.incoming.list", "exchange/incoming", outcomeOK, fmt.Sprintf("incoming referrals %d", len(out))))
}

func (s *Service) incoming(ctx context.Context, tx Tx, rp nrm.ReceivedPacket) (Incoming, error) {
	p, err := tx.Partner(ctx, rp.PartnerID)
	if err != nil {
		return Incoming{}, err
	}
	in := Incoming{ID: rp.ID, Partner: p.Instance, Country: p.Country, ReceivedAt: rp.ReceivedAt, Status: rp.Status,
		CaseID: rp.CaseID, ContentHash: rp.ContentHash}
	v, err := s.openReceived(ctx, tx, rp)
	if err != nil {
		return in, err
	}
	r := v.(*exchange.Referral)
	in.Reason, in.Reference, in.FromOrg, in.Scope, in.Child = r.Reason, r.Reference, r.FromOrg, r.Scope, r.Case.Child
	return in, nil
}

// AcceptIncoming accepts a pending incoming referral: a local case holds
// the consented part, owned by assignTo (default: the co-ordinator's own
// organisation), which must be of this instance's country. A signed ack
// goes back to the sender.
func (s *Service) AcceptIncoming(ctx context.Context, id, assignTo string) (Incoming, error) {
	return s.answerIncoming(ctx, id, nrm.ReceivedAccepted, assignTo, "")
}

// DeclineIncoming declines a pending incoming referral with a reason,
// which goes back to the sender in the ack.
func (s *Service) DeclineIncoming(ctx context.Context, id, reason string) (Incoming, error) {
	reason, err := nrm.Text("reason", reason, 5000)
	if err != nil {
		return Incoming{}, err
	}
	if reason == "" {
		return Incoming{}, nrm.Invalid("reason", "say why the referral is declined")
	}
	return s.answerIncoming(ctx, id, nrm.ReceivedDeclined, "", reason)
}

func (s *Service) answerIncoming(ctx context.Context, id, status, assignTo, reason string) (Incoming, error) {
	a, err := s.allow(ctx, nrm.ActExchangeRespond)
	if err != nil {
		return Incoming{}, err
	}
	if !nrm.ValidID(id) {
		return Incoming{}, nrm.NotFound("incoming referral")
	}
	if assignTo != "" && !nrm.ValidID(assignTo) {
		return Incoming{}, nrm.Invalid("assign_to_org", "not an organisation id")
	}
	var out Incoming
	var outboxID string
	err = s.write(ctx, func(tx Tx) error {
		rp, err := tx.Received(ctx, id)
		if err != nil || rp.Kind != exchange.KindReferral {
			return nrm.NotFound("incoming referral")
		}
		if rp.Status != nrm.ReceivedPending {
			return nrm.Conflict("the referral is %s already", rp.Status)
		}
		p, err := tx.Partner(ctx, rp.PartnerID)
		if err != nil {
			return err
		}
		if !p.Active() {
			return nrm.Conflict("the partner was removed: nothing can be sent to it")
		}
		v, err := s.openReceived(ctx, tx, rp)
		if err != nil {
			return err
		}
		r := v.(*exchange.Referral)
		today := nrm.DateOf(tx.Time())
		var entries []auditlog.Entry
		caseID := ""
		if status == nrm.ReceivedAccepted {
			org := a.OrgID
			if assignTo != "" {
				org = assignTo
			}
			o, err := tx.Org(ctx, org)
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.Invalid("assign_to_org", "no organisation with this id")
			}
			if err != nil {
				return err
			}
			if own := strings.ToUpper(s.cfg.Exchange.Country); own != "" && o.Country != "" && !strings.EqualFold(o.Country, own) {
				return nrm.Invalid("assign_to_org", "an organisation of this country (%s) takes the case", own)
			}
			if caseID, entries, err = s.caseFromReferral(ctx, tx, a, o, p, r, today); err != nil {
				return err
			}
		}
		if err := tx.RespondReceived(ctx, rp.ID, status, caseID, a.UserID); err != nil {
			return err
		}
		ack, _ := exchange.EncodePayload(exchange.Ack{Version: exchange.PayloadVersion, Status: status, Reason: reason})
		item, err := s.queuePacket(ctx, tx, p, exchange.Header{Kind: exchange.KindAck, ID: newPacketID(), Ref: rp.PacketID}, ack, "")
		if err != nil {
			return err
		}
		outboxID = item.ID
		rp.Status, rp.CaseID = status, caseID
		if out, err = s.incoming(ctx, tx, rp); err != nil {
			return err
		}
		entries = append(entries, s.entry(ctx, "exchange.incoming."+map[string]string{nrm.ReceivedAccepted: "accept", nrm.ReceivedDeclined: "decline"}[status],
			"exchange/incoming/"+rp.ID, outcomeOK, "partner/"+p.ID+"; packet "+rp.PacketID+"; content hash "+rp.ContentHash+
				"; ack content hash "+item.ContentHash+caseNote(caseID)))
		return s.record(ctx, tx, entries...)
	})
	if err != nil {
		return Incoming{}, err
	}
	s.deliverOne(ctx, outboxID)
	return out, nil
}

func caseNote(caseID string) string {
	if caseID == "" {
		return ""
	}
	return "; case/" + caseID
}

// caseFromReferral makes the local case of an accepted referral: the
// person and encounter (identity in scope), needs and services given
// (support in scope), each sealed under a new data key of the person's, as
// CreateCases does; the identification outcome on the sending side goes on
// the timeline.
func (s *Service) caseFromReferral(ctx context.Context, tx Tx, a nrm.Actor, o nrm.Organisation, p nrm.Partner, r *exchange.Referral, today nrm.Date) (string, []auditlog.Entry, error) {
	c, needs, services, err := receivedCase(r, today)
	if err != nil {
		return "", nil, err
	}
	c.ID, c.Person.ID = nrm.NewID(), nrm.NewID()
	c.Reference = nrm.NewReference(tx.Time().Year())
	c.OrgID, c.CreatedBy, c.CreatedAt, c.UpdatedAt, c.Version = o.ID, a.UserID, tx.Time(), tx.Time(), 1
	c.Episode, c.Profile = 1, s.cfg.Profile.ID
	dk, err := s.newDataKey(ctx, tx, c.Person.ID)
	if err != nil {
		return "", nil, err
	}
	rec := sealCase(dk, c)
	if err := tx.InsertPerson(ctx, rec.Person); err != nil {
		return "", nil, err
	}
	if err := tx.InsertCase(ctx, rec); err != nil {
		return "", nil, err
	}
	entries, err := s.indexPerson(ctx, tx, c)
	if err != nil {
		return "", nil, err
	}
	z := sealer{dk}
	if err := s.event(ctx, tx, c.ID, "encounter", "", today,
		fmt.Sprintf("case received from %s (%s), case %s there: %s", p.Instance, p.Country, r.Reference, strings.Join(r.Scope, ", ")), ""); err != nil {
		return "", nil, err
	}
	if err := s.event(ctx, tx, c.ID, "state", "", today,
		"identification on the sending side: "+r.Identification.State+outcomeNote(r.Identification.Outcome), ""); err != nil {
		return "", nil, err
	}
	for _, n := range needs {
		n.ID, n.CaseID, n.CreatedBy, n.CreatedOrg, n.CreatedAt = nrm.NewID(), c.ID, a.UserID, o.ID, tx.Time()
		if err := tx.InsertNeeds(ctx, nrm.NeedsRecord{Needs: n, SealedNotes: z.seal("needs_assessments", "notes", n.ID, n.Notes)}); err != nil {
			return "", nil, err
		}
	}
	for _, v := range services {
		v.ID, v.CaseID, v.CreatedBy, v.CreatedOrg, v.CreatedAt = nrm.NewID(), c.ID, a.UserID, o.ID, tx.Time()
		if err := tx.InsertService(ctx, nrm.ServiceRecord{Service: v,
			SealedProvider: z.seal("services", "provider", v.ID, v.Provider),
			SealedNotes:    z.seal("services", "notes", v.ID, v.Notes)}); err != nil {
			return "", nil, err
		}
	}
	// The justice and return parts (r.Justice, r.Return) stay in the sealed
	// packet until their tracks read them.
	return c.ID, append(entries, s.entry(ctx, "case.create", "case/"+c.ID, outcomeOK, "from partner/"+p.ID)), nil
}

func outcomeNote(o string) string {
	if o == "" {
		return ""
	}
	return " (" + o + ")"
}

// FollowUpInput is a follow-up report after a return.
type FollowUpInput struct {
	Date   string `json:"date"`
	Report string `json:"report"`
}

// SendFollowUp sends a follow-up report on a case received from a partner
// back to that partner, where it appears on the sender's case. Support
// writers of the local case send it (the safe-return track calls this).
func (s *Service) SendFollowUp(ctx context.Context, caseID string, in FollowUpInput) (nrm.OutboxItem, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.OutboxItem{}, err
	}
	report, err := nrm.Text("report", in.Report, 20000)
	if err != nil {
		return nrm.OutboxItem{}, err
	}
	if report == "" {
		return nrm.OutboxItem{}, nrm.Invalid("report", "a follow-up report is required")
	}
	on, err := nrm.PastDate("date", in.Date, s.Today(), false)
	if err != nil {
		return nrm.OutboxItem{}, err
	}
	if on.IsZero() {
		on = s.Today()
	}
	var item nrm.OutboxItem
	err = s.write(ctx, func(tx Tx) error {
		f, err := s.openFile(ctx, tx, a, caseID, nrm.ActSupportWrite)
		if err != nil {
			return err
		}
		rps, err := tx.ReceivedForCase(ctx, caseID, exchange.KindReferral)
		if err != nil {
			return err
		}
		if len(rps) == 0 {
			return nrm.Conflict("this case was not received from a partner instance: there is nobody to send a follow-up to")
		}
		rp := rps[len(rps)-1]
		p, err := tx.Partner(ctx, rp.PartnerID)
		if err != nil {
			return err
		}
		if !p.Active() {
			return nrm.Conflict("the partner was removed: nothing can be sent to it")
		}
		payload, _ := exchange.EncodePayload(exchange.FollowUp{Version: exchange.PayloadVersion, Date: on.String(), Report: report})
		if item, err = s.queuePacket(ctx, tx, p, exchange.Header{Kind: exchange.KindFollowUp, ID: newPacketID(), Ref: rp.PacketID}, payload, ""); err != nil {
			return err
		}
		if err := f.event("follow-up", nrm.Support, on, "follow-up report sent to "+p.Instance, item.ID); err != nil {
			return err
		}
		return f.audit("exchange.follow-up.create", "partner/"+p.ID+"; content hash "+item.ContentHash)
	})
	if err != nil {
		return nrm.OutboxItem{}, err
	}
	if ok, _ := s.deliverOne(ctx, item.ID); ok {
		item.Status = nrm.OutboxDelivered
	}
	return item, nil
}
