package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/nrmproject/nrm"
)

func (tx *Tx) InsertDataKey(ctx context.Context, k DataKey) error {
	_, err := tx.exec(ctx, "INSERT INTO data_keys (id, wrapped, kek_version) VALUES (?, ?, ?)", k.ID, k.Wrapped, k.KEKVersion)
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

func (tx *Tx) DataKey(ctx context.Context, id string) (DataKey, error) {
	k := DataKey{ID: id}
	var destroyed int64
	err := tx.queryRow(ctx, "SELECT wrapped, kek_version, destroyed_at FROM data_keys WHERE id = ?", id).Scan(&k.Wrapped, &k.KEKVersion, &destroyed)
	if errors.Is(err, sql.ErrNoRows) {
		return k, nrm.NotFound("data key")
	}
	if err != nil {
		return k, nrm.Internal(err)
	}
	k.DestroyedAt = fromMicros(destroyed)
	return k, nil
}

// DestroyDataKey overwrites a wrapped key: crypto-shredding.
func (tx *Tx) DestroyDataKey(ctx context.Context, id string) error {
	return updated(tx.exec(ctx, "UPDATE data_keys SET wrapped = NULL, destroyed_at = ? WHERE id = ? AND wrapped IS NOT NULL", micros(tx.Now), id))
}

// DataKeysUnder lists up to limit live keys wrapped under a KEK version other than current.
func (tx *Tx) DataKeysNotUnder(ctx context.Context, current uint32, limit int) ([]DataKey, error) {
	rows, err := tx.query(ctx, "SELECT id, wrapped, kek_version FROM data_keys WHERE wrapped IS NOT NULL AND kek_version <> ? ORDER BY id LIMIT ?", current, limit)
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	var out []DataKey
	for rows.Next() {
		var k DataKey
		if err := rows.Scan(&k.ID, &k.Wrapped, &k.KEKVersion); err != nil {
			return nil, nrm.Internal(err)
		}
		out = append(out, k)
	}
	return out, rowsErr(rows)
}

// RewrapDataKey replaces a wrapped key, only if it is still the one read.
func (tx *Tx) RewrapDataKey(ctx context.Context, id string, old, wrapped []byte, version uint32) error {
	return updated(tx.exec(ctx, "UPDATE data_keys SET wrapped = ?, kek_version = ? WHERE id = ? AND wrapped = ?", wrapped, version, id, old))
}

// CountDataKeysUnder counts live keys still wrapped under a KEK version.
func (tx *Tx) CountDataKeysUnder(ctx context.Context, version uint32) (int, error) {
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM data_keys WHERE wrapped IS NOT NULL AND kek_version = ?", version).Scan(&n); err != nil {
		return 0, nrm.Internal(err)
	}
	return n, nil
}

