package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/nrmproject/nrm"
)

// The rows of an imported statistical dataset, written in bulk inside the
// import's one transaction (bench/README.md, issue 11: 100,000 CTDC rows).

// importPacked writes each row as one text (SQLite, migration 0015): three
// values bound a row, ten thousand rows a statement.
func (tx *Tx) importPacked(ctx context.Context, name string, read func(add func([]*string) error) (int, error)) (int, error) {
	const batch = 10000
	var args []any
	rows := 0
	flush := func() error {
		if rows == 0 {
			return nil
		}
		q := "INSERT INTO stat_rows (dataset, row_key, packed) VALUES (?, ?, ?)" + strings.Repeat(", (?, ?, ?)", rows-1)
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return nrm.Internal(err)
		}
		args, rows = args[:0], 0
		return nil
	}
	var packed strings.Builder
	n := 0
	count, err := read(func(vals []*string) error {
		packed.Reset()
		for i, v := range vals {
			if i > 0 {
				packed.WriteString(statSep)
			}
			if v != nil {
				packed.WriteString(*v)
			}
		}
		args = append(args, name, strconv.Itoa(n), packed.String())
		n++
		if rows++; rows >= batch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return count, flush()
}

// importColumns writes each value in its column (PostgreSQL): a batch is
// one INSERT from unnest(arrays), one array a column, so the server parses
// one statement and the driver sends each column as one array. A split
// column is split by the query (CrossTab), so nothing else is written.
func (tx *Tx) importColumns(ctx context.Context, name string, l *nrm.Layout, read func(add func([]*string) error) (int, error)) (int, error) {
	const batch = 5000
	ncol := len(l.Columns)
	cols := make([]string, ncol)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%02d", i+1)
	}
	insert := "INSERT INTO stat_rows (dataset, row_key, " + strings.Join(cols, ", ") + ") SELECT ?, * FROM unnest(?::text[]" +
		strings.Repeat(", ?::text[]", ncol) + ")"
	keys := make([]string, 0, batch)
	columns := make([][]*string, ncol)
	flush := func() error {
		if len(keys) == 0 {
			return nil
		}
		args := make([]any, 0, ncol+2)
		args = append(args, name, keys)
		for _, c := range columns {
			args = append(args, c)
		}
		if _, err := tx.exec(ctx, insert, args...); err != nil {
			return nrm.Internal(err)
		}
		keys = keys[:0]
		for i := range columns {
			columns[i] = columns[i][:0]
		}
		return nil
	}
	n := 0
	count, err := read(func(vals []*string) error {
		keys = append(keys, strconv.Itoa(n))
		n++
		for i, v := range vals {
			columns[i] = append(columns[i], v) // each value is a string of its own (Layout.Read)
		}
		if len(keys) >= batch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return count, flush()
}
