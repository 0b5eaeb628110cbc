package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"campusguard"
	"campusguard/internal/thumb"
)

// canUpload reports whether the actor may add evidence to a record of the
// node at path: a school's answering roles, the region's reviewers.
func canUpload(a *campusguard.Actor, path string) bool {
	return a.Can(campusguard.AnswerReadiness, path) || a.Can(campusguard.ReviewReadiness, path) ||
		a.Can(campusguard.Inspect, path) || a.Can(campusguard.AnswerRectifying, path)
}

// PutFile stores an evidence file; see campusguard.FileService.
func (s *Store) PutFile(ctx context.Context, u campusguard.Upload) (*campusguard.File, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, u.OrgID)
	envPhoto := err == nil && envUpload(a, o) // a caretaker's photo of their work (issue 14)
	if err != nil || (!a.Can(campusguard.ReadOrg, o.Path) && !envPhoto) || (o.Kind != campusguard.KindSchool && o.Kind != campusguard.KindRegion) {
		return nil, hidden(err, "org")
	}
	if !canUpload(a, o.Path) && !envPhoto {
		return nil, forbidden()
	}
	typ, err := u.Check()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(u.Data)
	f := &campusguard.File{RegionID: o.RegionID, OrgID: o.ID, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(u.Data)),
		Type: typ, Name: cleanFileName(u.Name, typ), UploadedBy: campusguard.ActorName(ctx)}
	// The thumbnail is made before the transaction, so the writer waits
	// for no decoding; a photo that does not decode has none.
	var small []byte
	if f.Image() {
		small, _ = thumb.Make(u.Data)
	}
	err = s.inTx(ctx, func(tx *Tx) error {
		var have int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM file_blobs WHERE region_id = $1 AND sha256 = $2`,
			f.RegionID, f.SHA256).Scan(&have); err != nil {
			return err
		}
		if have == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO file_blobs (region_id, sha256, size, type, content, thumb, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, f.RegionID, f.SHA256, f.Size, f.Type, u.Data, small, tx.now); err != nil {
				return fmt.Errorf("store file: %w", err)
			}
		}
		f.CreatedAt = tx.now
		if err := tx.QueryRowContext(ctx, `INSERT INTO files (region_id, org_id, sha256, name, uploaded_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, f.RegionID, f.OrgID, f.SHA256, f.Name, f.UploadedBy, tx.now).
			Scan(&f.ID); err != nil {
			return fmt.Errorf("store file: %w", err)
		}
		return audit(ctx, tx, f.RegionID, "upload_file", "file:"+strconv.FormatInt(f.ID, 10), f.Type+" "+f.SHA256)
	})
	if err != nil {
		return nil, err
	}
	if err := s.read.QueryRowContext(ctx, `SELECT thumb IS NOT NULL FROM file_blobs WHERE region_id = $1 AND sha256 = $2`,
		f.RegionID, f.SHA256).Scan(&f.Thumb); err != nil {
		return nil, err
	}
	return f, nil
}

// cleanFileName keeps a file's base name, without control characters,
// with the ending of its sniffed type.
func cleanFileName(name, typ string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" {
		name = ""
	}
	name = strings.TrimSuffix(name, path.Ext(name))
	if name == "" {
		name = "file"
	}
	return name + campusguard.FileExt(typ)
}

const fileColumns = `f.id, f.region_id, f.org_id, f.sha256, b.size, b.type, f.name, f.uploaded_by, f.created_at, b.thumb IS NOT NULL`

func scanFile(row interface{ Scan(...any) error }) (*campusguard.File, error) {
	f := &campusguard.File{}
	var at time.Time
	if err := row.Scan(&f.ID, &f.RegionID, &f.OrgID, &f.SHA256, &f.Size, &f.Type, &f.Name, &f.UploadedBy, &at, &f.Thumb); err != nil {
		return nil, err
	}
	f.CreatedAt = at
	return f, nil
}

