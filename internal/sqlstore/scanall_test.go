package sqlstore_test

import (
	"database/sql"
	"errors"
	"testing"

	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestScanAll: every row is read; a scan that fails returns the error and
// no list (not the rows read before it) and closes the rows; no rows is an
// empty list, not nil.
func TestScanAll(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		mustWorld(t, s)
		query := func(where string) *sql.Rows {
			t.Helper()
			rows, err := s.DB().Query(`SELECT id FROM orgs WHERE ` + where + ` ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		id := func(rows *sql.Rows) (int64, error) {
			var v int64
			return v, rows.Scan(&v)
		}
		want := countRows(t, s, "orgs")
		got, err := sqlstore.ScanAll(query("1 = 1"), id)
		if err != nil || len(got) != want || want < 3 {
			t.Fatalf("ScanAll = %d rows, %v; want %d", len(got), err, want)
		}
		boom := errors.New("boom")
		n := 0
		rows := query("1 = 1")
		got, err = sqlstore.ScanAll(rows, func(rows *sql.Rows) (int64, error) {
			if n++; n == 2 {
				return 0, boom
			}
			return id(rows)
		})
		if !errors.Is(err, boom) || got != nil {
			t.Errorf("ScanAll with a failing scan = %v, %v; want nil, boom", got, err)
		}
		if rows.Next() {
			t.Errorf("the rows are still open after a failed ScanAll")
		}
		got, err = sqlstore.ScanAll(query("1 = 0"), id)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("ScanAll of no rows = %#v, %v; want an empty list", got, err)
		}
	})
}
