package datainclusion

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Limits of what an import reads: a directory's spreadsheet is far
// smaller, and a hostile file must not exhaust the server.
const (
	MaxFileSize = 64 << 20 // bytes of one file as uploaded
	MaxRows     = 100000   // data rows of one sheet
	MaxColumns  = 200
	MaxCell     = 32 << 10 // bytes of one cell
)

// ErrFormat is wrapped by errors about a file that cannot be read at all.
var ErrFormat = errors.New("datainclusion: unreadable file")

// Kind says what a sheet's rows describe.
type Kind string

// The kinds of records an import reads.
const (
	KindStructure Kind = "structure"
	KindService   Kind = "service"
)

// Sheet is a table of records of one kind: a JSON array, a CSV file or a
// worksheet.
type Sheet struct {
	File    string // file name, and sheet name for a workbook ("annuaire.xlsx:services")
	Kind    Kind
	Rows    []Row
	Ignored []string // columns no field is mapped to
}

// Row is one record as read, before any check.
type Row struct {
	Line  int               // spreadsheet row number (the header is row 1), or record number in JSON
	Cells map[string]string // field name → text as written
	Lists map[string][]string
}

// Input is a file to import.
type Input struct {
	Name string // file name: its extension chooses the reader
	Data []byte
}

// Read reads an input into sheets, mapping columns to fields with m.
func Read(in Input, m Mapping) ([]Sheet, error) {
	if len(in.Data) > MaxFileSize {
		return nil, fmt.Errorf("%w: %s is larger than %d MB", ErrFormat, in.Name, MaxFileSize>>20)
	}
	switch strings.ToLower(path.Ext(in.Name)) {
	case ".json":
		return readJSON(in)
	case ".csv", ".txt", ".tsv":
		rows, err := readCSV(in.Data)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrFormat, in.Name, err)
		}
		sh, err := m.sheet(in.Name, rows)
		if err != nil {
			return nil, err
		}
		return []Sheet{sh}, nil
	case ".xlsx":
		tables, err := readXLSX(in.Data)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrFormat, in.Name, err)
		}
		// Sheets without a name column (instructions, lists of values)
		// are skipped; a workbook without any table is refused.
		var out []Sheet
		var first error
		for _, t := range tables {
			if len(t.rows) == 0 {
				continue
			}
			sh, err := m.sheet(in.Name+":"+t.name, t.rows)
			if err != nil {
				first = cmp.Or(first, err)
				continue
			}
			out = append(out, sh)
		}
		if len(out) == 0 {
			return nil, cmp.Or(first, fmt.Errorf("%w: %s: aucune feuille remplie", ErrFormat, in.Name))
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: %s: extension inconnue (attendu .json, .csv ou .xlsx)", ErrFormat, in.Name)
}

// readJSON reads data·inclusion records: an array of structures or of
// services (told apart by structure_id), or an object with "structures"
// and "services" arrays.
func readJSON(in Input) ([]Sheet, error) {
	dec := json.NewDecoder(bytes.NewReader(in.Data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %s: JSON illisible : %v", ErrFormat, in.Name, err)
	}
	var arrays [][]any
	switch v := v.(type) {
	case []any:
		arrays = append(arrays, v)
	case map[string]any:
		for _, k := range []string{"structures", "services"} {
			if a, ok := v[k].([]any); ok {
				arrays = append(arrays, a)
			}
		}
	}
	if len(arrays) == 0 {
		return nil, fmt.Errorf("%w: %s: attendu un tableau d'enregistrements data·inclusion", ErrFormat, in.Name)
	}
	var out []Sheet
	for _, arr := range arrays {
		structures := Sheet{File: in.Name, Kind: KindStructure}
		services := Sheet{File: in.Name, Kind: KindService}
		if len(arr) > MaxRows {
			return nil, fmt.Errorf("%w: %s: plus de %d enregistrements", ErrFormat, in.Name, MaxRows)
		}
		for i, rec := range arr {
			obj, ok := rec.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%w: %s: l'enregistrement %d n'est pas un objet", ErrFormat, in.Name, i+1)
			}
			row := jsonRow(i+1, obj)
			if _, ok := obj["structure_id"]; ok {
				services.Rows = append(services.Rows, row)
			} else {
				structures.Rows = append(structures.Rows, row)
			}
		}
		for _, sh := range []Sheet{structures, services} {
			if len(sh.Rows) > 0 {
				out = append(out, sh)
			}
		}
	}
	return out, nil
}

func jsonRow(n int, obj map[string]any) Row {
	row := Row{Line: n, Cells: map[string]string{}, Lists: map[string][]string{}}
	for k, v := range obj {
		switch v := v.(type) {
		case string:
			row.Cells[k] = v
		case json.Number:
			row.Cells[k] = v.String()
		case bool:
			row.Cells[k] = strconv.FormatBool(v)
		case []any:
			var l []string
			for _, x := range v {
				if s, ok := x.(string); ok {
					l = append(l, s)
				} else {
					l = append(l, fmt.Sprint(x))
				}
			}
			row.Lists[k] = l
		}
	}
	return row
}

// readCSV reads a CSV file written by a spreadsheet: UTF-8 (with or
// without a byte order mark) or Windows-1252, separated by commas,
// semicolons (French Excel) or tabs, whichever the header uses most.
func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte(bom))
	if !utf8.Valid(data) {
		d, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, err
		}
		data = d
	}
	header, _, _ := bytes.Cut(data, []byte("\n"))
	sep := ','
	best := bytes.Count(header, []byte(","))
	for _, c := range []rune{';', '\t'} {
		if n := bytes.Count(header, []byte(string(c))); n > best {
			sep, best = c, n
		}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(rows) > MaxRows {
			return nil, fmt.Errorf("plus de %d lignes", MaxRows)
		}
		if len(rec) > MaxColumns {
			return nil, fmt.Errorf("ligne %d : plus de %d colonnes", len(rows)+1, MaxColumns)
		}
		rows = append(rows, rec)
	}
	return rows, nil
}
