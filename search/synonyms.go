package search

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
)

// builtinSynonyms is the jargon of French social work, one group a line,
// comma-separated like the repository's .aiguillage/synonymes.txt (whose
// groups are added to these). Expansion happens at query time, so editing
// either list needs no re-indexing. Groups are kept to real equivalents:
// a loose group ("urgence" with "hébergement") costs precision everywhere.
const builtinSynonyms = `
rsa, revenu de solidarité active, revenu de solidarite, minima sociaux, minimas sociaux
sdf, sans domicile fixe, sans domicile, sans abri, sans-abri, à la rue, sans logement, personnes à la rue
domiciliation, adresse postale, élection de domicile, domicilier, se domicilier, recevoir son courrier, boîte aux lettres
aide alimentaire, colis alimentaire, colis, denrées, distribution alimentaire, épicerie sociale, épicerie solidaire, banque alimentaire, manger, nourriture, alimentation, restos du coeur
caf, caisse d'allocations familiales, allocations familiales, apl, aide au logement, prime d'activité
cpam, assurance maladie, sécurité sociale, sécu, carte vitale, ameli
css, complémentaire santé solidaire, cmu, cmu-c, mutuelle, mutuelle gratuite, couverture maladie
ame, aide médicale d'état
pmi, protection maternelle et infantile, puéricultrice, nourrisson, bébé
mdph, maison départementale des personnes handicapées, handicap, handicapé, aah, rqth
ccas, centre communal d'action sociale, cias
mds, maison départementale des solidarités, assistante sociale, assistant social, assistant de service social, travailleur social
clic, centre local d'information et de coordination, personnes âgées, personne âgée, seniors, apa, perte d'autonomie
aidant, aidants, aidant familial
fsl, fonds de solidarité logement, impayés de loyer, impayé de loyer, dette de loyer, dettes de loyer, expulsion, loyer impayé
surendettement, dettes, endettement, crédits, créanciers, banque de france, dossier de surendettement
budget, gestion budgétaire, point conseil budget, pcb
énergie, électricité, edf, gaz, chauffage, facture d'énergie, chèque énergie, facture d'électricité
facture, factures, impayé, impayés
aide financière, secours, aide ponctuelle, secours d'urgence
hébergement d'urgence, 115, siao, mise à l'abri, hébergement, dormir dehors, place d'hébergement, chrs, maraude
logement, appartement, hlm, logement social, trouver un logement
emploi, travail, boulot, job, chômage, pôle emploi, france travail, recherche d'emploi, chercher du travail
cv, curriculum vitae, lettre de motivation
ordinateur, ordi, pc, ordinateur portable
informatique, numérique
apprendre l'informatique, apprendre informatique, cours d'informatique, initiation informatique, initiation numérique, atelier numérique, ateliers numériques, initiation à l'ordinateur, bases de l'informatique, fondamentaux du numérique, débuter sur ordinateur
internet, wifi, connexion internet, accès internet
pas cher, petit prix, petits prix, à petit prix, prix solidaire, tarif réduit, tarif social, peu cher, bon marché
démarches en ligne, démarche en ligne, démarches administratives, papiers, formulaire, téléprocédure, dossier administratif
permis, permis de conduire, auto-école, code de la route
voiture, véhicule, auto, automobile
réparation, réparer, réparations, entretien du véhicule, vidange, mécanique
garage, garage solidaire, garage associatif
scooter, mobylette, deux-roues
violences conjugales, violences faites aux femmes, femmes battues, femme battue, violence conjugale, femmes victimes
fle, cours de français, alphabétisation, ateliers sociolinguistiques, asl, apprendre le français, illettrisme, français langue étrangère
santé mentale, psy, psychologue, psychiatre, cmp, soutien psychologique, dépression
addiction, addictions, addictologie, alcool, drogue, cannabis, toxicomanie, csapa
soins, médecin, docteur, se soigner, pass
vêtements, habits, vestiaire, habillement, vestiboutique
meubles, électroménager, frigo, mobilier, équiper son logement
douche, douches, laverie, bagagerie, accueil de jour
mission locale, jeunes, 16-25 ans, cej, contrat d'engagement jeune, garantie jeunes
tutelle, curatelle, mesure de protection, protection juridique, mandataire judiciaire
juriste, avocat, conseil juridique, permanence juridique, accès au droit, cidff
parentalité, parents, soutien à la parentalité
médiation familiale, séparation, divorce
titre de séjour, étranger, étrangers, migrant, migrants, réfugié, réfugiés, demandeur d'asile, exilé, exilés
isolement, lien social, solitude
`

