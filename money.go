package nrm

import (
	"strconv"
	"strings"
)

// Money is an exact amount in one currency (CONTRACT.md, "Conventions"):
// the amount in the currency's minor units, never a float. Amounts cross
// the API as decimal strings ("1200.50").
type Money struct {
	Minor    int64  // amount in minor units (cents for EUR)
	Currency string // ISO 4217
}

// MoneyInput is money as given: {"amount": "1200.50", "currency": "EUR"}.
type MoneyInput struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// maxMinor bounds an amount so that sums of many never overflow int64.
const maxMinor int64 = 1e15

// minorDigits is the number of decimals of a currency (ISO 4217): two
// unless listed.
func minorDigits(currency string) int {
	switch currency {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	}
	return 2
}

// ParseCurrency reads an ISO 4217 code (three letters).
func ParseCurrency(field, s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 3 {
		return "", Invalid(field, "an ISO 4217 currency code (three letters, e.g. EUR) is required")
	}
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return "", Invalid(field, "an ISO 4217 currency code (three letters, e.g. EUR) is required")
		}
	}
	return s, nil
}

// ParseMoney reads money; its errors name field.amount or field.currency.
// The amount is a decimal string with at most the currency's decimals, not
// negative: a number in JSON, a comma or an exponent is refused.
func ParseMoney(field string, in MoneyInput) (Money, error) {
	cur, err := ParseCurrency(field+".currency", in.Currency)
	if err != nil {
		return Money{}, err
	}
	n, err := parseMinor(field+".amount", strings.TrimSpace(in.Amount), minorDigits(cur))
	if err != nil {
		return Money{}, err
	}
	return Money{Minor: n, Currency: cur}, nil
}

func parseMinor(field, s string, digits int) (int64, error) {
	bad := func() (int64, error) {
		if digits == 0 {
			return 0, Invalid(field, "a whole number as a string, e.g. \"1200\", is required")
		}
		return 0, Invalid(field, "a decimal as a string with at most %d decimals, e.g. \"1200.50\", is required", digits)
	}
	if strings.HasPrefix(s, "-") {
		return 0, Invalid(field, "cannot be negative")
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || dot && frac == "" || len(frac) > digits || len(whole) > 16 {
		return bad()
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return bad()
		}
	}
	frac += strings.Repeat("0", digits-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n > maxMinor {
		return 0, Invalid(field, "too large")
	}
	return n, nil
}

// Amount is the decimal string of the amount ("1200.50").
func (m Money) Amount() string { return FormatMinor(m.Minor, m.Currency) }

// FormatMinor writes an amount in minor units as a decimal string.
func FormatMinor(n int64, currency string) string {
	digits := minorDigits(currency)
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	if digits > 0 {
		if len(s) <= digits {
			s = strings.Repeat("0", digits-len(s)+1) + s
		}
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// String is "1200.50 EUR".
func (m Money) String() string { return m.Amount() + " " + m.Currency }

// AddMinor adds two amounts in minor units, refusing an overflow.
func AddMinor(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}
