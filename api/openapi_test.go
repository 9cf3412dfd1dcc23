package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/screening"
	"github.com/nrmproject/nrm/service"
)

// openAPIDoc is the embedded document as generic JSON.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return doc
}

// servedRoutes registers the API on a fresh mux and returns its operations,
// each once (Register may have run before, in other tests).
func servedRoutes() []string {
	(&API{}).Register(http.NewServeMux())
	out := Routes()
	slices.Sort(out)
	return slices.Compact(out)
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// operations returns every operation of the document by "METHOD path".
func operations(t *testing.T, doc map[string]any) map[string]map[string]any {
	t.Helper()
	paths, _ := doc["paths"].(map[string]any)
	out := map[string]map[string]any{}
	for path, item := range paths {
		ops, _ := item.(map[string]any)
		for method, op := range ops {
			if !slices.Contains(methods, method) {
				continue
			}
			m, ok := op.(map[string]any)
			if !ok {
				t.Errorf("%s %s: not an object", method, path)
				continue
			}
			out[strings.ToUpper(method)+" "+path] = m
		}
	}
	return out
}

// Every operation the API registers is described in the OpenAPI document,
// and the document describes nothing that is not served.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	described := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" || method == "summary" || method == "description" || method == "servers" {
				continue
			}
			described[strings.ToUpper(method)+" "+path] = true
		}
	}
	served := servedRoutes()
	for _, r := range served {
		if !described[r] {
			t.Errorf("%s is served but not described", r)
		}
		delete(described, r)
	}
	for r := range described {
		t.Errorf("%s is described but not served", r)
	}
	if len(served) < 3 {
		t.Fatalf("only %d routes registered", len(served))
	}
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// Every operation has a unique operationId, a summary, a description, a 2xx
// answer with content, the errors every authenticated call can give, its
// path parameters declared, and (with a body) the answers to bad bodies.
func TestOpenAPIOperations(t *testing.T) {
	doc := openAPIDoc(t)
	if sec, _ := doc["security"].([]any); len(sec) == 0 {
		t.Errorf("no document-wide security requirement: every /api/v1 operation needs a bearer token")
	}
	ids := map[string]string{}
	allowed := []string{"200", "201", "202", "204", "400", "401", "403", "404", "409", "422", "429"}
	for name, op := range operations(t, doc) {
		id, _ := op["operationId"].(string)
		if id == "" {
			t.Errorf("%s: no operationId", name)
		} else if other, dup := ids[id]; dup {
			t.Errorf("%s: operationId %q is also %s's", name, id, other)
		}
		ids[id] = name
		for _, key := range []string{"summary", "description"} {
			if s, _ := op[key].(string); strings.TrimSpace(s) == "" {
				t.Errorf("%s: no %s", name, key)
			}
		}
		sec, hasSec := op["security"].([]any)
		public := slices.Contains(publicOperations, name)
		if hasSec && len(sec) == 0 && !public {
			t.Errorf("%s: described as public, but every API operation but %v needs a bearer token", name, publicOperations)
		}
		if public && (!hasSec || len(sec) != 0) {
			t.Errorf("%s: needs no credentials (CONTRACT.md), so say security: []", name)
		}
		responses, _ := op["responses"].(map[string]any)
		success := false
		for code, r := range responses {
			if !slices.Contains(allowed, code) {
				t.Errorf("%s: response %s is not one the API gives", name, code)
			}
			r, _ := r.(map[string]any)
			if code[0] == '2' {
				success = true
				if _, isRef := r["$ref"]; !isRef {
					if c, _ := r["content"].(map[string]any); len(c) == 0 && code != "204" {
						t.Errorf("%s: %s has no content", name, code)
					}
				}
			} else if ref, _ := r["$ref"].(string); !strings.HasPrefix(ref, "#/components/responses/") {
				t.Errorf("%s: error response %s should reference a shared error response (the Error body)", name, code)
			}
		}
		if !success {
			t.Errorf("%s: no 2xx response", name)
		}
		if responses["401"] == nil && !public {
			t.Errorf("%s: no 401 response (every operation needs a bearer token)", name)
		}
		if op["requestBody"] != nil {
			// Every body can be malformed (400); a body with fields can
			// also hold a bad value (422). An empty object ({} or nothing)
			// has no value to be bad.
			codes := []string{"400", "422"}
			if bodySchema(op) == "EmptyInput" {
				codes = codes[:1]
			}
			for _, code := range codes {
				if responses[code] == nil {
					t.Errorf("%s: takes a body but has no %s response", name, code)
				}
			}
		}

		// Path parameters: each {name} declared once, required, in: path.
		path := name[strings.Index(name, " ")+1:]
		declared := map[string]bool{}
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			p := resolve(t, doc, p)
			if p == nil {
				continue
			}
			if p["in"] == "path" {
				n, _ := p["name"].(string)
				declared[n] = true
				if p["required"] != true {
					t.Errorf("%s: path parameter %s not required", name, n)
				}
			}
			if s, _ := p["description"].(string); s == "" && p["in"] == "query" {
				t.Errorf("%s: query parameter %v has no description", name, p["name"])
			}
		}
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			if !declared[m[1]] {
				t.Errorf("%s: path parameter {%s} not declared", name, m[1])
			}
			delete(declared, m[1])
		}
		for n := range declared {
			t.Errorf("%s: declares path parameter %s that is not in the path", name, n)
		}
	}
}

