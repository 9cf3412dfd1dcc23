package sqlstore

import (
	"context"
	"strings"
)

// CaseReferences returns the human-readable references of cases, by id
// (the audit log page names cases by reference, never by id). Ids that are
// not cases are left out.
func (tx *Tx) CaseReferences(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	marks := strings.Repeat("?,", len(ids))
	type ref struct{ id, reference string }
	refs, err := collect(tx, ctx, func(r scanner) (ref, error) {
		var x ref
		return x, r.Scan(&x.id, &x.reference)
	}, "SELECT id, reference FROM cases WHERE id IN ("+marks[:len(marks)-1]+")", args...)
	for _, x := range refs {
		out[x.id] = x.reference
	}
	return out, err
}
