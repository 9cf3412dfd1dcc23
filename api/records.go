package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"github.com/nrmproject/nrm"
)

type noteJSON struct {
	ID          string    `json:"id"`
	Compartment string    `json:"compartment"`
	Text        string    `json:"text"`
	Author      string    `json:"author"`
	CreatedAt   time.Time `json:"created_at"`
}

func toNoteJSON(n nrm.Note) noteJSON {
	return noteJSON{ID: n.ID, Compartment: string(n.Compartment), Text: n.Text, Author: n.AuthorID, CreatedAt: n.CreatedAt}
}

func (a *API) addNote(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.NoteInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	n, err := a.svc.AddNote(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toNoteJSON(n), nil
}

func (a *API) listNotes(w http.ResponseWriter, r *http.Request) (int, any, error) {
	notes, err := a.svc.Notes(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	out := struct {
		Items []noteJSON `json:"items"`
	}{Items: []noteJSON{}}
	for _, n := range notes {
		out.Items = append(out.Items, toNoteJSON(n))
	}
	return http.StatusOK, out, nil
}

type eraseInput struct {
	Reason string `json:"reason"`
}

func (a *API) erase(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in eraseInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if err := a.svc.Erase(r.Context(), r.PathValue("id"), in.Reason); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"erased": true}, nil
}

type flagJSON struct {
	ID             string    `json:"id"`
	Kind           string    `json:"kind"`
	Contact        *orgJSON  `json:"contact,omitempty"`
	NewCaseOrg     *orgJSON  `json:"new_case_organisation,omitempty"`
	MatchedCaseOrg *orgJSON  `json:"matched_case_organisation,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
}

type orgJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Country string `json:"country,omitempty"`
}

func toOrgJSON(o nrm.Organisation) *orgJSON {
	if o.ID == "" {
		return nil
	}
	return &orgJSON{ID: o.ID, Name: o.Name, Kind: string(o.Kind), Country: o.Country}
}

func toFlagJSON(f nrm.Flag) flagJSON {
	return flagJSON{ID: f.ID, Kind: f.Kind, Contact: toOrgJSON(f.OtherOrg), NewCaseOrg: toOrgJSON(f.NewCaseOrg),
		MatchedCaseOrg: toOrgJSON(f.MatchedCaseOrg), CreatedAt: f.CreatedAt}
}

func (a *API) listFlags(w http.ResponseWriter, r *http.Request) (int, any, error) {
	flags, err := a.svc.Flags(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := struct {
		Items []flagJSON `json:"items"`
	}{Items: []flagJSON{}}
	for _, f := range flags {
		out.Items = append(out.Items, toFlagJSON(f))
	}
	return http.StatusOK, out, nil
}

func (a *API) listOrgs(w http.ResponseWriter, r *http.Request) (int, any, error) {
	orgs, err := a.svc.Orgs(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := struct {
		Items []*orgJSON `json:"items"`
	}{Items: []*orgJSON{}}
	for _, o := range orgs {
		out.Items = append(out.Items, toOrgJSON(o))
	}
	return http.StatusOK, out, nil
}

// The audit endpoints.

func (a *API) checkpoint(w http.ResponseWriter, r *http.Request) {
	actor, err := a.authenticate(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="nrm"`)
		a.writeError(w, r, err)
		return
	}
	signed, err := a.svc.Checkpoint(nrm.WithActor(r.Context(), actor))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(signed)
}

// verifierKey is public to any signed-in caller: partners need it to check
// the checkpoints they hold.
func (a *API) verifierKey(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return http.StatusOK, map[string]string{"verifier_key": a.svc.AuditVerifierKey()}, nil
}

type auditEntryJSON struct {
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
	RequestID string    `json:"request_id"`
	Actor     string    `json:"actor"`
	ActorOrg  string    `json:"actor_org"`
	ActorRole string    `json:"actor_role"`
	Action    string    `json:"action"`
	Object    string    `json:"object"`
	Outcome   string    `json:"outcome"`
	Detail    string    `json:"detail"`
	LeafHash  string    `json:"leaf_hash"`
}

func (a *API) auditEntries(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	f := nrm.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), Limit: 100}
	if c := q.Get("case"); c != "" {
		if !nrm.ValidID(c) {
			return 0, nil, nrm.Invalid("case", "not a case id")
		}
		f.Object = "case/" + c
	}
	var err error
	if f.From, err = queryTime(q.Get("from"), "from"); err != nil {
		return 0, nil, err
	}
	if f.To, err = queryTime(q.Get("to"), "to"); err != nil {
		return 0, nil, err
	}
	if b := q.Get("before"); b != "" {
		if f.Before, err = strconv.ParseUint(b, 10, 64); err != nil {
			return 0, nil, nrm.Invalid("before", "a sequence number is required")
		}
	}
	entries, err := a.svc.AuditEntries(r.Context(), f)
	if err != nil {
		return 0, nil, err
	}
	out := struct {
		Items []auditEntryJSON `json:"items"`
	}{Items: []auditEntryJSON{}}
	for _, e := range entries {
		out.Items = append(out.Items, auditEntryJSON{Seq: e.Seq, Time: e.Time, RequestID: e.RequestID, Actor: e.Actor,
			ActorOrg: e.ActorOrg, ActorRole: e.ActorRole, Action: e.Action, Object: e.Object, Outcome: e.Outcome,
			Detail: e.Detail, LeafHash: base64.StdEncoding.EncodeToString(e.LeafHash)})
	}
	return http.StatusOK, out, nil
}

// queryTime accepts a date (YYYY-MM-DD) or an RFC 3339 time.
func queryTime(s, field string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := nrm.ParseDate(field, s)
	if err != nil {
		return time.Time{}, nrm.Invalid(field, "a date (YYYY-MM-DD) or an RFC 3339 time is required")
	}
	return d.Time(), nil
}

type inclusionJSON struct {
	Size       uint64   `json:"size"`
	Index      uint64   `json:"index"`
	LeafHash   string   `json:"leaf_hash"`
	Hashes     []string `json:"hashes"`
	Checkpoint string   `json:"checkpoint"`
}

type consistencyJSON struct {
	Size       uint64   `json:"size"`
	From       uint64   `json:"from"`
	Hashes     []string `json:"hashes"`
	Checkpoint string   `json:"checkpoint"`
}

func queryUint(q string, field string) (uint64, error) {
	n, err := strconv.ParseUint(q, 10, 64)
	if err != nil {
		return 0, nrm.Invalid(field, "a whole number is required")
	}
	return n, nil
}

func encodeHashes(hs [][]byte) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h)
	}
	return out
}

func (a *API) inclusionProof(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	index, err := queryUint(q.Get("index"), "index")
	if err != nil {
		return 0, nil, err
	}
	size, err := queryUint(q.Get("size"), "size")
	if err != nil {
		return 0, nil, err
	}
	p, err := a.svc.InclusionProof(r.Context(), index, size)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, inclusionJSON{Size: p.Size, Index: p.Index, LeafHash: base64.StdEncoding.EncodeToString(p.LeafHash),
		Hashes: encodeHashes(p.Hashes), Checkpoint: string(p.Checkpoint)}, nil
}

func (a *API) consistencyProof(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	from, err := queryUint(q.Get("from"), "from")
	if err != nil {
		return 0, nil, err
	}
	to, err := queryUint(q.Get("to"), "to")
	if err != nil {
		return 0, nil, err
	}
	p, err := a.svc.ConsistencyProof(r.Context(), from, to)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, consistencyJSON{Size: p.Size, From: p.Index, Hashes: encodeHashes(p.Hashes), Checkpoint: string(p.Checkpoint)}, nil
}
