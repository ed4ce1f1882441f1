package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

var reindexCmd = command{
	name: "reindex",
	about: `Rebuild the search index of DATA from the branch's tip. Stop the server
first: the index is open in one process at a time.`,
	flags: func(c *config, fs *flag.FlagSet) { c.repoFlags(fs); c.logFlags(fs) },
}

// reindex rebuilds the search index from the branch's tip. The server must
// be stopped: a bleve index is open in one process at a time.
func reindex(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parse(reindexCmd, args, getenv, stdout, stderr)
	if err != nil {
		return usageErr(err)
	}
	log := c.logger(stderr)
	p, err := open(ctx, c, log)
	if err != nil {
		return err
	}
	defer p.close(log)
	start := time.Now()
	head, err := p.store.Head(ctx)
	if err != nil {
		return err
	}
	files, err := p.store.Files(ctx, head)
	if err != nil {
		return err
	}
	cat := content.NewCatalog(head, files, p.refs)
	if err := p.index.Sync(ctx, cat, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "index rebuilt at %s: %d services, %d structures, %d pages in %s\n", head.Short(),
		cat.Len(content.KindService), cat.Len(content.KindStructure), cat.Len(content.KindPage),
		time.Since(start).Round(time.Millisecond))
	return nil
}
