package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"campusguard"
	"campusguard/internal/auth"
)

// Inbox lists the actor's notifications, newest first, with the number
// unread. Actors without an account (devices) have an empty inbox.
func (s *Store) Inbox(ctx context.Context, unreadOnly bool, offset, limit int) ([]*campusguard.Notification, int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	out := []*campusguard.Notification{}
	if a.UserID == 0 {
		return out, 0, nil
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var unread int
	if err := (hotReads{s}).QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`,
		a.UserID).Scan(&unread); err != nil {
		return nil, 0, fmt.Errorf("inbox: %w", err)
	}
	cond := ""
	if unreadOnly {
		cond = " AND read_at IS NULL"
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, kind, subject, args, link, created_at, read_at FROM notifications
		WHERE user_id = $1`+cond+` ORDER BY id DESC LIMIT $2 OFFSET $3`, a.UserID, limit, max(offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("inbox: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n campusguard.Notification
		var args string
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.Kind, &n.Subject, &args, &n.Link, &n.CreatedAt, &read); err != nil {
			return nil, 0, err
		}
		if err := json.Unmarshal([]byte(args), &n.Args); err != nil || n.Args == nil {
			n.Args = []string{}
		}
		n.CreatedAt = n.CreatedAt.UTC()
		if read.Valid {
			t := read.Time.UTC()
			n.ReadAt = &t
		}
		out = append(out, &n)
	}
	return out, unread, rows.Err()
}

// UnreadCount returns how many of the actor's notifications are unread,
// for the badge on every page.
func (s *Store) UnreadCount(ctx context.Context) (int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil || a.UserID == 0 {
		return 0, err
	}
	var n int
	err = hotReads{s}.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`,
		a.UserID).Scan(&n)
	return n, err
}

// MarkRead marks one of the actor's notifications read, or all of them
// when id is 0. NotFound for another user's notification.
func (s *Store) MarkRead(ctx context.Context, id int64) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if a.UserID == 0 {
		return notFound("notification")
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if id == 0 {
			_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`, tx.now, a.UserID)
			return err
		}
		var read sql.NullTime
		if err := tx.QueryRowContext(ctx, `SELECT read_at FROM notifications WHERE id = $1 AND user_id = $2`, id, a.UserID).
			Scan(&read); err == sql.ErrNoRows {
			return notFound("notification")
		} else if err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE id = $2 AND read_at IS NULL`, tx.now, id)
		return err
	})
}

// CreateWebhook stores a webhook for a node the actor manages and returns
// its signing secret, which is shown once. The secret is kept as it is,
// not hashed: signing needs it.
func (s *Store) CreateWebhook(ctx context.Context, w *campusguard.Webhook) (string, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return "", err
	}
	if err := w.Validate(); err != nil {
		return "", err
	}
	if err := w.CheckAddress(webhookPolicy().HostAllowed); err != nil {
		return "", err
	}
	secret := auth.NewToken("whsec_", 24)
	err = s.inTx(ctx, func(tx *Tx) error {
		o, err := findOrgByID(ctx, tx, w.OrgID)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || !a.Can(campusguard.ReadOrg, o.Path) {
			return &campusguard.Error{Code: campusguard.NotFound, Message: "error.not_found",
				Fields: []campusguard.FieldError{{Field: "org_id", Msg: "error.not_found"}}}
		}
		if !a.Can(campusguard.ManageHooks, o.Path) {
			return forbidden()
		}
		w.RegionID, w.Active, w.CreatedAt = o.RegionID, true, tx.now
		if err := tx.QueryRowContext(ctx, `INSERT INTO webhooks (region_id, org_id, name, url, events, secret, active,
			created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, w.RegionID, w.OrgID, w.Name,
			w.URL, strings.Join(w.Events, ","), secret, true, campusguard.ActorName(ctx), tx.now).Scan(&w.ID); err != nil {
			return fmt.Errorf("create webhook: %w", err)
		}
		return audit(ctx, tx, w.RegionID, "create_webhook", "webhook:"+strconv.FormatInt(w.ID, 10), w.URL)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// FindWebhooks lists the webhooks the actor manages.
func (s *Store) FindWebhooks(ctx context.Context) ([]*campusguard.Webhook, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var sq conds
	paths, all := a.Scopes(campusguard.ManageHooks)
	if !all {
		if len(paths) == 0 {
			return []*campusguard.Webhook{}, nil
		}
		sq.and(pathRanges("o.path", paths, sq.arg))
	}
	rows, err := s.read.QueryContext(ctx, `SELECT w.id, w.region_id, w.org_id, w.name, w.url, w.events, w.active, w.created_at
		FROM webhooks w JOIN orgs o ON o.id = w.org_id WHERE `+sq.where()+` ORDER BY w.id`, sq.args...)
	if err != nil {
		return nil, fmt.Errorf("find webhooks: %w", err)
	}
	return scanAll(rows, func(rows *sql.Rows) (*campusguard.Webhook, error) {
		var w campusguard.Webhook
		var events string
		if err := rows.Scan(&w.ID, &w.RegionID, &w.OrgID, &w.Name, &w.URL, &events, &w.Active, &w.CreatedAt); err != nil {
			return nil, err
		}
		w.Events, w.CreatedAt = strings.Split(events, ","), w.CreatedAt.UTC()
		return &w, nil
	})
}

