package nrm_test

import (
	"testing"

	"github.com/nrmproject/nrm"
)

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		amount, currency string
		minor            int64
		back             string
	}{
		{"1200.50", "EUR", 120050, "1200.50"},
		{"1200.5", "eur", 120050, "1200.50"},
		{"0", "EUR", 0, "0.00"},
		{"7", "JPY", 7, "7"},
		{"1.234", "KWD", 1234, "1.234"},
		{"0.01", "GBP", 1, "0.01"},
	} {
		m, err := nrm.ParseMoney("paid", nrm.MoneyInput{Amount: tc.amount, Currency: tc.currency})
		if err != nil || m.Minor != tc.minor || m.Amount() != tc.back {
			t.Errorf("%s %s: %+v %v", tc.amount, tc.currency, m, err)
		}
	}
	for _, tc := range []struct{ amount, currency, field string }{
		{"-1", "EUR", "paid.amount"}, {"1.005", "EUR", "paid.amount"}, {"1,5", "EUR", "paid.amount"}, {"1e3", "EUR", "paid.amount"},
		{"", "EUR", "paid.amount"}, {".5", "EUR", "paid.amount"}, {"5.", "EUR", "paid.amount"}, {"1.5", "JPY", "paid.amount"},
		{"99999999999999999999", "EUR", "paid.amount"}, {"5", "EU", "paid.currency"}, {"5", "E1R", "paid.currency"},
	} {
		_, err := nrm.ParseMoney("paid", nrm.MoneyInput{Amount: tc.amount, Currency: tc.currency})
		if e := nrm.AsError(err); e.Code != nrm.CodeInvalid || e.Field != tc.field {
			t.Errorf("%q %q: %v, want a 422 naming %s", tc.amount, tc.currency, err, tc.field)
		}
	}
}

func TestCompensationTotals(t *testing.T) {
	got, err := nrm.CompensationTotals([]nrm.ClaimFigures{
		{Currency: "EUR", Claimed: 100010, Awarded: 80005, Paid: 30005},
		{Currency: "EUR", Claimed: 25000},
		{Currency: "GBP", Claimed: 500000, Awarded: 0},
	})
	if err != nil || got["EUR"] != (nrm.CurrencyTotals{Claimed: 125010, Awarded: 80005, Paid: 30005, AwardedUnpaid: 50000}) ||
		got["GBP"] != (nrm.CurrencyTotals{Claimed: 500000}) {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestAssessRisk(t *testing.T) {
	base := map[string]string{"informed-consent": "yes", "protection-claim": "none", "risk-from-traffickers": "low", "risk-to-family": "low",
		"stigma": "low", "prosecution-at-origin": "low", "debts": "low", "documents": "ready", "health-care-at-origin": "available",
		"pending-proceedings": "none", "family-involved": "no"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		name   string
		a      map[string]string
		bid    *nrm.BestInterests
		risk   string
		barred bool
	}{
		{"all low", base, nil, nrm.RiskLow, false},
		{"an unknown risk is medium", with("stigma", "unknown"), nil, nrm.RiskMedium, false},
		{"no documents is medium", with("documents", "none"), nil, nrm.RiskMedium, false},
		{"a high risk bars", with("risk-to-family", "high"), nil, nrm.RiskHigh, true},
		{"no consent bars", with("informed-consent", "no"), nil, nrm.RiskLow, true},
		{"a pending protection claim bars", with("protection-claim", "pending"), nil, nrm.RiskLow, true},
		{"not in the child's best interests bars", base, &nrm.BestInterests{Outcome: nrm.BestInterestsNoReturn}, nrm.RiskLow, true},
	} {
		if risk, barred := nrm.AssessRisk(tc.a, tc.bid); risk != tc.risk || barred != tc.barred {
			t.Errorf("%s: %s %v", tc.name, risk, barred)
		}
	}
}
