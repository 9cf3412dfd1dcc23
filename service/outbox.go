package service

// The outbox: packets sealed to a partner wait in the database until they
// are delivered to its inbox. A restart loses nothing; with several
// processes on one database each packet is claimed by one of them
// (sqlstore ClaimOutbox). A packet that cannot be delivered now is tried
// again after an exponentially growing pause.

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/exchange"
)

// Outbox defaults (ExchangeConfig may set others).
const (
	defaultRetryBase = 10 * time.Second
	defaultRetryMax  = time.Hour
	outboxLease      = 2 * time.Minute // a claimed packet is another process's after this
	outboxBatch      = 16
)

// queuePacket seals a payload to a partner and queues it, in the
// transaction. The packet is dated with the transaction's time.
func (s *Service) queuePacket(ctx context.Context, tx Tx, p nrm.Partner, h exchange.Header, payload []byte, referralID string) (nrm.OutboxItem, error) {
	x := s.cfg.Exchange
	if x.Keys == nil {
		return nrm.OutboxItem{}, errNoExchangeKeys
	}
	h.Created = tx.Time()
	pk, err := exchange.Seal(x.Keys, exchange.Identity(p.InstanceIdentity), h, payload)
	if err != nil {
		return nrm.OutboxItem{}, nrm.Internal(err)
	}
	b, err := exchange.EncodePayload(pk)
	if err != nil {
		return nrm.OutboxItem{}, nrm.Internal(err)
	}
	item := nrm.OutboxItem{ID: nrm.NewID(), PartnerID: p.ID, PacketID: h.ID, Kind: h.Kind, ReferralID: referralID,
		Packet: b, ContentHash: pk.ContentHash(), Status: nrm.OutboxPending, NextAttemptAt: tx.Time(), CreatedAt: tx.Time()}
	if err := tx.InsertOutbox(ctx, item); err != nil {
		return item, err
	}
	return item, s.record(ctx, tx, s.entry(ctx, "exchange.packet.queue", "partner/"+p.ID, outcomeOK,
		"kind "+h.Kind+"; packet "+h.ID+"; content hash "+item.ContentHash))
}

func (s *Service) client() *exchange.Client {
	if s.cfg.Exchange.Client != nil {
		return s.cfg.Exchange.Client
	}
	return defaultClient()
}

// defaultClient is the client of a service configured without one.
var defaultClient = sync.OnceValue(func() *exchange.Client { return exchange.NewClient(30 * time.Second) })

