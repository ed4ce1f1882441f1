// Package datainclusion maps the directory to and from the data·inclusion
// schema v1.0.8, the format the national platform, DORA, Soliguide and the
// départements' tools exchange services in: export of the public catalogue
// as structures and services (JSON and CSV), and import of data·inclusion
// JSON or of partners' spreadsheets (CSV, XLSX) as one commit.
//
// It imports no package of ours but content: the server and the command
// line give it a catalogue and a way to commit.
package datainclusion

import (
	"embed"
)

// Schemas holds the official JSON Schemas of the two record types
// (schema/structure.json and schema/service.json), unchanged.
//
//go:embed schema/structure.json schema/service.json
var Schemas embed.FS

// Structure is one data·inclusion structure record. Field order is the
// schema's (alphabetical), so that JSON and CSV columns follow it; nil
// pointers and slices are written as null.
type Structure struct {
	AccessibiliteLieu *string  `json:"accessibilite_lieu"`
	Adresse           *string  `json:"adresse"`
	CodeInsee         *string  `json:"code_insee"`
	CodePostal        *string  `json:"code_postal"`
	Commune           *string  `json:"commune"`
	ComplementAdresse *string  `json:"complement_adresse"`
	Courriel          *string  `json:"courriel"`
	DateMaj           string   `json:"date_maj"`
	Description       *string  `json:"description"`
	HorairesAccueil   *string  `json:"horaires_accueil"`
	ID                string   `json:"id"`
	Latitude          *float64 `json:"latitude"`
	LienSource        *string  `json:"lien_source"`
	Longitude         *float64 `json:"longitude"`
	Nom               string   `json:"nom"`
	ReseauxPorteurs   []string `json:"reseaux_porteurs"`
	Siret             *string  `json:"siret"`
	SiteWeb           *string  `json:"site_web"`
	Source            string   `json:"source"`
	Telephone         *string  `json:"telephone"`
}

// Service is one data·inclusion service record (see Structure).
type Service struct {
	Adresse                   *string  `json:"adresse"`
	CodeInsee                 *string  `json:"code_insee"`
	CodePostal                *string  `json:"code_postal"`
	Commune                   *string  `json:"commune"`
	ComplementAdresse         *string  `json:"complement_adresse"`
	ConditionsAcces           *string  `json:"conditions_acces"`
	ContactNomPrenom          *string  `json:"contact_nom_prenom"`
	Courriel                  *string  `json:"courriel"`
	DateMaj                   string   `json:"date_maj"`
	Description               string   `json:"description"`
	Frais                     *string  `json:"frais"`
	FraisPrecisions           *string  `json:"frais_precisions"`
	HorairesAccueil           *string  `json:"horaires_accueil"`
	ID                        string   `json:"id"`
	Latitude                  *float64 `json:"latitude"`
	LienMobilisation          *string  `json:"lien_mobilisation"`
	LienSource                *string  `json:"lien_source"`
	Longitude                 *float64 `json:"longitude"`
	MobilisablePar            []string `json:"mobilisable_par"`
	MobilisationPrecisions    *string  `json:"mobilisation_precisions"`
	ModesAccueil              []string `json:"modes_accueil"`
	ModesMobilisation         []string `json:"modes_mobilisation"`
	Nom                       string   `json:"nom"`
	NombreSemaines            *int     `json:"nombre_semaines"`
	Publics                   []string `json:"publics"`
	PublicsPrecisions         *string  `json:"publics_precisions"`
	Source                    string   `json:"source"`
	StructureID               string   `json:"structure_id"`
	Telephone                 *string  `json:"telephone"`
	Thematiques               []string `json:"thematiques"`
	Type                      *string  `json:"type"`
	VolumeHoraireHebdomadaire *float64 `json:"volume_horaire_hebdomadaire"`
	ZoneEligibilite           []string `json:"zone_eligibilite"`
}

// IDSeparator joins the producer's identifier and the record's own in a
// data·inclusion id: "aiguillage--ccas-cluny".
const IDSeparator = "--"

// ID is the data·inclusion id of a page of the directory: stable as long as
// the page keeps its slug.
func ID(source, slug string) string { return source + IDSeparator + slug }

// optional returns nil for an empty string, so that it is written as null.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// list returns nil for an empty list (null, never [], which some fields
// refuse with minItems) and a copy otherwise.
func list(v []string) []string {
	if len(v) == 0 {
		return nil
	}
	return append([]string(nil), v...)
}

// float copies a coordinate.
func float(f *float64) *float64 {
	if f == nil {
		return nil
	}
	v := *f
	return &v
}
