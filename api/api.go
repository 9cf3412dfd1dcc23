// Package api is nrm's JSON API under /api/v1, described by the OpenAPI 3.1
// document at /api/openapi.json. Callers authenticate with a bearer token;
// every decision about access is the service layer's.
package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

//go:embed openapi.json
var openAPI []byte

// maxBody bounds request bodies; only a bulk import needs more.
const (
	maxBody       = 1 << 20
	maxImportBody = 16 << 20
)

// API serves the JSON endpoints.
type API struct {
	svc *service.Service
	log *slog.Logger
}

func New(svc *service.Service, log *slog.Logger) *API {
	return &API{svc: svc, log: log}
}

// route is one API operation and its handler.
type route struct {
	pattern string
	handler handlerFunc
}

// routes is the API's operation table: Register serves it, and a test
// holds the OpenAPI document to it. It is built per API value, never kept
// in a package variable.
func (a *API) routes() []route {
	rs := []route{
		{"POST /api/v1/cases", a.createCase},
		{"POST /api/v1/cases/import", a.importCases},
		{"GET /api/v1/cases", a.listCases},
		{"GET /api/v1/cases/{id}", a.getCase},
		{"PATCH /api/v1/cases/{id}/person", a.correctPerson},
		{"GET /api/v1/cases/{id}/person/history", a.personHistory},
		{"PUT /api/v1/cases/{id}/guardian", a.setGuardian},
		{"POST /api/v1/cases/{id}/notes", a.addNote},
		{"GET /api/v1/cases/{id}/notes", a.listNotes},
		{"POST /api/v1/cases/{id}/erase", a.erase},
		{"POST /api/v1/cases/{id}/screenings", a.screen},
		{"GET /api/v1/cases/{id}/screenings", a.listScreenings},
		{"POST /api/v1/cases/{id}/consents", a.recordConsent},
		{"GET /api/v1/cases/{id}/consents", a.listConsents},
		{"POST /api/v1/consents/{id}/withdraw", a.withdrawConsent},
		{"POST /api/v1/cases/{id}/referrals", a.refer},
		{"GET /api/v1/cases/{id}/referrals", a.listReferrals},
		{"GET /api/v1/referrals", a.inbox},
		{"POST /api/v1/referrals/{id}/accept", a.acceptReferral},
		{"POST /api/v1/referrals/{id}/decline", a.declineReferral},
		{"POST /api/v1/referrals/{id}/withdraw", a.withdrawReferral},
		{"POST /api/v1/cases/{id}/decisions", a.decide},
		{"GET /api/v1/cases/{id}/decisions", a.listDecisions},
		{"POST /api/v1/cases/{id}/await-conclusive", a.awaitConclusive},
		{"POST /api/v1/cases/{id}/reconsider", a.reconsider},
		{"POST /api/v1/cases/{id}/reconsideration-requests", a.requestReconsideration},
		{"GET /api/v1/cases/{id}/reconsideration-requests", a.listReconsiderations},
		{"POST /api/v1/reconsideration-requests/{id}/answer", a.answerReconsideration},
		{"POST /api/v1/cases/{id}/close", a.closeCase},
		{"POST /api/v1/cases/{id}/reopen", a.reopenCase},
		{"GET /api/v1/cases/{id}/timeline", a.timeline},
		{"POST /api/v1/cases/{id}/needs", a.addNeeds},
		{"POST /api/v1/cases/{id}/plans", a.addPlan},
		{"POST /api/v1/cases/{id}/services", a.addService},
		{"POST /api/v1/cases/{id}/residence", a.addResidence},
		{"POST /api/v1/residence/{id}/renew", a.renewResidence},
		{"GET /api/v1/cases/{id}/protection", a.protection},
		{"POST /api/v1/notifications", a.notify},
		{"GET /api/v1/deadlines", a.deadlines},
		{"GET /api/v1/indicator-sets", a.indicatorSets},
		{"GET /api/v1/flags", a.listFlags},
		{"GET /api/v1/organisations", a.listOrgs},
		{"GET /api/v1/audit/key", a.verifierKey},
		{"GET /api/v1/audit/entries", a.auditEntries},
		{"GET /api/v1/audit/proof/inclusion", a.inclusionProof},
		{"GET /api/v1/audit/proof/consistency", a.consistencyProof},
		{"POST /api/v1/exchange/partners", a.addPartner},
		{"GET /api/v1/exchange/partners", a.listPartners},
		{"DELETE /api/v1/exchange/partners/{id}", a.removePartner},
		{"POST /api/v1/cases/{id}/transnational-referrals", a.referAbroad},
		{"GET /api/v1/transnational-referrals/{id}", a.getTransnational},
		{"POST /api/v1/cases/{id}/follow-ups", a.sendFollowUp},
		{"GET /api/v1/exchange/incoming", a.listIncoming},
		{"POST /api/v1/exchange/incoming/{id}/accept", a.acceptIncoming},
		{"POST /api/v1/exchange/incoming/{id}/decline", a.declineIncoming},
		{"GET /api/v1/statistics", a.statistics},
		{"GET /api/v1/statistics/datasets", a.statDatasets},
		{"GET /api/v1/statistics/ledger", a.statLedger},
		// Exchange (issue 11): HTCDS export and k-anonymous microdata (api/exports.go).
		{"GET /api/v1/exports/htcds", a.exportHTCDS},
		{"GET /api/v1/statistics/microdata", a.exportMicrodata},
	}
	// Single sign-on administration (api/sso.go).
	rs = append(rs, a.ssoRoutes()...)
	// The tracks beside identification: justice and safe return.
	rs = append(append(rs, a.justiceRoutes()...), a.returnRoutes()...)
	// NRM country assessments (assessments.go).
	rs = append(rs, a.assessmentRoutes()...)
	// Trial monitoring (api/trials.go).
	rs = append(rs, a.trialRoutes()...)
	// Co-ordination: events, follow-ups, activities (api/coordination.go).
	rs = append(rs, a.coordinationRoutes()...)
	// The clearinghouse (api/clearinghouse.go).
	rs = append(rs, a.clearinghouseRoutes()...)
	return rs
}

