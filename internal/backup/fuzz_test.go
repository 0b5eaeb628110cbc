package backup_test

import (
	"bytes"
	"testing"

	"campusguard"
	"campusguard/internal/backup"
)

// FuzzReadManifest: any header either reads as a manifest the restore can
// trust the shape of, or is refused with an Invalid error; it never panics.
func FuzzReadManifest(f *testing.F) {
	pad := func(s string) []byte {
		b := []byte(s)
		return append(b, bytes.Repeat([]byte{' '}, max(backup.HeaderSize-len(b), 0))...)
	}
	f.Add(pad(backup.Magic + `{"format":1,"dialect":"sqlite","payload":"sqlite+gzip","migrations":["0001_init.sql"],"created_at":"2026-11-30T00:00:00Z","size":10,"sha256":"` + string(bytes.Repeat([]byte("a"), 64)) + `"}` + "\n"))
	f.Add(pad(backup.Magic + `{"format":2}`))
	f.Add([]byte("SQLite format 3\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := backup.ReadManifest(bytes.NewReader(b))
		if err != nil {
			if campusguard.ErrorCode(err) != campusguard.Invalid {
				t.Fatalf("ReadManifest = %v, want Invalid", err)
			}
			return
		}
		if m.Format != backup.Format || m.Size <= 0 || len(m.SHA256) != 64 || (m.Dialect != "sqlite" && m.Dialect != "postgres") {
			t.Fatalf("ReadManifest accepted %+v", m)
		}
	})
}
