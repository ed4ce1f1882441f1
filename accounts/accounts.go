// Package accounts owns the people who sign in: users and their roles,
// password hashes, sessions, personal access tokens, invitation and
// password-reset links. It imports no package of aiguillage: the server
// and the command line use it through the Store interface.
package accounts

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Role is what a user may do.
type Role string

// The roles. An editeur edits the structures listed in User.Structures.
const (
	RoleAdmin  Role = "admin"
	RoleEditor Role = "editeur"
	RoleAgent  Role = "agent"
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleEditor || r == RoleAgent }

// Sentinel errors. Their texts are French for the command line's
// operators; the server never shows them: it tests them with errors.Is and
// shows its catalogue's messages.
var (
	ErrNotFound       = errors.New("compte introuvable")
	ErrExists         = errors.New("un compte existe déjà avec cette adresse électronique")
	ErrBadCredentials = errors.New("adresse électronique ou mot de passe incorrect")
	ErrWeakPassword   = errors.New("le mot de passe doit compter au moins 12 caractères")
	ErrExpired        = errors.New("ce lien ou cette session n'est plus valable")
	ErrDisabled       = errors.New("ce compte est désactivé")
	ErrForbidden      = errors.New("vous n'avez pas le droit de faire cela")
	ErrInvalid        = errors.New("donnée incorrecte")
)

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 12

// User is a person who may sign in. A nil *User is an anonymous visitor:
// every rights method accepts a nil receiver.
type User struct {
	ID         int64
	Email      string
	Name       string
	Role       Role
	Structures []string // slugs of the structures an editeur edits
	Disabled   bool
	Created    time.Time
}

func (u *User) active() bool { return u != nil && !u.Disabled }

// IsAdmin reports whether u is an active administrator.
func (u *User) IsAdmin() bool { return u.active() && u.Role == RoleAdmin }

// CanReadPro reports whether u may read the information reserved to
// professionals: any active signed-in user.
func (u *User) CanReadPro() bool { return u.active() }

// CanEditStructure reports whether u may edit the structure slug and its
// services: an administrator, or an editeur who has it in Structures.
func (u *User) CanEditStructure(slug string) bool {
	if !u.active() || slug == "" {
		return false
	}
	return u.Role == RoleAdmin || u.Role == RoleEditor && slices.Contains(u.Structures, slug)
}

// CanInvite checks that u may invite someone with role to structures: an
// administrator invites anyone; an editeur invites editeurs or agents to
// structures they edit themselves, and at least one of them.
func (u *User) CanInvite(role Role, structures []string) error {
	if !role.Valid() {
		return ErrInvalid
	}
	if u.IsAdmin() {
		return nil
	}
	if !u.active() || u.Role != RoleEditor || role == RoleAdmin || len(structures) == 0 {
		return ErrForbidden
	}
	for _, s := range structures {
		if !u.CanEditStructure(s) {
			return ErrForbidden
		}
	}
	return nil
}

// Session is a signed-in browser.
type Session struct {
	ID       int64
	UserID   int64
	Created  time.Time
	Expires  time.Time
	LastSeen time.Time
}

// Token is a personal access token, for the API. Its secret is shown once,
// when made; only its hash is kept.
type Token struct {
	ID       int64
	UserID   int64
	Name     string
	Created  time.Time
	LastUsed time.Time // zero if never used
}

// Invitation is a link that lets a person create their account with the
// role and structures chosen by who invited them.
type Invitation struct {
	ID         int64
	Email      string
	Role       Role
	Structures []string
	InvitedBy  int64
	Created    time.Time
	Expires    time.Time
}

// NewUser is what creating an account needs.
type NewUser struct {
	Email, Name string
	Role        Role
	Structures  []string
	Password    string
}

// Store keeps accounts. Its methods are shaped for SQL databases, so that
// a PostgreSQL store can replace the SQLite one to serve several nodes.
// Secrets (session, token and link values) are 256-bit random strings that
// the store returns once and keeps only as SHA-256 hashes.
type Store interface {
	CreateUser(ctx context.Context, nu NewUser) (*User, error)
	User(ctx context.Context, id int64) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	Users(ctx context.Context) ([]*User, error)
	// UpdateUser saves u's name, role, structures and disabled flag.
	UpdateUser(ctx context.Context, u *User) error
	// RenameStructure gives the editors of structure from, and the pending
	// invitations to it, structure to instead, when its page is renamed.
	RenameStructure(ctx context.Context, from, to string) error
	SetPassword(ctx context.Context, userID int64, password string) error
	// Authenticate returns the active user with this e-mail and password,
	// or ErrBadCredentials, taking the same time whether or not the
	// e-mail is known.
	Authenticate(ctx context.Context, email, password string) (*User, error)

	CreateSession(ctx context.Context, userID int64) (secret string, err error)
	// SessionUser returns the active user and the session of secret, or
	// ErrExpired.
	SessionUser(ctx context.Context, secret string) (*User, *Session, error)
	Sessions(ctx context.Context, userID int64) ([]Session, error)
	RevokeSession(ctx context.Context, userID, sessionID int64) error
	RevokeSessionSecret(ctx context.Context, secret string) error

	CreateToken(ctx context.Context, userID int64, name string) (secret string, err error)
	// TokenUser returns the active user of a personal access token, or
	// ErrExpired.
	TokenUser(ctx context.Context, secret string) (*User, error)
	Tokens(ctx context.Context, userID int64) ([]Token, error)
	RevokeToken(ctx context.Context, userID, tokenID int64) error

	// CreateInvitation makes a link for inv; by must be allowed to invite
	// (User.CanInvite).
	CreateInvitation(ctx context.Context, by *User, inv Invitation) (secret string, err error)
	Invitation(ctx context.Context, secret string) (*Invitation, error)
	// AcceptInvitation creates the invited account and uses up the link.
	AcceptInvitation(ctx context.Context, secret, name, password string) (*User, error)

	// CreateReset makes a single-use password-reset link for a user.
	CreateReset(ctx context.Context, userID int64) (secret string, err error)
	ResetUser(ctx context.Context, secret string) (*User, error)
	// UseReset sets the password, uses up the link and ends the user's
	// sessions.
	UseReset(ctx context.Context, secret, password string) (*User, error)

	Close() error
}
