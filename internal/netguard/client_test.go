package netguard_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"campusguard/internal/netguard"
)

// TestClientRefusesLoopback: a request to a real server on loopback is
// refused before it connects unless loopback is allowed; the description a
// delivery log keeps says only that.
func TestClientRefusesLoopback(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	_, err := netguard.Policy{}.Client(5*time.Second).Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err == nil || netguard.Describe(err) != "address not allowed" {
		t.Fatalf("POST to loopback = %v (%q), want refused", err, netguard.Describe(err))
	}
	if hits != 0 {
		t.Fatalf("the loopback server got %d requests", hits)
	}
	allow, _ := netguard.ParseAllow("127.0.0.1")
	resp, err := netguard.Policy{Allow: allow}.Client(5*time.Second).Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("POST with loopback allowed = %v", err)
	}
	resp.Body.Close()
	if hits != 1 {
		t.Errorf("hits = %d, want 1", hits)
	}
	// A closed port on an allowed address is just "connection failed":
	// the log does not tell a closed port from a filtered one.
	addr := srv.Listener.Addr().String()
	srv.Close()
	_, err = netguard.Policy{Allow: allow}.Client(5*time.Second).Post("http://"+addr, "application/json", strings.NewReader("{}"))
	if got := netguard.Describe(err); got != "connection failed" {
		t.Errorf("Describe(closed port) = %q (%v), want \"connection failed\"", got, err)
	}
}
