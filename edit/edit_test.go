package edit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
)

const epicerie = content.Path("services/epicerie-sociale-cluny")

func TestSaveOneCommitByTheActor(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, err := f.ed.Load(ctx, epicerie)
	if err != nil {
		t.Fatal(err)
	}
	if d.FrontMatter["nom"] != "Épicerie sociale" || d.FrontMatter["date_maj"] != "2026-10-02" || d.Doc == nil || !strings.HasPrefix(d.Body, "Première") {
		t.Fatalf("draft = %+v", d)
	}
	raw := strings.Replace(string(d.Raw), "Épicerie sociale", "Épicerie solidaire", 1)
	res, err := f.ed.Save(ctx, cluny, epicerie, d.Revision, []byte(raw), "Nouveau nom")
	if err != nil {
		t.Fatal(err)
	}
	if res.Merged || res.Unchanged || res.Revision == d.Revision || res.Revision != f.head(t) {
		t.Fatalf("result = %+v", res)
	}
	want := strings.Replace(raw, "date_maj: 2026-10-02", "date_maj: "+today, 1)
	if got := f.file(t, epicerie.File()); got != want {
		t.Fatalf("saved:\n%s\nwant (comments and order kept, date_maj of Paris):\n%s", got, want)
	}
	c, err := f.store.CommitInfo(ctx, res.Revision)
	if err != nil {
		t.Fatal(err)
	}
	if c.Author.Name != cluny.Name || c.Author.Email != cluny.Email || c.Message != "Nouveau nom" || c.Parent != d.Revision {
		t.Fatalf("commit = %+v", c)
	}
	// Saving the same text again changes nothing and makes no commit.
	again, err := f.ed.Save(ctx, cluny, epicerie, res.Revision, []byte(raw), "rien")
	if err != nil || !again.Unchanged || f.head(t) != res.Revision {
		t.Fatalf("second save: %+v, %v", again, err)
	}
	fsck(t, f.dir)
}

func TestSaveMergesDisjointEdits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, _ := f.ed.Load(ctx, epicerie)
	first := strings.Replace(string(d.Raw), "Ligne directe.", "Ligne directe, le matin.", 1)
	if _, err := f.ed.Save(ctx, cluny, epicerie, d.Revision, []byte(first), "pro"); err != nil {
		t.Fatal(err)
	}
	second := strings.Replace(string(d.Raw), "Cinquième ligne.", "Dernière ligne.", 1)
	second = strings.Replace(second, `nom: "Épicerie sociale"`, `nom: "Épicerie du CCAS"`, 1)
	res, err := f.ed.Save(ctx, admin, epicerie, d.Revision, []byte(second), "texte")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Merged {
		t.Fatalf("result = %+v, want merged", res)
	}
	got := f.file(t, epicerie.File())
	for _, s := range []string{"Ligne directe, le matin.", "Dernière ligne.", `nom: "Épicerie du CCAS"`, "date_maj: " + today, "# Fiche tenue par le CCAS", "# avec les guillemets"} {
		if !strings.Contains(got, s) {
			t.Errorf("merged file lacks %q:\n%s", s, got)
		}
	}
}

func TestSaveConflictKeepsTheText(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, _ := f.ed.Load(ctx, epicerie)
	theirs := strings.Replace(string(d.Raw), "Troisième ligne.", "Leur ligne.", 1)
	if _, err := f.ed.Save(ctx, cluny, epicerie, d.Revision, []byte(theirs), "eux"); err != nil {
		t.Fatal(err)
	}
	head := f.head(t)
	ours := strings.Replace(string(d.Raw), "Troisième ligne.", "Ma ligne.", 1)
	_, err := f.ed.Save(ctx, cluny, epicerie, d.Revision, []byte(ours), "moi")
	var ce *edit.ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, content.ErrConflict) {
		t.Fatalf("err = %v, want a *ConflictError", err)
	}
	if string(ce.Ours) != ours || !strings.Contains(string(ce.Theirs), "Leur ligne.") || string(ce.Base) != string(d.Raw) || ce.Head != head {
		t.Fatalf("conflict = %+v", ce)
	}
	if len(ce.Conflicts) != 1 || ce.Conflicts[0].Ours != "Ma ligne.\n" || ce.Conflicts[0].Theirs != "Leur ligne.\n" {
		t.Fatalf("conflicts = %+v", ce.Conflicts)
	}
	if f.head(t) != head {
		t.Fatal("a conflicting save committed")
	}
	// A forged or unknown base revision is a conflict too, never a silent overwrite.
	_, err = f.ed.Save(ctx, cluny, epicerie, content.Revision(strings.Repeat("ab", 20)), []byte(ours), "moi")
	if !errors.As(err, &ce) || ce.Base != nil {
		t.Fatalf("forged base: %v", err)
	}
}

