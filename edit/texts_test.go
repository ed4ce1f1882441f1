package edit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/edit"
)

// TestDefaultMessages runs every operation without a summary: the commit
// message is the configured text, or the French default for a text left
// empty.
func TestDefaultMessages(t *testing.T) {
	english := edit.Texts{Save: "Edit %s", Create: "Create %s", Delete: "Delete %s", Verify: "Verified %s",
		Rename: "Rename %s to %s", Revert: "Revert %s to %s"}
	for _, tt := range []struct {
		name  string
		texts edit.Texts
		want  []string // save, create, verify, rename, revert, delete; %s is the reverted revision
	}{
		{"french by default", edit.Texts{}, []string{
			"Modification de services/epicerie-sociale-cluny",
			"Création de pages/nouvelle",
			"Informations vérifiées : services/epicerie-sociale-cluny",
			"Renommage de pages/nouvelle en pages/renommee",
			"Retour de services/epicerie-sociale-cluny à la version %s",
			"Suppression de pages/renommee",
		}},
		{"configured", english, []string{
			"Edit services/epicerie-sociale-cluny",
			"Create pages/nouvelle",
			"Verified services/epicerie-sociale-cluny",
			"Rename pages/nouvelle to pages/renommee",
			"Revert services/epicerie-sociale-cluny to %s",
			"Delete pages/renommee",
		}},
		{"partly configured", edit.Texts{Save: "Edit %s"}, []string{
			"Edit services/epicerie-sociale-cluny",
			"Création de pages/nouvelle",
			"Informations vérifiées : services/epicerie-sociale-cluny",
			"Renommage de pages/nouvelle en pages/renommee",
			"Retour de services/epicerie-sociale-cluny à la version %s",
			"Suppression de pages/renommee",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ed, err := edit.New(edit.Config{Store: f.store, Refs: loadRefs(t), Now: func() time.Time { return clock }, Texts: tt.texts})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			first := f.head(t)
			var got []string
			run := func(res edit.Result, err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
				c, err := f.store.CommitInfo(ctx, res.Revision)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, strings.TrimSpace(c.Message))
			}
			text := strings.Replace(serviceText, "Première ligne.", "Première ligne modifiée.", 1)
			run(ed.Save(ctx, admin, epicerie, first, []byte(text), " "))
			run(ed.Create(ctx, admin, "pages/nouvelle", []byte("---\ntitre: Nouvelle\n---\nTexte.\n"), ""))
			run(ed.Verify(ctx, admin, epicerie, ""))
			run(ed.Rename(ctx, admin, "pages/nouvelle", "pages/renommee", "", ""))
			run(ed.Revert(ctx, admin, epicerie, first, ""))
			run(ed.Delete(ctx, admin, "pages/renommee", "", ""))
			for i, want := range tt.want {
				if strings.Contains(want, "%s") {
					want = strings.Replace(want, "%s", first.Short(), 1)
				}
				if got[i] != want {
					t.Errorf("message %d: %q, want %q", i, got[i], want)
				}
			}
		})
	}
}
