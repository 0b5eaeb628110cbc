package logbuf

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer that can be read while the writer's timer
// writes to it, and that counts the writes it gets.
type lockedBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.buf.Write(p)
}

func (l *lockedBuffer) state() (string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String(), l.writes
}

func TestQuietLineIsWrittenAtOnce(t *testing.T) {
	var out lockedBuffer
	w := New(&out, time.Hour)
	fmt.Fprintln(w, "serving")
	if got, n := out.state(); got != "serving\n" || n != 1 {
		t.Fatalf("after one line: %q in %d writes, want it written at once", got, n)
	}
}

func TestBurstIsGatheredAndFlushed(t *testing.T) {
	var out lockedBuffer
	w := New(&out, time.Hour) // the timer never fires in this test
	for i := range 100 {
		fmt.Fprintf(w, "line %d\n", i)
	}
	if got, n := out.state(); got != "line 0\n" || n != 1 {
		t.Fatalf("during the burst: %q in %d writes, want only the first line, written through", got, n)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got, n := out.state()
	if n != 2 {
		t.Errorf("%d writes, want 2 (the first line, then the rest together)", n)
	}
	for i := range 100 {
		if !strings.Contains(got, fmt.Sprintf("line %d\n", i)) {
			t.Fatalf("line %d lost: %q", i, got)
		}
	}
}

func TestBurstIsWrittenAfterTheInterval(t *testing.T) {
	var out lockedBuffer
	w := New(&out, 10*time.Millisecond)
	fmt.Fprintln(w, "a")
	fmt.Fprintln(w, "b") // within the interval: held
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got, _ := out.state(); got == "a\nb\n" {
			break
		}
		if time.Now().After(deadline) {
			got, _ := out.state()
			t.Fatalf("held line never written: %q", got)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLargeBurstIsBounded(t *testing.T) {
	var out lockedBuffer
	w := New(&out, time.Hour)
	line := strings.Repeat("x", 1023) + "\n"
	for range 200 { // 200 KiB
		w.Write([]byte(line))
	}
	got, n := out.state()
	if n < 3 {
		t.Errorf("%d writes for 200 KiB, want the buffer written each time it passes %d bytes", n, maxBuffered)
	}
	if held := 200*len(line) - len(got); held >= maxBuffered+len(line) {
		t.Errorf("%d bytes held, want under %d", held, maxBuffered+len(line))
	}
}

func TestConcurrentLinesStayWhole(t *testing.T) {
	var out lockedBuffer
	w := New(&out, time.Millisecond)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				fmt.Fprintf(w, "g%d-%d %s\n", g, i, strings.Repeat("y", 40))
			}
		})
	}
	wg.Wait()
	w.Flush()
	got, _ := out.state()
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 8*500 {
		t.Fatalf("%d lines, want %d", len(lines), 8*500)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		var g, i int
		var rest string
		if _, err := fmt.Sscanf(l, "g%d-%d %s", &g, &i, &rest); err != nil || rest != strings.Repeat("y", 40) {
			t.Fatalf("a line was split or mixed: %q", l)
		}
		seen[l] = true
	}
	if len(seen) != 8*500 {
		t.Errorf("%d distinct lines, want %d", len(seen), 8*500)
	}
}
