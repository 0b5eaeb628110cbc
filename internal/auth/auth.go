// Package auth holds the secrets' mechanics: argon2id password hashes,
// random tokens and their one-way digests. Nothing here knows about HTTP or
// SQL.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters. The defaults follow OWASP's
// password storage advice (19 MiB, 2 passes, 1 lane): about 30 ms on this
// project's 2-core machines, so a login costs little and a guess a lot.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams are used for new hashes.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// HashPassword returns a PHC-format argon2id hash of pw with a random salt:
// $argon2id$v=19$m=19456,t=2,p=1$salt$hash.
func HashPassword(pw string) (string, error) {
	return HashPasswordContext(context.Background(), pw)
}

// HashPasswordContext is HashPassword in one of the bounded hashing slots:
// ErrBusy when none is free in time.
func HashPasswordContext(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p := DefaultParams
	release, err := acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var b64 = base64.RawStdEncoding

// ErrBadHash is returned for a stored hash that cannot be read.
var ErrBadHash = errors.New("auth: malformed password hash")

// CheckPassword reports whether pw matches the stored hash, in time that
// does not depend on where they differ.
func CheckPassword(hash, pw string) (bool, error) {
	return CheckPasswordContext(context.Background(), hash, pw)
}

// CheckPasswordContext is CheckPassword in one of the bounded hashing
// slots: ErrBusy when none is free in time.
func CheckPasswordContext(ctx context.Context, hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var v int
	var p Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, ErrBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory == 0 || p.Memory > 1<<20 || p.Time == 0 || p.Time > 16 || p.Threads == 0 {
		return false, ErrBadHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false, ErrBadHash
	}
	release, err := acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NewToken returns a random secret of n bytes in URL-safe base64, behind
// prefix (e.g. "cgt_" for API tokens) so leaked secrets are recognisable.
func NewToken(prefix string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Digest returns the SHA-256 of a high-entropy secret (a session or API
// token, a binding code) in hex: what the database keeps instead of it.
// Such secrets need no slow hash: they cannot be guessed from a dictionary.
func Digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// bindingAlphabet has no look-alike characters (0/O, 1/I/L), because codes
// are printed on paper and typed on phones.
const bindingAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// NewBindingCode returns a 10-character code from bindingAlphabet, grouped
// as XXXXX-XXXXX: 31^10 ≈ 8·10^14 codes.
func NewBindingCode() string {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	out := make([]byte, 0, 11)
	for i, c := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, bindingAlphabet[int(c)%len(bindingAlphabet)])
	}
	return string(out)
}

// NormalizeBindingCode upper-cases a typed code and drops spaces and dashes,
// so "abcde fghjk" and "ABCDE-FGHJK" are the same code.
func NormalizeBindingCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r == ' ' || r == '-' {
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	if len(out) == 10 {
		return out[:5] + "-" + out[5:]
	}
	return out
}
