package nrm

import "strings"

// UN M49 geographic sub-regions and regions, the steps by which the
// microdata export generalises a country (ISO 3166-1 alpha-2): country,
// then its sub-region ("Eastern Europe"), then its region ("Europe"), then
// unknown. Sub-regions as the UN Statistics Division's M49 standard names
// them (Latin America and the Caribbean, and Sub-Saharan Africa, whole).
var m49SubRegions = map[string]string{
	"Northern Africa":                 "DZ EG LY MA SD TN EH",
	"Sub-Saharan Africa":              "BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS TZ UG ZM ZW IO TF AO CM CF TD CG CD GQ GA ST BW SZ LS NA ZA BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
	"Latin America and the Caribbean": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI BZ CR SV GT HN MX NI PA AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE",
	"Northern America":                "BM CA GL PM US",
	"Central Asia":                    "KZ KG TJ TM UZ",
	"Eastern Asia":                    "CN HK MO KP JP MN KR TW",
	"South-eastern Asia":              "BN KH ID LA MY MM PH SG TH TL VN",
	"Southern Asia":                   "AF BD BT IN IR MV NP PK LK",
	"Western Asia":                    "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
	"Eastern Europe":                  "BY BG CZ HU PL MD RO RU SK UA",
	"Northern Europe":                 "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB",
	"Southern Europe":                 "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK",
	"Western Europe":                  "AT BE FR DE LI LU MC NL CH",
	"Australia and New Zealand":       "AU CX CC HM NZ NF",
	"Melanesia":                       "FJ NC PG SB VU",
	"Micronesia":                      "GU KI MH FM NR MP PW UM",
	"Polynesia":                       "AS CK PF NU PN WS TK TO TV WF",
}

var m49Regions = map[string]string{
	"Northern Africa": "Africa", "Sub-Saharan Africa": "Africa",
	"Latin America and the Caribbean": "Americas", "Northern America": "Americas",
	"Central Asia": "Asia", "Eastern Asia": "Asia", "South-eastern Asia": "Asia", "Southern Asia": "Asia", "Western Asia": "Asia",
	"Eastern Europe": "Europe", "Northern Europe": "Europe", "Southern Europe": "Europe", "Western Europe": "Europe",
	"Australia and New Zealand": "Oceania", "Melanesia": "Oceania", "Micronesia": "Oceania", "Polynesia": "Oceania",
}

var m49Country = func() map[string]string {
	out := map[string]string{}
	for sub, codes := range m49SubRegions {
		for _, c := range strings.Fields(codes) {
			out[c] = sub
		}
	}
	return out
}()

// M49SubRegion is a country's UN sub-region, "" when unknown.
func M49SubRegion(country string) string { return m49Country[country] }

// M49Region is a sub-region's UN region, "" when unknown.
func M49Region(subRegion string) string { return m49Regions[subRegion] }