// bodySchema names the component schema of an operation's JSON request body.
func bodySchema(op map[string]any) string {
	rb, _ := op["requestBody"].(map[string]any)
	return schemaName(rb)
}

// successSchema names the component schema of an operation's 2xx answer,
// and its status.
func successSchema(op map[string]any) (string, string) {
	responses, _ := op["responses"].(map[string]any)
	for code, r := range responses {
		if code[0] == '2' {
			r, _ := r.(map[string]any)
			return code, schemaName(r)
		}
	}
	return "", ""
}

// schemaName names the component schema of a request body's or a
// response's content (JSON, else the first media type).
func schemaName(v map[string]any) string {
	content, _ := v["content"].(map[string]any)
	media, ok := content["application/json"].(map[string]any)
	if !ok {
		for _, m := range content {
			media, _ = m.(map[string]any)
			break
		}
	}
	sch, _ := media["schema"].(map[string]any)
	ref, _ := sch["$ref"].(string)
	return strings.TrimPrefix(ref, "#/components/schemas/")
}

// publicOperations need no bearer token (CONTRACT.md, "Transnational
// referral"): an instance's identity is public, and a partner's packet is
// authenticated by its signature.
var publicOperations = []string{"GET /api/v1/exchange/identity", "POST /api/v1/exchange/inbox"}