func TestSaveValidatesEverything(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, _ := f.ed.Load(ctx, epicerie)
	bad := strings.NewReplacer(`nom: "Épicerie sociale"`, `nom: ""`,
		"equipement-et-alimentation--alimentation", "alimentation-inconnue",
		`code_postal: "71250"`, `code_postal: "7125"`,
		"structure: ccas-cluny", "structure: ccas-cluny\ncourriel: pas-une-adresse").Replace(string(d.Raw))
	_, err := f.ed.Save(ctx, cluny, epicerie, d.Revision, []byte(bad), "x")
	var ve *content.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, content.ErrInvalid) {
		t.Fatalf("err = %v, want a *ValidationError", err)
	}
	fields := map[string]bool{}
	for _, p := range ve.Problems {
		fields[p.Field] = true
		if p.Message == "" || p.Code == "" {
			t.Errorf("problem without message or code: %+v", p)
		}
	}
	for _, want := range []string{"nom", "thematiques", "code_postal", "courriel"} {
		if !fields[want] {
			t.Errorf("no problem on %s: %+v", want, ve.Problems)
		}
	}
	missing := strings.Replace(string(d.Raw), "structure: ccas-cluny", "structure: ccas-inconnu", 1)
	_, err = f.ed.Save(ctx, admin, epicerie, d.Revision, []byte(missing), "x")
	if !errors.As(err, &ve) || ve.Problems[0].Code != content.CodeStructure {
		t.Fatalf("missing structure: %v", err)
	}
	for _, broken := range []string{"pas d'en-tête", "---\nnom: [\n---\n", "---\nnom: x\n", string(make([]byte, content.MaxFileSize+1))} {
		if _, err := f.ed.Save(ctx, admin, epicerie, d.Revision, []byte(broken), "x"); !errors.Is(err, content.ErrInvalid) {
			t.Errorf("save %.20q: err = %v, want invalid", broken, err)
		}
	}
	if f.head(t) != d.Revision {
		t.Fatal("an invalid file was committed")
	}
}

func TestHostilePaths(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	head := f.head(t)
	for _, p := range []string{"services/../structures/ccas-cluny", "../services/x", "Services/epicerie", "services/Epicerie",
		"services/a/b", "services/", "", "services/x.md", ".aiguillage/config", "media/plan", "services/x%2F..", "services/ x"} {
		_, err := f.ed.Save(ctx, admin, content.Path(p), head, []byte(serviceText), "x")
		if !errors.Is(err, content.ErrInvalidPath) {
			t.Errorf("save %q: err = %v, want ErrInvalidPath", p, err)
		}
		if _, err := f.ed.Create(ctx, admin, content.Path(p), []byte(serviceText), "x"); !errors.Is(err, content.ErrInvalidPath) {
			t.Errorf("create %q: err = %v, want ErrInvalidPath", p, err)
		}
	}
	if f.head(t) != head {
		t.Fatal("a hostile path was committed")
	}
}

