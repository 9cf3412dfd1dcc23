package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/nrmproject/nrm"
)

// Reads run on connections the store owns (on SQLite each with the
// statements prepared on it), instead of through database/sql transactions.
// A database/sql transaction, and every result set read in one, starts a
// goroutine that watches the context, and the driver starts another for
// each statement with a cancellable context: about a dozen goroutines for
// one read of a case, which cost more than the queries. An owned
// connection runs BEGIN and COMMIT as prepared statements and its queries
// with a context that cannot be cancelled, so none of that happens. The
// price: a read statement, once started, runs to its end even if the
// client goes away (SQLite's reads are short, and a read never waits for a
// lock in WAL mode; on PostgreSQL a read takes no lock a writer holds).
// Waiting for a free connection still ends with the request's context.
//
// On PostgreSQL the read connections are a pool of their own whose sessions
// are read-only (default_transaction_read_only), and a read under READ
// COMMITTED (the default isolation) runs its statements without BEGIN and
// COMMIT: each statement of a READ COMMITTED transaction sees what was
// committed when the statement began, exactly as on its own, so the two
// round trips bought nothing. Under a stricter default isolation reads
// keep their transaction.
type reader struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
	begin *sql.Stmt
	end   *sql.Stmt // COMMIT
	undo  *sql.Stmt // ROLLBACK
	bad   bool      // discard instead of reusing
}

// readers is a pool of owned connections of one database/sql pool: the
// read connections, or (SQLite) the one write connection.
type readers struct {
	db    *sql.DB
	begin string // BEGIN, or BEGIN IMMEDIATE for SQLite's writer
	free  chan *reader
	// slots holds one token per connection that may still be opened.
	slots chan struct{}
}

func newReaders(db *sql.DB, n int, begin string) *readers {
	r := &readers{db: db, begin: begin, free: make(chan *reader, n), slots: make(chan struct{}, n)}
	for range n {
		r.slots <- struct{}{}
	}
	return r
}

// take returns a free connection of pool p, opening one if the pool is not
// full, or waits for one until ctx ends.
func (s *Store) take(ctx context.Context, p *readers) (*reader, error) {
	select {
	case rd := <-p.free:
		return rd, nil
	default:
	}
	select {
	case rd := <-p.free:
		return rd, nil
	case <-p.slots:
		rd, err := s.openReader(ctx, p)
		if err != nil {
			p.slots <- struct{}{}
			return nil, nrm.Internal(fmt.Errorf("database connection: %w", err))
		}
		return rd, nil
	case <-ctx.Done():
		return nil, nrm.Internal(ctx.Err())
	}
}

func (s *Store) openReader(ctx context.Context, p *readers) (*reader, error) {
	conn, err := p.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	bg := context.Background()
	rd := &reader{conn: conn, stmts: map[string]*sql.Stmt{}}
	if s.engine != SQLite {
		return rd, nil // pgx prepares and caches statements itself
	}
	for _, p := range []struct {
		st **sql.Stmt
		q  string
	}{{&rd.begin, p.begin}, {&rd.end, "COMMIT"}, {&rd.undo, "ROLLBACK"}} {
		if *p.st, err = conn.PrepareContext(bg, p.q); err != nil {
			rd.close()
			return nil, err
		}
	}
	return rd, nil
}

// give returns a connection to pool p, or closes it if it is bad or the
// store is closing.
func (s *Store) give(p *readers, rd *reader) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if rd.bad || closed {
		defer func() { p.slots <- struct{}{} }()
		rd.close()
		return
	}
	p.free <- rd
}