// Routes lists the pattern of every /api/v1 operation, the signed
// checkpoint (served as text, without the JSON wrapper) included.
func Routes() []string {
	a := &API{}
	out := []string{"GET /api/v1/audit/checkpoint", "GET /api/v1/exchange/identity", "POST /api/v1/exchange/inbox", calendarFeedRoute}
	for _, r := range a.routes() {
		out = append(out, r.pattern)
	}
	return out
}

// Register adds the API's routes to mux.
func (a *API) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPI)
	})
	for _, r := range a.routes() {
		a.handle(mux, r.pattern, r.handler)
	}
	mux.HandleFunc("GET /api/v1/audit/checkpoint", a.checkpoint)
	mux.HandleFunc("GET /api/v1/exchange/identity", a.identity)
	mux.HandleFunc("POST /api/v1/exchange/inbox", a.exchangeInbox)
	mux.HandleFunc(calendarFeedRoute, a.calendarFeed)
	// Anything else under /api/ is a JSON 404, not the web's HTML page.
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, nrm.NotFound("endpoint"))
	})
}

// handlerFunc is an API handler: it returns the status and body to send, or an error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) (int, any, error)

// handle wraps a handler with authentication and the error adapter.
//
// A request that may change something (any method but GET and HEAD) has
// its token looked up in the database first. A read may be authenticated
// from the service's memory of recent tokens; the service then confirms the
// token against the database within the request (with the read's audit
// entries, or in its first write), and nothing is written to the client
// before ConfirmRequest says so. A read whose token's user changed role or
// organisation meanwhile runs again, with the token looked up anew.
func (a *API) handle(mux *http.ServeMux, pattern string, h handlerFunc) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		token, err := bearer(r)
		if err != nil {
			a.refuse(w, r, err)
			return
		}
		read := r.Method == http.MethodGet || r.Method == http.MethodHead
		var ctx context.Context
		if read {
			ctx, err = a.svc.AuthenticateRead(r.Context(), token)
		} else {
			ctx, err = a.actorContext(r.Context(), token)
		}
		if err != nil {
			a.refuse(w, r, err)
			return
		}
		status, body, err := h(w, r.WithContext(ctx))
		cerr := a.svc.ConfirmRequest(ctx)
		if read && errors.Is(cerr, service.ErrAccessChanged) {
			w.Header().Del("Location")
			if ctx, err = a.actorContext(r.Context(), token); err != nil {
				a.refuse(w, r, err)
				return
			}
			status, body, err = h(w, r.WithContext(ctx))
			cerr = nil // looked up in the database for this run
		}
		if cerr != nil {
			w.Header().Del("Location")
			a.refuse(w, r, cerr)
			return
		}
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		if raw, ok := body.(rawBody); ok {
			raw.write(w, status)
			return
		}
		writeJSON(w, status, body)
	})
}