// operationSchemas is what each handler decodes and answers: its success
// status, its request body schema ("" for none) and its answer schema.
// TestOpenAPISchemasMatchStructs holds each schema to its struct; this
// table holds each operation to its schemas.
var operationSchemas = map[string]struct{ status, body, answer string }{
	"POST /api/v1/cases": {"201", "CaseInput", "Case"},
	"POST /api/v1/cases/{id}/reconsideration-requests":  {"201", "ReconsiderationInput", "ReconsiderationRequest"},
	"GET /api/v1/cases/{id}/reconsideration-requests":   {"200", "", "ReconsiderationList"},
	"POST /api/v1/reconsideration-requests/{id}/answer": {"200", "ReconsiderationAnswer", "ReconsiderationRequest"},
	"POST /api/v1/cases/import":                         {"201", "CaseImport", "CaseImportResult"},
	"GET /api/v1/cases":                                 {"200", "", "CaseList"},
	"GET /api/v1/cases/{id}":                            {"200", "", "Case"},
	"PATCH /api/v1/cases/{id}/person":                   {"200", "PersonPatch", "Case"},
	"GET /api/v1/cases/{id}/person/history":             {"200", "", "PersonCorrectionList"},
	"PUT /api/v1/cases/{id}/guardian":                   {"200", "GuardianInput", "Guardian"},
	"POST /api/v1/cases/{id}/notes":                     {"201", "NoteInput", "Note"},
	"GET /api/v1/cases/{id}/notes":                      {"200", "", "NoteList"},
	"POST /api/v1/cases/{id}/erase":                     {"200", "EraseInput", "EraseResult"},
	"POST /api/v1/cases/{id}/screenings":                {"201", "ScreeningInput", "Screening"},
	"GET /api/v1/cases/{id}/screenings":                 {"200", "", "ScreeningList"},
	"POST /api/v1/cases/{id}/consents":                  {"201", "ConsentInput", "Consent"},
	"GET /api/v1/cases/{id}/consents":                   {"200", "", "ConsentList"},
	"POST /api/v1/consents/{id}/withdraw":               {"200", "EmptyInput", "Consent"},
	"POST /api/v1/cases/{id}/referrals":                 {"201", "ReferralInput", "Referral"},
	"GET /api/v1/cases/{id}/referrals":                  {"200", "", "ReferralList"},
	"GET /api/v1/referrals":                             {"200", "", "ReferralList"},
	"POST /api/v1/referrals/{id}/accept":                {"200", "EmptyInput", "Referral"},
	"POST /api/v1/referrals/{id}/decline":               {"200", "ResponseInput", "Referral"},
	"POST /api/v1/referrals/{id}/withdraw":              {"200", "ResponseInput", "Referral"},
	"POST /api/v1/cases/{id}/decisions":                 {"201", "DecisionInput", "Decision"},
	"GET /api/v1/cases/{id}/decisions":                  {"200", "", "DecisionList"},
	"POST /api/v1/cases/{id}/await-conclusive":          {"200", "EmptyInput", "StateResult"},
	"POST /api/v1/cases/{id}/reconsider":                {"200", "ResponseInput", "StateResult"},
	"POST /api/v1/cases/{id}/close":                     {"200", "CloseInput", "StateResult"},
	"POST /api/v1/cases/{id}/reopen":                    {"201", "ReopenInput", "Case"},
	"GET /api/v1/cases/{id}/timeline":                   {"200", "", "EventList"},
	"POST /api/v1/cases/{id}/needs":                     {"201", "NeedsInput", "Needs"},
	"POST /api/v1/cases/{id}/plans":                     {"201", "PlanInput", "Plan"},
	"POST /api/v1/cases/{id}/services":                  {"201", "ServiceInput", "SupportService"},
	"POST /api/v1/cases/{id}/residence":                 {"201", "ResidenceInput", "ResidencePermit"},
	"POST /api/v1/residence/{id}/renew":                 {"200", "RenewalInput", "ResidencePermit"},
	"GET /api/v1/cases/{id}/protection":                 {"200", "", "Protection"},
	"POST /api/v1/notifications":                        {"201", "NotificationInput", "Notification"},
	"GET /api/v1/deadlines":                             {"200", "", "DeadlineDashboard"},
	"GET /api/v1/indicator-sets":                        {"200", "", "IndicatorSetList"},
	"GET /api/v1/flags":                                 {"200", "", "FlagList"},
	"GET /api/v1/organisations":                         {"200", "", "OrganisationList"},
	"GET /api/v1/audit/checkpoint":                      {"200", "", "SignedCheckpoint"},
	"GET /api/v1/audit/key":                             {"200", "", "VerifierKey"},
	"GET /api/v1/audit/entries":                         {"200", "", "AuditEntryList"},
	"GET /api/v1/audit/proof/inclusion":                 {"200", "", "InclusionProof"},
	"GET /api/v1/audit/proof/consistency":               {"200", "", "ConsistencyProof"},
	"GET /api/v1/exchange/identity":                     {"200", "", "InstanceIdentity"},
	"POST /api/v1/exchange/partners":                    {"201", "PartnerInput", "PartnerAdded"},
	"GET /api/v1/exchange/partners":                     {"200", "", "PartnerList"},
	"DELETE /api/v1/exchange/partners/{id}":             {"200", "", "PartnerRemoved"},
	"POST /api/v1/cases/{id}/transnational-referrals":   {"201", "TransnationalInput", "TransnationalCreated"},
	"GET /api/v1/transnational-referrals/{id}":          {"200", "", "TransnationalReferral"},
	"POST /api/v1/cases/{id}/follow-ups":                {"201", "PartnerFollowUpInput", "FollowUpSent"},
	"POST /api/v1/exchange/inbox":                       {"202", "Packet", "PacketReceived"},
	"GET /api/v1/exchange/incoming":                     {"200", "", "IncomingList"},
	"POST /api/v1/exchange/incoming/{id}/accept":        {"200", "AcceptIncomingInput", "IncomingAnswered"},
	"POST /api/v1/exchange/incoming/{id}/decline":       {"200", "ResponseInput", "IncomingAnswered"},
	"GET /api/v1/statistics":                            {"200", "", "StatisticsTable"},
	"GET /api/v1/statistics/datasets":                   {"200", "", "StatisticsDatasetList"},
	"GET /api/v1/statistics/ledger":                     {"200", "", "StatisticsLedger"},
	// Exchange exports (issue 11).
	"GET /api/v1/exports/htcds":        {"200", "", "HtcdsExport"},
	"GET /api/v1/statistics/microdata": {"200", "", "StatisticsMicrodataCsv"},
}