// maxSynonymWords bounds the length, in words, of a synonym entry.
const maxSynonymWords = 6

// variant is one way of saying a concept.
type variant struct {
	text  string   // as written in the list, for phrase queries
	stems []string // analysed, stop words removed
}

// synonymSet maps every entry, as its stem sequence, to the groups it
// belongs to.
type synonymSet struct {
	groups  [][]variant
	byStems map[string][]int // stems joined by " " → group indexes
	vocab   map[string]bool  // folded words of every entry: never "corrected"
}

// parseSynonyms reads groups, one a line, comma-separated; '#' starts a
// comment line.
func parseSynonyms(text string) [][]string {
	var out [][]string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var g []string
		for _, e := range strings.Split(line, ",") {
			if e = strings.TrimSpace(e); e != "" {
				g = append(g, e)
			}
		}
		if len(g) > 1 {
			out = append(out, g)
		}
	}
	return out
}

// newSynonymSet builds the built-in groups plus repo's, analysed with the
// index's analyzers (stemmed for matching, unstemmed for the vocabulary).
func newSynonymSet(repo [][]string, stem, words analysis.Analyzer) *synonymSet {
	s := &synonymSet{byStems: map[string][]int{}, vocab: map[string]bool{}}
	for _, g := range append(parseSynonyms(builtinSynonyms), repo...) {
		var vs []variant
		for _, e := range g {
			st := terms(stem, e)
			if len(st) == 0 || len(st) > maxSynonymWords {
				continue
			}
			vs = append(vs, variant{text: e, stems: st})
			for _, w := range terms(words, e) {
				s.vocab[w] = true
			}
		}
		if len(vs) < 2 {
			continue
		}
		gi := len(s.groups)
		s.groups = append(s.groups, vs)
		for _, v := range vs {
			k := strings.Join(v.stems, " ")
			if !slices.Contains(s.byStems[k], gi) {
				s.byStems[k] = append(s.byStems[k], gi)
			}
		}
	}
	return s
}

// terms returns the terms an analyzer makes of s.
func terms(a analysis.Analyzer, s string) []string {
	toks := a.Analyze([]byte(s))
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, string(t.Term))
	}
	return out
}

// concept is one need in a query: a word, or a span of words that a
// synonym group recognises, with every other way of saying it.
type concept struct {
	stems    []string   // as typed (after correction and stemming)
	self     variant    // the synonym entry the typed span matched, if any
	variants []variant  // synonyms, the typed form excluded
	pairs    [][]string // stems of this concept with a dropped common neighbour
}

// concepts groups a query's stems into concepts, taking at each position
// the longest span that is a synonym entry.
func (s *synonymSet) concepts(stems []string) []concept {
	var out []concept
	for i := 0; i < len(stems); {
		n := min(maxSynonymWords, len(stems)-i)
		for ; n > 0; n-- {
			if _, ok := s.byStems[strings.Join(stems[i:i+n], " ")]; ok {
				break
			}
		}
		if n == 0 {
			out = append(out, concept{stems: stems[i : i+1]})
			i++
			continue
		}
		key := strings.Join(stems[i:i+n], " ")
		c := concept{stems: stems[i : i+n]}
		seen := map[string]bool{}
		for _, gi := range s.byStems[key] {
			for _, v := range s.groups[gi] {
				k := strings.Join(v.stems, " ")
				if k == key {
					if c.self.text == "" {
						c.self = v
					}
					continue
				}
				if !seen[k] {
					seen[k] = true
					c.variants = append(c.variants, v)
				}
			}
		}
		out = append(out, c)
		i += n
	}
	return out
}
