package nrm

import "time"

// AuditFilter selects audit entries for an auditor. ActorOrg, when set,
// keeps the entries of one organisation's users: an auditor reads their own
// organisation's entries unless they audit the whole instance.
type AuditFilter struct {
	Actor    string
	ActorOrg string
	Object   string
	Action   string
	From     time.Time
	To       time.Time
	Before   uint64 // entries with a smaller seq (paging backwards); 0 for the newest
	Limit    int
}

// AuditRecord is one audit entry as an auditor reads it.
type AuditRecord struct {
	Seq       uint64
	Time      time.Time
	RequestID string
	Actor     string
	ActorOrg  string
	ActorRole string
	Action    string
	Object    string
	Outcome   string
	Detail    string
	LeafHash  []byte
}

// DueItem is a deadline with what a dashboard shows of its case.
type DueItem struct {
	Deadline
	Reference string
	OrgID     string
	State     State
}
