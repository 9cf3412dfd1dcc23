package api

import (
	"bytes"
	"encoding/csv"
	"net/http"

	"github.com/nrmproject/nrm"
)

// Exchange (issue 11): the cases in HTCDS field names for the people allowed
// to see them, and k-anonymous CTDC microdata for publication. The service
// decides every case and field; these handlers only lay the answer out.

// rawBody is an answer that is not JSON (a CSV file); handle writes it as is.
type rawBody struct {
	contentType, filename string
	data                  []byte
	summary               string // NRM-Microdata: rows, suppressed, steps; no value
}

func (b rawBody) write(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", b.contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+b.filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if b.summary != "" {
		w.Header().Set("NRM-Microdata", b.summary)
	}
	w.WriteHeader(status)
	w.Write(b.data)
}

// htcdsExportJSON is the JSON form of an HTCDS export.
type htcdsExportJSON struct {
	Standard string           `json:"standard"`
	Items    []map[string]any `json:"items"`
}

func (a *API) exportHTCDS(w http.ResponseWriter, r *http.Request) (int, any, error) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" {
		return 0, nil, nrm.Invalid("format", "json or csv")
	}
	recs, err := a.svc.ExportHTCDS(r.Context(), format)
	if err != nil {
		return 0, nil, err
	}
	if format == "csv" {
		rows := make([][]string, 0, len(recs)+1)
		rows = append(rows, nrm.HTCDSHeader())
		for _, rec := range recs {
			rows = append(rows, rec.CSV())
		}
		return http.StatusOK, csvBody("htcds-export.csv", rows), nil
	}
	out := htcdsExportJSON{Standard: "HTCDS " + nrm.HTCDSVersion, Items: []map[string]any{}}
	for _, rec := range recs {
		out.Items = append(out.Items, rec.JSON())
	}
	return http.StatusOK, out, nil
}

func (a *API) exportMicrodata(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	layout := q.Get("layout")
	if layout == "" {
		layout = nrm.LayoutGlobal.Name
	}
	m, err := a.svc.ExportMicrodata(r.Context(), layout, q.Get("k"))
	if err != nil {
		return 0, nil, err
	}
	body := csvBody("microdata-"+layout+".csv", append([][]string{m.Columns}, m.Rows...))
	body.summary = m.MicrodataSummary()
	return http.StatusOK, body, nil
}

func csvBody(name string, rows [][]string) rawBody {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.WriteAll(rows)
	return rawBody{contentType: "text/csv; charset=utf-8", filename: name, data: b.Bytes()}
}
