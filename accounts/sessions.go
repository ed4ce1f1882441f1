package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// CreateSession starts a session for a user and returns its secret.
func (s *SQLite) CreateSession(ctx context.Context, userID int64) (string, error) {
	secret, hash, err := newSecret()
	if err != nil {
		return "", err
	}
	now := s.now()
	err = s.inTx(ctx, "create session", func(tx *sql.Tx) error {
		// Expired sessions of everyone go at each sign-in: no sweeper needed.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires <= ?`, unix(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (user_id, hash, created, expires, last_seen) VALUES (?, ?, ?, ?, ?)`,
			userID, hash, unix(now), unix(now.Add(s.cfg.SessionTTL)), unix(now))
		return err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// SessionUser returns the active user of a session secret. A disabled
// user, an expired or revoked session all give ErrExpired.
func (s *SQLite) SessionUser(ctx context.Context, secret string) (*User, *Session, error) {
	var sess Session
	var created, expires, lastSeen int64
	var disabled bool
	err := s.db.QueryRowContext(ctx, `SELECT s.id, s.user_id, s.created, s.expires, s.last_seen, u.disabled
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ?`, hashSecret(secret)).
		Scan(&sess.ID, &sess.UserID, &created, &expires, &lastSeen, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrExpired
	}
	if err != nil {
		return nil, nil, fmt.Errorf("accounts: session: %w", err)
	}
	now := s.now()
	sess.Created, sess.Expires, sess.LastSeen = fromUnix(created), fromUnix(expires), fromUnix(lastSeen)
	if disabled || !now.Before(sess.Expires) {
		return nil, nil, ErrExpired
	}
	if now.Sub(sess.LastSeen) >= lastSeenStep {
		if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE id = ?`, unix(now), sess.ID); err != nil {
			return nil, nil, fmt.Errorf("accounts: session last seen: %w", err)
		}
		sess.LastSeen = now
	}
	u, err := s.User(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	return u, &sess, nil
}

// Sessions lists a user's current sessions, most recently seen first.
func (s *SQLite) Sessions(ctx context.Context, userID int64) ([]Session, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, user_id, created, expires, last_seen FROM sessions
		WHERE user_id = ? AND expires > ? ORDER BY last_seen DESC, id DESC`, userID, unix(s.now()))
	if err != nil {
		return nil, fmt.Errorf("accounts: sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var ss Session
		var c, e, l int64
		if err := rows.Scan(&ss.ID, &ss.UserID, &c, &e, &l); err != nil {
			return nil, fmt.Errorf("accounts: sessions: %w", err)
		}
		ss.Created, ss.Expires, ss.LastSeen = fromUnix(c), fromUnix(e), fromUnix(l)
		out = append(out, ss)
	}
	return out, rows.Err()
}

// RevokeSession ends one of a user's sessions.
func (s *SQLite) RevokeSession(ctx context.Context, userID, sessionID int64) error {
	return s.exec(ctx, "revoke session", `DELETE FROM sessions WHERE id = ? AND user_id = ?`, sessionID, userID)
}

// RevokeSessionSecret ends the session of a secret (signing out).
func (s *SQLite) RevokeSessionSecret(ctx context.Context, secret string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hashSecret(secret))
	if err != nil {
		return fmt.Errorf("accounts: revoke session: %w", err)
	}
	return nil
}

// exec runs a statement that must change one row at least.
func (s *SQLite) exec(ctx context.Context, op, query string, args ...any) error {
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("accounts: %s: %w", op, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("accounts: %s: %w", op, ErrNotFound)
	}
	return nil
}

// CreateToken makes a personal access token and returns its secret, which
// is shown once.
func (s *SQLite) CreateToken(ctx context.Context, userID int64, name string) (string, error) {
	if len(name) > 100 {
		return "", fmt.Errorf("accounts: create token: %w", ErrInvalid)
	}
	secret, hash, err := newSecret()
	if err != nil {
		return "", err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO tokens (user_id, name, hash, created, last_used) VALUES (?, ?, ?, ?, 0)`,
		userID, name, hash, unix(s.now()))
	if err != nil {
		return "", fmt.Errorf("accounts: create token: %w", err)
	}
	return secret, nil
}

// TokenUser returns the active user of a personal access token.
func (s *SQLite) TokenUser(ctx context.Context, secret string) (*User, error) {
	var id, userID, lastUsed int64
	var disabled bool
	err := s.db.QueryRowContext(ctx, `SELECT t.id, t.user_id, t.last_used, u.disabled FROM tokens t
		JOIN users u ON u.id = t.user_id WHERE t.hash = ?`, hashSecret(secret)).Scan(&id, &userID, &lastUsed, &disabled)
	if errors.Is(err, sql.ErrNoRows) || err == nil && disabled {
		return nil, ErrExpired
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: token: %w", err)
	}
	now := s.now()
	if now.Sub(fromUnix(lastUsed)) >= lastSeenStep {
		if _, err := s.db.ExecContext(ctx, `UPDATE tokens SET last_used = ? WHERE id = ?`, unix(now), id); err != nil {
			return nil, fmt.Errorf("accounts: token last used: %w", err)
		}
	}
	return s.User(ctx, userID)
}

// Tokens lists a user's personal access tokens, newest first.
func (s *SQLite) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, user_id, name, created, last_used FROM tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("accounts: tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var c, l int64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &c, &l); err != nil {
			return nil, fmt.Errorf("accounts: tokens: %w", err)
		}
		t.Created, t.LastUsed = fromUnix(c), fromUnix(l)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken deletes one of a user's tokens.
func (s *SQLite) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	return s.exec(ctx, "revoke token", `DELETE FROM tokens WHERE id = ? AND user_id = ?`, tokenID, userID)
}
