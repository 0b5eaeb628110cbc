// Package backup makes and restores backups of the database while the
// server runs.
//
// A backup is one file: a header of HeaderSize bytes (a magic line, then a
// JSON manifest: format, database kind, migrations applied, the payload's
// size and SHA-256), then the payload. On SQLite the payload is a
// consistent copy of the database file (sqlstore.Snapshot), gzip-compressed;
// on PostgreSQL it is pg_dump's custom format, compressed by pg_dump. A
// restore reads the header, checks the payload's size and checksum and that
// this program knows every migration of the backup before it touches the
// target, and writes only into an empty database unless forced.
package backup

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
)

// Magic is the first line of every backup file.
const Magic = "CAMPUSGUARD-BACKUP\n"

// HeaderSize is the size of the header that holds the magic line and the
// manifest, padded with spaces: fixed, so the manifest can be written once
// the payload's checksum is known.
const HeaderSize = 4096

// Format is the version of the file layout this program writes and reads.
const Format = 1

// The payload kinds.
const (
	PayloadSQLiteGzip    = "sqlite+gzip"
	PayloadPgDumpCustom  = "pg_dump-custom"
	dialectSQLite        = "sqlite"
	dialectPostgres      = "postgres"
	defaultCompressLevel = gzip.BestSpeed
)

// Manifest describes a backup.
type Manifest struct {
	Format     int       `json:"format"`
	Dialect    string    `json:"dialect"` // "sqlite" or "postgres"
	Payload    string    `json:"payload"`
	Method     string    `json:"method,omitempty"` // how SQLite was copied
	Migrations []string  `json:"migrations"`       // applied when the copy was taken
	CreatedAt  time.Time `json:"created_at"`
	Size       int64     `json:"size"`               // bytes of payload after the header
	RawSize    int64     `json:"raw_size,omitempty"` // the SQLite file's size, uncompressed
	SHA256     string    `json:"sha256"`             // of the payload
}

// Options tune a backup.
type Options struct {
	// Method is how SQLite is copied; "" is sqlstore.SnapshotBackupAPI.
	Method sqlstore.SnapshotMethod
	// Level is the gzip level of a SQLite payload; 0 means gzip.BestSpeed.
	Level int
	// Tool is pg_dump's path for PostgreSQL; "" finds it on PATH.
	Tool string
}

// bad returns the error of a backup the user must do something about: a
// message key with its arguments, the cause for the log.
func bad(cause error, key string, args ...any) error {
	return &campusguard.Error{Code: campusguard.Invalid, Message: key, Args: args, Err: cause}
}

// Create backs up the store (opened from dsn) into the file path, which
// must not exist, and returns its manifest. The file appears complete or
// not at all: it is written beside path and renamed once synced.
func Create(ctx context.Context, store *sqlstore.Store, dsn, path string, opt Options) (*Manifest, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, bad(nil, "backup.error.exists", path)
	}
	m := &Manifest{Format: Format, Dialect: store.Dialect(), CreatedAt: time.Now().UTC().Truncate(time.Second)}
	tmp := path + ".part"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(bytes.Repeat([]byte{' '}, HeaderSize)); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	sum := sha256.New()
	out := &counter{w: io.MultiWriter(f, sum)}
	bw := bufio.NewWriterSize(out, 1<<20)
	if m.Dialect == dialectPostgres {
		err = dumpPostgres(ctx, store, dsn, bw, m, opt)
	} else {
		err = dumpSQLite(ctx, store, path, bw, m, opt)
	}
	if err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	m.Size, m.SHA256 = out.n, hex.EncodeToString(sum.Sum(nil))
	head, err := encodeHeader(m)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteAt(head, 0); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("backup: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	done = true
	syncDir(filepath.Dir(path))
	return m, nil
}

// dumpSQLite copies the database to a file beside the backup, records the
// copy's own migrations, and writes it gzip-compressed to w.
func dumpSQLite(ctx context.Context, store *sqlstore.Store, path string, w io.Writer, m *Manifest, opt Options) error {
	method := opt.Method
	if method == "" {
		method = sqlstore.SnapshotBackupAPI
	}
	snap := path + ".snapshot"
	removeSQLite(snap)
	defer removeSQLite(snap)
	if err := store.Snapshot(ctx, snap, method); err != nil {
		return err
	}
	migrations, err := sqliteMigrations(ctx, snap)
	if err != nil {
		return err
	}
	m.Payload, m.Method, m.Migrations = PayloadSQLiteGzip, string(method), migrations
	in, err := os.Open(snap)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer in.Close()
	level := opt.Level
	if level == 0 {
		level = defaultCompressLevel
	}
	zw, err := gzip.NewWriterLevel(w, level)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	n, err := io.Copy(zw, in)
	if err != nil {
		return fmt.Errorf("backup: compress: %w", err)
	}
	m.RawSize = n
	if err := zw.Close(); err != nil {
		return fmt.Errorf("backup: compress: %w", err)
	}
	return nil
}