func (tx *Tx) InsertPerson(ctx context.Context, p PersonRecord) error {
	_, err := tx.exec(ctx, `INSERT INTO persons (id, given_name, family_name, aliases, date_of_birth, contact,
		age_uncertain, sex, citizenship, created_at, version, safe_to_contact) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
		p.ID, p.GivenName, p.FamilyName, p.Aliases, p.DateOfBirth, p.Contact, p.AgeUncertain, p.Sex,
		strings.Join(p.Citizenship, ","), micros(p.CreatedAt), p.SafeToContact)
	if err != nil {
		return nrm.Internal(err)
	}
	return nil
}

// ErasePerson removes every sealed field of a person, after the key is gone.
func (tx *Tx) ErasePerson(ctx context.Context, id string) error {
	return updated(tx.exec(ctx, `UPDATE persons SET given_name = NULL, family_name = NULL, aliases = NULL,
		date_of_birth = NULL, contact = NULL, safe_to_contact = FALSE, erased_at = ?, version = version + 1 WHERE id = ?`, micros(tx.Now), id))
}

const caseColumns = `c.id, c.reference, c.org_id, c.person_id, c.state, c.child, c.encounter_date, c.encounter_place,
	c.encounter_country, c.exploitation_types, c.created_by, c.created_at, c.updated_at, c.version,
	c.episode, c.previous_case, c.profile, c.closed_reason, c.closed_on, c.nrm_accepted_on,
	c.identification_state, c.identification_outcome,
	p.given_name, p.family_name, p.aliases, p.date_of_birth, p.contact, p.age_uncertain, p.sex, p.citizenship,
	p.erased_at, p.created_at, p.version, k.wrapped, p.safe_to_contact`

// caseFrom joins a case with its person and the person's wrapped key.
const caseFrom = " FROM cases c JOIN persons p ON p.id = c.person_id LEFT JOIN data_keys k ON k.id = c.person_id"

// caseCounts are read beside a single case: indexed counts inside the one
// statement cost less than a statement each.
const caseCounts = `, (SELECT COUNT(*) FROM cases e WHERE e.person_id = c.person_id),
	EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id) OR EXISTS (SELECT 1 FROM case_flags f WHERE f.matched_case = c.id),
	EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = c.id),
	EXISTS (SELECT 1 FROM non_punishment np WHERE np.case_id = c.id AND np.status = 'raised')`

func scanCase(row interface{ Scan(...any) error }, extra ...any) (CaseRecord, error) {
	var c CaseRecord
	var encDate, types, citizenship, closedOn, acceptedOn string
	var created, updatedAt, erased, pCreated int64
	dest := append([]any{&c.ID, &c.Reference, &c.OrgID, &c.Person.ID, &c.State, &c.Child, &encDate, &c.EncounterPlace,
		&c.Encounter.Country, &types, &c.CreatedBy, &created, &updatedAt, &c.Version,
		&c.Episode, &c.PreviousCase, &c.Profile, &c.ClosedReason, &closedOn, &acceptedOn,
		&c.IdentificationState, &c.Outcome,
		&c.Person.GivenName, &c.Person.FamilyName, &c.Person.Aliases, &c.Person.DateOfBirth, &c.Person.Contact,
		&c.Person.AgeUncertain, &c.Person.Sex, &citizenship, &erased, &pCreated, &c.Person.Version, &c.PersonKey, &c.Person.SafeToContact},
		extra...)
	if err := row.Scan(dest...); err != nil {
		return c, err
	}
	c.Encounter.Date, _ = nrm.ParseDate("", encDate)
	c.ClosedOn, _ = nrm.ParseDate("", closedOn)
	c.NRMAcceptedOn, _ = nrm.ParseDate("", acceptedOn)
	c.ExploitationTypes = splitList(types)
	c.Person.Citizenship = splitList(citizenship)
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updatedAt)
	c.Person.ErasedAt, c.Person.CreatedAt = fromMicros(erased), fromMicros(pCreated)
	return c, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// InsertCase stores a new case; its person must be inserted first.
func (tx *Tx) InsertCase(ctx context.Context, c CaseRecord) error {
	if c.Episode == 0 {
		c.Episode = 1
	}
	_, err := tx.exec(ctx, `INSERT INTO cases (id, reference, org_id, person_id, state, child, encounter_date,
		encounter_place, encounter_country, exploitation_types, created_by, created_at, updated_at, version,
		episode, previous_case, profile, identification_state)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
		c.ID, c.Reference, c.OrgID, c.Person.ID, c.State, c.Child, c.Encounter.Date.String(), c.EncounterPlace,
		c.Encounter.Country, strings.Join(c.ExploitationTypes, ","), c.CreatedBy, micros(c.CreatedAt), micros(c.UpdatedAt),
		c.Episode, c.PreviousCase, c.Profile, c.State)
	if err != nil {
		if isUniqueViolation(err) && strings.Contains(err.Error(), "reference") {
			return errDuplicateReference
		}
		if isUniqueViolation(err) && (strings.Contains(err.Error(), "person_id") || strings.Contains(err.Error(), "cases_one_open_episode")) {
			return nrm.Conflict("another episode of this person is open")
		}
		return nrm.Internal(err)
	}
	return tx.refreshCaseStats(ctx, c.ID, ageBandOf(c.Case))
}

var errDuplicateReference = nrm.ErrDuplicateReference

// IsDuplicateReference tells the caller to draw another reference.
func IsDuplicateReference(err error) bool { return nrm.IsDuplicateReference(err) }

// Case returns one case with its person, and its counts.
func (tx *Tx) Case(ctx context.Context, id string) (CaseRecord, error) {
	var counts nrm.CaseCounts
	c, err := scanCase(tx.queryRow(ctx, "SELECT "+caseColumns+caseCounts+caseFrom+" WHERE c.id = ?", id),
		&counts.Episodes, &counts.HasFlags, &counts.HasClocks, &counts.NonPunishment)
	c.Counts = counts
	if errors.Is(err, sql.ErrNoRows) {
		return c, nrm.NotFound("case")
	}
	if err != nil {
		return c, nrm.Internal(err)
	}
	return c, nil
}

