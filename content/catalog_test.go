package content

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const genScript = "../../shared/corpus/gen.py"

// genCorpus generates a content repository with gen.py into a cache under
// os.TempDir(), or skips the caller when python3 or the script is missing.
func genCorpus(t testing.TB, services int) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: corpus tests skipped")
	}
	script, err := filepath.Abs(genScript)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(script); err != nil {
		t.Skipf("%s not found: corpus tests skipped", genScript)
	}
	dir := filepath.Join(os.TempDir(), "aiguillage-bench", fmt.Sprintf("corpus-%d", services))
	if _, err := os.Stat(filepath.Join(dir, ".done")); err == nil {
		return dir
	}
	tmp := dir + fmt.Sprintf(".tmp%d", os.Getpid())
	os.RemoveAll(tmp)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, script, "--out", tmp, "--services", fmt.Sprint(services)).CombinedOutput()
	if err != nil {
		t.Fatalf("gen.py: %v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(tmp, ".done"), nil, 0o644)
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if _, serr := os.Stat(filepath.Join(dir, ".done")); serr != nil { // another process won the race
			t.Fatal(err)
		}
	}
	return dir
}

func TestCatalogCorpus(t *testing.T) {
	refs := testRefs(t)
	files := loadDir(t, genCorpus(t, 500))
	start := time.Now()
	c := NewCatalog("rev1", files, refs)
	t.Logf("%d files in %v", len(files), time.Since(start))
	for _, p := range c.Problems() {
		if !p.Warning {
			t.Errorf("problem in generated corpus: %s [%s]", p.Error(), p.Code)
		}
	}
	if got := c.Len(KindService); got != 500 {
		t.Errorf("services = %d, want 500", got)
	}
	if c.Revision() != "rev1" {
		t.Errorf("revision = %q", c.Revision())
	}
	if cfg := c.Config(); cfg.FraicheurMois != 6 || !strings.Contains(cfg.Nom, "premier accueil") || len(cfg.Territoire) != 5 {
		t.Errorf("config = %+v", cfg)
	}
	if syn := c.Synonyms(); len(syn) < 10 || syn[0][0] != "rsa" {
		t.Errorf("synonyms = %v", syn)
	}

	// Guide pages link to services: their backlinks name the guides.
	guide, ok := c.Doc("pages/aide-alimentaire-71")
	if !ok || len(guide.Links) == 0 {
		t.Fatalf("guide %v without links", ok)
	}
	back := c.Backlinks(guide.Links[0])
	if !contains(back, guide.Path) {
		t.Errorf("backlinks of %s = %v, want %s in them", guide.Links[0], back, guide.Path)
	}

	// Every service is listed under its structure, sorted by folded name.
	svc, _ := c.Doc("services/epicerie-sociale-cluny")
	st, ok := c.StructureOf(svc)
	if !ok || st.Path != "structures/ccas-cluny" {
		t.Fatalf("structure of %v = %v", svc.Path, st)
	}
	list := c.ServicesOf("ccas-cluny")
	if len(list) < 2 || !containsDoc(list, svc) {
		t.Errorf("ServicesOf(ccas-cluny) = %v", titles(list))
	}
	for i := 1; i < len(list); i++ {
		if Fold(list[i-1].Title()) > Fold(list[i].Title()) {
			t.Errorf("ServicesOf not sorted: %v", titles(list))
		}
	}
	total := 0
	for _, st := range c.Docs(KindStructure) {
		total += len(c.ServicesOf(st.Path.Slug()))
	}
	if total != 500 {
		t.Errorf("services by structure = %d, want 500", total)
	}

	// Recent: by date_maj descending, then path.
	recent := c.Recent(KindService, 20)
	if len(recent) != 20 {
		t.Fatalf("Recent = %d documents", len(recent))
	}
	for i := 1; i < len(recent); i++ {
		a, b := recent[i-1], recent[i]
		if a.Updated().Before(b.Updated()) || (a.Updated() == b.Updated() && a.Path > b.Path) {
			t.Errorf("Recent not sorted at %d: %s %s / %s %s", i, a.Updated(), a.Path, b.Updated(), b.Path)
		}
	}
	docs := c.Docs(KindService)
	for i := 1; i < len(docs); i++ {
		if docs[i-1].Path >= docs[i].Path {
			t.Fatalf("Docs not sorted")
		}
	}
	if h, ok := c.FileHash("services/epicerie-sociale-cluny.md"); !ok || len(h) != 40 {
		t.Errorf("FileHash = %q %v", h, ok)
	}
}

