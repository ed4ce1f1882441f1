package server

import (
	"slices"
	"strconv"

	"github.com/aiguillage/aiguillage/editform"
)

// fillCommune does without JavaScript what the commune combobox does with
// it: when the commune changed while its INSEE code was left as it was,
// the codes and the coordinates come from the commune typed ("Mâcon",
// "Cluny (71250)", a postal code). A name the directory does not know is
// kept as typed.
func (s *Server) fillCommune(st *editState) {
	if s.cfg.Territory == nil || st.Source {
		return
	}
	var old editform.Values
	if f, err := editform.Split(st.Raw); err == nil {
		old = f.Read(editform.Fields(st.Path.Kind()))
	}
	vals := st.Vals
	typed := vals.First("commune")
	if typed == "" || typed == old.First("commune") || vals.First("code_insee") != old.First("code_insee") {
		return
	}
	c, ok := s.cfg.Territory.Resolve(typed)
	if !ok {
		return
	}
	vals["commune"], vals["code_insee"] = []string{c.Nom}, []string{c.Code}
	if len(c.CodesPostaux) > 0 && !slices.Contains(c.CodesPostaux, vals.First("code_postal")) {
		vals["code_postal"] = []string{c.CodesPostaux[0]}
	}
	if c.Located() && vals.First("latitude") == old.First("latitude") && vals.First("longitude") == old.First("longitude") {
		vals["latitude"] = []string{strconv.FormatFloat(c.Lat, 'f', 5, 64)}
		vals["longitude"] = []string{strconv.FormatFloat(c.Lon, 'f', 5, 64)}
	}
}