// Each operation takes the body its handler decodes and answers with the
// status and schema its handler sends; the table covers every route served.
func TestOpenAPIOperationSchemas(t *testing.T) {
	doc := openAPIDoc(t)
	ops := operations(t, doc)
	served := servedRoutes()
	for r := range operationSchemas {
		if !slices.Contains(served, r) {
			t.Errorf("%s: in operationSchemas but not served", r)
		}
	}
	for _, r := range served {
		want, ok := operationSchemas[r]
		if !ok {
			t.Errorf("%s: not in operationSchemas: say what it takes and answers", r)
			continue
		}
		op := ops[r]
		if op == nil {
			continue // TestOpenAPIDescribesEveryRoute names it
		}
		if got := bodySchema(op); got != want.body {
			t.Errorf("%s: request body %q, the handler decodes %q", r, got, want.body)
		}
		if want.body != "" {
			rb, _ := op["requestBody"].(map[string]any)
			if required, _ := rb["required"].(bool); required == (want.body == "EmptyInput") {
				t.Errorf("%s: requestBody.required %v: only an empty-object body may be left out", r, required)
			}
		}
		status, answer := successSchema(op)
		if status != want.status || answer != want.answer {
			t.Errorf("%s: answers %s %q, the handler sends %s %q", r, status, answer, want.status, want.answer)
		}
	}
}

// resolve returns v, or what it references when it is a {"$ref": ...}.
func resolve(t *testing.T, doc map[string]any, v any) map[string]any {
	t.Helper()
	m, _ := v.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		target, err := pointer(doc, ref)
		if err != nil {
			t.Errorf("%s: %v", ref, err)
			return nil
		}
		m, _ = target.(map[string]any)
	}
	return m
}

// pointer resolves a local reference "#/a/b" within doc.
func pointer(doc map[string]any, ref string) (any, error) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("only local references are used")
	}
	var cur any = doc
	for _, part := range strings.Split(rest, "/") {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%q is not an object", part)
		}
		if cur, ok = m[part]; !ok {
			return nil, fmt.Errorf("no %q", part)
		}
	}
	return cur, nil
}

// Every $ref resolves, and every shared component is used.
func TestOpenAPIReferencesResolve(t *testing.T) {
	doc := openAPIDoc(t)
	used := map[string]bool{}
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"]; ok {
				s, _ := ref.(string)
				if _, err := pointer(doc, s); err != nil {
					t.Errorf("%s: $ref %q: %v", at, ref, err)
				}
				used[s] = true
			}
			for k, x := range v {
				walk(at+"/"+k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s/%d", at, i), x)
			}
		}
	}
	walk("#", doc)
	components, _ := doc["components"].(map[string]any)
	for _, kind := range []string{"schemas", "responses", "parameters"} {
		m, _ := components[kind].(map[string]any)
		for name := range m {
			if ref := "#/components/" + kind + "/" + name; !used[ref] && ref != "#/components/responses/Error" {
				t.Errorf("%s is never used", ref)
			}
		}
	}
}

// schema returns a component schema, or a property of one ("Error.error").
func schema(t *testing.T, doc map[string]any, name string) map[string]any {
	t.Helper()
	parts := strings.Split(name, ".")
	v, err := pointer(doc, "#/components/schemas/"+parts[0])
	if err != nil {
		t.Fatalf("schema %s: %v", name, err)
	}
	s, _ := v.(map[string]any)
	for _, p := range parts[1:] {
		props, _ := s["properties"].(map[string]any)
		s = resolve(t, doc, props[p])
	}
	if s == nil {
		t.Fatalf("schema %s: not an object", name)
	}
	return s
}

