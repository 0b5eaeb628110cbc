package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestMain lets the test binary be the program itself, so the durability
// test can start it as a process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("CAMPUSGUARD_TEST_MAIN") == "1" {
		testServerHooks()
		main()
		return
	}
	os.Exit(m.Run())
}

// TestKillDuringSubmissions kills the server with SIGKILL while clients are
// submitting home reports, restarts it, and shows that every acknowledged
// submission is there exactly once and that retrying every submission, the
// unanswered ones too, duplicates nothing. On SQLite and PostgreSQL.
func TestKillDuringSubmissions(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			dsn := sqlstoretest.NewDSN(t, dialect)
			ctx := campusguard.SystemContext(context.Background(), "test")
			store, _, err := app.OpenStore(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			today, _ := campusguard.ParseDate("2026-11-30")
			if _, err := app.BuildDemo(ctx, store, demo.Config{Seed: 1, Students: 600, Today: today}); err != nil {
				t.Fatal(err)
			}
			secret, _, err := store.CreateToken(ctx, "durability", campusguard.RegionAdmin, 1)
			if err != nil {
				t.Fatal(err)
			}
			kind := campusguard.Student
			students, _, err := store.FindPeople(ctx, campusguard.PersonFilter{Kind: &kind, Limit: 600})
			if err != nil || len(students) < 100 {
				t.Fatalf("students = %d, %v", len(students), err)
			}
			store.Close()

			srv := startServer(t, dsn)
			type sub struct {
				key    string
				person int64
			}
			var mu sync.Mutex
			var acked, sent []sub
			stop := make(chan struct{})
			var wg sync.WaitGroup
			client := &http.Client{Timeout: 5 * time.Second}
			for w := 0; w < 8; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						s := sub{fmt.Sprintf("w%d-%d", w, i), students[(w*97+i)%len(students)].ID}
						mu.Lock()
						sent = append(sent, s)
						mu.Unlock()
						if postReport(client, srv.url, secret, s.person, s.key, 36.6) == nil {
							mu.Lock()
							acked = append(acked, s)
							mu.Unlock()
						}
					}
				}()
			}
			// Kill it mid-stream, once enough submissions were acknowledged
			// for the test to prove something (a wait, not a fixed sleep: a
			// loaded machine acknowledges fewer in the same time).
			deadline := time.Now().Add(30 * time.Second)
			for time.Now().Before(deadline) {
				mu.Lock()
				n := len(acked)
				mu.Unlock()
				if n >= 40 {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			srv.kill(t)
			close(stop)
			wg.Wait()
			if len(acked) < 20 {
				t.Fatalf("only %d submissions were acknowledged before the kill; the test proves nothing", len(acked))
			}

			srv = startServer(t, dsn)
			defer srv.kill(t)
			// Retry everything that was sent, as clients do when unsure.
			for _, s := range sent {
				if err := postReport(client, srv.url, secret, s.person, s.key, 36.6); err != nil {
					t.Fatalf("retry %s: %v", s.key, err)
				}
			}
			storedOnce(t, dsn, keysOf(sent, func(s sub) string { return s.key }), keysOf(acked, func(s sub) string { return s.key }))
			t.Logf("%s: %d sent, %d acknowledged before SIGKILL, all present once", dialect, len(sent), len(acked))
		})
	}
}

type server struct {
	cmd *exec.Cmd
	url string
}

// startServer starts the program as a process serving dsn and waits until
// it answers.
func startServer(t testing.TB, dsn string, env ...string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(os.Args[0], "serve", "--db", dsn, "--addr", addr)
	cmd.Env = append(append(os.Environ(), "CAMPUSGUARD_TEST_MAIN=1"), env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, url: "http://" + addr}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("server did not start: %s", strings.TrimSpace(logs.String()))
	return nil
}

func (s *server) kill(t testing.TB) {
	t.Helper()
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
}
