package accounts

import (
	"context"
	"database/sql"
)

// StoredHash reads a user's password hash straight from the file, for tests.
func StoredHash(ctx context.Context, path, email string) (string, error) {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var h string
	err = db.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE email = ?`, email).Scan(&h)
	return h, err
}
