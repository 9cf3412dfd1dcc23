package web

// The audit log page: entries named in people's words (service.AuditLog
// resolves users, organisations and case references for what the viewer
// may audit), filters an auditor can use without knowing any id, and a
// layout that reads on a phone: each entry a block of labelled lines below
// 40rem, a table above.

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// auditActions are the actions an auditor filters by, with their labels.
var auditActions = []option{
	{"case.read", "Read a case"}, {"case.create", "Recorded a case"}, {"case.search", "Searched by name"},
	{"case.screen", "Screened"}, {"case.state", "Moved a case on"}, {"case.close", "Closed a case"},
	{"case.reopen", "Re-opened a case"}, {"case.erase", "Erased a person"}, {"case.print", "Printed a case summary"},
	{"case.flag", "Possible duplicate flagged"}, {"person.correct", "Corrected a person"},
	{"consent.record", "Recorded a consent"}, {"consent.withdraw", "Withdrew a consent"},
	{"referral.create", "Referred a case"}, {"referral.accept", "Accepted a referral"},
	{"referral.decline", "Declined a referral"}, {"referral.withdraw", "Withdrew a referral"},
	{"decision.create", "Recorded a decision"}, {"note.create", "Added a note"}, {"note.read", "Read notes"},
	{"signin.password", "Signed in: password"}, {"signin.second-factor", "Signed in: second factor"},
	{"user.create", "Added a user"}, {"user.update", "Changed a user"}, {"token.create", "Issued an API token"},
	{"audit.read", "Read the audit log"}, {"keys.rotate", "Rotated the keys"},
}

// auditObjects name the kinds of thing an entry is about.
var auditObjects = map[string]string{"case": "Case", "user": "User", "org": "Organisation", "referral": "Referral",
	"consent": "Consent", "person": "Person", "flag": "Flag", "token": "Token", "keys": "Keys"}

type auditView struct {
	Checkpoint  string
	VerifierKey string
	Log         service.AuditLog
	Filter      map[string]string
	Actions     []option
	Older       string
	Zone        string // the deployment's time zone, by name
}

// ActionLabel is an action's label, or the action itself.
func (auditView) ActionLabel(action string) string {
	for _, o := range auditActions {
		if o.Value == action {
			return o.Label
		}
	}
	return action
}

// ObjectLabel is the kind of thing an entry is about, in words.
func (auditView) ObjectLabel(kind string) string {
	if l, ok := auditObjects[kind]; ok {
		return l
	}
	return kind
}

// OutcomeLabel says how an entry ended, in words.
func (auditView) OutcomeLabel(outcome string) string {
	switch outcome {
	case "ok":
		return "Done"
	case "denied":
		return "Refused"
	case "failed":
		return "Failed"
	}
	return outcome
}

// ShortID is the start of an id, for the objects that have no name.
func (auditView) ShortID(object string) string {
	_, id, _ := strings.Cut(object, "/")
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

var reLongID = regexp.MustCompile(`\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)

// Detail is an entry's detail with each id cut to its first eight digits:
// enough to tell records apart on the page (the API keeps the whole id),
// short enough to read.
func (auditView) Detail(detail string) string { return reLongID.ReplaceAllString(detail, "$1…") }

// auditFilterKeys are the filter's query parameters.
var auditFilterKeys = []string{"user", "user_name", "case", "action", "from", "to"}

func (w *Web) auditPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	q := r.URL.Query()
	filter := map[string]string{}
	for _, k := range auditFilterKeys {
		filter[k] = strings.TrimSpace(q.Get(k))
	}
	query := service.AuditQuery{UserID: filter["user"], UserName: filter["user_name"], CaseRef: filter["case"],
		Action: filter["action"], Limit: 100}
	var errs []*nrm.Error
	for _, k := range []string{"from", "to"} {
		if filter[k] == "" {
			continue
		}
		d, err := nrm.ParseDate(k, filter[k])
		if err != nil {
			errs = append(errs, nrm.AsError(err))
			continue
		}
		// A day of the deployment's zone, from its midnight to the next.
		start := d.Time()
		start = timeInZone(start, w.loc)
		if k == "from" {
			query.From = start
		} else {
			query.To = start.AddDate(0, 0, 1)
		}
	}
	if b := q.Get("before"); b != "" {
		query.Before, _ = strconv.ParseUint(b, 10, 64)
	}
	v := auditView{Filter: filter, VerifierKey: w.svc.AuditVerifierKey(), Actions: auditActions, Zone: w.loc.String()}
	if len(errs) == 0 {
		log, err := w.svc.AuditLog(r.Context(), query)
		if err != nil {
			fv, ok := formError(err)
			if !ok {
				w.fail(rw, r, s, err)
				return
			}
			errs = fv.Errors
		}
		v.Log = log
		if log.UserID != "" {
			filter["user"], filter["user_name"] = log.UserID, "" // a name typed is now the user chosen
		}
		if len(log.Entries) == query.Limit {
			older := url.Values{}
			for k, val := range filter {
				if val != "" {
					older.Set(k, val)
				}
			}
			older.Set("before", strconv.FormatUint(log.Entries[len(log.Entries)-1].Seq, 10))
			v.Older = "/audit?" + older.Encode()
		}
	}
	if len(v.Log.Users) == 0 && len(errs) > 0 {
		// The list of users to choose from, even when the filter was refused.
		if log, err := w.svc.AuditLog(r.Context(), service.AuditQuery{Limit: 1}); err == nil {
			v.Log.Users = log.Users
		}
	}
	cp, err := w.svc.Checkpoint(r.Context())
	if err != nil && nrm.ErrorCode(err) != nrm.CodeNotFound {
		w.fail(rw, r, s, err)
		return
	}
	v.Checkpoint = string(cp)
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	fieldErrs := map[string]string{}
	for _, e := range errs {
		if e.Field != "" {
			fieldErrs[e.Field] = e.Message
		}
	}
	w.render(rw, r, s, status, "audit", view{Errors: errs, FieldErrors: fieldErrs, Data: v})
}
