package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/auditlog"
)

// AppendAudit appends entries to the audit log inside this transaction and
// signs a checkpoint over the new tree. The tree's head row is locked for
// the rest of the transaction, so appenders in every process take turns
// and the sequence has no gaps. If anything fails, the caller's
// transaction fails with it: audit fails closed.
func (tx *Tx) AppendAudit(ctx context.Context, signer *auditlog.Signer, entries []auditlog.Entry) (auditlog.Checkpoint, error) {
	if len(entries) == 0 {
		return auditlog.Checkpoint{}, nil
	}
	tree, err := tx.lockAuditHead(ctx)
	if err != nil {
		return auditlog.Checkpoint{}, err
	}
	leaves := make([][]byte, len(entries))
	for i := range entries {
		e := entries[i]
		e.Seq = tree.Size()
		e = e.Normalize()
		leaves[i] = auditlog.LeafHash(e)
		if err := tree.Append(leaves[i]); err != nil {
			return auditlog.Checkpoint{}, nrm.Internal(err)
		}
		entries[i] = e
	}
	if err := tx.insertAudit(ctx, entries, leaves); err != nil {
		return auditlog.Checkpoint{}, nrm.Internal(fmt.Errorf("audit append: %w", err))
	}
	cp := auditlog.Checkpoint{Origin: signer.Origin(), Size: tree.Size(), Root: tree.Root()}
	signed, err := signer.Sign(cp)
	if err != nil {
		return cp, nrm.Internal(err)
	}
	if _, err := tx.exec(ctx, "INSERT INTO audit_checkpoints (size, signed, at) VALUES (?, ?, ?)",
		int64(cp.Size), string(signed), micros(tx.Now)); err != nil {
		return cp, nrm.Internal(fmt.Errorf("audit checkpoint: %w", err))
	}
	size, hashes := tree.State()
	if _, err := tx.exec(ctx, "UPDATE audit_head SET size = ?, hashes = ? WHERE id = 1", int64(size), joinHashes(hashes)); err != nil {
		return cp, nrm.Internal(fmt.Errorf("audit head: %w", err))
	}
	return cp, nil
}