// refuse answers a request whose authentication failed.
func (a *API) refuse(w http.ResponseWriter, r *http.Request, err error) {
	if nrm.ErrorCode(err) == nrm.CodeUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="nrm"`)
	}
	a.writeError(w, r, err)
}

// actorContext looks the token up in the database and returns ctx with its actor.
func (a *API) actorContext(ctx context.Context, token string) (context.Context, error) {
	actor, err := a.svc.TokenActor(ctx, token)
	if err != nil {
		return ctx, err
	}
	return nrm.WithActor(ctx, actor), nil
}

// bearer returns the request's bearer token.
func bearer(r *http.Request) (string, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		return "", nrm.Unauthorized("an Authorization: Bearer token is required")
	}
	return strings.TrimSpace(token), nil
}

// authenticate looks the request's token up in the database (for handlers
// that write their own answer, outside handle).
func (a *API) authenticate(r *http.Request) (nrm.Actor, error) {
	token, err := bearer(r)
	if err != nil {
		return nrm.Actor{}, err
	}
	return a.svc.TokenActor(r.Context(), token)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(body)
}

// Status maps an error code to its HTTP status.
func Status(code string) int { return nrm.StatusOf(code) }

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// writeError is the one adapter from errors to responses. Internal causes
// go to the log (which never holds personal data); the client gets the safe
// message only.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := nrm.AsError(err)
	status := Status(e.Code)
	var malformed *malformedError
	if errors.As(err, &malformed) {
		status = http.StatusBadRequest
	}
	if status >= 500 {
		a.log.ErrorContext(r.Context(), "request failed", "request_id", nrm.RequestID(r.Context()),
			"route", r.Pattern, "error", e.Cause)
	}
	writeJSON(w, status, errorBody{errorDetail{Code: e.Code, Message: e.Message, Field: e.Field}})
}

// malformedError marks input that is not even well-formed JSON (400), as
// opposed to well-formed input with a bad value (422).
type malformedError struct{ err *nrm.Error }

func (m *malformedError) Error() string { return m.err.Error() }
func (m *malformedError) Unwrap() error { return m.err }

// decode reads one JSON object into v: at most maxBody bytes, no unknown
// fields, nothing after it. Its errors name the field.
func decode(r *http.Request, v any) error { return decodeLimit(r, v, maxBody) }

func decodeLimit(r *http.Request, v any, limit int64) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &malformedError{nrm.Invalid("body", "send JSON with Content-Type: application/json")}
	}
	return decodeJSON(http.MaxBytesReader(nil, r.Body, limit), v)
}

func decodeJSON(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &malformedError{jsonError(err)}
	}
	if dec.More() {
		return &malformedError{nrm.Invalid("body", "a single JSON object is expected; found more after it")}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &malformedError{nrm.Invalid("body", "a single JSON object is expected; found more after it")}
	}
	return nil
}

func jsonError(err error) *nrm.Error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return nrm.Invalid("body", "a JSON object is required")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nrm.Invalid("body", "the JSON ends too early")
	case errors.As(err, &syntax):
		return nrm.Invalid("body", "malformed JSON at byte %d", syntax.Offset)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return nrm.Invalid(field, "must be %s, not %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &tooBig):
		return nrm.Invalid("body", "larger than %d bytes", tooBig.Limit)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		field := name
		if field == "" {
			field = "body"
		}
		return nrm.Invalid(field, "unknown field %q", name)
	}
	return nrm.Invalid("body", "malformed JSON")
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "true or false"
	case "int", "int64", "uint32", "float64":
		return "a number"
	}
	return fmt.Sprintf("of type %s", k)
}
