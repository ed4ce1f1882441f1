package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/demo"
	"github.com/aiguillage/aiguillage/content/gitstore"
	"github.com/aiguillage/aiguillage/datainclusion"
)

// exportFlags are the export command's own flags.
type exportFlags struct {
	format string
	source string
}

var exportCmd = command{
	name: "export",
	args: "DIR",
	about: `Write the public directory at the branch's tip in the data·inclusion schema
v1.0.8 into DIR: structures.json and services.json (--format data-inclusion),
structures.csv and services.csv (--format csv), or all four (--format all).
Private (pro) information is never exported; every page left out, and why,
is listed on standard error. Works while the server runs.`,
	flags: func(c *config, fs *flag.FlagSet) {
		c.repoFlags(fs)
		c.logFlags(fs)
		fs.StringVar(&c.BaseURL, "base-url", "", "public URL of the site, for lien_source; default: config.yaml's base_url (AIGUILLAGE_BASE_URL)")
	},
	nargs: 1,
}

// export writes the data·inclusion files of the branch's tip.
func export(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var xf exportFlags
	cmd := exportCmd
	cmd.extra = func(fs *flag.FlagSet) {
		fs.StringVar(&xf.format, "format", "data-inclusion", "data-inclusion (JSON), csv or all")
		fs.StringVar(&xf.source, "source", datainclusion.DefaultSource, "producer identifier, the first part of every id")
	}
	c, pos, err := parse(cmd, args, getenv, stdout, stderr)
	if err != nil {
		return usageErr(err)
	}
	var names []string
	switch xf.format {
	case "data-inclusion", "json":
		names = datainclusion.FileNames[:2]
	case "csv":
		names = datainclusion.FileNames[2:]
	case "all":
		names = datainclusion.FileNames
	default:
		fmt.Fprintf(stderr, "aiguillage export: unknown format %q: want data-inclusion, csv or all\n", xf.format)
		return exitError(2)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "aiguillage export: give the folder to write to (aiguillage export DIR)")
		return exitError(2)
	}
	log := c.logger(stderr)
	store, refs, err := openStore(ctx, c, log)
	if err != nil {
		return err
	}
	defer store.Close()
	cat, commit, err := headCatalog(ctx, store, refs)
	if err != nil {
		return err
	}
	base := c.BaseURL
	if base == "" {
		base = cat.Config().BaseURL
	}
	ex, err := datainclusion.NewExporter()
	if err != nil {
		return err
	}
	x, err := ex.Export(cat, datainclusion.Config{Source: xf.source, BaseURL: base, DefaultDate: content.DateOf(commit.When)})
	if err != nil {
		return err
	}
	if err := writeExport(x, pos[0], names); err != nil {
		return err
	}
	for _, o := range x.Omitted {
		fmt.Fprintln(stderr, o)
	}
	fmt.Fprintf(stdout, "exported %d structures and %d services at %s to %s (%d omissions)\n",
		len(x.Structures), len(x.Services), commit.Revision.Short(), pos[0], len(x.Omitted))
	return nil
}

// writeExport writes files of an export into dir, each through a temporary
// file renamed into place.
func writeExport(x *datainclusion.Export, dir string, names []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for _, name := range names {
		tmp, err := os.CreateTemp(dir, "."+name+"-*")
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		err = x.WriteFile(tmp, name)
		if err == nil {
			err = tmp.Chmod(0o644)
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), filepath.Join(dir, name))
		}
		if err != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("export %s: %w", name, err)
		}
	}
	return nil
}

// openStore opens the content repository alone, for the commands that read
// or commit without serving: no search index, and no history index either,
// which a running server keeps locked (they need no history; a server
// running beside them picks their commit up).
func openStore(ctx context.Context, c config, log *slog.Logger) (*gitstore.Store, *content.Referentials, error) {
	if c.Content != "" {
		if _, err := os.Stat(c.Content); err != nil {
			return nil, nil, fmt.Errorf("--content: %w", err)
		}
	}
	cfg := gitstore.Config{Dir: c.repoDir(), Branch: c.Branch, Log: log}
	if c.Content == "" {
		cfg.Seed = demo.FS()
	}
	store, err := gitstore.Open(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("open content repository %s (branch %s): %w", cfg.Dir, cfg.Branch, err)
	}
	refs, err := content.LoadReferentials()
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, refs, nil
}

// headCatalog reads the catalogue at the branch's tip.
func headCatalog(ctx context.Context, store *gitstore.Store, refs *content.Referentials) (*content.Catalog, content.Commit, error) {
	head, err := store.Head(ctx)
	if err != nil {
		return nil, content.Commit{}, err
	}
	files, err := store.Files(ctx, head)
	if err != nil {
		return nil, content.Commit{}, err
	}
	commit, err := store.CommitInfo(ctx, head)
	if err != nil {
		return nil, content.Commit{}, err
	}
	return content.NewCatalog(head, files, refs), commit, nil
}