// jsonFields returns the JSON names of a struct's fields, and those without
// omitempty (always present in what the API sends).
func jsonFields(typ reflect.Type) (all, always []string) {
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		all = append(all, name)
		if !strings.Contains(","+opts+",", ",omitempty,") && !strings.Contains(","+opts+",", ",omitzero,") {
			always = append(always, name)
		}
	}
	sort.Strings(all)
	sort.Strings(always)
	return all, always
}

func schemaFields(s map[string]any) (props, required []string) {
	m, _ := s["properties"].(map[string]any)
	for p := range m {
		props = append(props, p)
	}
	req, _ := s["required"].([]any)
	for _, r := range req {
		if r, ok := r.(string); ok {
			required = append(required, r)
		}
	}
	sort.Strings(props)
	sort.Strings(required)
	return props, required
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// The schemas hold exactly the fields of the structs the handlers encode
// and decode: a field added to a struct and not to the document, or the
// reverse, fails here. Fields without omitempty are required in answers.
func TestOpenAPISchemasMatchStructs(t *testing.T) {
	doc := openAPIDoc(t)
	answers := []struct {
		schema string
		typ    any
		// part: the schema describes some of the struct's fields (one
		// struct serves two answers).
		part bool
	}{
		{"Case", caseJSON{}, false},
		{"CaseStatus", statusJSON{}, false},
		{"ReconsiderationRequest", reconsiderationJSON{}, false},
		{"Person", personJSON{}, false},
		{"Encounter", encounterJSON{}, false},
		{"Flag", flagJSON{}, false},
		{"Organisation", orgJSON{}, false},
		{"Note", noteJSON{}, false},
		{"AuditEntry", auditEntryJSON{}, false},
		{"CaseList", listJSON{}, false},
		{"CaseImportResult", listJSON{}, true},
		{"Error", errorBody{}, false},
		{"Error.error", errorDetail{}, false},
		{"InclusionProof", inclusionJSON{}, false},
		{"ConsistencyProof", consistencyJSON{}, false},
		{"Deadline", deadlineJSON{}, false},
		{"EpisodeRef", episodeJSON{}, false},
		{"StateResult", stateJSON{}, false},
		{"Screening", screeningJSON{}, false},
		{"DimensionResult", dimensionJSON{}, false},
		{"ScreeningList", itemsJSON[screeningJSON]{}, false},
		{"IndicatorSet", indicatorSetJSON{}, false},
		{"Indicator", indicatorJSON{}, false},
		{"IndicatorSetList", itemsJSON[indicatorSetJSON]{}, false},
		{"Consent", consentJSON{}, false},
		{"ConsentList", itemsJSON[consentJSON]{}, false},
		{"Referral", referralJSON{}, false},
		{"ReferralList", itemsJSON[referralJSON]{}, false},
		{"Decision", decisionJSON{}, false},
		{"DecisionList", itemsJSON[decisionJSON]{}, false},
		{"Event", eventJSON{}, false},
		{"EventList", itemsJSON[eventJSON]{}, false},
		{"Notification", notificationJSON{}, false},
		{"DueItem", dueJSON{}, false},
		{"DeadlineDashboard", dashboardJSON{}, false},
		{"Needs", needsJSON{}, false},
		{"Plan", planJSON{}, false},
		{"SupportService", serviceJSON{}, false},
		{"ResidencePermit", residenceJSON{}, false},
		{"Protection", protectionJSON{}, false},
		{"InstanceIdentity", nrm.InstanceIdentity{}, false},
		{"PartnerAdded", partnerAddedJSON{}, false},
		{"Partner", partnerJSON{}, false},
		{"PartnerList", itemsJSON[partnerJSON]{}, false},
		{"PartnerRemoved", partnerRemovedJSON{}, false},
		{"TransnationalCreated", transnationalCreatedJSON{}, false},
		{"TransnationalReferral", transnationalJSON{}, false},
		{"FollowUpReport", partnerFollowUpJSON{}, false},
		{"FollowUpSent", followUpSentJSON{}, false},
		{"PacketReceived", inboxAcceptedJSON{}, false},
		{"PacketRefusal", inboxRefusalJSON{}, false},
		{"PacketRefusal.error", inboxRefusalDetail{}, false},
		{"Incoming", incomingJSON{}, false},
		{"IncomingList", itemsJSON[incomingJSON]{}, false},
		{"IncomingAnswered", incomingAnsweredJSON{}, false},
		{"StatisticsTable", nrm.StatTable{}, false},
		{"StatisticsCell", nrm.StatCell{}, false},
		{"StatisticsDataset", nrm.StatDataset{}, false},
		{"StatisticsDatasetList", itemsJSON[nrm.StatDataset]{}, false},
		{"StatisticsRelease", nrm.StatRelease{}, false},
		{"StatisticsBudget", nrm.StatBudget{}, false},
		{"StatisticsLedger", ledgerJSON{}, false},
		{"HtcdsExport", htcdsExportJSON{}, false},
	}
	for _, a := range answers {
		s := schema(t, doc, a.schema)
		props, required := schemaFields(s)
		all, always := jsonFields(reflect.TypeOf(a.typ))
		if a.part {
			if !subset(props, all) {
				t.Errorf("%s: properties %v, but %T has only %v", a.schema, props, a.typ, all)
			}
		} else if !slices.Equal(props, all) {
			t.Errorf("%s: properties %v, but %T sends %v", a.schema, props, a.typ, all)
		}
		if !subset(always, required) {
			t.Errorf("%s: required %v, but %T always sends %v", a.schema, required, a.typ, always)
		}
		if !subset(required, props) {
			t.Errorf("%s: requires %v, not all of them properties", a.schema, required)
		}
		if !a.part && !slices.Equal(required, always) {
			t.Errorf("%s: required %v, but %T omits all but %v when empty", a.schema, required, a.typ, always)
		}
	}

	// Request bodies: the decoder refuses unknown fields, so the schemas
	// say additionalProperties: false and name every field.
	inputs := []struct {
		schema string
		typ    any
	}{
		{"CaseInput", nrm.CaseInput{}},
		{"CaseImport", importJSON{}},
		{"PersonInput", nrm.PersonInput{}},
		{"EncounterInput", nrm.EncounterInput{}},
		{"NoteInput", nrm.NoteInput{}},
		{"EraseInput", eraseInput{}},
		{"EmptyInput", struct{}{}},
		{"ScreeningInput", service.ScreeningInput{}},
		{"ConsentInput", nrm.ConsentInput{}},
		{"ReferralInput", nrm.ReferralInput{}},
		{"ResponseInput", nrm.ResponseInput{}},
		{"DecisionInput", nrm.DecisionInput{}},
		{"CloseInput", nrm.CloseInput{}},
		{"ReopenInput", nrm.ReopenInput{}},
		{"NotificationInput", nrm.NotificationInput{}},
		{"NeedsInput", nrm.NeedsInput{}},
		{"PlanInput", nrm.PlanInput{}},
		{"ServiceInput", nrm.ServiceInput{}},
		{"ResidenceInput", nrm.ResidenceInput{}},
		{"RenewalInput", nrm.RenewalInput{}},
		{"PartnerInput", partnerInput{}},
		{"TransnationalInput", transnationalInput{}},
		{"PartnerFollowUpInput", service.FollowUpInput{}},
		{"AcceptIncomingInput", acceptIncomingInput{}},
	}
	for _, in := range inputs {
		s := schema(t, doc, in.schema)
		props, required := schemaFields(s)
		all, _ := jsonFields(reflect.TypeOf(in.typ))
		if !slices.Equal(props, all) {
			t.Errorf("%s: properties %v, but %T takes %v", in.schema, props, in.typ, all)
		}
		if !subset(required, props) {
			t.Errorf("%s: requires %v, not all of them properties", in.schema, required)
		}
		if s["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties must be false (unknown fields are a 400)", in.schema)
		}
	}
}

