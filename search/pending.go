package search

// TEMPORARY until content.Referentials and content.Catalog land.
type refsPending struct{}

func labelsOf(*refsPending) labels { return labels{} }
