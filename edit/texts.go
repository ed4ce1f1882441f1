package edit

// Texts are the commit messages an operation writes when the person gives
// no summary. They end up in the repository's history, so they follow the
// language of the server that makes the commit. Each is a fmt format; an
// empty one stands for its French default, so the command line and tests
// need not set them.
type Texts struct {
	Save   string // the page's path
	Create string // the page's path
	Delete string // the page's path
	Verify string // the page's path
	Rename string // the old path, the new path
	Revert string // the page's path, the short revision it goes back to
}

// orFrench fills the empty texts of t with the French defaults.
func (t Texts) orFrench() Texts {
	or := func(s *string, def string) {
		if *s == "" {
			*s = def
		}
	}
	or(&t.Save, "Modification de %s")
	or(&t.Create, "Création de %s")
	or(&t.Delete, "Suppression de %s")
	or(&t.Verify, "Informations vérifiées : %s")
	or(&t.Rename, "Renommage de %s en %s")
	or(&t.Revert, "Retour de %s à la version %s")
	return t
}
