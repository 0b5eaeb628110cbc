package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/auth"
	"campusguard/internal/memtest"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestLoginThrottleParallel: 40 parallel wrong passwords for one account
// cannot all pass the throttle: the check and the count are one step, so
// exactly the 3 free attempts reach the password and the rest are 429. The
// clock stands still, so no delay runs out during the test.
func TestLoginThrottleParallel(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		u := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SystemAdmin})
		var mu sync.Mutex
		codes := map[campusguard.Code]int{}
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Login(context.Background(), u.Login, "wrong-password", "10.1.0."+itoa(i))
				mu.Lock()
				codes[campusguard.ErrorCode(err)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if codes[campusguard.Unauthenticated] != 3 || codes[campusguard.TooManyRequests] != 37 {
			t.Errorf("40 parallel wrong passwords: %v; want 3 %s and 37 %s", codes, campusguard.Unauthenticated, campusguard.TooManyRequests)
		}
		// The right password is throttled too, until the delay passes.
		if _, err := s.Login(context.Background(), u.Login, sqlstoretest.Password, "10.2.0.1"); campusguard.ErrorCode(err) != campusguard.TooManyRequests {
			t.Errorf("Login(right password, throttled) = %v, want TooManyRequests", err)
		}
		now = now.Add(campusguard.ThrottleDelay(3))
		if _, err := s.Login(context.Background(), u.Login, sqlstoretest.Password, "10.2.0.1"); err != nil {
			t.Errorf("Login(right password, after the delay) = %v", err)
		}
	})
}

// TestLoginRefusesLongLogin: a login longer than any account's is refused
// before anything is hashed or stored: no audit line, no failure row.
func TestLoginRefusesLongLogin(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		long := strings.Repeat("x", 100_000)
		if _, err := s.Login(context.Background(), long, "wrong-password", "10.3.0.1"); campusguard.ErrorCode(err) != campusguard.Unauthenticated {
			t.Fatalf("Login(100 000-byte login) = %v, want Unauthenticated", err)
		}
		failed := "login_failed"
		entries, _, err := s.FindAudit(sqlstoretest.Ctx, campusguard.AuditFilter{Action: &failed})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if len(e.Actor) > 64 {
				t.Errorf("audit line keeps a %d-byte login", len(e.Actor))
			}
		}
	})
}

// TestChangePasswordThrottle: guesses of the old password, from a session
// that is not its owner's, are throttled like sign-ins.
func TestChangePasswordThrottle(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		u := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SystemAdmin})
		actx := sqlstoretest.ActorCtx(t, s, u)
		for i := 1; i <= 3; i++ {
			err := s.ChangePassword(actx, "guess-number-"+itoa(i), "new-password-42")
			if campusguard.ErrorCode(err) != campusguard.Invalid {
				t.Fatalf("ChangePassword(wrong old #%d) = %v, want Invalid", i, err)
			}
		}
		err := s.ChangePassword(actx, sqlstoretest.Password, "new-password-42")
		if campusguard.ErrorCode(err) != campusguard.TooManyRequests {
			t.Fatalf("ChangePassword(4th attempt at once) = %v, want TooManyRequests", err)
		}
		now = now.Add(campusguard.ThrottleDelay(3))
		if err := s.ChangePassword(actx, sqlstoretest.Password, "new-password-42"); err != nil {
			t.Fatalf("ChangePassword(right old, after the delay) = %v", err)
		}
	})
}

// TestParallelSignInsMemoryBounded: 300 parallel anonymous sign-ins, each
// from its own address (the throttle cannot help), and 300 parallel joins
// with wrong binding codes keep the process's memory bounded: the hashes
// wait for a few slots, and a wrong code is refused before any hashing.
// Unbounded, 300 sign-ins took 300 × 19 MiB.
func TestParallelSignInsMemoryBounded(t *testing.T) {
	// The sign-ins are of unknown logins, checked against the dummy hash:
	// it must have the production costs, not the tests' cheap ones
	// (sqlstoretest.HashParams), for the bound to mean anything.
	p := sqlstoretest.ProductionHashParams
	if want := fmt.Sprintf("$m=%d,t=%d,p=%d$", p.Memory, p.Time, p.Threads); !strings.Contains(sqlstore.DummyHash(), want) {
		t.Fatalf("dummy hash %q, want the production costs %s", sqlstore.DummyHash(), want)
	}
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		mustWorld(t, s)
		var mu sync.Mutex
		codes := map[campusguard.Code]int{}
		growth := memtest.PeakGrowthMiB(t, func() {
			var wg sync.WaitGroup
			for i := range 300 {
				wg.Add(2)
				addr := "10.4." + itoa(i/250) + "." + itoa(i%250)
				go func() {
					defer wg.Done()
					_, err := s.Login(context.Background(), "nobody"+itoa(i), "wrong-password", addr)
					mu.Lock()
					codes[campusguard.ErrorCode(err)]++
					mu.Unlock()
				}()
				go func() {
					defer wg.Done()
					su := campusguard.GuardianSignup{Code: "AAAAA-AAAA" + string(rune('A'+i%26)), Name: "猜码者",
						Phone: "1370000" + pad3(i) + "1", Relation: "父亲", Password: sqlstoretest.Password}
					_, err := s.RedeemBindingCode(context.Background(), su, addr)
					mu.Lock()
					codes["join "+campusguard.ErrorCode(err)]++
					mu.Unlock()
				}()
			}
			wg.Wait()
		})
		t.Logf("300 sign-ins and 300 joins in parallel: %v; peak RSS growth %d MiB", codes, growth)
		if limit := int64(auth.HashSlots())*19*3 + 128; growth > limit {
			t.Errorf("peak RSS grew by %d MiB, want at most %d", growth, limit)
		}
		if codes["join "+campusguard.Invalid] != 300 {
			t.Errorf("joins with wrong codes: %v, want 300 Invalid", codes)
		}
		if codes[campusguard.Unauthenticated]+codes[campusguard.TooManyRequests] != 300 {
			t.Errorf("sign-ins: %v, want each Unauthenticated or TooManyRequests", codes)
		}
	})
}
