package sqlstore

import (
	"context"
	"fmt"
	"time"

	"campusguard"
)

// claimDeliveriesSQL claims due deliveries for one server: their next
// attempt moves to the claim's end, so no other server picks them up
// before it, and claimed_by names the server. On PostgreSQL the rows are
// picked with SKIP LOCKED (the dialect's claimRows): a server claiming at
// the same moment takes other rows rather than wait for these, and one
// whose snapshot still shows a row due re-checks it once the other's claim
// commits, and skips it.
const claimDeliveriesSQL = `UPDATE deliveries SET next_at = $1, claimed_by = $2 WHERE id IN (
	SELECT d.id FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
	WHERE d.delivered_at IS NULL AND d.next_at <= $3 AND w.active = $4 ORDER BY d.next_at, d.id LIMIT $5%s)
	RETURNING id`

// ClaimDeliveries claims up to limit deliveries due now for owner, for as
// long as claimFor, and returns them with what sending them needs. A
// server that dies holding a claim loses it when claimFor has passed, and
// another server sends the delivery then: deliveries stay at least once,
// and in the normal case each is sent once. System only: the dispatcher.
func (s *Store) ClaimDeliveries(ctx context.Context, owner string, limit int, claimFor time.Duration) ([]DeliveryJob, error) {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return nil, forbidden()
	}
	var ids []int64
	err := s.inTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, fmt.Sprintf(claimDeliveriesSQL, s.dialect.claimRows),
			tx.now.Add(claimFor), owner, tx.now, true, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	var out []DeliveryJob
	err = chunks(ids, func(part []int64) error {
		in, args := inList(1, part)
		rows, err := s.read.QueryContext(ctx, `SELECT d.id, d.webhook_id, d.event_id, e.kind, d.attempts, d.next_at, d.delivered_at,
			d.last_status, d.last_error, d.created_at, w.url, w.secret, e.payload
			FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN events e ON e.id = d.event_id
			WHERE d.id IN (`+in+`) ORDER BY d.id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var j DeliveryJob
			var payload string
			d, err := scanDelivery(rows, &j.URL, &j.Secret, &payload)
			if err != nil {
				return err
			}
			j.Delivery, j.Payload = *d, []byte(payload)
			out = append(out, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claimed deliveries: %w", err)
	}
	return out, nil
}

// PendingDeliveries returns how many deliveries wait to be delivered (due
// or not): the queue's depth, for /metrics. System only.
func (s *Store) PendingDeliveries(ctx context.Context) (int, error) {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return 0, forbidden()
	}
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM deliveries WHERE delivered_at IS NULL`).Scan(&n)
	return n, err
}
