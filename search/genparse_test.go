package search

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/content"
)

// TEMPORARY: a reader of gen.py's front matter (JSON scalars and flow
// lists, one level of nesting) until content's parser lands.

func genCatalog(t testing.TB, files []content.File, rev content.Revision) *fakeCatalog {
	t.Helper()
	c := &fakeCatalog{rev: rev}
	for _, f := range files {
		if f.Name == synonymsFile {
			for _, g := range parseSynonyms(string(f.Data)) {
				c.syn = append(c.syn, g)
			}
			continue
		}
		p, ok := content.PathFromFile(f.Name)
		if !ok {
			continue
		}
		d, err := genParse(p, f.Data)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		c.docs = append(c.docs, d)
	}
	return c
}

func genParse(p content.Path, data []byte) (*content.Document, error) {
	text := string(data)
	rest, _ := strings.CutPrefix(text, "---\n")
	front, body, _ := strings.Cut(rest, "\n---\n")
	top := map[string]any{}
	var cur string
	var list []map[string]any
	for _, line := range strings.Split(front, "\n") {
		switch {
		case strings.HasPrefix(line, "  - "):
			list = append(list, map[string]any{})
			k, v, _ := strings.Cut(line[4:], ": ")
			list[len(list)-1][k] = genValue(v)
			top[cur] = list
		case strings.HasPrefix(line, "    ") && list != nil:
			k, v, _ := strings.Cut(strings.TrimSpace(line), ": ")
			list[len(list)-1][k] = genValue(v)
		case strings.HasPrefix(line, "  "):
			k, v, _ := strings.Cut(strings.TrimSpace(line), ": ")
			m, _ := top[cur].(map[string]any)
			if m == nil {
				m = map[string]any{}
				top[cur] = m
			}
			m[k] = genValue(v)
		default:
			k, v, _ := strings.Cut(line, ":")
			cur, list = k, nil
			if v = strings.TrimSpace(v); v != "" {
				top[k] = genValue(v)
			}
		}
	}
	s := func(k string) string { v, _ := top[k].(string); return v }
	l := func(k string) []string {
		v, _ := top[k].([]any)
		var out []string
		for _, x := range v {
			out = append(out, x.(string))
		}
		return out
	}
	f := func(k string) *float64 {
		v, ok := top[k].(float64)
		if !ok {
			return nil
		}
		return &v
	}
	date := func(v any) content.Date { d, _ := content.ParseDate(genStr(v)); return d }
	addr := content.Address{Adresse: s("adresse"), CodePostal: s("code_postal"), Commune: s("commune"),
		CodeInsee: s("code_insee"), Latitude: f("latitude"), Longitude: f("longitude")}
	d := &content.Document{Path: p, Body: body}
	switch p.Kind() {
	case content.KindService:
		svc := &content.Service{Nom: s("nom"), Structure: s("structure"), Thematiques: l("thematiques"),
			Types: l("types"), Publics: l("publics"), PublicsPrecisions: s("publics_precisions"),
			ConditionsAcces: s("conditions_acces"), Frais: s("frais"), FraisPrecisions: s("frais_precisions"),
			ModesAccueil: l("modes_accueil"), Address: addr, ZoneEligibilite: l("zone_eligibilite"),
			HorairesAccueil: s("horaires_accueil"), VerifieLe: date(top["verifie_le"]), Statut: content.Statut(s("statut")),
			Justificatifs: l("justificatifs"), Complet: top["complet"] == true, Inconditionnel: top["inconditionnel"] == true}
		if pro, ok := top["pro"].(map[string]any); ok {
			svc.Pro = &content.Pro{Notes: genStr(pro["notes"]), Telephone: genStr(pro["telephone"])}
		}
		for _, in := range list0(top["infos_temporaires"]) {
			svc.InfosTemporaires = append(svc.InfosTemporaires, content.InfoTemporaire{
				Du: date(in["du"]), Au: date(in["au"]), Type: genStr(in["type"]), Message: genStr(in["message"])})
		}
		d.Service = svc
	case content.KindStructure:
		d.Structure = &content.Structure{Nom: s("nom"), ReseauxPorteurs: l("reseaux_porteurs"), Address: addr,
			HorairesAccueil: s("horaires_accueil"), VerifieLe: date(top["verifie_le"])}
	case content.KindPage:
		d.Page = &content.WikiPage{Titre: s("titre"), Tags: l("tags")}
	}
	return d, nil
}

func list0(v any) []map[string]any { l, _ := v.([]map[string]any); return l }

func genStr(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

func genValue(v string) any {
	v = strings.TrimSpace(v)
	switch {
	case v == "true":
		return true
	case v == "false":
		return false
	case strings.HasPrefix(v, `"`), strings.HasPrefix(v, "["):
		var x any
		if err := json.Unmarshal([]byte(v), &x); err == nil {
			return x
		}
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return f
	}
	return v
}