// backoff is the pause after the n-th failed attempt (n from 1).
func (s *Service) backoff(n int) time.Duration {
	base, max := s.cfg.Exchange.RetryBase, s.cfg.Exchange.RetryMax
	if base <= 0 {
		base = defaultRetryBase
	}
	if max <= 0 {
		max = defaultRetryMax
	}
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// DeliverOutbox delivers the packets due now, in batches, and reports how
// many were delivered. Any process may run it: each packet is claimed once.
func (s *Service) DeliverOutbox(ctx context.Context) (int, error) {
	total := 0
	for {
		n, claimed, err := s.deliverBatch(ctx, "")
		total += n
		if err != nil || claimed < outboxBatch {
			return total, err
		}
	}
}

// deliverOne tries to deliver one queued packet now.
func (s *Service) deliverOne(ctx context.Context, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	n, _, err := s.deliverBatch(ctx, id)
	return n == 1, err
}

func (s *Service) deliverBatch(ctx context.Context, only string) (delivered, claimed int, err error) {
	ctx = nrm.WithActor(context.WithoutCancel(ctx), nrm.SystemActor)
	var items []nrm.OutboxItem
	partners := map[string]nrm.Partner{}
	err = s.store.Write(ctx, func(tx Tx) error {
		var err error
		if items, err = tx.ClaimOutbox(ctx, tx.Time(), tx.Time().Add(outboxLease), outboxBatch, only); err != nil {
			return err
		}
		for _, it := range items {
			if _, ok := partners[it.PartnerID]; !ok {
				if partners[it.PartnerID], err = tx.Partner(ctx, it.PartnerID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	for _, it := range items {
		ok, err := s.deliverItem(ctx, it, partners[it.PartnerID])
		if err != nil {
			return delivered, len(items), err
		}
		if ok {
			delivered++
		}
	}
	return delivered, len(items), nil
}

// deliverItem posts one claimed packet and records what came of it.
func (s *Service) deliverItem(ctx context.Context, it nrm.OutboxItem, p nrm.Partner) (bool, error) {
	var derr error
	if !p.Active() {
		derr = &exchange.DeliveryError{Permanent: true, Reason: "the partner was removed"}
	} else {
		dctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		derr = s.client().Deliver(dctx, p.URL, it.Packet)
		cancel()
	}
	var de *exchange.DeliveryError
	status, next, lastErr := nrm.OutboxDelivered, time.Time{}, ""
	switch {
	case derr == nil, errors.Is(derr, exchange.ErrAlreadyReceived):
	case errors.As(derr, &de) && de.Permanent:
		status, lastErr = nrm.OutboxRefused, de.Error()
	default:
		status, lastErr = nrm.OutboxPending, derr.Error()
	}
	err := s.store.Write(ctx, func(tx Tx) error {
		if status == nrm.OutboxPending {
			next = tx.Time().Add(s.backoff(it.Attempts))
		}
		if err := tx.SettleOutbox(ctx, it.ID, status, next, lastErr); errors.Is(err, nrm.ErrStale) {
			return nil // stopped meanwhile (a consent withdrawn)
		} else if err != nil {
			return err
		}
		detail := "kind " + it.Kind + "; packet " + it.PacketID + "; content hash " + it.ContentHash
		switch status {
		case nrm.OutboxPending:
			s.log.LogAttrs(ctx, slog.LevelWarn, "exchange: delivery failed, will retry",
				slog.String("packet", it.PacketID), slog.Int("attempts", it.Attempts), slog.String("error", lastErr))
			return nil
		case nrm.OutboxRefused:
			if err := s.settleReferral(ctx, tx, it, nrm.TransRefused); err != nil {
				return err
			}
			return s.record(ctx, tx, s.entry(ctx, "exchange.packet.refused-by-partner", "partner/"+p.ID, outcomeFailed, detail+"; "+lastErr))
		}
		if err := s.settleReferral(ctx, tx, it, nrm.TransSent); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "exchange.packet.sent", "partner/"+p.ID, outcomeOK, detail))
	})
	return status == nrm.OutboxDelivered && err == nil, err
}

// settleReferral moves a queued referral packet's referral on.
func (s *Service) settleReferral(ctx context.Context, tx Tx, it nrm.OutboxItem, to string) error {
	if it.Kind != exchange.KindReferral || it.ReferralID == "" {
		return nil
	}
	err := tx.SetTransnationalStatus(ctx, it.ReferralID, nrm.TransQueued, to, tx.Time(), nil)
	if errors.Is(err, nrm.ErrStale) {
		return nil // answered already (an ack can overtake the delivery's record)
	}
	if err != nil {
		return err
	}
	t, err := tx.Transnational(ctx, it.ReferralID)
	if err != nil {
		return err
	}
	return s.event(ctx, tx, t.CaseID, "referral", "", nrm.DateOf(tx.Time()), "referral abroad "+to, t.ID)
}

// RunOutbox delivers due packets every interval until ctx ends (nrm serve
// runs it).
func (s *Service) RunOutbox(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.DeliverOutbox(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("exchange: outbox", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ExportPacket takes a queued referral's packet out of the outbox to carry
// it offline (nrm exchange export): the same sealed packet, which the
// partner imports into the same inbox logic. Operator only.
func (s *Service) ExportPacket(ctx context.Context, referralID string) ([]byte, error) {
	if err := system(ctx); err != nil {
		return nil, err
	}
	if !nrm.ValidID(referralID) {
		return nil, nrm.NotFound("transnational referral")
	}
	var out []byte
	err := s.write(ctx, func(tx Tx) error {
		t, err := tx.Transnational(ctx, referralID)
		if err != nil {
			return err
		}
		items, err := tx.OutboxOf(ctx, t.ID)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.Kind != exchange.KindReferral {
				continue
			}
			if it.Status == nrm.OutboxStopped {
				return nrm.Conflict("the referral was stopped: the consent was withdrawn")
			}
			if it.Status == nrm.OutboxPending {
				if err := tx.SettleOutbox(ctx, it.ID, nrm.OutboxExported, time.Time{}, ""); err != nil {
					return err
				}
				if err := s.settleReferral(ctx, tx, it, nrm.TransSent); err != nil {
					return err
				}
			}
			out = it.Packet
			return s.record(ctx, tx, s.entry(ctx, "exchange.packet.export", "partner/"+it.PartnerID, outcomeOK,
				"kind "+it.Kind+"; packet "+it.PacketID+"; content hash "+it.ContentHash))
		}
		return nrm.NotFound("referral packet")
	})
	return out, err
}

// ExportQueued takes every packet still queued for a partner out of the
// outbox (referrals, acknowledgements, follow-ups, withdrawal notices, in
// the order they were queued) to carry offline as one bundle
// (nrm exchange export --partner). Operator only.
func (s *Service) ExportQueued(ctx context.Context, partnerID string) ([][]byte, error) {
	if err := system(ctx); err != nil {
		return nil, err
	}
	if !nrm.ValidID(partnerID) {
		return nil, nrm.NotFound("partner")
	}
	var out [][]byte
	err := s.write(ctx, func(tx Tx) error {
		if _, err := tx.Partner(ctx, partnerID); err != nil {
			return err
		}
		items, err := tx.PendingOutboxFor(ctx, partnerID)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return nrm.Conflict("nothing is queued for this partner")
		}
		for _, it := range items {
			if err := tx.SettleOutbox(ctx, it.ID, nrm.OutboxExported, time.Time{}, ""); err != nil {
				return err
			}
			if it.Kind == exchange.KindReferral {
				if err := s.settleReferral(ctx, tx, it, nrm.TransSent); err != nil {
					return err
				}
			}
			if err := s.record(ctx, tx, s.entry(ctx, "exchange.packet.export", "partner/"+it.PartnerID, outcomeOK,
				"kind "+it.Kind+"; packet "+it.PacketID+"; content hash "+it.ContentHash)); err != nil {
				return err
			}
			out = append(out, it.Packet)
		}
		return nil
	})
	return out, err
}
