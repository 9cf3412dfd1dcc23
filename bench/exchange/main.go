// Command exchange measures transnational referral end to end between two
// nrm processes, and the same payload delivered unencrypted and unsigned
// between two bare processes, in one run (bench/exchange.sh).
//
//	exchange -mode sink -addr A                  a bare inbox: reads the payload, decodes it, answers 202
//	exchange -mode relay -addr A -to URL         a bare sender: posts what it gets to URL, answers 201 after
//	exchange -mode run -a URL -b URL ...         sets up the pair, then measures nrm and the bare relay
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/exchange"
)

func main() {
	mode := flag.String("mode", "run", "sink, relay or run")
	addr := flag.String("addr", "127.0.0.1:18495", "listen address (sink, relay)")
	to := flag.String("to", "", "where the relay posts (relay)")
	a := flag.String("a", "", "the sending nrm's URL")
	b := flag.String("b", "", "the receiving nrm's URL")
	adminA := flag.String("admin-a", "", "token: admin of the coordinator on A")
	adminB := flag.String("admin-b", "", "token: admin of the coordinator on B")
	worker := flag.String("worker", "", "token: case worker on A")
	relay := flag.String("relay", "", "the bare relay's URL")
	clients := flag.Int("c", 8, "concurrent clients")
	dur := flag.Duration("d", 20*time.Second, "measured time per round")
	rounds := flag.Int("rounds", 2, "rounds (nrm, then bare, each round)")
	flag.Parse()
	switch *mode {
	case "sink":
		log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var p exchange.Referral
			if err := json.NewDecoder(io.LimitReader(r.Body, exchange.MaxPacketSize)).Decode(&p); err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			w.WriteHeader(http.StatusAccepted)
			w.Write([]byte(`{"status":"received"}`))
		})))
	case "relay":
		client := &http.Client{Timeout: 30 * time.Second}
		log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(io.LimitReader(r.Body, exchange.MaxPacketSize))
			res, err := client.Post(*to, "application/json", bytes.NewReader(body))
			if err != nil {
				http.Error(w, err.Error(), 502)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusAccepted {
				http.Error(w, res.Status, 502)
				return
			}
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"status":"sent"}`))
		})))
	case "run":
		run(*a, *b, *adminA, *adminB, *worker, *relay, *clients, *dur, *rounds)
	}
}

var failures sync.Once

var client = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

func call(method, url, token string, body any) (int, map[string]any) {
	var rd io.Reader
	if b, ok := body.([]byte); ok {
		rd = bytes.NewReader(b)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	var m map[string]any
	json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

func must(want int, what, method, url, token string, body any) map[string]any {
	status, m := call(method, url, token, body)
	if status != want {
		log.Fatalf("%s: %d %v", what, status, m)
	}
	return m
}

// The case referred in every round: the same on both paths.
var (
	person    = map[string]any{"given_name": "Bench", "family_name": "Person", "date_of_birth": "1995-05-05", "sex": "female", "citizenship": []string{"MD"}}
	encounter = map[string]any{"date": "2026-11-20", "place": "Leeds", "country": "GB"}
	notes     = "needs a doctor who speaks Romanian; afraid of the recruiter"
	reason    = "safe return to her family"
)

func run(a, b, adminA, adminB, worker, relay string, clients int, dur time.Duration, rounds int) {
	register := func(on, onToken, other string) string {
		_, id := call("GET", other+"/api/v1/exchange/identity", "", nil)
		id["url"] = other
		return must(201, "partner", "POST", on+"/api/v1/exchange/partners", onToken, map[string]any{"identity": id})["id"].(string)
	}
	partner := register(a, adminA, b)
	register(b, adminB, a)
	caseID := must(201, "case", "POST", a+"/api/v1/cases", worker, map[string]any{"person": person, "encounter": encounter})["id"].(string)
	must(201, "needs", "POST", a+"/api/v1/cases/"+caseID+"/needs", worker, map[string]any{"needs": []string{"medical", "accommodation"}, "notes": notes})
	k := must(201, "consent", "POST", a+"/api/v1/cases/"+caseID+"/consents", worker, map[string]any{
		"purpose": "transnational-referral", "recipient_partner": partner, "scope": []string{"identity", "support"}})
	referral := map[string]any{"partner_id": partner, "consent_id": k["id"], "reason": reason}

	// The same payload, as the bare path carries it in plaintext.
	payload, _ := json.Marshal(exchange.Referral{Version: 1, Scope: []string{"identity", "support"}, Reference: "GB-2026-BENCH",
		Reason: reason, FromOrg: "Bench NGO", Case: exchange.Case{EncounterDate: "2026-11-20", EncounterCountry: "GB"},
		Identification: exchange.Identification{State: "encountered"},
		Identity: &nrm.CaseInput{Person: nrm.PersonInput{GivenName: "Bench", FamilyName: "Person", DateOfBirth: "1995-05-05",
			Sex: "female", Citizenship: []string{"MD"}}, Encounter: nrm.EncounterInput{Date: "2026-11-20", Place: "Leeds", Country: "GB"}},
		Support: &exchange.Support{Needs: []exchange.Needs{{AssessedOn: "2026-12-02", Needs: []string{"medical", "accommodation"}, Notes: notes}},
			Services: []exchange.Service{}}})
	var queued atomic.Int64
	nrmPath := func() bool {
		st, m := call("POST", a+"/api/v1/cases/"+caseID+"/transnational-referrals", worker, referral)
		if st == 201 && m["status"] == "queued" {
			// The outbox worker claimed the packet before the request's own
			// attempt: it is delivered a moment later, but not counted here.
			queued.Add(1)
			return false
		}
		if st != 201 || m["status"] != "sent" {
			failures.Do(func() { fmt.Fprintf(os.Stderr, "first failure: %d %v\n", st, m) })
			return false
		}
		return true
	}
	barePath := func() bool {
		st, _ := call("POST", relay, "", payload)
		return st == 201
	}
	fmt.Printf("clients=%d duration=%s payload(bare)=%d bytes\n", clients, dur, len(payload))
	for r := 1; r <= rounds; r++ {
		queued.Store(0)
		n, p50, p99 := measure(nrmPath, clients, dur)
		if q := queued.Load(); q > 0 {
			fmt.Fprintf(os.Stderr, "of those not counted, %d answered queued (sent by the outbox worker instead)\n", q)
		}
		bn, bp50, bp99 := measure(barePath, clients, dur)
		fmt.Printf("round %d: nrm %.1f packets/s (p50 %s p99 %s) | bare %.1f deliveries/s (p50 %s p99 %s) | ratio %.2f%%\n",
			r, n, p50, p99, bn, bp50, bp99, 100*n/bn)
	}
}

// measure runs f from clients goroutines for d after a 2s warm-up and
// returns successes per second and latency percentiles.
func measure(f func() bool, clients int, d time.Duration) (float64, time.Duration, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second+d)
	defer cancel()
	start := time.Now().Add(2 * time.Second)
	var ok, failed atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				t := time.Now()
				good := f()
				if t.Before(start) || ctx.Err() != nil {
					continue
				}
				if !good {
					failed.Add(1)
					continue
				}
				ok.Add(1)
				mu.Lock()
				lat = append(lat, time.Since(t))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		fmt.Fprintf(os.Stderr, "%d failed\n", failed.Load())
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(p*float64(len(lat)-1))].Round(10 * time.Microsecond)
	}
	return float64(ok.Load()) / d.Seconds(), pct(0.5), pct(0.99)
}
