package content

import (
	"time"
)

// Service is the front matter of services/*.md: the unit a reception agent
// orients a person to. Field names and values follow data·inclusion v1.0.8.
type Service struct {
	Nom               string   `yaml:"nom"`
	Structure         string   `yaml:"structure"` // slug of a file in structures/
	Thematiques       []string `yaml:"thematiques"`
	Types             []string `yaml:"types,omitempty"`
	Publics           []string `yaml:"publics,omitempty"`
	PublicsPrecisions string   `yaml:"publics_precisions,omitempty"`
	ConditionsAcces   string   `yaml:"conditions_acces,omitempty"`
	Frais             string   `yaml:"frais,omitempty"`
	FraisPrecisions   string   `yaml:"frais_precisions,omitempty"`
	ModesAccueil      []string `yaml:"modes_accueil,omitempty"`
	ModesMobilisation []string `yaml:"modes_mobilisation,omitempty"`
	MobilisablePar    []string `yaml:"mobilisable_par,omitempty"`
	Address           `yaml:",inline"`
	ZoneEligibilite   []string `yaml:"zone_eligibilite,omitempty"`
	HorairesAccueil   string   `yaml:"horaires_accueil,omitempty"`
	Contact           `yaml:",inline"`
	LienMobilisation  string           `yaml:"lien_mobilisation,omitempty"`
	Langues           []string         `yaml:"langues,omitempty"`
	DateMaj           Date             `yaml:"date_maj,omitempty"`
	VerifieLe         Date             `yaml:"verifie_le,omitempty"`
	Pro               *Pro             `yaml:"pro,omitempty"`
	Inconditionnel    bool             `yaml:"inconditionnel,omitempty"`
	AgeMin            *int             `yaml:"age_min,omitempty"`
	AgeMax            *int             `yaml:"age_max,omitempty"`
	Justificatifs     []string         `yaml:"justificatifs,omitempty"`
	Statut            Statut           `yaml:"statut,omitempty"`
	Complet           bool             `yaml:"complet,omitempty"`
	InfosTemporaires  []InfoTemporaire `yaml:"infos_temporaires,omitempty"`
}

// Structure is the front matter of structures/*.md: an organisation.
type Structure struct {
	Nom               string   `yaml:"nom"`
	Siret             string   `yaml:"siret,omitempty"`
	ReseauxPorteurs   []string `yaml:"reseaux_porteurs,omitempty"`
	Address           `yaml:",inline"`
	HorairesAccueil   string `yaml:"horaires_accueil,omitempty"`
	Contact           `yaml:",inline"`
	AccessibiliteLieu string `yaml:"accessibilite_lieu,omitempty"`
	DateMaj           Date   `yaml:"date_maj,omitempty"`
	VerifieLe         Date   `yaml:"verifie_le,omitempty"`
	Pro               *Pro   `yaml:"pro,omitempty"`
}

// WikiPage is the front matter of pages/*.md: a free guide page.
type WikiPage struct {
	Titre   string   `yaml:"titre"`
	Tags    []string `yaml:"tags,omitempty"`
	DateMaj Date     `yaml:"date_maj,omitempty"`
}

// Address is where a structure is or a service is delivered. Codes are
// strings: postal and INSEE codes keep their leading zeros.
type Address struct {
	Adresse           string   `yaml:"adresse,omitempty"`
	ComplementAdresse string   `yaml:"complement_adresse,omitempty"`
	CodePostal        string   `yaml:"code_postal,omitempty"`
	Commune           string   `yaml:"commune,omitempty"`
	CodeInsee         string   `yaml:"code_insee,omitempty"`
	Latitude          *float64 `yaml:"latitude,omitempty"`
	Longitude         *float64 `yaml:"longitude,omitempty"`
}

// Contact holds the public ways to reach a structure or service.
type Contact struct {
	Telephone string `yaml:"telephone,omitempty"`
	Courriel  string `yaml:"courriel,omitempty"`
	SiteWeb   string `yaml:"site_web,omitempty"`
}

// Pro is information for signed-in professionals only: it must never reach
// anonymous visitors in any form (page, search, API, export, feed, diff).
type Pro struct {
	Telephone string `yaml:"telephone,omitempty"`
	Courriel  string `yaml:"courriel,omitempty"`
	Notes     string `yaml:"notes,omitempty"`
}

// Statut is a service's status.
type Statut string

// The statuses of a service; the empty value means StatutActif.
const (
	StatutActif    Statut = "actif"
	StatutSuspendu Statut = "suspendu"
	StatutFerme    Statut = "ferme"
)

// InfoTemporaire is a dated exception to a service's usual information: a
// closure, different hours, or a message.
type InfoTemporaire struct {
	Du       Date   `yaml:"du"`
	Au       Date   `yaml:"au,omitempty"`
	Type     string `yaml:"type"` // fermeture, horaires or message
	Message  string `yaml:"message,omitempty"`
	Horaires string `yaml:"horaires,omitempty"`
}

// The types of InfoTemporaire.
const (
	InfoFermeture = "fermeture"
	InfoHoraires  = "horaires"
	InfoMessage   = "message"
)

// InfoAnnounceDays is how long before it starts an InfoTemporaire is shown.
const InfoAnnounceDays = 15

// Document is one parsed page file: exactly one of Service, Structure and
// Page is set, according to Path.Kind().
type Document struct {
	Path      Path
	Service   *Service
	Structure *Structure
	Page      *WikiPage
	Body      string // Markdown, without the front matter
	Links     []Path // wiki link targets in the body, in order, without duplicates
}

// Title is the human name of the page: nom, or titre for a free page.
func (d *Document) Title() string {
	switch {
	case d.Service != nil:
		return d.Service.Nom
	case d.Structure != nil:
		return d.Structure.Nom
	case d.Page != nil:
		return d.Page.Titre
	}
	return d.Path.Slug()
}

// Updated is the page's date_maj (zero when absent).
func (d *Document) Updated() Date {
	switch {
	case d.Service != nil:
		return d.Service.DateMaj
	case d.Structure != nil:
		return d.Structure.DateMaj
	case d.Page != nil:
		return d.Page.DateMaj
	}
	return Date{}
}

// File is one file of the repository at some revision.
type File struct {
	Name string // slash-separated, relative to the repository root
	Data []byte
	Hash string // git blob hash, hex

	// Unread says why a store listed the file without its data (Data is
	// nil): too large to read (Size holds its size) or a symbolic link.
	Unread UnreadReason
	Size   int64
}

// UnreadReason is why a file of the repository was not read.
type UnreadReason int

const (
	Read     UnreadReason = iota // the file's data is there
	TooLarge                     // bigger than a store reads
	Symlink                      // a symbolic link, never followed
)

// Revision names a commit by its full hex hash.
type Revision string

// Short is the revision's first 8 hex digits, for display.
func (r Revision) Short() string {
	if len(r) > 8 {
		return string(r[:8])
	}
	return string(r)
}

// Author is who made a change.
type Author struct {
	Name  string
	Email string
}

// Commit describes one commit of the content repository.
type Commit struct {
	Revision Revision
	Parent   Revision // first parent; empty for the root commit
	Author   Author
	When     time.Time
	Message  string
	Files    []string // files the commit touched (added, modified or deleted)
}

// Change is one atomic edit of the repository: every write and delete lands
// in a single commit or none does.
type Change struct {
	// Base is the revision the author saw. If a file the change touches was
	// modified after Base, the commit is refused with ErrConflict.
	Base    Revision
	Author  Author
	Message string
	Writes  map[string][]byte // file name → new content
	Deletes []string          // file names to remove
}
