package sqlstore

import "time"

// SetCommitTimeout sets the group commit's deadline for a test and returns
// a function that restores it.
func SetCommitTimeout(d time.Duration) (restore func()) {
	old, oldWait := commitTimeout, closeWait
	commitTimeout, closeWait = d, d+time.Second
	return func() { commitTimeout, closeWait = old, oldWait }
}

// SetDetectComputed sets a function detection calls between computing its
// signals and writing them, and returns a function that removes it.
func SetDetectComputed(f func()) (restore func()) {
	detectComputed = f
	return func() { detectComputed = nil }
}
