package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/netguard"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/webhook"
)

// receiver is the health bureau's end of a webhook, outside the machine in
// real life and a local server here: it refuses each delivery's first
// failFirst attempts with 500, then accepts, checking every signature.
type receiver struct {
	secret    string
	failFirst int

	mu        sync.Mutex
	attempts  map[string]int    // by delivery id
	delivered map[string]string // delivery id -> event kind, accepted
	cases     map[float64]bool  // case ids in accepted case.opened bodies
	badSig    int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := webhook.Verify(r.secret, req.Header.Get(webhook.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		r.badSig++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	id := req.Header.Get(webhook.DeliveryHeader)
	r.attempts[id]++
	if r.attempts[id] <= r.failFirst {
		http.Error(w, "try later", http.StatusInternalServerError)
		return
	}
	var msg struct {
		Event string `json:"event"`
		Case  struct {
			ID float64 `json:"id"`
		} `json:"case"`
	}
	if err := json.Unmarshal(body, &msg); err != nil || msg.Event != req.Header.Get(webhook.EventHeader) {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	r.delivered[id] = msg.Event
	if msg.Event == campusguard.EventCaseOpened {
		r.cases[msg.Case.ID] = true
	}
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) state() (attempts, accepted, cases, badSig int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.attempts {
		attempts += n
	}
	return attempts, len(r.delivered), len(r.cases), r.badSig
}

// TestWebhookSurvivesKill: fevers open cases whose events go to a webhook
// that refuses the first attempts; the server is killed with SIGKILL while
// deliveries are being retried, restarted, and the receiver still gets
// every event, signed, once accepted. On SQLite and PostgreSQL.
func TestWebhookSurvivesKill(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			dsn := sqlstoretest.NewDSN(t, dialect)
			ctx := campusguard.SystemContext(context.Background(), "test")
			store, _, err := app.OpenStore(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			today := checkDay
			if _, err := app.BuildDemo(ctx, store, demo.Config{Seed: 1, Students: 300, Today: today}); err != nil {
				t.Fatal(err)
			}
			rcv := &receiver{failFirst: 3, attempts: map[string]int{}, delivered: map[string]string{}, cases: map[float64]bool{}}
			t.Setenv(netguard.EnvAllow, "127.0.0.1") // the receiver, saved here, listens on loopback
			hook := httptest.NewServer(rcv)
			defer hook.Close()
			rcv.secret, err = store.CreateWebhook(ctx, &campusguard.Webhook{Name: "县疾控", URL: hook.URL + "/cdc",
				Events: campusguard.WebhookEvents, OrgID: 1})
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := store.CreateToken(ctx, "gate", campusguard.RegionAdmin, 1)
			if err != nil {
				t.Fatal(err)
			}
			kind := campusguard.Student
			students, _, err := store.FindPeople(ctx, campusguard.PersonFilter{Kind: &kind, Limit: 5})
			if err != nil || len(students) != 5 {
				t.Fatalf("students = %d, %v", len(students), err)
			}
			store.Close()

			// A delivery the killed server had claimed waits out the claim.
			env := []string{"CAMPUSGUARD_WEBHOOK_RETRY=300ms", "CAMPUSGUARD_WEBHOOK_POLL=100ms", "CAMPUSGUARD_WEBHOOK_CLAIM=2s",
				"CAMPUSGUARD_WEBHOOK_ALLOW=127.0.0.1"} // the receiver listens on loopback
			srv := startServer(t, dsn, env...)
			client := &http.Client{Timeout: 5 * time.Second}
			for i, p := range students {
				body, _ := json.Marshal(map[string]any{"person_id": p.ID, "day": checkDay.String(), "kind": "gate",
					"temperature": 38.3, "client_key": fmt.Sprint("fever-", i)})
				req, _ := http.NewRequest("POST", srv.url+"/api/v1/checks", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil || resp.StatusCode != http.StatusCreated {
					t.Fatalf("fever %d: %v %v", i, resp, err)
				}
				resp.Body.Close()
			}
			// Kill it once the receiver has refused some attempts: the
			// deliveries are mid-retry, with nothing accepted yet.
			waitFor(t, 20*time.Second, "first refused attempts", func() bool { a, _, _, _ := rcv.state(); return a >= 5 })
			srv.kill(t)
			if _, accepted, _, _ := rcv.state(); accepted != 0 {
				t.Fatalf("%d deliveries accepted before the kill; the test proves nothing", accepted)
			}
			srv = startServer(t, dsn, env...)
			defer srv.kill(t)
			waitFor(t, 60*time.Second, "every case.opened accepted", func() bool { _, _, n, _ := rcv.state(); return n == 5 })
			attempts, accepted, cases, bad := rcv.state()
			if bad != 0 {
				t.Errorf("%d requests with a bad signature", bad)
			}
			if accepted != 5 || cases != 5 || attempts < 5*(rcv.failFirst+1) {
				t.Errorf("accepted %d deliveries of %d cases after %d attempts", accepted, cases, attempts)
			}
			// The outbox agrees: all delivered, none waiting. The server marks
			// a delivery done after the receiver's answer reaches it, a moment
			// after the receiver counted it, so the outbox is read until it
			// settles (or the wait runs out and the test fails).
			store, _, err = app.OpenStore(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			var pending, done int
			outbox := func() bool {
				if err := store.DB().QueryRow(`SELECT SUM(CASE WHEN delivered_at IS NULL THEN 1 ELSE 0 END),
				SUM(CASE WHEN delivered_at IS NULL THEN 0 ELSE 1 END) FROM deliveries`).Scan(&pending, &done); err != nil {
					t.Fatal(err)
				}
				return pending == 0 && done == 5
			}
			deadline := time.Now().Add(10 * time.Second)
			for !outbox() && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if pending != 0 || done != 5 {
				t.Errorf("deliveries: %d pending, %d done; want 0 and 5", pending, done)
			}
			t.Logf("%s: 5 events, %d attempts, server killed mid-retry, all delivered after restart", dialect, attempts)
		})
	}
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
