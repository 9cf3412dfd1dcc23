package service_test

// Concurrent writers on the two tracks: payments on one award never sum
// beyond it, and one episode takes one return, also with two processes on
// one PostgreSQL database.

import (
	"sync"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestConcurrentPaymentsNeverExceedTheAward(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		ngo := a.MustOrg(t, nrm.KindNGO)
		worker := a.MustUser(t, ngo, nrm.RoleCaseWorker)
		ctx := testapp.As(worker.Actor)
		id := a.MustCase(t, a.MustToken(t, worker), testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
		today := a.Svc.Today().String()
		for _, p := range processesOf(t, a, e) {
			t.Run(p.name, func(t *testing.T) {
				c, err := a.Svc.AddClaim(ctx, id, nrm.ClaimInput{Route: "civil", FiledOn: today, Claimed: nrm.MoneyInput{Amount: "100", Currency: "EUR"}})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := a.Svc.AddAward(ctx, c.ID, nrm.AwardInput{DecidedOn: today, Awarded: nrm.MoneyInput{Amount: "100.00", Currency: "EUR"}}); err != nil {
					t.Fatal(err)
				}
				var wg sync.WaitGroup
				start := make(chan struct{})
				errs := make([]error, racers)
				for i := range racers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						_, errs[i] = p.svcs[i%len(p.svcs)].AddPayment(ctx, c.ID, nrm.PaymentInput{PaidOn: today,
							Paid: nrm.MoneyInput{Amount: "60.00", Currency: "EUR"}})
					}()
				}
				close(start)
				wg.Wait()
				won := 0
				for i, err := range errs {
					switch e := nrm.AsError(err); {
					case err == nil:
						won++
					case e.Code == nrm.CodeConflict, e.Code == nrm.CodeInvalid && e.Field == "paid.amount":
					default:
						t.Errorf("racer %d: %v", i, err)
					}
				}
				if n := count(t, a, "SELECT COALESCE(SUM(paid), 0) FROM compensation_payments WHERE claim_id = ?", c.ID); won != 1 || n != 6000 {
					t.Fatalf("%d payments went through, paying %d cents of an award of 10000", won, n)
				}
			})
		}
	})
}

func TestConcurrentReturnsHaveOneWinner(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, e sqlstore.Engine) {
		a := testapp.New(t, e)
		ngo := a.MustOrg(t, nrm.KindNGO)
		worker, coord := a.MustUser(t, ngo, nrm.RoleCaseWorker), a.MustUser(t, ngo, nrm.RoleCoordinator)
		ctx := testapp.As(worker.Actor)
		yes := true
		answers := map[string]string{}
		for _, it := range nrm.ReturnItems {
			switch {
			case it.Values == nil:
				answers[it.ID] = "La Strada"
			case it.Risk:
				answers[it.ID] = "low"
			default:
				answers[it.ID] = it.Values[0]
			}
		}
		answers["family-involved"] = "no"
		for _, p := range processesOf(t, a, e) {
			t.Run(p.name, func(t *testing.T) {
				id := a.MustCase(t, a.MustToken(t, worker), testapp.CaseBody("Ana", "Popescu", "1999-04-02"))
				as, err := a.Svc.AddAssessment(ctx, id, nrm.AssessmentInput{DestinationCountry: "MD", Answers: answers})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := a.Svc.ReviewAssessment(testapp.As(coord.Actor), as.ID, true, nrm.ReviewInput{Reasons: "Checked."}); err != nil {
					t.Fatal(err)
				}
				race(t, p.svcs, func(svc *service.Service) error {
					_, err := svc.RecordReturn(ctx, id, nrm.ReturnInput{AssessmentID: as.ID, Date: a.Svc.Today().String(), Voluntary: &yes, ReceivingOrg: ngo.ID})
					return err
				})
				if n := count(t, a, "SELECT COUNT(*) FROM returns WHERE case_id = ?", id); n != 1 {
					t.Fatalf("%d returns of one episode", n)
				}
			})
		}
	})
}
