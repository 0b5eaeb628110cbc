package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// maxParams keeps one statement under both databases' limits on bound
// parameters (SQLite 32766, PostgreSQL 65535).
const maxParams = 30000

// insertMany inserts n rows into table with multi-row VALUES statements,
// as many rows per statement as the parameter limit allows. row(i) returns
// the values of row i in the order of cols. suffix is appended to each
// statement (an ON CONFLICT clause).
func insertMany(ctx context.Context, q queryer, table string, cols []string, n int, row func(i int) []any, suffix string) error {
	if n == 0 {
		return nil
	}
	if tx, ok := q.(*Tx); ok && !tx.s.dialect.postgres {
		return insertPrepared(ctx, tx, table, cols, n, row, suffix)
	}
	for _, st := range insertStatements(table, cols, n, row, suffix) {
		if _, err := q.ExecContext(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// statement is a statement's text and its arguments, to run or to send in
// a pipeline.
type statement struct {
	sql  string
	args []any
}

// insertStatements returns the multi-row VALUES statements that insert n
// rows into table, as many rows per statement as the parameter limit
// allows ($N placeholders, for PostgreSQL or a one-off SQLite statement).
func insertStatements(table string, cols []string, n int, row func(i int) []any, suffix string) []statement {
	per := maxParams / len(cols)
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	var out []statement
	var b strings.Builder
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		b.Reset()
		b.WriteString(head)
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			vals := row(i)
			for j, v := range vals {
				if j > 0 {
					b.WriteByte(',')
				}
				args = append(args, v)
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(len(args)))
			}
			b.WriteByte(')')
		}
		b.WriteString(suffix)
		out = append(out, statement{b.String(), args})
	}
	return out
}

// insertPrepared inserts row by row with one prepared statement: SQLite
// looks $N parameters up by a linear scan, so a statement with thousands of
// them costs quadratic time, while a prepared one-row insert in a
// transaction costs only the row.
func insertPrepared(ctx context.Context, tx *Tx, table string, cols []string, n int, row func(i int) []any, suffix string) error {
	ph := make([]string, len(cols))
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	stmt, err := tx.stmt(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES ("+
		strings.Join(ph, ", ")+")"+suffix)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	for i := 0; i < n; i++ {
		if _, err := stmt.ExecContext(ctx, row(i)...); err != nil {
			return fmt.Errorf("insert into %s: row %d: %w", table, i, err)
		}
	}
	return nil
}

// resetSequence makes PostgreSQL's identity for table continue after the
// largest id, after rows were inserted with explicit ids. SQLite needs
// nothing: its rowid always continues after the largest.
func (s *Store) resetSequence(ctx context.Context, q queryer, table string) error {
	if !s.dialect.postgres {
		return nil
	}
	_, err := q.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'),
		GREATEST((SELECT COALESCE(MAX(id), 0) FROM `+table+`), 1))`)
	return err
}