// sqliteMigrations reads the migrations recorded in a SQLite file.
func sqliteMigrations(ctx context.Context, file string) ([]string, error) {
	st, err := sqlstore.Open(ctx, "sqlite:"+file)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.AppliedMigrations(ctx)
}

// dumpPostgres runs pg_dump in its custom format into w. The migrations
// are read before and after: a migration that ran meanwhile fails the
// backup rather than label it wrongly.
func dumpPostgres(ctx context.Context, store *sqlstore.Store, dsn string, w io.Writer, m *Manifest, opt Options) error {
	tool, err := findTool(opt.Tool, "pg_dump")
	if err != nil {
		return err
	}
	before, err := store.AppliedMigrations(ctx)
	if err != nil {
		return err
	}
	u, password, err := sqlstore.PostgresURL(dsn)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, tool, "--format=custom", "--no-owner", "--no-privileges", "--dbname="+u)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+password)
	cmd.Stdout = w
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return bad(fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String())), "backup.error.tool_failed", "pg_dump",
			firstLine(stderr.String()))
	}
	after, err := store.AppliedMigrations(ctx)
	if err != nil {
		return err
	}
	if !slices.Equal(before, after) {
		return errors.New("backup: a migration ran during pg_dump; back up again")
	}
	m.Payload, m.Migrations = PayloadPgDumpCustom, after
	return nil
}

// findTool returns the path of a PostgreSQL tool: the one given, else the
// one on PATH; a clear error when there is none.
func findTool(given, name string) (string, error) {
	if given != "" {
		return given, nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", bad(err, "backup.error.no_tool", name)
	}
	return p, nil
}

func encodeHeader(m *Manifest) ([]byte, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	head := append([]byte(Magic), body...)
	head = append(head, '\n')
	if len(head) > HeaderSize {
		return nil, fmt.Errorf("backup: manifest of %d bytes does not fit the header", len(head))
	}
	return append(head, bytes.Repeat([]byte{' '}, HeaderSize-len(head))...), nil
}

// ReadManifest reads a backup's header without checking its payload.
func ReadManifest(r io.Reader) (*Manifest, error) {
	head := make([]byte, HeaderSize)
	n, err := io.ReadFull(r, head)
	if err != nil {
		if n < len(Magic) || !bytes.HasPrefix(head, []byte(Magic)) {
			return nil, bad(err, "backup.error.not_backup")
		}
		return nil, bad(err, "backup.error.truncated")
	}
	if !bytes.HasPrefix(head, []byte(Magic)) {
		return nil, bad(nil, "backup.error.not_backup")
	}
	body := bytes.TrimRight(head[len(Magic):], " ")
	body = bytes.TrimSuffix(body, []byte("\n"))
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, bad(err, "backup.error.corrupt_header")
	}
	if m.Format != Format {
		return nil, bad(nil, "backup.error.format", m.Format, Format)
	}
	switch {
	case m.Dialect == dialectSQLite && m.Payload == PayloadSQLiteGzip:
	case m.Dialect == dialectPostgres && m.Payload == PayloadPgDumpCustom:
	default:
		return nil, bad(nil, "backup.error.corrupt_header")
	}
	if len(m.SHA256) != sha256.Size*2 || m.Size <= 0 {
		return nil, bad(nil, "backup.error.corrupt_header")
	}
	return &m, nil
}

// Verify reads a backup whole and checks it: its header, the payload's
// size (a truncated copy) and SHA-256 (a corrupted one). It changes
// nothing.
func Verify(path string) (*Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, bad(err, "backup.error.open", path)
	}
	defer f.Close()
	m, err := ReadManifest(f)
	if err != nil {
		return nil, err
	}
	sum := sha256.New()
	n, err := io.Copy(sum, f)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", path, err)
	}
	if n != m.Size {
		return nil, bad(fmt.Errorf("payload %d bytes, manifest says %d", n, m.Size), "backup.error.truncated")
	}
	if hex.EncodeToString(sum.Sum(nil)) != m.SHA256 {
		return nil, bad(nil, "backup.error.checksum")
	}
	return m, nil
}

// CheckVersion refuses a backup for a database of another kind than the
// target's, or one holding a migration this program does not know (made
// by a newer or another build): its tables would not be what this program
// reads. An older backup, whose migrations are all known, is restored and
// then migrated forward.
func CheckVersion(m *Manifest, dialect string) error {
	if m.Dialect != dialect {
		return bad(nil, "backup.error.dialect", m.Dialect, dialect)
	}
	known, err := sqlstore.KnownMigrations(dialect)
	if err != nil {
		return err
	}
	for _, name := range m.Migrations {
		if !slices.Contains(known, name) {
			return bad(nil, "backup.error.version", name)
		}
	}
	if len(m.Migrations) == 0 {
		return bad(nil, "backup.error.corrupt_header")
	}
	return nil
}

// payload opens a backup's payload, past its header.
func payload(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, bad(err, "backup.error.open", path)
	}
	if _, err := f.Seek(HeaderSize, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// counter counts the bytes written through it.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// removeSQLite removes a SQLite file with its log and shared-memory files.
func removeSQLite(file string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(file + suffix)
	}
}
