package content

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestApplyEqualsRebuild applies random changes one after the other and
// checks that each catalogue Apply derives equals the one built from
// scratch on the same files.
func TestApplyEqualsRebuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	files := map[string]string{
		ConfigFile:    "nom: Annuaire\n",
		SynonymsFile:  "épicerie, épicerie solidaire\n",
		RedirectsFile: "services/ancien services/s1\n",
	}
	structure := func(i int) string { return fmt.Sprintf("structures/st%d.md", i) }
	service := func(i int) string {
		return fmt.Sprintf("---\nnom: \"Service %s %d\"\nstructure: st%d\nthematiques: [x]\ndate_maj: 2026-%02d-%02d\n---\nVoir [[services/s%d]] et [[pages/p%d]].\n",
			[]string{"Été", "été", "Zèbre", "abc"}[rng.IntN(4)], rng.IntN(5), rng.IntN(6), 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(30), rng.IntN(5))
	}
	for i := range 5 {
		files[structure(i)] = fmt.Sprintf("---\nnom: Structure %d\n---\nVoir [[services/s%d]].\n", i, i)
	}
	for i := range 30 {
		files[fmt.Sprintf("services/s%d.md", i)] = service(i)
	}
	for i := range 5 {
		files[fmt.Sprintf("pages/p%d.md", i)] = fmt.Sprintf("---\ntitre: Guide %d\n---\n[[structures/st%d]] [[services/s%d]]\n", i, i, i)
	}
	toFiles := func(names []string) []File {
		var out []File
		for _, n := range names {
			out = append(out, File{Name: n, Data: []byte(files[n])})
		}
		return out
	}
	cat := NewCatalog("r0", toFiles(slices.Collect(maps.Keys(files))), nil)
	for step := range 300 {
		var changed, deleted []string
		for range 1 + rng.IntN(3) {
			switch r := rng.IntN(10); {
			case r < 5:
				name := fmt.Sprintf("services/s%d.md", rng.IntN(35))
				files[name] = service(rng.IntN(35))
				changed = append(changed, name)
			case r < 7:
				names := slices.Sorted(maps.Keys(files))
				name := names[rng.IntN(len(names))]
				if !slices.Contains(changed, name) && !slices.Contains(deleted, name) {
					delete(files, name)
					deleted = append(deleted, name)
				}
			case r < 8:
				name := structure(rng.IntN(7))
				files[name] = fmt.Sprintf("---\nnom: Structure %d\n---\n", rng.IntN(9))
				changed = append(changed, name)
			case r < 9:
				name := fmt.Sprintf("pages/p%d.md", rng.IntN(7))
				files[name] = fmt.Sprintf("---\ntitre: Guide\ndate_maj: 2026-01-%02d\n---\n[[services/s%d]] [[pages/p%d]]\n", 1+rng.IntN(28), rng.IntN(35), rng.IntN(7))
				changed = append(changed, name)
			default:
				files[RedirectsFile] = fmt.Sprintf("services/s%d services/s%d\n", rng.IntN(35), rng.IntN(35))
				files[SynonymsFile] = fmt.Sprintf("a%d, b\n", step)
				changed = append(changed, RedirectsFile, SynonymsFile)
			}
		}
		slices.Sort(changed)
		changed = slices.Compact(changed)
		// A file deleted then written again in one step is a change.
		deleted = slices.DeleteFunc(deleted, func(n string) bool { _, ok := files[n]; return ok })
		rev := Revision(fmt.Sprint("r", step+1))
		cat = cat.Apply(rev, toFiles(changed), deleted)
		want := NewCatalog(rev, toFiles(slices.Collect(maps.Keys(files))), nil)
		if diff := catalogDiff(cat, want); diff != "" {
			t.Fatalf("step %d (changed %v, deleted %v): %s", step, changed, deleted, diff)
		}
	}
}

// catalogDiff compares two catalogues through their accessors.
func catalogDiff(got, want *Catalog) string {
	paths := func(ds []*Document) []Path {
		var out []Path
		for _, d := range ds {
			out = append(out, d.Path)
		}
		return out
	}
	for _, kind := range Kinds {
		if g, w := paths(got.Docs(kind)), paths(want.Docs(kind)); !reflect.DeepEqual(g, w) {
			return fmt.Sprintf("Docs(%s) = %v, want %v", kind, g, w)
		}
		if g, w := paths(got.Recent(kind, 0)), paths(want.Recent(kind, 0)); !reflect.DeepEqual(g, w) {
			return fmt.Sprintf("Recent(%s) = %v, want %v", kind, g, w)
		}
	}
	for i := range 8 {
		slug := fmt.Sprintf("st%d", i)
		if g, w := paths(got.ServicesOf(slug)), paths(want.ServicesOf(slug)); !reflect.DeepEqual(g, w) {
			return fmt.Sprintf("ServicesOf(%s) = %v, want %v", slug, g, w)
		}
	}
	for _, kind := range Kinds {
		for i := range 40 {
			p := Path(fmt.Sprintf("%s/%s%d", kind, map[Kind]string{KindService: "s", KindStructure: "st", KindPage: "p"}[kind], i))
			if g, w := got.Backlinks(p), want.Backlinks(p); !reflect.DeepEqual(g, w) {
				return fmt.Sprintf("Backlinks(%s) = %v, want %v", p, g, w)
			}
			gd, gok := got.Doc(p)
			wd, wok := want.Doc(p)
			if gok != wok || gok && !reflect.DeepEqual(gd, wd) {
				return fmt.Sprintf("Doc(%s) differs", p)
			}
			gr, _ := got.Redirect(p)
			wr, _ := want.Redirect(p)
			if gr != wr {
				return fmt.Sprintf("Redirect(%s) = %s, want %s", p, gr, wr)
			}
		}
	}
	if g, w := got.Problems(), want.Problems(); !reflect.DeepEqual(g, w) {
		return fmt.Sprintf("Problems = %v, want %v", g, w)
	}
	if g, w := got.Files(), want.Files(); !reflect.DeepEqual(g, w) {
		return fmt.Sprintf("Files = %v, want %v", g, w)
	}
	for _, name := range want.Files() {
		if g, w := got.FileProblems(name), want.FileProblems(name); !reflect.DeepEqual(g, w) {
			return fmt.Sprintf("FileProblems(%s) = %v, want %v", name, g, w)
		}
	}
	if !reflect.DeepEqual(got.Synonyms(), want.Synonyms()) || !reflect.DeepEqual(got.Config(), want.Config()) {
		return "settings differ"
	}
	return ""
}