func enum(t *testing.T, doc map[string]any, name string) []string {
	t.Helper()
	var out []string
	vs, _ := schema(t, doc, name)["enum"].([]any)
	for _, v := range vs {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// The value lists are the domain's, in its order.
func TestOpenAPIValueLists(t *testing.T) {
	doc := openAPIDoc(t)
	for _, tc := range []struct {
		schema string
		want   []string
	}{
		{"State", strs(nrm.States)},
		{"ExploitationType", nrm.ExploitationTypes},
		{"Sex", nrm.Sexes},
		{"Compartment", strs(nrm.Compartments)},
		{"OrgKind", strs(nrm.OrgKinds)},
		{"Role", strs(nrm.Roles)},
		{"FlagKind", []string{nrm.FlagPossibleDuplicate, nrm.FlagPossibleRetrafficking, nrm.FlagRetrafficked}},
		{"DecisionKind", []string{nrm.ReasonableGrounds, nrm.ConclusiveGrounds}},
		{"DecisionOutcome", []string{nrm.Positive, nrm.Negative}},
		{"CloseReason", nrm.CloseReasons},
		{"ConsentPurpose", nrm.ConsentPurposes},
		{"ConsentStatus", []string{nrm.ConsentGiven, nrm.ConsentWithdrawn, nrm.ConsentExpired}},
		{"AgeBand", nrm.AgeBands},
		{"DeadlineKind", []string{nrm.DeadlineRG, nrm.DeadlineRecoveryEnd, nrm.DeadlineCG, nrm.DeadlinePermitExpiry,
			nrm.DeadlinePlanReview, nrm.DeadlineConsentExpiry, nrm.DeadlineHearing, nrm.DeadlineReturnFollowUp}},
		{"ReferralStatus", []string{nrm.ReferralPending, nrm.ReferralAccepted, nrm.ReferralDeclined, nrm.ReferralWithdrawn}},
		{"ScreeningOutcome", []string{screening.TraffickingIndicated, screening.PartlyIndicated, screening.NotIndicated}},
		{"IndicatorStrength", strs([]screening.Strength{screening.Strong, screening.Medium, screening.Weak})},
		{"Population", []string{screening.Adult, screening.Child}},
		{"NeedType", nrm.NeedTypes},
		{"ServiceType", nrm.ServiceTypes},
		{"PlanType", nrm.PlanTypes},
		{"ResidenceBasis", nrm.ResidenceBases},
		{"ResidenceStatus", []string{nrm.ResidenceApplied, nrm.ResidenceGranted, nrm.ResidenceExpired}},
		{"Error.error.code", []string{nrm.CodeInvalid, nrm.CodeUnauthorized, nrm.CodeForbidden, nrm.CodeNotFound,
			nrm.CodeConflict, nrm.CodeThrottled, nrm.CodeInternal}},
	} {
		if got := enum(t, doc, tc.schema); !slices.Equal(got, tc.want) {
			t.Errorf("%s: enum %v, want %v", tc.schema, got, tc.want)
		}
	}
	// A case's relation is one the policy knows (never "none": such a case is not shown).
	for _, r := range enum(t, doc, "Relation") {
		if !slices.Contains(nrm.Relations, nrm.Relation(r)) || r == string(nrm.RelNone) {
			t.Errorf("Relation: %q", r)
		}
	}
}

// checkAnswerSchema holds an answer's schema to the struct sent: the same
// properties, and required exactly what is always sent.
func checkAnswerSchema(t *testing.T, doc map[string]any, name string, typ any) {
	t.Helper()
	props, required := schemaFields(schema(t, doc, name))
	all, always := jsonFields(reflect.TypeOf(typ))
	if !slices.Equal(props, all) {
		t.Errorf("%s: properties %v, but %T sends %v", name, props, typ, all)
	}
	if !slices.Equal(required, always) {
		t.Errorf("%s: required %v, but %T always sends %v", name, required, typ, always)
	}
}

// checkInputSchema holds a request body's schema to the struct decoded:
// the same properties, and no others allowed (unknown fields are a 400).
func checkInputSchema(t *testing.T, doc map[string]any, name string, typ any) {
	t.Helper()
	s := schema(t, doc, name)
	props, required := schemaFields(s)
	all, _ := jsonFields(reflect.TypeOf(typ))
	if !slices.Equal(props, all) {
		t.Errorf("%s: properties %v, but %T takes %v", name, props, typ, all)
	}
	if !subset(required, props) {
		t.Errorf("%s: requires %v, not all of them properties", name, required)
	}
	if s["additionalProperties"] != false {
		t.Errorf("%s: additionalProperties must be false", name)
	}
}