func (rd *reader) close() {
	for _, st := range rd.stmts {
		st.Close()
	}
	for _, st := range []*sql.Stmt{rd.begin, rd.end, rd.undo} {
		if st != nil {
			st.Close()
		}
	}
	if rd.bad {
		// Conn.Close would hand the driver's connection back to
		// database/sql's pool whatever its state (a transaction left open
		// by a panic): database/sql drops one whose Raw answers ErrBadConn.
		rd.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	rd.conn.Close()
}

// closeReaders closes the free connections of every pool (Close calls it;
// connections in use are closed when they are given back).
func (s *Store) closeReaders() {
	for _, p := range []*readers{s.readers, s.writer} {
		if p == nil {
			continue
		}
	drain:
		for {
			select {
			case rd := <-p.free:
				rd.close()
				p.slots <- struct{}{}
			default:
				break drain
			}
		}
	}
}

// stmt returns q prepared on this reader's connection, preparing it the
// first time (on the reader's own connection: nothing to wait for), or nil
// when there are too many.
func (rd *reader) stmt(q string) *sql.Stmt {
	if st, ok := rd.stmts[q]; ok {
		return st
	}
	if len(rd.stmts) >= maxStmts {
		return nil
	}
	st, err := rd.conn.PrepareContext(context.Background(), q)
	if err != nil {
		return nil // the query runs unprepared and reports its error
	}
	rd.stmts[q] = st
	return st
}

// noCancel is the context of statements on a reader; see reader.
var noCancel = context.Background()

// readOwned runs fn on an owned connection: in a transaction (BEGIN ...
// COMMIT, one consistent snapshot) when inTx is set and the engine needs
// one for that, or as single statements.
func (s *Store) readOwned(ctx context.Context, inTx bool, fn func(*Tx) error) (err error) {
	return s.runOwned(ctx, s.readers, inTx && s.readTx, fn)
}

// writeSQLite runs fn in a transaction (BEGIN IMMEDIATE ... COMMIT) on
// SQLite's one write connection, owned like the readers. BEGIN IMMEDIATE
// waits for another process's write lock under busy_timeout; that wait
// alone ends early with ctx.
func (s *Store) writeSQLite(ctx context.Context, fn func(*Tx) error) error {
	return s.runOwned(ctx, s.writer, true, fn)
}

// runOwned runs fn on a connection of pool p, in a transaction if inTx.
func (s *Store) runOwned(ctx context.Context, p *readers, inTx bool, fn func(*Tx) error) (err error) {
	rd, err := s.take(ctx, p)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			// fn panicked, perhaps inside a transaction: the connection is
			// closed, never handed to the next caller with it still open.
			rd.bad = true
			s.give(p, rd)
			panic(r)
		}
		s.give(p, rd)
	}()
	tx := &Tx{tx: rd.conn, db: p.db, s: s, rd: rd, Now: s.now().UTC().Truncate(time.Microsecond)}
	if !inTx {
		err = fn(tx)
		rd.check(err)
		return err
	}
	if err := rd.beginTx(ctx, p.begin); err != nil {
		rd.bad = true
		return nrm.Internal(fmt.Errorf("begin: %w", err))
	}
	if err = fn(tx); err != nil {
		if rerr := rd.exec("ROLLBACK"); rerr != nil {
			rd.bad = true
		}
		rd.check(err)
		return err
	}
	if err := rd.exec("COMMIT"); err != nil {
		rd.bad = true
		rd.exec("ROLLBACK")
		return nrm.Internal(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// beginTx begins a transaction: a wait for a lock it needs ends with ctx.
func (rd *reader) beginTx(ctx context.Context, begin string) error {
	var err error
	if rd.begin != nil {
		_, err = rd.begin.ExecContext(ctx)
	} else {
		_, err = rd.conn.ExecContext(ctx, begin)
	}
	return err
}

// exec runs COMMIT or ROLLBACK (prepared, on SQLite).
func (rd *reader) exec(q string) error {
	st := rd.end
	if q == "ROLLBACK" {
		st = rd.undo
	}
	var err error
	if st != nil {
		_, err = st.ExecContext(noCancel)
	} else {
		_, err = rd.conn.ExecContext(noCancel, q)
	}
	return err
}

// check marks the reader bad after an error that may have broken its
// connection.
func (rd *reader) check(err error) {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		rd.bad = true
	}
}
