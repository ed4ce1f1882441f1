package accounts_test

import (
	"path/filepath"
	"testing"

	"github.com/aiguillage/aiguillage/accounts"
)

// benchStore is a store with the default (production) argon2id costs and
// one account.
func benchStore(b *testing.B) (*accounts.SQLite, int64) {
	s, err := accounts.Open(b.Context(), accounts.Config{Path: filepath.Join(b.TempDir(), "accounts.db")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	u, err := s.CreateUser(b.Context(), accounts.NewUser{Email: "a@example.org", Name: "A", Role: accounts.RoleAgent, Password: pw})
	if err != nil {
		b.Fatal(err)
	}
	return s, u.ID
}

// BenchmarkAuthenticate is the cost of a sign-in: one argon2id hash with
// the default parameters (m=19 MiB, t=2, p=1) and two queries.
func BenchmarkAuthenticate(b *testing.B) {
	s, _ := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Authenticate(b.Context(), "a@example.org", pw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionUser is what every signed-in request pays to know who
// is asking.
func BenchmarkSessionUser(b *testing.B) {
	s, id := benchStore(b)
	secret, err := s.CreateSession(b.Context(), id)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.SessionUser(b.Context(), secret); err != nil {
			b.Fatal(err)
		}
	}
}