// Cases lists the cases an organisation is involved in, newest first.
func (tx *Tx) Cases(ctx context.Context, f CaseFilter) ([]CaseRecord, error) {
	if f.OrgID == "" {
		return nil, nrm.Internal(errors.New("sqlstore: case list without an organisation"))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	from := caseFrom
	var args []any
	if len(f.NameIndex) > 0 {
		// A search starts from the blind index (the few people with every
		// name searched for), not from the organisation's many cases.
		marks := strings.Repeat("?,", len(f.NameIndex))
		from = " FROM (SELECT person_id FROM person_index WHERE kind = ? AND value IN (" + marks[:len(marks)-1] +
			") GROUP BY person_id HAVING COUNT(*) = ?) m CROSS JOIN cases c JOIN persons p ON p.id = c.person_id" +
			" LEFT JOIN data_keys k ON k.id = c.person_id"
		args = append(args, IndexName)
		for _, v := range f.NameIndex {
			args = append(args, v)
		}
		args = append(args, len(f.NameIndex))
		from += " WHERE c.person_id = m.person_id AND "
	} else {
		from += " WHERE "
	}
	clause, cargs := tx.involved(f.OrgID)
	q := "SELECT " + caseColumns + from + clause
	args = append(args, cargs...)
	if f.State != "" {
		q += " AND c.state = ?"
		args = append(args, f.State)
	}
	if f.After != "" {
		q += " AND (c.created_at, c.id) < (SELECT created_at, id FROM cases WHERE id = ?)"
		args = append(args, f.After)
	}
	q += " ORDER BY c.created_at DESC, c.id DESC LIMIT ?"
	return collect(tx, ctx, func(r scanner) (CaseRecord, error) { return scanCase(r) }, q, append(args, f.Limit)...)
}

// involved selects the cases (c) an organisation is involved in: it
// created them, holds an accepted referral that still shares something (a
// child's, or one whose consent is given, not expired and overlaps the
// referral's scope), or decided on them. It is the SQL form of
// nrm.AccessOf(...).Involved(), and sqlstore/access_test.go holds the two
// equal on generated data.
func (tx *Tx) involved(orgID string) (string, []any) {
	return `(c.org_id = ? OR c.id IN (SELECT r.case_id FROM referrals r LEFT JOIN consents k ON k.id = r.consent_id
		JOIN cases rc ON rc.id = r.case_id WHERE r.to_org = ? AND r.status = 'accepted'
		AND (((rc.child OR r.consent_id = '') AND r.scope <> 0)
			OR (k.status = 'given' AND (k.expires = '' OR k.expires >= ?) AND (r.scope & k.scope) <> 0)))
		OR c.id IN (SELECT d.case_id FROM decisions d WHERE d.decided_org = ?))`,
		[]any{orgID, orgID, nrm.DateOf(tx.Now).String(), orgID}
}

// AccessFacts returns what decides an organisation's access to a case: the
// service turns them into access with nrm.AccessOf. A case that does not
// exist has no owner.
func (tx *Tx) AccessFacts(ctx context.Context, caseID, orgID string) (nrm.AccessFacts, error) {
	f := nrm.AccessFacts{OrgID: orgID, Today: nrm.DateOf(tx.Now)}
	err := tx.queryRow(ctx, "SELECT org_id, child FROM cases WHERE id = ?", caseID).Scan(&f.OwnerOrg, &f.Child)
	if errors.Is(err, sql.ErrNoRows) {
		return nrm.AccessFacts{OrgID: orgID, Today: f.Today}, nil
	}
	if err != nil {
		return f, nrm.Internal(err)
	}
	return tx.accessFacts(ctx, caseID, f)
}

// AccessFactsOf is AccessFacts for a case already read.
func (tx *Tx) AccessFactsOf(ctx context.Context, c nrm.Case, orgID string) (nrm.AccessFacts, error) {
	f := nrm.AccessFacts{OrgID: orgID, OwnerOrg: c.OrgID, Child: c.Child, Today: nrm.DateOf(tx.Now)}
	if c.OrgID == orgID {
		return f, nil // the owner's access needs no more facts
	}
	return tx.accessFacts(ctx, c.ID, f)
}

// AccessFactsOfMany is AccessFactsOf for a page of cases, in two queries
// whatever the page's length (a list has no query per row).
func (tx *Tx) AccessFactsOfMany(ctx context.Context, cases []nrm.Case, orgID string) (map[string]nrm.AccessFacts, error) {
	out := make(map[string]nrm.AccessFacts, len(cases))
	var others []any
	for _, c := range cases {
		out[c.ID] = nrm.AccessFacts{OrgID: orgID, OwnerOrg: c.OrgID, Child: c.Child, Today: nrm.DateOf(tx.Now)}
		if c.OrgID != orgID {
			others = append(others, c.ID)
		}
	}
	if len(others) == 0 {
		return out, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(others)), ",")
	rows, err := tx.query(ctx, `SELECT r.case_id, r.status, r.scope, r.consent_id, COALESCE(k.status, ''), COALESCE(k.expires, ''), COALESCE(k.scope, 0)
		FROM referrals r LEFT JOIN consents k ON k.id = r.consent_id
		WHERE r.to_org = ? AND r.case_id IN (`+marks+`)`, append([]any{orgID}, others...)...)
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r nrm.ReferralFact
		var caseID, expires string
		var rscope, cscope int
		if err := rows.Scan(&caseID, &r.Status, &rscope, &r.ConsentID, &r.ConsentStatus, &expires, &cscope); err != nil {
			return nil, nrm.Internal(err)
		}
		r.Scope, r.ConsentScope, r.ConsentExpiry = nrm.Scope(rscope), nrm.Scope(cscope), date(expires)
		f := out[caseID]
		f.Referrals = append(f.Referrals, r)
		out[caseID] = f
	}
	if err := rows.Err(); err != nil {
		return nil, nrm.Internal(err)
	}
	decided, err := collect(tx, ctx, func(r scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, "SELECT DISTINCT case_id FROM decisions WHERE decided_org = ? AND case_id IN ("+marks+")", append([]any{orgID}, others...)...)
	if err != nil {
		return nil, err
	}
	for _, id := range decided {
		f := out[id]
		f.Decided = true
		out[id] = f
	}
	return out, nil
}

