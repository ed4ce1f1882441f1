package datainclusion

import (
	"testing"
)

// FuzzRead feeds arbitrary bytes to the readers of every format: they may
// refuse a file, never panic or hang.
func FuzzRead(f *testing.F) {
	f.Add("a.csv", csvOf(partnerRows, ";"))
	f.Add("a.xlsx", xlsxOf(f, partnerRows))
	f.Add("a.json", []byte(`[{"id":"x--a","nom":"Nom","structure_id":"x--s","thematiques":["a"],"latitude":1.5}]`))
	f.Add("a.json", []byte(`{"structures":[{"nom":"S"}],"services":[]}`))
	m, r := DefaultMapping(), refs(f)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		sheets, err := Read(Input{Name: name, Data: data}, m)
		if err != nil {
			return
		}
		for _, sh := range sheets {
			for _, row := range sh.Rows {
				row.formulaCells()
				for _, fl := range serviceFields {
					if row.has(fl.name) {
						fl.convert(row, r)
					}
				}
			}
		}
	})
}
