package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// Config configures a SQLite store.
type Config struct {
	Path          string // the database file; created if missing
	Params        Params // argon2id costs; DefaultParams when zero
	Now           func() time.Time
	SessionTTL    time.Duration // default 30 days
	InvitationTTL time.Duration // default 7 days
	ResetTTL      time.Duration // default 2 days
}

// SQLite is the Store on a SQLite file. Several processes may open the
// same file at once (the server and the command line): it runs in WAL mode
// and waits for locks instead of failing.
type SQLite struct {
	db    *sql.DB
	cfg   Config
	dummy string // a hash to verify against when the e-mail is unknown
}

var _ Store = (*SQLite)(nil)

// lastSeenStep is how stale a session's last-seen time may get: writing
// it at every request would serialise every request on the database lock.
const lastSeenStep = time.Minute

// Open opens (creating or migrating if needed) the store at cfg.Path.
func Open(ctx context.Context, cfg Config) (*SQLite, error) {
	if cfg.Path == "" {
		return nil, errors.New("accounts: open: Path is required")
	}
	if cfg.Params == (Params{}) {
		cfg.Params = DefaultParams()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 30 * 24 * time.Hour
	}
	if cfg.InvitationTTL <= 0 {
		cfg.InvitationTTL = 7 * 24 * time.Hour
	}
	if cfg.ResetTTL <= 0 {
		cfg.ResetTTL = 2 * 24 * time.Hour
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate") // writers lock at BEGIN: no deadlock upgrading a read lock
	db, err := sql.Open("sqlite", "file:"+cfg.Path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("accounts: open %s: %w", cfg.Path, err)
	}
	s := &SQLite{db: db, cfg: cfg}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if s.dummy, err = hashPassword("mot de passe factice", cfg.Params); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *SQLite) Close() error { return s.db.Close() }

// migrations are the schema's versions, in order; never edit one that has
// shipped, add the next.
var migrations = []string{
	`CREATE TABLE users (
		id INTEGER PRIMARY KEY,
		email TEXT NOT NULL UNIQUE,
		name TEXT NOT NULL,
		role TEXT NOT NULL,
		password_hash TEXT NOT NULL,
		disabled INTEGER NOT NULL DEFAULT 0,
		created INTEGER NOT NULL
	);
	CREATE TABLE user_structures (
		user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		slug TEXT NOT NULL,
		PRIMARY KEY (user_id, slug)
	);
	CREATE TABLE sessions (
		id INTEGER PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		hash TEXT NOT NULL UNIQUE,
		created INTEGER NOT NULL,
		expires INTEGER NOT NULL,
		last_seen INTEGER NOT NULL
	);
	CREATE TABLE tokens (
		id INTEGER PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		name TEXT NOT NULL,
		hash TEXT NOT NULL UNIQUE,
		created INTEGER NOT NULL,
		last_used INTEGER NOT NULL DEFAULT 0
	);
	CREATE TABLE invitations (
		id INTEGER PRIMARY KEY,
		hash TEXT NOT NULL UNIQUE,
		email TEXT NOT NULL,
		role TEXT NOT NULL,
		structures TEXT NOT NULL,
		invited_by INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		created INTEGER NOT NULL,
		expires INTEGER NOT NULL,
		used INTEGER NOT NULL DEFAULT 0
	);
	CREATE TABLE resets (
		id INTEGER PRIMARY KEY,
		hash TEXT NOT NULL UNIQUE,
		user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		created INTEGER NOT NULL,
		expires INTEGER NOT NULL,
		used INTEGER NOT NULL DEFAULT 0
	);`,
}

// migrate brings the schema to the last version, in one transaction per
// version; the immediate lock keeps two processes from migrating at once.
func (s *SQLite) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("accounts: migrate: %w", err)
	}
	for {
		done, err := s.migrateOne(ctx)
		if err != nil || done {
			return err
		}
	}
}

func (s *SQLite) migrateOne(ctx context.Context) (done bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("accounts: migrate: %w", err)
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&version); err != nil {
		return false, fmt.Errorf("accounts: migrate: %w", err)
	}
	if version > len(migrations) {
		return false, fmt.Errorf("accounts: migrate: database schema %d is newer than this program's (%d)", version, len(migrations))
	}
	if version == len(migrations) {
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, migrations[version]); err != nil {
		return false, fmt.Errorf("accounts: migrate to %d: %w", version+1, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, version+1); err != nil {
		return false, fmt.Errorf("accounts: migrate to %d: %w", version+1, err)
	}
	return false, tx.Commit()
}

// inTx runs f in a write transaction.
func (s *SQLite) inTx(ctx context.Context, op string, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("accounts: %s: %w", op, err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return fmt.Errorf("accounts: %s: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("accounts: %s: %w", op, err)
	}
	return nil
}

func (s *SQLite) now() time.Time { return s.cfg.Now() }

func unix(t time.Time) int64 { return t.UnixMilli() }

func fromUnix(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// NormalizeEmail is the form e-mails are stored and looked up in.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func validEmail(email string) bool {
	at := strings.IndexByte(email, '@')
	return at > 0 && at < len(email)-1 && len(email) <= 254 && !strings.ContainsAny(email, " \t\r\n<>,;\"")
}

// cleanStructures drops empty and repeated slugs.
func cleanStructures(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
