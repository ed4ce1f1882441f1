package content

import "time"

// FreshSince is the earliest verification date still fresh on day today:
// a page verified before it is to be checked again. The period is the
// site's fraicheur_mois, DefaultFraicheurMois when unset.
func (c SiteConfig) FreshSince(today Date) Date {
	months := c.FraicheurMois
	if months <= 0 {
		months = DefaultFraicheurMois
	}
	return DateOf(today.Time(time.UTC).AddDate(0, -months, 0))
}

// Stale reports whether a page last verified on verified (zero: never) is
// to be checked again on day today. The « À vérifier » mark of a page and
// the freshness dashboard both follow this rule.
func (c SiteConfig) Stale(verified, today Date) bool {
	return verified.IsZero() || verified.Before(c.FreshSince(today))
}

// Verified is the page's verifie_le; ok is false for the kinds of page that
// have no verification date (free pages).
func (d *Document) Verified() (date Date, ok bool) {
	switch {
	case d.Service != nil:
		return d.Service.VerifieLe, true
	case d.Structure != nil:
		return d.Structure.VerifieLe, true
	}
	return Date{}, false
}
