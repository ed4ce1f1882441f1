package server

import (
	"encoding/json"
	"html/template"
	"regexp"
	"strings"

	"github.com/aiguillage/aiguillage/content"
)

// Structured data (schema.org JSON-LD) of service and structure pages, for
// search engines and the tools of partners. Built from public fields only:
// the pro block is never read here.

// publicNetworks are the reseaux_porteurs of public bodies: their
// structures are GovernmentOrganization, their services GovernmentService.
var publicNetworks = map[string]bool{
	"ase": true, "caf": true, "ccas-cias": true, "cms": true, "cnam": true, "communes": true, "cpam": true,
	"departements": true, "france-service": true, "france-travail": true, "maison-departementale-de-lautonomie": true,
	"maisons-des-solidarites": true, "mdph": true, "msap": true, "mutualite-sociale-agricole": true, "pjj": true,
	"regions": true, "spip": true, "siao": true,
}

func isPublicBody(st *content.Structure) bool {
	for _, r := range st.ReseauxPorteurs {
		if publicNetworks[r] {
			return true
		}
	}
	return false
}

type ldObject = map[string]any

// ldScript encodes structured data for a <script type="application/ld+json">
// element. json.Marshal escapes <, > and & (and U+2028/9), so no text of a
// page, however hostile, can close the element.
func ldScript(v ldObject) template.JS {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return template.JS(b)
}

// ldPlace is a place with its address, coordinates and opening hours.
func ldPlace(name string, a content.Address, hours string) ldObject {
	p := ldObject{"@type": "Place"}
	if name != "" {
		p["name"] = name
	}
	if addr := ldAddress(a); addr != nil {
		p["address"] = addr
	}
	if a.Latitude != nil && a.Longitude != nil {
		p["geo"] = ldObject{"@type": "GeoCoordinates", "latitude": *a.Latitude, "longitude": *a.Longitude}
	}
	if oh := ldOpeningHours(hours); len(oh) > 0 {
		p["openingHours"] = oh
	}
	return p
}

func ldAddress(a content.Address) ldObject {
	if a.Adresse == "" && a.CodePostal == "" && a.Commune == "" {
		return nil
	}
	addr := ldObject{"@type": "PostalAddress", "addressCountry": "FR"}
	street := strings.TrimSpace(strings.Join([]string{a.Adresse, a.ComplementAdresse}, " "))
	for k, v := range map[string]string{"streetAddress": street, "postalCode": a.CodePostal, "addressLocality": a.Commune} {
		if v != "" {
			addr[k] = v
		}
	}
	return addr
}

// simpleRule is an OpenStreetMap opening_hours rule that schema.org's
// openingHours syntax shares: days, then one or more time ranges.
var simpleRule = regexp.MustCompile(`^((?:Mo|Tu|We|Th|Fr|Sa|Su)(?:[-,](?:Mo|Tu|We|Th|Fr|Sa|Su))*) (\d\d:\d\d-\d\d:\d\d(?:,\d\d:\d\d-\d\d:\d\d)*)$`)

// ldOpeningHours keeps the rules schema.org understands, one time range
// each ("Mo-Fr 09:00-12:00"); holidays and exceptions are left out.
func ldOpeningHours(hours string) []string {
	var out []string
	for _, rule := range strings.Split(hours, ";") {
		m := simpleRule.FindStringSubmatch(strings.TrimSpace(rule))
		if m == nil {
			continue
		}
		for _, span := range strings.Split(m[2], ",") {
			out = append(out, m[1]+" "+span)
		}
	}
	return out
}

func setIf(o ldObject, key, v string) {
	if v != "" {
		o[key] = v
	}
}

// structureLD describes a structure as an Organization.
func structureLD(doc *content.Document, url, description string) ldObject {
	st := doc.Structure
	o := ldObject{"@context": "https://schema.org", "@type": "Organization", "@id": url, "url": url, "name": st.Nom}
	if isPublicBody(st) {
		o["@type"] = "GovernmentOrganization"
	}
	setIf(o, "description", description)
	setIf(o, "telephone", st.Telephone)
	setIf(o, "email", st.Courriel)
	if st.SiteWeb != "" {
		o["sameAs"] = st.SiteWeb
	}
	if addr := ldAddress(st.Address); addr != nil {
		o["address"] = addr
	}
	o["location"] = ldPlace(st.Nom, st.Address, st.HorairesAccueil)
	return o
}

// serviceLD describes a service as a Service (GovernmentService when a
// public body runs it), with its provider and where it is delivered.
func serviceLD(doc *content.Document, st *content.Document, url, stURL, description string, p place, categories []string) ldObject {
	svc := doc.Service
	o := ldObject{"@context": "https://schema.org", "@type": "Service", "@id": url, "url": url, "name": svc.Nom}
	setIf(o, "description", description)
	if len(categories) > 0 {
		o["category"] = categories
	}
	if svc.Frais == "gratuit" {
		o["isAccessibleForFree"] = true
	}
	setIf(o, "areaServed", p.Commune)
	if st != nil {
		prov := ldObject{"@type": "Organization", "name": st.Structure.Nom, "url": stURL}
		if isPublicBody(st.Structure) {
			o["@type"], prov["@type"] = "GovernmentService", "GovernmentOrganization"
		}
		o["provider"] = prov
	}
	channel := ldObject{"@type": "ServiceChannel", "serviceLocation": ldPlace("", p.Address, p.HoursRaw), "serviceUrl": url}
	if p.Telephone != "" || p.Courriel != "" {
		cp := ldObject{"@type": "ContactPoint"}
		setIf(cp, "telephone", p.Telephone)
		setIf(cp, "email", p.Courriel)
		channel["servicePhone"] = cp
	}
	o["availableChannel"] = channel
	return o
}
