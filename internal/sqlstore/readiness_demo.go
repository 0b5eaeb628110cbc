package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"campusguard"
	"campusguard/internal/thumb"
)

// ReadinessSeed is one school's review as the demo builds it, without
// walking every step through the service.
type ReadinessSeed struct {
	SchoolID int64
	// Stage: "approved" (every item accepted, approved on Day), "returned"
	// (the first items returned with a comment, the rest accepted),
	// "submitted" (every item waiting for the region).
	Stage string
	Day   campusguard.Date // approval day
	At    time.Time        // when the school answered
	Plans bool             // both plans uploaded
}

// SeedReadiness writes the demo's reviews of a region's schools in one
// transaction: the default checklist, each school's answers with a photo
// on every item, their history, the approvals and the plans. The photo and
// the plan are stored once (SHA-256) and linked to each school. The
// program itself only.
func (s *Store) SeedReadiness(ctx context.Context, regionID int64, seeds []ReadinessSeed, photo, plan []byte) error {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return forbidden()
	}
	small, _ := thumb.Make(photo)
	return s.inTx(ctx, func(tx *Tx) error {
		c, err := currentChecklist(ctx, tx, regionID)
		if err != nil {
			return err
		}
		if c.ID == 0 {
			if c, err = storeChecklist(ctx, tx, regionID, c.Items); err != nil {
				return err
			}
		}
		blob := func(b []byte, typ string, th []byte) (string, error) {
			sum := sha256.Sum256(b)
			h := hex.EncodeToString(sum[:])
			_, err := tx.ExecContext(ctx, `INSERT INTO file_blobs (region_id, sha256, size, type, content, thumb, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (region_id, sha256) DO NOTHING`, regionID, h, len(b), typ, b, th, tx.now)
			return h, err
		}
		photoSum, err := blob(photo, campusguard.TypePNG, small)
		if err != nil {
			return err
		}
		planSum, err := blob(plan, campusguard.TypePDF, nil)
		if err != nil {
			return err
		}
		file := func(school int64, sum, name string, at time.Time) (int64, error) {
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO files (region_id, org_id, sha256, name, uploaded_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, regionID, school, sum, name, "校长（演示）", at).Scan(&id)
			return id, err
		}
		for _, sd := range seeds {
			if _, err := tx.ExecContext(ctx, `INSERT INTO readiness (school_id, region_id, checklist_id) VALUES ($1, $2, $3)`,
				sd.SchoolID, regionID, c.ID); err != nil {
				return fmt.Errorf("seed readiness: %w", err)
			}
			photoID, err := file(sd.SchoolID, photoSum, "现场照片.png", sd.At)
			if err != nil {
				return err
			}
			for i, it := range c.Items {
				status, comment := campusguard.ItemAccepted, ""
				switch {
				case sd.Stage == "submitted":
					status = campusguard.ItemSubmitted
				case sd.Stage == "returned" && i < 2:
					status, comment = campusguard.ItemReturned, "佐证照片不清晰，请补充现场照片和记录"
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO readiness_answers (region_id, school_id, item_id, state, note, status,
					comment, updated_at) VALUES ($1, $2, $3, 'done', $4, $5, $6, $7)`, regionID, sd.SchoolID, it.ID, "已落实", status, comment,
					sd.At); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO readiness_files (region_id, school_id, item_id, file_id) VALUES ($1, $2, $3, $4)`,
					regionID, sd.SchoolID, it.ID, photoID); err != nil {
					return err
				}
				events := []campusguard.ItemEvent{{Event: "answer", State: campusguard.AnswerDone, Note: "已落实", By: "校长（演示）"},
					{Event: "submit", State: campusguard.AnswerDone, By: "校长（演示）"}}
				switch status {
				case campusguard.ItemAccepted:
					events = append(events, campusguard.ItemEvent{Event: "accept", By: "教育局（演示）"})
				case campusguard.ItemReturned:
					events = append(events, campusguard.ItemEvent{Event: "return", Comment: comment, By: "教育局（演示）"})
				}
				for j, e := range events {
					if _, err := tx.ExecContext(ctx, `INSERT INTO readiness_events (region_id, school_id, item_id, at, by_name, event, state,
						note, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, regionID, sd.SchoolID, it.ID,
						sd.At.Add(time.Duration(j)*time.Hour), e.By, e.Event, e.State, e.Note, e.Comment); err != nil {
						return err
					}
				}
			}
			if sd.Stage == "approved" {
				if _, err := tx.ExecContext(ctx, `INSERT INTO approvals (school_id, region_id, day, approved_at, approved_by)
					VALUES ($1, $2, $3, $4, $5)`, sd.SchoolID, regionID, sd.Day, sd.Day.Time().Add(-8*time.Hour+10*time.Hour),
					"教育局（演示）"); err != nil {
					return err
				}
			}
			if sd.Plans {
				for _, k := range campusguard.PlanKinds {
					id, err := file(sd.SchoolID, planSum, string(k)+".pdf", sd.At)
					if err != nil {
						return err
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO school_plans (school_id, region_id, kind, version, file_id, uploaded_at,
						uploaded_by) VALUES ($1, $2, $3, 1, $4, $5, $6)`, sd.SchoolID, regionID, k, id, sd.At, "校长（演示）"); err != nil {
						return err
					}
				}
			}
		}
		return reopenToday(ctx, tx, regionID)
	})
}
