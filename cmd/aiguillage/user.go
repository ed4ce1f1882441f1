package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aiguillage/aiguillage/accounts"
)

// The files of the data folder that signing in needs. Both are shared by
// the server and the user command, which may run at the same time.
const (
	accountsFile = "accounts.db"
	secretFile   = "secret.key"
)

// openAccounts opens the accounts database of the data folder, creating
// it on first use.
func openAccounts(ctx context.Context, data string) (*accounts.SQLite, error) {
	if err := ensureDir(data); err != nil {
		return nil, err
	}
	return accounts.Open(ctx, accounts.Config{Path: filepath.Join(data, accountsFile)})
}

// loadSecret reads the server's key (CSRF tokens) from the data folder,
// making a random one on first start: a fixed key keeps the forms open in
// browsers valid across restarts.
func loadSecret(data string) ([]byte, error) {
	name := filepath.Join(data, secretFile)
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			f.Close()
			return nil, fmt.Errorf("make %s: %w", name, err)
		}
		if _, err := f.Write(key); err != nil {
			f.Close()
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	key, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if len(key) < 32 {
		return nil, fmt.Errorf("%s: the key is shorter than 32 bytes: delete the file to make a new one", name)
	}
	return key, nil
}

// userFlags are the user command's own flags.
type userFlags struct {
	email, name, role string
	structures        stringsFlag
}

// stringsFlag is a flag that may be repeated.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

func userCommand(name string, uf *userFlags) command {
	cmd := command{
		name:  "user " + name,
		flags: func(c *config, fs *flag.FlagSet) { c.dataFlag(fs) },
	}
	switch name {
	case "add":
		cmd.about = `Create an account in DATA/accounts.db. The password is read from the first
line of standard input (at least 12 characters). Works while the server runs.
  printf '%s\n' "$PASSWORD" | aiguillage user add --email E --name N --role admin`
		cmd.extra = func(fs *flag.FlagSet) {
			fs.StringVar(&uf.email, "email", "", "e-mail address (required)")
			fs.StringVar(&uf.name, "name", "", "name shown on the site (required)")
			fs.StringVar(&uf.role, "role", "", "admin, editeur or agent (required)")
			fs.Var(&uf.structures, "structure", "slug of a structure an editeur edits; repeat for several")
		}
	case "token":
		cmd.about = `Print a new personal access token of an account, for the API
(Authorization: Bearer TOKEN). Works while the server runs.`
		cmd.extra = func(fs *flag.FlagSet) {
			fs.StringVar(&uf.email, "email", "", "e-mail address of the account (required)")
			fs.StringVar(&uf.name, "name", "ligne de commande", "name of the token, to recognise it on the account page")
		}
	}
	return cmd
}

// user runs "aiguillage user add|token".
func user(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "token") {
		fmt.Fprint(stderr, "Usage:\n  aiguillage user add --email E --name N --role admin|editeur|agent [--structure SLUG]...\n  aiguillage user token --email E [--name N]\n")
		return exitError(2)
	}
	var uf userFlags
	cmd := userCommand(args[0], &uf)
	c, _, err := parse(cmd, args[1:], getenv, stdout, stderr)
	if err != nil {
		return usageErr(err)
	}
	if uf.email == "" || args[0] == "add" && (uf.name == "" || uf.role == "") {
		fmt.Fprintf(stderr, "aiguillage %s: --email, --name and --role are required\n", cmd.name)
		return exitError(2)
	}
	store, err := openAccounts(ctx, c.Data)
	if err != nil {
		return err
	}
	defer store.Close()
	if args[0] == "token" {
		return userToken(ctx, store, uf, stdout)
	}
	return userAdd(ctx, store, uf, stdin, stdout)
}

func userAdd(ctx context.Context, store accounts.Store, uf userFlags, stdin io.Reader, stdout io.Writer) error {
	role := accounts.Role(uf.role)
	if !role.Valid() {
		return fmt.Errorf("user add: unknown role %q: want admin, editeur or agent", uf.role)
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("user add: read the password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	u, err := store.CreateUser(ctx, accounts.NewUser{Email: uf.email, Name: uf.name, Role: role,
		Structures: uf.structures, Password: pw})
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(stdout, "account %d created: %s (%s)\n", u.ID, u.Email, u.Role)
	return nil
}

func userToken(ctx context.Context, store accounts.Store, uf userFlags, stdout io.Writer) error {
	u, err := store.UserByEmail(ctx, uf.email)
	if err != nil {
		return fmt.Errorf("user token: %s: %w", uf.email, err)
	}
	secret, err := store.CreateToken(ctx, u.ID, uf.name)
	if err != nil {
		return fmt.Errorf("user token: %w", err)
	}
	fmt.Fprintln(stdout, secret)
	return nil
}