func TestScriptIsStoredAsText(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, _ := f.ed.Load(ctx, epicerie)
	script := `<script>alert(1)</script>`
	raw := strings.Replace(string(d.Raw), `nom: "Épicerie sociale"`, `nom: "`+script+`"`, 1) + script + "\n<img src=x onerror=alert(1)>\n"
	if _, err := f.ed.Save(ctx, cluny, epicerie, d.Revision, []byte(raw), script); err != nil {
		t.Fatal(err)
	}
	got := f.file(t, epicerie.File())
	if !strings.Contains(got, script) {
		t.Fatal("the text was altered")
	}
	doc, _ := content.Parse(epicerie.File(), []byte(got), loadRefs(t))
	html, err := content.NewRenderer().Render(doc.Body, func(content.Path) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(html), "<script") || strings.Contains(html, "onerror") {
		t.Fatalf("rendered body holds script: %s", html)
	}
}

func TestRights(t *testing.T) {
	svc := func(structure string) []byte {
		return []byte("---\nnom: Service\nstructure: " + structure + "\nthematiques: [famille]\n---\n")
	}
	tests := []struct {
		name          string
		a             edit.Actor
		file          string
		before, after []byte
		want          bool
	}{
		{"admin edits a guide", admin, "pages/aide-alimentaire.md", []byte("a"), []byte("b"), true},
		{"admin edits settings", admin, ".aiguillage/config.yaml", []byte("a"), []byte("b"), true},
		{"editor edits own structure", cluny, "structures/ccas-cluny.md", []byte("a"), []byte("b"), true},
		{"editor edits another structure", cluny, "structures/mairie-macon.md", []byte("a"), []byte("b"), false},
		{"editor edits own service", cluny, "services/x.md", svc("ccas-cluny"), svc("ccas-cluny"), true},
		{"editor creates own service", cluny, "services/x.md", nil, svc("ccas-cluny"), true},
		{"editor deletes own service", cluny, "services/x.md", svc("ccas-cluny"), nil, true},
		{"editor edits another's service", cluny, "services/x.md", svc("mairie-macon"), svc("mairie-macon"), false},
		{"editor moves a service away", cluny, "services/x.md", svc("ccas-cluny"), svc("mairie-macon"), false},
		{"editor takes a service over", cluny, "services/x.md", svc("mairie-macon"), svc("ccas-cluny"), false},
		{"editor edits an unreadable service", cluny, "services/x.md", []byte("---\n[\n---\n"), svc("ccas-cluny"), false},
		{"editor edits a guide", cluny, "pages/aide-alimentaire.md", []byte("a"), []byte("b"), false},
		{"editor edits settings", cluny, ".aiguillage/redirections.txt", []byte("a"), []byte("b"), false},
		{"editor adds media", cluny, "media/plan.pdf", nil, []byte("b"), false},
		{"anonymous", nobody, "services/x.md", svc("ccas-cluny"), svc("ccas-cluny"), false},
		{"agent without structures", edit.Actor{Name: "Agent", Email: "a@example.org"}, "services/x.md", svc("ccas-cluny"), svc("ccas-cluny"), false},
	}
	for _, tt := range tests {
		if got := edit.Allowed(tt.a, tt.file, tt.before, tt.after); got != tt.want {
			t.Errorf("%s: Allowed = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestForbiddenOperations(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, _ := f.ed.Load(ctx, epicerie)
	moved := strings.Replace(string(d.Raw), "structure: ccas-cluny", "structure: mairie-macon", 1)
	checks := map[string]error{}
	_, checks["macon saves cluny's service"] = f.ed.Save(ctx, macon, epicerie, d.Revision, d.Raw, "x")
	_, checks["cluny moves its service to macon"] = f.ed.Save(ctx, cluny, epicerie, d.Revision, []byte(moved), "x")
	_, checks["cluny edits a guide"] = f.ed.Save(ctx, cluny, "pages/aide-alimentaire", d.Revision, []byte("---\ntitre: Guide\n---\n"), "x")
	_, checks["cluny creates for macon"] = f.ed.Create(ctx, cluny, "services/nouveau", []byte(moved), "x")
	_, checks["macon deletes"] = f.ed.Delete(ctx, macon, epicerie, "", "x")
	_, checks["anonymous verifies"] = f.ed.Verify(ctx, nobody, epicerie, "")
	_, checks["macon renames"] = f.ed.Rename(ctx, macon, epicerie, "services/autre", "", "x")
	_, checks["macon reverts"] = f.ed.Revert(ctx, macon, epicerie, d.Revision, "x")
	for name, err := range checks {
		if !errors.Is(err, edit.ErrForbidden) {
			t.Errorf("%s: err = %v, want ErrForbidden", name, err)
		}
	}
	if f.head(t) != d.Revision {
		t.Fatal("a forbidden change was committed")
	}
}

func TestCreateRenameDeleteRevert(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	newSvc := content.Path("services/vestiaire-cluny")
	text := "---\nnom: Vestiaire\nstructure: ccas-cluny\nthematiques: [equipement-et-alimentation--habillement]\n---\nVêtements.\n"
	res, err := f.ed.Create(ctx, cluny, newSvc, []byte(text), "Nouveau service")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.file(t, newSvc.File()); !strings.Contains(got, "date_maj: "+today+"\n---\n") {
		t.Fatalf("created:\n%s", got)
	}
	if _, err := f.ed.Create(ctx, cluny, newSvc, []byte(text), "encore"); !errors.Is(err, edit.ErrExists) || !errors.Is(err, content.ErrConflict) {
		t.Fatalf("create twice: %v", err)
	}
	renamed := content.Path("services/vestiaire-solidaire-cluny")
	res, err = f.ed.Rename(ctx, cluny, newSvc, renamed, res.Revision, "Renommage")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.ReadFile(ctx, res.Revision, newSvc.File()); !errors.Is(err, content.ErrNotFound) {
		t.Fatalf("old file still there: %v", err)
	}
	red := content.ParseRedirects([]byte(f.file(t, content.RedirectsFile)))
	if red[newSvc] != renamed {
		t.Fatalf("redirects = %v", red)
	}
	if _, err := f.ed.Rename(ctx, cluny, renamed, epicerie, "", "x"); !errors.Is(err, edit.ErrExists) {
		t.Fatalf("rename onto an existing page: %v", err)
	}
	if _, err := f.ed.Rename(ctx, admin, renamed, "structures/x", "", "x"); !errors.Is(err, content.ErrInvalidPath) {
		t.Fatalf("rename to another kind: %v", err)
	}
	before := res.Revision
	if _, err := f.ed.Delete(ctx, cluny, renamed, before, "Suppression"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ed.Load(ctx, renamed); !errors.Is(err, content.ErrNotFound) {
		t.Fatalf("load deleted page: %v", err)
	}
	res, err = f.ed.Revert(ctx, cluny, renamed, before, "Restauration")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.file(t, renamed.File()); !strings.Contains(got, "Vêtements.") {
		t.Fatalf("restored:\n%s", got)
	}
	fsck(t, f.dir)
}

func TestDeleteRefusesAStaleBase(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, _ := f.ed.Load(ctx, epicerie)
	if _, err := f.ed.Save(ctx, cluny, epicerie, d.Revision, []byte(strings.Replace(string(d.Raw), "Première", "1re", 1)), "x"); err != nil {
		t.Fatal(err)
	}
	var ce *edit.ConflictError
	if _, err := f.ed.Delete(ctx, cluny, epicerie, d.Revision, "x"); !errors.As(err, &ce) {
		t.Fatalf("delete with a stale base: %v", err)
	}
}

func TestRenameStructureMovesItsServices(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.ed.Rename(ctx, cluny, "structures/ccas-cluny", "structures/cias-clunisois", "", "x"); !errors.Is(err, edit.ErrForbidden) {
		t.Fatalf("an editor renames its structure (its services would leave it): %v", err)
	}
	res, err := f.ed.Rename(ctx, admin, "structures/ccas-cluny", "structures/cias-clunisois", "", "Fusion")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.file(t, epicerie.File()); !strings.Contains(got, "structure: cias-clunisois\n") || !strings.Contains(got, "# avec les guillemets") {
		t.Fatalf("service after the rename:\n%s", got)
	}
	files, _ := f.store.Files(ctx, res.Revision)
	if probs := content.Check(files, loadRefs(t)); len(errorsOnly(probs)) > 0 {
		t.Fatalf("repository invalid after the rename: %v", probs)
	}
}

func errorsOnly(ps []content.Problem) []content.Problem {
	var out []content.Problem
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

func TestVerify(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res, err := f.ed.Verify(ctx, cluny, epicerie, "")
	if err != nil {
		t.Fatal(err)
	}
	got := f.file(t, epicerie.File())
	if !strings.Contains(got, "verifie_le: "+today+"\n---\n") || !strings.Contains(got, "date_maj: 2026-10-02") {
		t.Fatalf("verified:\n%s", got)
	}
	c, _ := f.store.CommitInfo(ctx, res.Revision)
	if !strings.HasPrefix(c.Message, "Informations vérifiées") {
		t.Fatalf("message %q", c.Message)
	}
	if _, err := f.ed.Verify(ctx, admin, "pages/aide-alimentaire", ""); !errors.Is(err, content.ErrInvalid) {
		t.Fatalf("verify a guide: %v", err)
	}
	if _, err := f.ed.Verify(ctx, admin, "services/absent", ""); !errors.Is(err, content.ErrNotFound) {
		t.Fatalf("verify a missing page: %v", err)
	}
}

// TestVerifyFrom checks that a confirmation based on a revision after
// which the page changed is refused, and that the check comes after the
// rights, so that a stranger learns nothing of the page from a conflict.
func TestVerifyFrom(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	base := f.head(t)
	// Another page changes: the base is stale but the page is the same.
	if _, err := f.ed.Save(ctx, admin, "pages/aide-alimentaire", base, []byte("---\ntitre: Aide alimentaire\n---\nGuide revu.\n"), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ed.VerifyFrom(ctx, cluny, epicerie, base, ""); err != nil {
		t.Fatalf("verify from a revision the page has not changed since: %v", err)
	}
	changed := strings.Replace(serviceText, "Deuxième ligne.", "Deuxième ligne revue.", 1)
	if _, err := f.ed.Save(ctx, admin, epicerie, f.head(t), []byte(changed), ""); err != nil {
		t.Fatal(err)
	}
	tip := f.head(t)
	var ce *edit.ConflictError
	if _, err := f.ed.VerifyFrom(ctx, cluny, epicerie, base, ""); !errors.As(err, &ce) {
		t.Fatalf("verify from before a change: %v, want a conflict", err)
	}
	if _, err := f.ed.VerifyFrom(ctx, macon, epicerie, base, ""); !errors.Is(err, edit.ErrForbidden) {
		t.Fatalf("verify by another structure from a stale revision: %v, want forbidden", err)
	}
	if f.head(t) != tip {
		t.Fatal("a refused confirmation was committed")
	}
	if _, err := f.ed.VerifyFrom(ctx, cluny, epicerie, tip, ""); err != nil {
		t.Fatalf("verify from the tip: %v", err)
	}
}

func TestCompose(t *testing.T) {
	fm, body, ok := edit.Split([]byte(serviceText))
	if !ok {
		t.Fatal("split failed")
	}
	fm["nom"] = "Épicerie solidaire"
	fm["langues"] = []any{"fr", "ar"}
	fm["age_min"] = float64(18) // as JSON decodes it
	delete(fm, "code_postal")
	out, err := edit.Compose([]byte(serviceText), fm, body)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(`nom: "Épicerie sociale"`, "nom: Épicerie solidaire", "code_postal: \"71250\" # avec les guillemets\n", "",
		"  notes: \"Ligne directe.\"\n", "  notes: \"Ligne directe.\"\nage_min: 18\nlangues: [fr, ar]\n").Replace(serviceText)
	if string(out) != want {
		t.Fatalf("composed:\n%s\nwant:\n%s", out, want)
	}
}

func TestErrorsNameTheOperation(t *testing.T) {
	f := newFixture(t)
	_, err := f.ed.Save(context.Background(), admin, "services/absent", f.head(t), []byte(serviceText), "x")
	if !errors.Is(err, content.ErrNotFound) || !strings.Contains(fmt.Sprint(err), "services/absent") {
		t.Fatalf("err = %v", err)
	}
}
