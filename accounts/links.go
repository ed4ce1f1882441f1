package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// CreateInvitation makes an invitation link for inv.Email with inv's role
// and structures, if by may invite them.
func (s *SQLite) CreateInvitation(ctx context.Context, by *User, inv Invitation) (string, error) {
	inv.Email = NormalizeEmail(inv.Email)
	inv.Structures = cleanStructures(inv.Structures)
	if !validEmail(inv.Email) {
		return "", fmt.Errorf("accounts: invite: %w", ErrInvalid)
	}
	if err := by.CanInvite(inv.Role, inv.Structures); err != nil {
		return "", fmt.Errorf("accounts: invite: %w", err)
	}
	if _, err := s.UserByEmail(ctx, inv.Email); err == nil {
		return "", fmt.Errorf("accounts: invite: %w", ErrExists)
	}
	secret, hash, err := newSecret()
	if err != nil {
		return "", err
	}
	now := s.now()
	_, err = s.db.ExecContext(ctx, `INSERT INTO invitations (hash, email, role, structures, invited_by, created, expires, used)
		VALUES (?, ?, ?, ?, ?, ?, ?, 0)`, hash, inv.Email, string(inv.Role), strings.Join(inv.Structures, "\n"),
		by.ID, unix(now), unix(now.Add(s.cfg.InvitationTTL)))
	if err != nil {
		return "", fmt.Errorf("accounts: invite: %w", err)
	}
	return secret, nil
}

// Invitation returns the pending, unexpired invitation of a secret.
func (s *SQLite) Invitation(ctx context.Context, secret string) (*Invitation, error) {
	return s.invitation(ctx, s.db, secret)
}

func (s *SQLite) invitation(ctx context.Context, q querier, secret string) (*Invitation, error) {
	var inv Invitation
	var role, structures string
	var created, expires int64
	var used bool
	err := q.QueryRowContext(ctx, `SELECT id, email, role, structures, invited_by, created, expires, used
		FROM invitations WHERE hash = ?`, hashSecret(secret)).
		Scan(&inv.ID, &inv.Email, &role, &structures, &inv.InvitedBy, &created, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrExpired
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: invitation: %w", err)
	}
	inv.Role, inv.Created, inv.Expires = Role(role), fromUnix(created), fromUnix(expires)
	if structures != "" {
		inv.Structures = strings.Split(structures, "\n")
	}
	if used || !s.now().Before(inv.Expires) {
		return nil, ErrExpired
	}
	return &inv, nil
}

// AcceptInvitation creates the invited account and uses up the link, in
// one transaction: two people cannot use one link.
func (s *SQLite) AcceptInvitation(ctx context.Context, secret, name, password string) (*User, error) {
	if err := CheckPassword(password); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, fmt.Errorf("accounts: accept invitation: %w", ErrInvalid)
	}
	hash, err := hashPassword(password, s.cfg.Params)
	if err != nil {
		return nil, err
	}
	var u *User
	err = s.inTx(ctx, "accept invitation", func(tx *sql.Tx) error {
		inv, err := s.invitation(ctx, tx, secret)
		if err != nil {
			return err
		}
		if err := inviterStillMay(ctx, tx, inv); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET used = 1 WHERE id = ?`, inv.ID); err != nil {
			return err
		}
		u = &User{Email: inv.Email, Name: name, Role: inv.Role, Structures: inv.Structures, Created: s.now()}
		return insertUser(ctx, tx, u, hash)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// inviterStillMay checks, when an invitation is used, that its author may
// still give that role on those structures: a link made by an editor who
// was disabled or lost a structure since must not create an editor of it.
// Such a link counts as expired.
func inviterStillMay(ctx context.Context, q querier, inv *Invitation) error {
	by, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, inv.InvitedBy))
	if err == nil {
		err = loadStructures(ctx, q, by)
	}
	if err != nil {
		return fmt.Errorf("accounts: inviter of invitation %d: %w", inv.ID, err)
	}
	if by.CanInvite(inv.Role, inv.Structures) != nil {
		return ErrExpired
	}
	return nil
}

// CreateReset makes a single-use password-reset link for a user; older
// links of that user stop working.
func (s *SQLite) CreateReset(ctx context.Context, userID int64) (string, error) {
	secret, hash, err := newSecret()
	if err != nil {
		return "", err
	}
	now := s.now()
	err = s.inTx(ctx, "create reset", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE resets SET used = 1 WHERE user_id = ?`, userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO resets (hash, user_id, created, expires, used) VALUES (?, ?, ?, ?, 0)`,
			hash, userID, unix(now), unix(now.Add(s.cfg.ResetTTL)))
		return err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// ResetUser returns the user of a pending, unexpired reset link.
func (s *SQLite) ResetUser(ctx context.Context, secret string) (*User, error) {
	_, userID, err := s.reset(ctx, s.db, secret)
	if err != nil {
		return nil, err
	}
	return s.User(ctx, userID)
}

func (s *SQLite) reset(ctx context.Context, q querier, secret string) (id, userID int64, err error) {
	var expires int64
	var used bool
	err = q.QueryRowContext(ctx, `SELECT id, user_id, expires, used FROM resets WHERE hash = ?`, hashSecret(secret)).
		Scan(&id, &userID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, ErrExpired
	}
	if err != nil {
		return 0, 0, fmt.Errorf("accounts: reset: %w", err)
	}
	if used || !s.now().Before(fromUnix(expires)) {
		return 0, 0, ErrExpired
	}
	return id, userID, nil
}

// UseReset sets a new password through a reset link, uses the link up and
// ends the user's sessions.
func (s *SQLite) UseReset(ctx context.Context, secret, password string) (*User, error) {
	if err := CheckPassword(password); err != nil {
		return nil, err
	}
	hash, err := hashPassword(password, s.cfg.Params)
	if err != nil {
		return nil, err
	}
	var userID int64
	err = s.inTx(ctx, "use reset", func(tx *sql.Tx) error {
		var id int64
		if id, userID, err = s.reset(ctx, tx, secret); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE resets SET used = 1 WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		return setHash(ctx, tx, userID, hash)
	})
	if err != nil {
		return nil, err
	}
	return s.User(ctx, userID)
}
