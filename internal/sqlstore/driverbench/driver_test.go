//go:build driverbench

// Package driverbench compares the SQLite drivers on the work campusguard
// does: durable single-row commits (WAL, synchronous=FULL) and batched
// inserts. Run with: go test -tags driverbench -bench . ./internal/sqlstore/driverbench
package driverbench

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
	_ "modernc.org/sqlite"
)

var drivers = []struct{ name, driver, dsn string }{
	{"modernc", "sqlite", "file:%s?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"},
	{"mattn", "sqlite3", "file:%s?_busy_timeout=10000&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate"},
}

func open(b *testing.B, driver, dsn string) *sql.DB {
	db, err := sql.Open(driver, fmt.Sprintf(dsn, filepath.Join(b.TempDir(), "b.db")))
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE checks (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, day TEXT NOT NULL,
		temperature REAL NOT NULL, note TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkCommit is one durable transaction per row.
func BenchmarkCommit(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			db := open(b, d.driver, d.dsn)
			for i := 0; b.Loop(); i++ {
				tx, err := db.Begin()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.Exec(`INSERT INTO checks (person_id, day, temperature, note) VALUES ($1, $2, $3, $4)`,
					i, "2026-11-29", 36.6, "晨检正常"); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBatch1000 is 1,000 rows per transaction in multi-row statements.
func BenchmarkBatch1000(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			db := open(b, d.driver, d.dsn)
			var sb strings.Builder
			sb.WriteString(`INSERT INTO checks (person_id, day, temperature, note) VALUES `)
			args := make([]any, 0, 4000)
			for i := 0; i < 1000; i++ {
				if i > 0 {
					sb.WriteByte(',')
				}
				fmt.Fprintf(&sb, "($%d,$%d,$%d,$%d)", 4*i+1, 4*i+2, 4*i+3, 4*i+4)
				args = append(args, i, "2026-11-29", 36.6, "晨检正常")
			}
			q := sb.String()
			for b.Loop() {
				tx, err := db.Begin()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.Exec(q, args...); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkPointRead reads one row by key, the shape of most page queries.
func BenchmarkPointRead(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			db := open(b, d.driver, d.dsn)
			tx, _ := db.Begin()
			for i := 0; i < 10000; i++ {
				tx.Exec(`INSERT INTO checks (person_id, day, temperature, note) VALUES ($1, $2, $3, $4)`, i, "2026-11-29", 36.6, "x")
			}
			tx.Commit()
			var t float64
			for i := 0; b.Loop(); i++ {
				if err := db.QueryRow(`SELECT temperature FROM checks WHERE id = $1`, i%10000+1).Scan(&t); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPrepared1000 is 1,000 rows per transaction through one prepared
// single-row statement: how sqlstore bulk-inserts on SQLite.
func BenchmarkPrepared1000(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			db := open(b, d.driver, d.dsn)
			for b.Loop() {
				tx, err := db.Begin()
				if err != nil {
					b.Fatal(err)
				}
				stmt, err := tx.Prepare(`INSERT INTO checks (person_id, day, temperature, note) VALUES ($1, $2, $3, $4)`)
				if err != nil {
					b.Fatal(err)
				}
				for i := 0; i < 1000; i++ {
					if _, err := stmt.Exec(i, "2026-11-29", 36.6, "晨检正常"); err != nil {
						b.Fatal(err)
					}
				}
				stmt.Close()
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
