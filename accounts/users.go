package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// CreateUser adds an account.
func (s *SQLite) CreateUser(ctx context.Context, nu NewUser) (*User, error) {
	u := &User{Email: NormalizeEmail(nu.Email), Name: strings.TrimSpace(nu.Name), Role: nu.Role,
		Structures: cleanStructures(nu.Structures), Created: s.now()}
	if !validEmail(u.Email) || u.Name == "" || !u.Role.Valid() {
		return nil, fmt.Errorf("accounts: create user %q: %w", u.Email, ErrInvalid)
	}
	if err := CheckPassword(nu.Password); err != nil {
		return nil, err
	}
	hash, err := hashPassword(nu.Password, s.cfg.Params)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, "create user", func(tx *sql.Tx) error { return insertUser(ctx, tx, u, hash) })
	if err != nil {
		return nil, err
	}
	return u, nil
}

func insertUser(ctx context.Context, tx *sql.Tx, u *User, hash string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = ?`, u.Email).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return ErrExists
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, role, password_hash, disabled, created) VALUES (?, ?, ?, ?, 0, ?)`,
		u.Email, u.Name, string(u.Role), hash, unix(u.Created))
	if err != nil {
		return err
	}
	if u.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	return writeStructures(ctx, tx, u.ID, u.Structures)
}

func writeStructures(ctx context.Context, tx *sql.Tx, id int64, slugs []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_structures WHERE user_id = ?`, id); err != nil {
		return err
	}
	for _, slug := range slugs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_structures (user_id, slug) VALUES (?, ?)`, id, slug); err != nil {
			return err
		}
	}
	return nil
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const userColumns = `id, email, name, role, disabled, created`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var role string
	var created int64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.Disabled, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	u.Role, u.Created = Role(role), fromUnix(created)
	return &u, nil
}

func loadStructures(ctx context.Context, q querier, u *User) error {
	rows, err := q.QueryContext(ctx, `SELECT slug FROM user_structures WHERE user_id = ? ORDER BY slug`, u.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	u.Structures = nil
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			return err
		}
		u.Structures = append(u.Structures, slug)
	}
	return rows.Err()
}

func (s *SQLite) userWhere(ctx context.Context, op, where string, arg any) (*User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if err == nil {
		err = loadStructures(ctx, s.db, u)
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: %s: %w", op, err)
	}
	return u, nil
}

// User returns the account id.
func (s *SQLite) User(ctx context.Context, id int64) (*User, error) {
	return s.userWhere(ctx, "user", "id = ?", id)
}

// UserByEmail returns the account of an e-mail address.
func (s *SQLite) UserByEmail(ctx context.Context, email string) (*User, error) {
	return s.userWhere(ctx, "user by email", "email = ?", NormalizeEmail(email))
}

// Users lists every account by name.
func (s *SQLite) Users(ctx context.Context) ([]*User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("accounts: users: %w", err)
	}
	defer rows.Close()
	var out []*User
	byID := map[int64]*User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("accounts: users: %w", err)
		}
		out = append(out, u)
		byID[u.ID] = u
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("accounts: users: %w", err)
	}
	srows, err := s.db.QueryContext(ctx, `SELECT user_id, slug FROM user_structures ORDER BY slug`)
	if err != nil {
		return nil, fmt.Errorf("accounts: users: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var id int64
		var slug string
		if err := srows.Scan(&id, &slug); err != nil {
			return nil, fmt.Errorf("accounts: users: %w", err)
		}
		if u := byID[id]; u != nil {
			u.Structures = append(u.Structures, slug)
		}
	}
	return out, srows.Err()
}

// UpdateUser saves u's name, role, structures and disabled flag. Disabling
// an account ends its sessions; its tokens stop working while it is
// disabled.
func (s *SQLite) UpdateUser(ctx context.Context, u *User) error {
	name := strings.TrimSpace(u.Name)
	if name == "" || !u.Role.Valid() {
		return fmt.Errorf("accounts: update user %d: %w", u.ID, ErrInvalid)
	}
	structures := cleanStructures(u.Structures)
	return s.inTx(ctx, "update user", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, role = ?, disabled = ? WHERE id = ?`, name, string(u.Role), u.Disabled, u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if u.Disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return err
			}
		}
		return writeStructures(ctx, tx, u.ID, structures)
	})
}

// RenameStructure moves the rights on structure from to structure to, for
// the editors and for the invitations not used yet, in one transaction.
func (s *SQLite) RenameStructure(ctx context.Context, from, to string) error {
	if from == "" || to == "" || from == to {
		return fmt.Errorf("accounts: rename structure %q to %q: %w", from, to, ErrInvalid)
	}
	return s.inTx(ctx, "rename structure", func(tx *sql.Tx) error {
		// An editor of both keeps one row: the ignored update, then the delete.
		if _, err := tx.ExecContext(ctx, `UPDATE OR IGNORE user_structures SET slug = ? WHERE slug = ?`, to, from); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_structures WHERE slug = ?`, from); err != nil {
			return err
		}
		return renameInInvitations(ctx, tx, from, to)
	})
}

// renameInInvitations rewrites the structures of the unused invitations
// that name from.
func renameInInvitations(ctx context.Context, tx *sql.Tx, from, to string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, structures FROM invitations WHERE used = 0`)
	if err != nil {
		return err
	}
	updates := map[int64]string{}
	for rows.Next() {
		var id int64
		var structures string
		if err := rows.Scan(&id, &structures); err != nil {
			rows.Close()
			return err
		}
		slugs := strings.Split(structures, "\n")
		if !slices.Contains(slugs, from) {
			continue
		}
		for i, slug := range slugs {
			if slug == from {
				slugs[i] = to
			}
		}
		updates[id] = strings.Join(cleanStructures(slugs), "\n")
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, structures := range updates {
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET structures = ? WHERE id = ?`, structures, id); err != nil {
			return err
		}
	}
	return nil
}

// SetPassword changes a user's password.
func (s *SQLite) SetPassword(ctx context.Context, userID int64, password string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := hashPassword(password, s.cfg.Params)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "set password", func(tx *sql.Tx) error { return setHash(ctx, tx, userID, hash) })
}

func setHash(ctx context.Context, tx *sql.Tx, userID int64, hash string) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Authenticate checks an e-mail and password. An unknown e-mail is checked
// against a dummy hash, so that timing does not tell which e-mails exist.
func (s *SQLite) Authenticate(ctx context.Context, email, password string) (*User, error) {
	email = NormalizeEmail(email)
	var id int64
	var hash string
	var disabled bool
	err := s.db.QueryRowContext(ctx, `SELECT id, password_hash, disabled FROM users WHERE email = ?`, email).Scan(&id, &hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		_, _ = verifyPassword(password, s.dummy)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: authenticate: %w", err)
	}
	ok, err := verifyPassword(password, hash)
	if err != nil {
		return nil, fmt.Errorf("accounts: authenticate %d: %w", id, err)
	}
	if !ok {
		return nil, ErrBadCredentials
	}
	if disabled { // said only to whoever knows the password
		return nil, ErrDisabled
	}
	return s.User(ctx, id)
}
