// Package demo holds the demo content repository embedded in the binary: a
// small but realistic directory of social services (structures, services and
// guide pages for Saône-et-Loire, Haute-Savoie, the Marne, the Hauts-de-Seine
// and Ille-et-Vilaine) that is committed into a fresh content repository the
// first time the server starts, so that a new instance can be explored at
// once. Contacts in it are fictional; places and territory codes are real.
package demo

import (
	"embed"
	"io/fs"
)

//go:embed all:repo
var files embed.FS

// FS returns the demo content repository, rooted at its top folder.
func FS() fs.FS {
	sub, err := fs.Sub(files, "repo")
	if err != nil {
		// The embedded path is fixed at compile time: this cannot happen.
		panic(err)
	}
	return sub
}