// insertAudit inserts entries with their leaf hashes. On SQLite each is a
// prepared INSERT; on PostgreSQL, where each statement is a round trip to
// the server, the whole batch is one INSERT of unnest(arrays).
func (tx *Tx) insertAudit(ctx context.Context, entries []auditlog.Entry, leaves [][]byte) error {
	if tx.s.engine != Postgres || len(entries) == 1 {
		for i, e := range entries {
			if _, err := tx.exec(ctx, `INSERT INTO audit_entries (seq, at, request_id, actor, actor_org, actor_role,
				action, object, outcome, detail, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				int64(e.Seq), e.Time.UnixMicro(), e.RequestID, e.Actor, e.ActorOrg, e.ActorRole, e.Action, e.Object,
				e.Outcome, e.Detail, leaves[i]); err != nil {
				return err
			}
		}
		return nil
	}
	n := len(entries)
	seq, at := make([]int64, n), make([]int64, n)
	text := make([][]string, 8)
	for c := range text {
		text[c] = make([]string, n)
	}
	for i, e := range entries {
		seq[i], at[i] = int64(e.Seq), e.Time.UnixMicro()
		for c, v := range []string{e.RequestID, e.Actor, e.ActorOrg, e.ActorRole, e.Action, e.Object, e.Outcome, e.Detail} {
			text[c][i] = v
		}
	}
	_, err := tx.exec(ctx, `INSERT INTO audit_entries (seq, at, request_id, actor, actor_org, actor_role,
		action, object, outcome, detail, leaf_hash) SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[],
		?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[])`,
		seq, at, text[0], text[1], text[2], text[3], text[4], text[5], text[6], text[7], leaves)
	return err
}

// lockAuditHead reads the tree state, creating the head row the first time.
// On PostgreSQL the row is locked FOR UPDATE; on SQLite the write
// transaction already holds the database's one write lock.
func (tx *Tx) lockAuditHead(ctx context.Context) (*auditlog.Tree, error) {
	lock := ""
	if tx.s.engine == Postgres {
		lock = " FOR UPDATE"
	}
	var size int64
	var hashes []byte
	err := tx.queryRow(ctx, "SELECT size, hashes FROM audit_head WHERE id = 1"+lock).Scan(&size, &hashes)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := tx.exec(ctx, "INSERT INTO audit_head (id, size, hashes) VALUES (1, 0, ?) ON CONFLICT (id) DO NOTHING", []byte{}); err != nil {
			return nil, nrm.Internal(err)
		}
		err = tx.queryRow(ctx, "SELECT size, hashes FROM audit_head WHERE id = 1"+lock).Scan(&size, &hashes)
	}
	if err != nil {
		return nil, nrm.Internal(fmt.Errorf("audit head: %w", err))
	}
	if len(hashes)%auditlog.HashSize != 0 {
		return nil, nrm.Internal(errors.New("audit head: malformed state"))
	}
	var hs [][]byte
	for i := 0; i < len(hashes); i += auditlog.HashSize {
		hs = append(hs, hashes[i:i+auditlog.HashSize])
	}
	tree, err := auditlog.TreeFromState(uint64(size), hs)
	if err != nil {
		return nil, nrm.Internal(fmt.Errorf("audit head: %w", err))
	}
	return tree, nil
}

func joinHashes(hs [][]byte) []byte {
	out := make([]byte, 0, len(hs)*auditlog.HashSize)
	for _, h := range hs {
		out = append(out, h...)
	}
	return out
}

// LatestCheckpoint returns the newest signed checkpoint, or nil when the log is empty.
func (tx *Tx) LatestCheckpoint(ctx context.Context) ([]byte, error) {
	var signed string
	err := tx.queryRow(ctx, "SELECT signed FROM audit_checkpoints ORDER BY size DESC LIMIT 1").Scan(&signed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, nrm.Internal(err)
	}
	return []byte(signed), nil
}

// Checkpoint returns the signed checkpoint of one tree size.
func (tx *Tx) CheckpointAt(ctx context.Context, size uint64) ([]byte, error) {
	var signed string
	err := tx.queryRow(ctx, "SELECT signed FROM audit_checkpoints WHERE size = ?", int64(size)).Scan(&signed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nrm.NotFound("checkpoint")
	}
	if err != nil {
		return nil, nrm.Internal(err)
	}
	return []byte(signed), nil
}

// LeafHashes returns the stored leaf hashes 0..size-1, for proofs.
func (tx *Tx) LeafHashes(ctx context.Context, size uint64) ([][]byte, error) {
	rows, err := tx.query(ctx, "SELECT leaf_hash FROM audit_entries WHERE seq < ? ORDER BY seq", int64(size))
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	out := make([][]byte, 0, size)
	for rows.Next() {
		var h []byte
		if err := rows.Scan(&h); err != nil {
			return nil, nrm.Internal(err)
		}
		out = append(out, h)
	}
	return out, rowsErr(rows)
}

const auditColumns = "seq, at, request_id, actor, actor_org, actor_role, action, object, outcome, detail, leaf_hash"

func scanAudit(rows *sql.Rows) (auditlog.StoredEntry, error) {
	var e auditlog.StoredEntry
	var seq, at int64
	err := rows.Scan(&seq, &at, &e.RequestID, &e.Actor, &e.ActorOrg, &e.ActorRole, &e.Action, &e.Object, &e.Outcome, &e.Detail, &e.LeafHash)
	e.Seq = uint64(seq)
	e.Time = time.UnixMicro(at).UTC()
	return e, err
}

// AuditEntries lists entries newest first.
func (tx *Tx) AuditEntries(ctx context.Context, f nrm.AuditFilter) ([]auditlog.StoredEntry, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.ActorOrg != "" {
		add("actor_org = ?", f.ActorOrg)
	}
	if f.Object != "" {
		add("object = ?", f.Object)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	// A time range is first turned into a range of sequence numbers through
	// the checkpoints (indexed by time): an entry is committed, with its
	// batch's checkpoint, moments after its time; a minute's margin covers
	// that. The exact times are then checked on the entries themselves.
	if !f.From.IsZero() {
		where = append(where, "seq >= (SELECT COALESCE(MAX(size), 0) FROM audit_checkpoints WHERE at < ?)", "at >= ?")
		args = append(args, f.From.UnixMicro(), f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		where = append(where, "seq < COALESCE((SELECT MIN(size) FROM audit_checkpoints WHERE at >= ?), seq + 1)", "at < ?")
		args = append(args, f.To.Add(time.Minute).UnixMicro(), f.To.UnixMicro())
	}
	if f.Before > 0 {
		add("seq < ?", int64(f.Before))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := "SELECT " + auditColumns + " FROM audit_entries"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := tx.query(ctx, q+" ORDER BY seq DESC LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, nrm.Internal(err)
	}
	defer rows.Close()
	var out []auditlog.StoredEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, nrm.Internal(err)
		}
		out = append(out, e)
	}
	return out, rowsErr(rows)
}

// AuditSource reads the whole log for verification from one consistent
// snapshot. Close it when done.
type AuditSource struct {
	tx *sql.Tx
	s  *Store
}

// OpenAuditSource begins a read-only snapshot transaction.
func (s *Store) OpenAuditSource(ctx context.Context) (*AuditSource, error) {
	opts := &sql.TxOptions{ReadOnly: s.engine == Postgres}
	if s.engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &AuditSource{tx: tx, s: s}, nil
}

func (a *AuditSource) Close() error { return a.tx.Rollback() }

func (a *AuditSource) Entries(ctx context.Context, fn func(auditlog.StoredEntry) error) error {
	rows, err := a.tx.QueryContext(ctx, "SELECT "+auditColumns+" FROM audit_entries ORDER BY seq")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (a *AuditSource) Checkpoints(ctx context.Context) ([]auditlog.StoredCheckpoint, error) {
	rows, err := a.tx.QueryContext(ctx, "SELECT size, signed FROM audit_checkpoints ORDER BY size")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auditlog.StoredCheckpoint
	for rows.Next() {
		var size int64
		var signed string
		if err := rows.Scan(&size, &signed); err != nil {
			return nil, err
		}
		out = append(out, auditlog.StoredCheckpoint{Size: uint64(size), Signed: []byte(signed)})
	}
	return out, rows.Err()
}