func (tx *Tx) accessFacts(ctx context.Context, caseID string, f nrm.AccessFacts) (nrm.AccessFacts, error) {
	rows, err := tx.query(ctx, `SELECT r.status, r.scope, r.consent_id, COALESCE(k.status, ''), COALESCE(k.expires, ''), COALESCE(k.scope, 0)
		FROM referrals r LEFT JOIN consents k ON k.id = r.consent_id
		WHERE r.case_id = ? AND r.to_org = ?`, caseID, f.OrgID)
	if err != nil {
		return f, nrm.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r nrm.ReferralFact
		var expires string
		var rscope, cscope int
		if err := rows.Scan(&r.Status, &rscope, &r.ConsentID, &r.ConsentStatus, &expires, &cscope); err != nil {
			return f, nrm.Internal(err)
		}
		r.Scope, r.ConsentScope, r.ConsentExpiry = nrm.Scope(rscope), nrm.Scope(cscope), date(expires)
		f.Referrals = append(f.Referrals, r)
	}
	if err := rows.Err(); err != nil {
		return f, nrm.Internal(err)
	}
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM decisions WHERE case_id = ? AND decided_org = ?", caseID, f.OrgID).Scan(&n); err != nil {
		return f, nrm.Internal(err)
	}
	f.Decided = n > 0
	return f, nil
}

// UpdateCaseState moves a case on the track, if the version still matches.
func (tx *Tx) UpdateCaseState(ctx context.Context, c nrm.Case) error {
	ident := c.IdentificationState
	if c.State != nrm.StateClosed {
		ident = c.State
	}
	if err := updated(tx.exec(ctx, `UPDATE cases SET state = ?, closed_reason = ?, closed_on = ?, nrm_accepted_on = ?,
		identification_state = ?, identification_outcome = ?,
		updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		c.State, c.ClosedReason, c.ClosedOn.String(), c.NRMAcceptedOn.String(), ident, c.Outcome,
		micros(tx.Now), c.ID, c.Version)); err != nil {
		return err
	}
	return tx.refreshCaseStats(ctx, c.ID, "")
}

// CaseIDByReference finds a case by its human-readable reference.
func (tx *Tx) CaseIDByReference(ctx context.Context, ref string) (string, error) {
	var id string
	err := tx.queryRow(ctx, "SELECT id FROM cases WHERE reference = ?", strings.ToUpper(strings.TrimSpace(ref))).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nrm.NotFound("case")
	}
	if err != nil {
		return "", nrm.Internal(err)
	}
	return id, nil
}

// CaseIDs lists every case id, for maintenance and benchmark tools.
func (tx *Tx) CaseIDs(ctx context.Context) ([]string, error) {
	return collect(tx, ctx, func(r scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, "SELECT id FROM cases ORDER BY id")
}