// webhookPath returns a webhook's node path after checking the actor
// manages it.
func webhookPath(ctx context.Context, q queryer, a *campusguard.Actor, id int64) (string, int64, error) {
	var path string
	var region int64
	err := q.QueryRowContext(ctx, `SELECT o.path, w.region_id FROM webhooks w JOIN orgs o ON o.id = w.org_id WHERE w.id = $1`, id).
		Scan(&path, &region)
	if err == sql.ErrNoRows || (err == nil && !a.Can(campusguard.ManageHooks, path)) {
		return "", 0, notFound("webhook")
	}
	return path, region, err
}

// DisableWebhook stops deliveries to a webhook; pending ones stay in the
// log, undelivered.
func (s *Store) DisableWebhook(ctx context.Context, id int64) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		_, region, err := webhookPath(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET active = $1 WHERE id = $2`, false, id); err != nil {
			return err
		}
		return audit(ctx, tx, region, "disable_webhook", "webhook:"+strconv.FormatInt(id, 10), "")
	})
}

// Deliveries lists a webhook's deliveries, newest first: the delivery log.
func (s *Store) Deliveries(ctx context.Context, webhookID int64, offset, limit int) ([]*campusguard.Delivery, int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if _, _, err := webhookPath(ctx, s.read, a, webhookID); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.read.QueryContext(ctx, `SELECT d.id, d.webhook_id, d.event_id, e.kind, d.attempts, d.next_at, d.delivered_at,
		d.last_status, d.last_error, d.created_at, COUNT(*) OVER () FROM deliveries d JOIN events e ON e.id = d.event_id
		WHERE d.webhook_id = $1 ORDER BY d.id DESC LIMIT $2 OFFSET $3`, webhookID, limit, max(offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("deliveries: %w", err)
	}
	total := 0
	out, err := scanAll(rows, func(rows *sql.Rows) (*campusguard.Delivery, error) { return scanDelivery(rows, &total) })
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

func scanDelivery(sc interface{ Scan(...any) error }, extra ...any) (*campusguard.Delivery, error) {
	var d campusguard.Delivery
	var delivered sql.NullTime
	if err := sc.Scan(append([]any{&d.ID, &d.WebhookID, &d.EventID, &d.Event, &d.Attempts, &d.NextAt, &delivered,
		&d.LastStatus, &d.LastError, &d.CreatedAt}, extra...)...); err != nil {
		return nil, err
	}
	d.NextAt, d.CreatedAt = d.NextAt.UTC(), d.CreatedAt.UTC()
	if delivered.Valid {
		t := delivered.Time.UTC()
		d.DeliveredAt = &t
	}
	return &d, nil
}

// DeliveryJob is a due delivery with what sending it needs.
type DeliveryJob struct {
	campusguard.Delivery
	URL     string
	Secret  string
	Payload []byte
}

// DueDeliveries returns up to limit deliveries due now to active webhooks,
// oldest first. System only: the dispatcher.
func (s *Store) DueDeliveries(ctx context.Context, limit int) ([]DeliveryJob, error) {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return nil, forbidden()
	}
	rows, err := s.read.QueryContext(ctx, `SELECT d.id, d.webhook_id, d.event_id, e.kind, d.attempts, d.next_at, d.delivered_at,
		d.last_status, d.last_error, d.created_at, w.url, w.secret, e.payload
		FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN events e ON e.id = d.event_id
		WHERE d.delivered_at IS NULL AND d.next_at <= $1 AND w.active = $2 ORDER BY d.next_at, d.id LIMIT $3`,
		s.Now().UTC(), true, limit)
	if err != nil {
		return nil, fmt.Errorf("due deliveries: %w", err)
	}
	return scanAll(rows, func(rows *sql.Rows) (DeliveryJob, error) {
		var j DeliveryJob
		var payload string
		d, err := scanDelivery(rows, &j.URL, &j.Secret, &payload)
		if err != nil {
			return j, err
		}
		j.Delivery, j.Payload = *d, []byte(payload)
		return j, nil
	})
}

// RecordAttempt records one attempt at a delivery: delivered, or the
// status and error and when to try again. System only.
func (s *Store) RecordAttempt(ctx context.Context, id int64, status int, errMsg string, delivered bool, retryAt time.Time) error {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return forbidden()
	}
	if len(errMsg) > 500 {
		errMsg = errMsg[:500]
	}
	return s.inTx(ctx, func(tx *Tx) error {
		var deliveredAt any
		if delivered {
			deliveredAt = tx.now
		}
		_, err := tx.ExecContext(ctx, `UPDATE deliveries SET attempts = attempts + 1, last_status = $1, last_error = $2,
			delivered_at = $3, next_at = $4 WHERE id = $5 AND delivered_at IS NULL`, status, errMsg, deliveredAt, retryAt.UTC(), id)
		return err
	})
}