func TestCatalogApply(t *testing.T) {
	refs := testRefs(t)
	files := loadDir(t, genCorpus(t, 500))
	old := NewCatalog("rev1", files, refs)

	// Change one service, delete a structure (its services stay, with a
	// problem), add a page.
	byName := map[string]File{}
	for _, f := range files {
		byName[f.Name] = f
	}
	changedSvc := byName["services/epicerie-sociale-cluny.md"]
	changedSvc.Data = []byte(strings.Replace(string(changedSvc.Data), "nom: ", "nom: \"Nouveau nom\"\nold_nom: ", 1))
	added := File{Name: "pages/nouvelle.md", Data: []byte("---\ntitre: Nouvelle page\n---\nVoir [[services/epicerie-sociale-cluny]].\n")}
	deleted := "structures/ccas-cluny.md"
	changed := []File{changedSvc, added}

	var next []File
	for _, f := range files {
		switch f.Name {
		case deleted:
		case changedSvc.Name:
			next = append(next, changedSvc)
		default:
			next = append(next, f)
		}
	}
	next = append(next, added)

	got := old.Apply("rev2", changed, []string{deleted})
	want := NewCatalog("rev2", next, refs)
	assertSameCatalog(t, got, want)

	svc, ok := got.Doc("services/epicerie-sociale-cluny")
	if !ok || svc.Title() != "Nouveau nom" {
		t.Fatalf("changed service = %v %v", svc, ok)
	}
	if _, ok := got.StructureOf(svc); ok {
		t.Error("deleted structure still found")
	}
	var structureProblem bool
	for _, p := range got.FileProblems("services/epicerie-sociale-cluny.md") {
		if p.Code == CodeStructure && !p.Warning && p.Line == 4 {
			structureProblem = true
		}
	}
	if !structureProblem {
		t.Errorf("no structure problem: %v", got.FileProblems("services/epicerie-sociale-cluny.md"))
	}
	if !contains(got.Backlinks("services/epicerie-sociale-cluny"), "pages/nouvelle") {
		t.Error("backlink from the new page missing")
	}
	// Unchanged documents are shared, not parsed again.
	a, _ := old.Doc("services/premier-accueil-ccas-cluny")
	b, _ := got.Doc("services/premier-accueil-ccas-cluny")
	if a != b {
		t.Error("unchanged document was parsed again")
	}
	// The old catalogue is untouched.
	if _, ok := old.Doc("pages/nouvelle"); ok {
		t.Error("Apply modified the old catalogue")
	}
}

func assertSameCatalog(t *testing.T, got, want *Catalog) {
	t.Helper()
	if got.Revision() != want.Revision() {
		t.Errorf("revision %s != %s", got.Revision(), want.Revision())
	}
	for _, kind := range Kinds {
		g, w := got.Docs(kind), want.Docs(kind)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("Docs(%s) differ: %d vs %d", kind, len(g), len(w))
		}
		if !reflect.DeepEqual(got.Recent(kind, 0), want.Recent(kind, 0)) {
			t.Errorf("Recent(%s) differ", kind)
		}
		for _, d := range w {
			if !reflect.DeepEqual(got.Backlinks(d.Path), want.Backlinks(d.Path)) {
				t.Errorf("Backlinks(%s) differ", d.Path)
			}
		}
	}
	for _, st := range want.Docs(KindStructure) {
		if !reflect.DeepEqual(got.ServicesOf(st.Path.Slug()), want.ServicesOf(st.Path.Slug())) {
			t.Errorf("ServicesOf(%s) differ", st.Path.Slug())
		}
	}
	if !reflect.DeepEqual(got.Problems(), want.Problems()) {
		t.Errorf("problems differ:\n%v\n%v", got.Problems(), want.Problems())
	}
	if !reflect.DeepEqual(got.Files(), want.Files()) {
		t.Error("files differ")
	}
	if !reflect.DeepEqual(got.Config(), want.Config()) || !reflect.DeepEqual(got.Synonyms(), want.Synonyms()) {
		t.Error("settings differ")
	}
}

