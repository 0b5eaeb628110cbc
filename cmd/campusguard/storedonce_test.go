package main

import (
	"context"
	"testing"

	"campusguard/internal/app"
	"campusguard/internal/sqlstore"
)

// keysOf returns the client key of each submission.
func keysOf[S any](subs []S, key func(S) string) []string {
	out := make([]string, len(subs))
	for i, s := range subs {
		out[i] = key(s)
	}
	return out
}

// storedOnce opens the database after a kill and the clients' retries and
// checks what the durability tests promise: every acknowledged submission
// is stored exactly once, none twice, and every one sent is stored once
// its client retried. It returns the store, closed when the test ends.
func storedOnce(t *testing.T, dsn string, sent, acked []string) *sqlstore.Store {
	t.Helper()
	store, _, err := app.OpenStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	count := map[string]int{}
	rows, err := store.DB().Query(`SELECT client_key FROM checks`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		count[k]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, k := range acked {
		if count[k] != 1 {
			t.Errorf("acknowledged submission %s stored %d times, want 1", k, count[k])
		}
	}
	for k, n := range count {
		if n != 1 {
			t.Errorf("submission %s stored %d times", k, n)
		}
	}
	if len(count) != len(sent) {
		t.Errorf("stored %d submissions after the retries, want %d", len(count), len(sent))
	}
	return store
}
