package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nrmproject/nrm/exchange"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// recorder is a partner's inbox that records every packet posted to it and
// answers 503 until it is told to take them.
type recorder struct {
	*httptest.Server
	open   atomic.Bool
	mu     sync.Mutex
	bodies [][]byte
	got    map[string]int // packet id → deliveries taken
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{got: map[string]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.bodies = append(r.bodies, b)
		if !r.open.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var p exchange.Packet
		json.Unmarshal(b, &p)
		r.got[p.ID]++
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(r.Close)
	return r
}

// registerRecorder registers the recorder as a partner of s and returns its id.
func registerRecorder(t *testing.T, s *side, r *recorder) string {
	t.Helper()
	k, err := exchange.LoadOrCreateKeys(filepath.Join(t.TempDir(), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	id := k.Identity("nrm Romania", "RO", r.URL)
	res := must(t, s.Do(t, "POST", "/api/v1/exchange/partners", s.Admin, map[string]any{"identity": id}), 201, "partner")
	return res["id"].(string)
}

func outboxStatus(t *testing.T, s *side, referralID string) (status string, attempts int) {
	t.Helper()
	if err := s.RawDB(t).QueryRow(rebindQ(s, "SELECT status, attempts FROM exchange_outbox WHERE referral_id = ?"), referralID).Scan(&status, &attempts); err != nil {
		t.Fatal(err)
	}
	return
}

func rebindQ(s *side, q string) string { return rebindFor(s.Engine, q) }

// rebindFor writes a query's ? placeholders as PostgreSQL's $n.
func rebindFor(e sqlstore.Engine, q string) string {
	if e != sqlstore.Postgres {
		return q
	}
	out, n := []byte{}, 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			out = append(out, []byte("$"+string(rune('0'+n)))...)
			continue
		}
		out = append(out, q[i])
	}
	return string(out)
}

func TestOutbox(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		gb := newSide(t, e, "nrm United Kingdom", "GB")
		rec := newRecorder(t)
		gb.Partner = registerRecorder(t, gb, rec)
		caseID, consentID := consentedCase(t, gb)
		refer := func() string {
			t.Helper()
			r := must(t, gb.Do(t, "POST", "/api/v1/cases/"+caseID+"/transnational-referrals", gb.Worker,
				map[string]any{"partner_id": gb.Partner, "consent_id": consentID, "reason": "return to Iasi"}), 201, "refer")
			if r["status"] != "queued" {
				t.Fatalf("status %v with the partner down", r["status"])
			}
			return r["id"].(string)
		}
		first := refer()

		t.Run("no_plaintext_in_transit_or_in_the_outbox", func(t *testing.T) {
			var stored []byte
			if err := gb.RawDB(t).QueryRow(rebindQ(gb, "SELECT packet FROM exchange_outbox WHERE referral_id = ?"), first).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			rec.mu.Lock()
			wire := bytes.Join(rec.bodies, nil)
			rec.mu.Unlock()
			if len(wire) == 0 {
				t.Fatal("nothing went over the wire")
			}
			for _, secret := range []string{xGiven, xFamily, xNeedsNote, xProvider, "return to Iasi"} {
				for what, b := range map[string][]byte{"outbox": stored, "wire": wire} {
					if bytes.Contains(b, []byte(secret)) {
						t.Errorf("%s holds %q in plaintext", what, secret)
					}
				}
			}
		})

		t.Run("retried_with_back_off_until_delivered", func(t *testing.T) {
			ctx := context.Background()
			if n, _ := gb.Svc.DeliverOutbox(ctx); n != 0 {
				t.Errorf("delivered %d before it was due", n)
			}
			if _, attempts := outboxStatus(t, gb, first); attempts != 1 {
				t.Errorf("attempts %d, want 1 (not due yet)", attempts)
			}
			gb.Clock.Advance(10 * time.Second) // the first pause
			gb.Svc.DeliverOutbox(ctx)
			if _, attempts := outboxStatus(t, gb, first); attempts != 2 {
				t.Errorf("attempts %d after the first pause, want 2", attempts)
			}
			gb.Clock.Advance(10 * time.Second) // the second pause is 20s: not due
			gb.Svc.DeliverOutbox(ctx)
			if _, attempts := outboxStatus(t, gb, first); attempts != 2 {
				t.Errorf("attempts %d within the doubled pause, want 2", attempts)
			}
			rec.open.Store(true)
			gb.Clock.Advance(10 * time.Second)
			if n, err := gb.Svc.DeliverOutbox(ctx); n != 1 || err != nil {
				t.Errorf("delivered %d, %v", n, err)
			}
			if st, _ := outboxStatus(t, gb, first); st != "delivered" {
				t.Errorf("outbox %s", st)
			}
			got := must(t, gb.Do(t, "GET", "/api/v1/transnational-referrals/"+first, gb.Worker, nil), 200, "referral")
			if got["status"] != "sent" {
				t.Errorf("referral %v", got["status"])
			}
			rec.open.Store(false)
		})

		t.Run("concurrent_workers_deliver_each_packet_once", func(t *testing.T) {
			var ids []string
			for range 8 {
				ids = append(ids, refer())
			}
			rec.open.Store(true)
			gb.Clock.Advance(time.Minute)
			var wg sync.WaitGroup
			var total atomic.Int64
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					n, err := gb.Svc.DeliverOutbox(context.Background())
					if err != nil {
						t.Error(err)
					}
					total.Add(int64(n))
				}()
			}
			wg.Wait()
			if total.Load() != int64(len(ids)) {
				t.Errorf("delivered %d, want %d", total.Load(), len(ids))
			}
			rec.mu.Lock()
			for id, n := range rec.got {
				if n != 1 {
					t.Errorf("packet %s delivered %d times", id, n)
				}
			}
			rec.mu.Unlock()
			rec.open.Store(false)
		})

		t.Run("a_consent_withdrawn_before_delivery_stops_the_packet", func(t *testing.T) {
			id := refer()
			must(t, gb.Do(t, "POST", "/api/v1/consents/"+consentID+"/withdraw", gb.Worker, map[string]any{}), 200, "withdraw")
			if st, _ := outboxStatus(t, gb, id); st != "stopped" {
				t.Errorf("outbox %s", st)
			}
			got := must(t, gb.Do(t, "GET", "/api/v1/transnational-referrals/"+id, gb.Worker, nil), 200, "referral")
			if got["status"] != "withdrawn" {
				t.Errorf("referral %v", got["status"])
			}
			rec.open.Store(true)
			before := len(rec.got)
			gb.Clock.Advance(time.Hour)
			gb.Svc.DeliverOutbox(context.Background())
			rec.mu.Lock()
			defer rec.mu.Unlock()
			// The referrals delivered before get a withdrawal notice each;
			// the stopped one never leaves.
			if len(rec.got) != before+9 {
				t.Errorf("%d packets delivered after the withdrawal, want the 9 withdrawal notices", len(rec.got)-before)
			}
			var stopped string
			gb.RawDB(t).QueryRow(rebindQ(gb, "SELECT packet_id FROM exchange_outbox WHERE referral_id = ? AND kind = 'referral'"), id).Scan(&stopped)
			if rec.got[stopped] != 0 {
				t.Errorf("the stopped packet was delivered")
			}
		})
	})
}