// findFile reads a file's description; no access check.
func findFile(ctx context.Context, q queryer, id int64) (*campusguard.File, string, error) {
	var orgPath string
	row := q.QueryRowContext(ctx, `SELECT `+fileColumns+`, o.path FROM files f JOIN file_blobs b ON b.region_id = f.region_id
		AND b.sha256 = f.sha256 JOIN orgs o ON o.id = f.org_id WHERE f.id = $1`, id)
	f := &campusguard.File{}
	var at time.Time
	err := row.Scan(&f.ID, &f.RegionID, &f.OrgID, &f.SHA256, &f.Size, &f.Type, &f.Name, &f.UploadedBy, &at, &f.Thumb, &orgPath)
	if err == sql.ErrNoRows {
		return nil, "", notFound("file")
	}
	if err != nil {
		return nil, "", fmt.Errorf("find file %d: %w", id, err)
	}
	f.CreatedAt = at
	return f, orgPath, nil
}

// FindFile returns a file's description for those who read its node.
func (s *Store) FindFile(ctx context.Context, id int64) (*campusguard.File, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	f, p, err := findFile(ctx, s.read, id)
	if err != nil {
		return nil, err
	}
	if !a.Can(campusguard.ReadOrg, p) {
		// An inspector's photo is the region's: a school reads it only
		// as the photo of a finding on a visit it may see. A directive's
		// attachment is the region's too: a school reads it only through
		// a directive sent to it.
		seen, err := fileOfVisibleFinding(ctx, s.read, a, id)
		if err == nil && !seen {
			seen, err = fileOfVisibleDirective(ctx, s.read, a, id)
		}
		if err == nil && !seen {
			seen, err = fileOfEnvLog(ctx, s.read, a, id)
		}
		if err != nil || !seen {
			return nil, cmpErr(err, notFound("file"))
		}
		return f, nil
	}
	if hidden, err := fileOfHiddenVisit(ctx, s.read, a, id); err != nil || hidden {
		return nil, cmpErr(err, notFound("file"))
	}
	return f, nil
}

// FileContent returns a file's bytes, or its thumbnail's.
func (s *Store) FileContent(ctx context.Context, id int64, small bool) (*campusguard.File, []byte, error) {
	f, err := s.FindFile(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	col := "content"
	if small {
		col = "thumb"
	}
	var b []byte
	if err := s.read.QueryRowContext(ctx, `SELECT `+col+` FROM file_blobs WHERE region_id = $1 AND sha256 = $2`,
		f.RegionID, f.SHA256).Scan(&b); err != nil {
		return nil, nil, fmt.Errorf("read file %d: %w", id, err)
	}
	if b == nil {
		return nil, nil, notFound("thumbnail")
	}
	if small {
		f.Type, f.Size, f.Name = campusguard.TypeJPEG, int64(len(b)), strings.TrimSuffix(f.Name, path.Ext(f.Name))+"-thumb.jpg"
	}
	return f, b, nil
}

// linkedFiles reads the files linked to records by query (rows of a
// record's id and a file id, in order) with their descriptions: the ids
// and files of each record. A finding's photos and a rectification
// step's evidence are read alike.
func linkedFiles(ctx context.Context, q queryer, query string, args ...any) (map[int64][]int64, map[int64]*campusguard.File, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("linked files: %w", err)
	}
	links := map[int64][]int64{}
	var ids []int64
	for rows.Next() {
		var rec, file int64
		if err := rows.Scan(&rec, &file); err != nil {
			rows.Close()
			return nil, nil, err
		}
		links[rec] = append(links[rec], file)
		ids = append(ids, file)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	files, err := filesByID(ctx, q, ids)
	return links, files, err
}

// filesByID reads the descriptions of the given files, by id; no access
// check (the caller has checked the record they belong to).
func filesByID(ctx context.Context, q queryer, ids []int64) (map[int64]*campusguard.File, error) {
	out := map[int64]*campusguard.File{}
	if len(ids) == 0 {
		return out, nil
	}
	var c conds
	var ph []string
	for _, id := range ids {
		ph = append(ph, c.arg(id))
	}
	rows, err := q.QueryContext(ctx, `SELECT `+fileColumns+` FROM files f JOIN file_blobs b ON b.region_id = f.region_id
		AND b.sha256 = f.sha256 WHERE f.id IN (`+strings.Join(ph, ", ")+`)`, c.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out[f.ID] = f
	}
	return out, rows.Err()
}