func TestCatalogProblemsAndSettings(t *testing.T) {
	refs := testRefs(t)
	files := []File{
		{Name: "structures/s.md", Data: []byte("---\nnom: Structure\n---\n")},
		{Name: "services/a.md", Data: []byte(validService + "---\nVoir [[pages/absente]].\n")},
		{Name: "services/b.md", Data: []byte("---\nnom: B\n---\n")},
		{Name: "services/Bad.md", Data: []byte("x")},
		{Name: "media/guide.pdf", Data: []byte("%PDF")},
		{Name: "README.md", Data: []byte("# Lisez-moi")},
		{Name: ConfigFile, Data: []byte("fraicheur_mois: -3\n")},
		{Name: SynonymsFile, Data: []byte("# commentaire\nRSA, Revenu de solidarité active \n\nseul\ncaf,  CAF \n")},
		{Name: "services/enorme.md", Hash: "e1", Unread: TooLarge, Size: 9 << 20},
		{Name: "pages/lien.md", Hash: "e2", Unread: Symlink},
	}
	c := NewCatalog("r", files, refs)
	codes := map[string][]string{}
	for _, p := range c.Problems() {
		codes[p.File] = append(codes[p.File], p.Code)
	}
	want := map[string][]string{
		ConfigFile:           {CodeConfig},
		"services/Bad.md":    {CodePath},
		"services/a.md":      {CodeBrokenLink, CodeStructure},
		"services/b.md":      {CodeRequired, CodeRequired, CodeLength},
		"services/enorme.md": {CodeTooLarge},
		"pages/lien.md":      {CodeSymlink},
	}
	for file, w := range want {
		if strings.Join(codes[file], ",") != strings.Join(w, ",") {
			t.Errorf("%s: codes %v, want %v", file, codes[file], w)
		}
	}
	if len(codes) != len(want) {
		t.Errorf("problems in %d files, want %d: %v", len(codes), len(want), codes)
	}
	if _, ok := c.Doc("services/a"); !ok {
		t.Error("a service with a missing structure must stay served")
	}
	for _, p := range c.FileProblems("services/enorme.md") {
		if !strings.Contains(p.Message, "9,0 Mo") {
			t.Errorf("too large: %q, want the real size", p.Message)
		}
	}
	if _, ok := c.Doc("services/enorme"); ok {
		t.Error("an unread file must not be served")
	}
	if _, ok := c.Doc("services/b"); ok {
		t.Error("an invalid service must not be served")
	}
	if c.Config().FraicheurMois != DefaultFraicheurMois {
		t.Errorf("invalid config must give defaults: %+v", c.Config())
	}
	wantSyn := [][]string{{"rsa", "revenu de solidarité active"}, {"caf", "caf"}}
	if !reflect.DeepEqual(c.Synonyms(), wantSyn) {
		t.Errorf("synonyms = %q", c.Synonyms())
	}
	if h, _ := c.FileHash("media/guide.pdf"); h != BlobHash([]byte("%PDF")) {
		t.Errorf("hash = %s", h)
	}
	if got := Check(files, refs); !reflect.DeepEqual(got, c.Problems()) {
		t.Error("Check differs from Problems")
	}
}

func TestBlobHash(t *testing.T) {
	// git hash-object of "hello\n".
	if got := BlobHash([]byte("hello\n")); got != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Errorf("BlobHash = %s", got)
	}
}

func BenchmarkNewCatalog10k(b *testing.B) {
	refs := testRefs(b)
	files := loadDir(b, genCorpus(b, 10000))
	b.ResetTimer()
	for b.Loop() {
		c := NewCatalog("r", files, refs)
		if c.Len(KindService) != 10000 {
			b.Fatal(c.Len(KindService))
		}
	}
}

func contains(list []Path, p Path) bool {
	for _, x := range list {
		if x == p {
			return true
		}
	}
	return false
}

func containsDoc(list []*Document, d *Document) bool {
	for _, x := range list {
		if x == d {
			return true
		}
	}
	return false
}

func titles(list []*Document) []string {
	var out []string
	for _, d := range list {
		out = append(out, d.Title())
	}
	return out
}
