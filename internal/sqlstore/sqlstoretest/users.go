package sqlstoretest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
)

// Ctx is a context in which the program itself acts, for test set-up.
var Ctx = campusguard.SystemContext(context.Background(), "test")

// Password is the password MustUser gives every account.
const Password = "test-password-42"

var userSeq atomic.Int64

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
