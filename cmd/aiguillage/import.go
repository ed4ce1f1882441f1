package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/datainclusion"
)

// importFlags are the import command's own flags.
type importFlags struct {
	dryRun      bool
	mapping     string
	source      string
	authorEmail string
	message     string
}

var importCmd = command{
	name: "import",
	args: "FILE...",
	about: `Import structures and services into the directory from data·inclusion JSON
files, or from CSV (comma or semicolon separated) and XLSX spreadsheets whose
columns are named after the schema's fields or with the usual French
headers ("Nom", "Code postal", "Téléphone"...); --mapping FILE maps other
headers (a YAML object "header: field", "-" to ignore a column).

Rows are matched to existing pages by id, else by name (and structure);
only the fields a row changes are written, private information, bodies
and unknown keys are kept. Every invalid row is listed with its row number
and the reason, and none of them is imported. The valid rows land in one
commit credited to --author-email; importing the same file again changes
nothing. --dry-run only prints what would be done. Exit status 1 when any
row is invalid. --author-email must be an active administrator's account
of DATA/accounts.db (see aiguillage user add): the commit is credited to
that person. Works while the server runs: it picks the commit up.`,
	flags: func(c *config, fs *flag.FlagSet) { c.repoFlags(fs); c.logFlags(fs) },
	nargs: 1 << 10,
}

// importData runs the import command.
func importData(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var f importFlags
	cmd := importCmd
	cmd.extra = func(fs *flag.FlagSet) {
		fs.BoolVar(&f.dryRun, "dry-run", false, "print what the import would do, change nothing")
		fs.StringVar(&f.mapping, "mapping", "", "column mapping `file` (YAML: \"En-tête: champ\")")
		fs.StringVar(&f.source, "source", datainclusion.DefaultSource, "this directory's producer identifier: ids SOURCE--slug name the page slug")
		fs.StringVar(&f.authorEmail, "author-email", "", "e-mail of the administrator importing, the commit's author (required unless --dry-run)")
		fs.StringVar(&f.message, "message", "", "commit message (default: a summary)")
	}
	c, files, err := parse(cmd, args, getenv, stdout, stderr)
	if err != nil {
		return usageErr(err)
	}
	var author content.Author
	switch {
	case len(files) == 0:
		err = errors.New("give the files to import (aiguillage import FILE...)")
	case f.authorEmail == "" && !f.dryRun:
		err = errors.New("--author-email is required: the import is credited to the administrator who makes it")
	case !f.dryRun:
		author, err = importAuthor(ctx, c.Data, f.authorEmail)
	}
	if err != nil {
		fmt.Fprintf(stderr, "aiguillage import: %v\n", err)
		return exitError(2)
	}
	m := datainclusion.DefaultMapping()
	if f.mapping != "" {
		data, err := os.ReadFile(f.mapping)
		if err == nil {
			m, err = datainclusion.ParseMapping(data)
		}
		if err != nil {
			fmt.Fprintf(stderr, "aiguillage import: --mapping: %v\n", err)
			return exitError(2)
		}
	}
	var sheets []datainclusion.Sheet
	for _, name := range files {
		sh, err := readInput(name, m)
		if err != nil {
			fmt.Fprintf(stderr, "aiguillage import: %v\n", err)
			return exitError(2)
		}
		sheets = append(sheets, sh...)
	}
	store, refs, err := openStore(ctx, c, c.logger(stderr))
	if err != nil {
		return err
	}
	defer store.Close()
	cat, _, err := headCatalog(ctx, store, refs)
	if err != nil {
		return err
	}
	im, err := datainclusion.NewImporter(datainclusion.ImportConfig{Refs: refs, Source: f.source})
	if err != nil {
		return err
	}
	plan, err := im.Plan(ctx, cat, store, sheets)
	if err != nil {
		return err
	}
	printPlan(stdout, plan, f.dryRun)
	if !f.dryRun {
		msg := f.message
		if msg == "" {
			msg = plan.Message(baseNames(files))
		}
		cm, err := datainclusion.Apply(ctx, store, plan, author, msg)
		if err != nil {
			return err
		}
		if cm.Revision != "" {
			fmt.Fprintf(stdout, "committed %s: %s\n", cm.Revision.Short(), msg)
		} else {
			fmt.Fprintln(stdout, "nothing to commit: the directory already holds these records")
		}
	}
	if len(plan.Invalid) > 0 {
		return exitError(1)
	}
	return nil
}

// importAuthor is the account an import is credited to: an active
// administrator of the data folder's accounts.
func importAuthor(ctx context.Context, data, email string) (content.Author, error) {
	store, err := openAccounts(ctx, data)
	if err != nil {
		return content.Author{}, err
	}
	defer store.Close()
	u, err := store.UserByEmail(ctx, email)
	if errors.Is(err, accounts.ErrNotFound) {
		return content.Author{}, fmt.Errorf("--author-email: no account %s in %s (create it with aiguillage user add --role admin)", email, data)
	}
	if err != nil {
		return content.Author{}, err
	}
	if !u.IsAdmin() {
		return content.Author{}, fmt.Errorf("--author-email: %s is not an active administrator: only administrators import", u.Email)
	}
	return content.Author{Name: u.Name, Email: u.Email}, nil
}

func readInput(name string, m datainclusion.Mapping) ([]datainclusion.Sheet, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if st.Size() > datainclusion.MaxFileSize {
		return nil, fmt.Errorf("%s: larger than %d MB", name, datainclusion.MaxFileSize>>20)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return datainclusion.Read(datainclusion.Input{Name: filepath.Base(name), Data: data}, m)
}

func baseNames(files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = filepath.Base(f)
	}
	return out
}

// printPlan lists what an import does, then every invalid row.
func printPlan(w io.Writer, p *datainclusion.Plan, dryRun bool) {
	verb := map[datainclusion.Action]string{datainclusion.Create: "create", datainclusion.Change: "change"}
	for _, it := range p.Items {
		if it.Action == datainclusion.Unchanged {
			continue
		}
		fmt.Fprintf(w, "%-7s %s (%s, ligne %d)", verb[it.Action], it.Path, it.Source, it.Line)
		if it.Action == datainclusion.Change {
			fmt.Fprintf(w, ": %s", strings.Join(it.Fields, ", "))
		}
		fmt.Fprintln(w)
	}
	for _, iv := range p.Invalid {
		fmt.Fprintf(w, "invalid %s\n", iv)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "note    %s\n", n)
	}
	would := ""
	if dryRun {
		would = " (dry run: nothing written)"
	}
	fmt.Fprintf(w, "%d to create, %d to change, %d unchanged, %d invalid%s\n",
		p.Count(datainclusion.Create), p.Count(datainclusion.Change), p.Count(datainclusion.Unchanged), len(p.Invalid), would)
}
