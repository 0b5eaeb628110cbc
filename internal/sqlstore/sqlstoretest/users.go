package sqlstoretest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"campusguard"
	"campusguard/internal/auth"
	"campusguard/internal/sqlstore"
)

// Ctx is a context in which the program itself acts, for test set-up.
var Ctx = campusguard.SystemContext(context.Background(), "test")

// Password is the password MustUser gives every account.
const Password = "test-password-42"

var userSeq atomic.Int64

// HashParams are the argon2id costs of the passwords hashed in a test
// process that imports this package: the least argon2id allows. The
// production costs (auth.DefaultParams: 19 MiB and 2 passes, about 30 ms
// of CPU) made every account the tests create and every sign-in they make
// cost that much, and hashing became most of the quick suite's time.
// Hashes still go through the same argon2id code, the hashing slots and
// the same checks; what the costs themselves guarantee (memory per hash,
// the bound on parallel hashes) is tested at the production costs in
// package auth, and in package sqlstore with its dummy hash, which
// sqlstore computes at its own initialisation, before this package's init
// runs (a package's imports are initialised first).
var HashParams = auth.Params{Memory: 64, Time: 1, Threads: 1}

// ProductionHashParams are the costs the program itself hashes with.
var ProductionHashParams = auth.DefaultParams

func init() {
	// Never in a program that is not a test: its passwords would be stored
	// with the tests' costs.
	if !testing.Testing() {
		panic("sqlstoretest imported by a program that is not a test")
	}
	auth.DefaultParams = HashParams
}

// MustUser creates an account with the given grants (an org id of 0 for a
// system admin) and returns it; its password is Password.
func MustUser(tb testing.TB, s *sqlstore.Store, grants ...campusguard.Grant) *campusguard.User {
	tb.Helper()
	n := userSeq.Add(1)
	u := &campusguard.User{Login: fmt.Sprintf("user%d", n), Name: fmt.Sprintf("测试用户%d", n), Grants: grants}
	if err := s.CreateUser(Ctx, u, Password); err != nil {
		tb.Fatalf("MustUser(%+v) = %v", grants, err)
	}
	return u
}

// MustSession signs u in and returns the session: its Token is the cookie
// value and its CSRF the token forms must carry.
func MustSession(tb testing.TB, s *sqlstore.Store, u *campusguard.User) *campusguard.Session {
	tb.Helper()
	sess, err := s.Login(context.Background(), u.Login, Password, "127.0.0.1")
	if err != nil {
		tb.Fatalf("MustSession(%s) = %v", u.Login, err)
	}
	return sess
}

// ActorCtx returns a context acting as u, as a signed-in request would.
func ActorCtx(tb testing.TB, s *sqlstore.Store, u *campusguard.User) context.Context {
	tb.Helper()
	sess := MustSession(tb, s, u)
	a, _, err := s.SessionActor(context.Background(), sess.Token, "127.0.0.1")
	if err != nil {
		tb.Fatalf("ActorCtx(%s) = %v", u.Login, err)
	}
	return campusguard.WithActor(context.Background(), a)
}
