// Package webhook delivers the outbox's events to the webhooks that take
// them: each delivery is POSTed with an HMAC-SHA256 signature until the
// receiver answers 2xx, with waits that grow between attempts. A delivery
// is marked done only after the receiver's 2xx, so a crash between the two
// sends it again: receivers get every event at least once and should drop
// repeats by the X-Campusguard-Delivery header.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"campusguard"
	"campusguard/internal/netguard"
	"campusguard/internal/sqlstore"
)

// Headers of a delivery.
const (
	SignatureHeader = "X-Campusguard-Signature" // t=UNIX,v1=HEX(HMAC-SHA256(secret, "UNIX.BODY"))
	EventHeader     = "X-Campusguard-Event"
	DeliveryHeader  = "X-Campusguard-Delivery" // the same on every attempt of one delivery
)

// Sign returns the signature header value of body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header against body: the MAC, and a time
// within tolerance of now (against replays). Receivers do this.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return errors.New("webhook: malformed signature header")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook: signature time outside tolerance")
	}
	if !hmac.Equal([]byte(sig), []byte(mac(secret, ts, body))) {
		return errors.New("webhook: signature mismatch")
	}
	return nil
}

// Dispatcher sends due deliveries.
type Dispatcher struct {
	Store  *sqlstore.Store
	Client *http.Client // nil: 10 s timeout, no redirects followed
	Logger *slog.Logger
	// Backoff is the wait after n failed attempts; nil: campusguard.RetryDelay.
	Backoff func(n int) time.Duration
	// Owner names this server in its claims; "" is fine with one server.
	Owner string
	// ClaimFor is how long a claim keeps other servers off a delivery;
	// 0: ClaimFor. Past it, a server that died holding the claim loses it.
	ClaimFor time.Duration

	Claimed, Sent atomic.Int64 // deliveries claimed and accepted here, for /metrics
}

// ClaimBatch is how many due deliveries a server claims at a time, and
// ClaimFor the default claim: long enough to send them all, each waiting
// at most the client's 10 s timeout.
const (
	ClaimBatch = 25
	ClaimFor   = ClaimBatch*10*time.Second + time.Minute
)

// RunOnce claims the deliveries due now, a batch at a time, and sends them,
// until none is due; it returns how many were delivered. Several servers
// run it at once: each delivery is claimed by one (see
// sqlstore.ClaimDeliveries), so in the normal case each is sent once.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	delivered := 0
	for {
		n, claimed, err := d.runBatch(ctx)
		delivered += n
		if err != nil || claimed < ClaimBatch {
			return delivered, err
		}
	}
}

func (d *Dispatcher) runBatch(ctx context.Context) (int, int, error) {
	ctx = campusguard.SystemContext(ctx, "job webhooks")
	claimFor := d.ClaimFor
	if claimFor <= 0 {
		claimFor = ClaimFor
	}
	jobs, err := d.Store.ClaimDeliveries(ctx, d.Owner, ClaimBatch, claimFor)
	if err != nil {
		return 0, 0, err
	}
	d.Claimed.Add(int64(len(jobs)))
	logger := d.Logger
	if logger == nil {
		logger = slog.Default()
	}
	client := d.Client
	if client == nil {
		// Only public addresses, unless the administrator allows internal
		// ones (netguard.EnvAllow); no redirects followed.
		policy, err := netguard.FromEnv()
		if err != nil {
			logger.Error("webhooks: allowed addresses unreadable; allowing public addresses only", "err", err)
		}
		client = policy.Client(10 * time.Second)
	}
	backoff := d.Backoff
	if backoff == nil {
		backoff = campusguard.RetryDelay
	}
	delivered := 0
	for _, j := range jobs {
		if ctx.Err() != nil {
			return delivered, len(jobs), ctx.Err()
		}
		status, err := send(ctx, client, j)
		ok := err == nil && status >= 200 && status < 300
		msg := ""
		switch {
		case err != nil:
			// The log says what failed, not the system's words: those tell
			// a closed port from a filtered one (a port scanner).
			msg = netguard.Describe(err)
			logger.Info("webhook delivery error", "delivery", j.ID, "err", err)
		case !ok:
			msg = fmt.Sprintf("HTTP %d", status)
		}
		retry := d.Store.Now().Add(backoff(j.Attempts + 1))
		if err := d.Store.RecordAttempt(ctx, j.ID, status, msg, ok, retry); err != nil {
			return delivered, len(jobs), err
		}
		if ok {
			delivered++
			d.Sent.Add(1)
		} else {
			logger.Warn("webhook delivery failed", "delivery", j.ID, "webhook", j.WebhookID, "attempt", j.Attempts+1,
				"error", msg, "retry_at", retry)
		}
	}
	return delivered, len(jobs), nil
}

func send(ctx context.Context, client *http.Client, j sqlstore.DeliveryJob) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.URL, bytes.NewReader(j.Payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "campusguard-webhooks/1")
	req.Header.Set(EventHeader, j.Event)
	req.Header.Set(DeliveryHeader, strconv.FormatInt(j.ID, 10))
	req.Header.Set(SignatureHeader, Sign(j.Secret, time.Now(), j.Payload))
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}
