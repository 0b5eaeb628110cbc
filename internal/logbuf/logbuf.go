// Package logbuf holds the log writer of a serving process. A quiet log is
// written through at once; under a burst (the access log of a morning's
// checks) lines are gathered and written together at most an interval
// later, so a stream of requests costs one write system call an interval
// rather than one a request.
//
// What is lost if the process is killed is the last interval's lines at
// most. The log is for operators; what must survive a crash is in the
// database (the checks, the audit log), never here.
package logbuf

import (
	"io"
	"sync"
	"time"
)

// maxBuffered is how many bytes are gathered before they are written
// whatever the interval: a bound on the memory a burst takes.
const maxBuffered = 64 << 10

// Writer gathers writes to w under a burst. It is safe for concurrent use;
// each Write is kept whole (a log line is never split between writes).
type Writer struct {
	mu       sync.Mutex
	w        io.Writer
	interval time.Duration
	buf      []byte
	last     time.Time   // the last write to w
	timer    *time.Timer // armed while buf holds lines
	err      error       // the last write's error, returned by Flush
}

// New returns a Writer over w that holds lines for at most interval.
func New(w io.Writer, interval time.Duration) *Writer {
	return &Writer{w: w, interval: interval}
}

// Write writes p through when nothing was written for an interval, and
// otherwise adds it to the lines written at the end of the interval.
func (b *Writer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if len(b.buf) == 0 && now.Sub(b.last) >= b.interval {
		b.last = now
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	if len(b.buf) >= maxBuffered {
		b.flushLocked()
		return len(p), nil
	}
	if b.timer == nil {
		b.timer = time.AfterFunc(b.interval, func() { b.Flush() })
	} else if len(b.buf) == len(p) { // the first line since the last flush
		b.timer.Reset(b.interval)
	}
	return len(p), nil
}

// Flush writes what is held. Call it before the process ends.
func (b *Writer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	err := b.err
	b.err = nil
	return err
}

func (b *Writer) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	if b.timer != nil {
		b.timer.Stop()
	}
	if _, err := b.w.Write(b.buf); err != nil {
		b.err = err
	}
	b.last = time.Now()
	if cap(b.buf) > maxBuffered*2 {
		b.buf = nil
	} else {
		b.buf = b.buf[:0]
	}
}
