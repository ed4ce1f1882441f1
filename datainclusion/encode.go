package datainclusion

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// Record is a data·inclusion record type.
type Record interface{ Structure | Service }

// ListSeparator joins the values of a list in a CSV cell.
const ListSeparator = "|"

// bom starts the CSV files, so that spreadsheet programs read them as UTF-8.
const bom = "\ufeff"

// WriteJSON writes records as a JSON array, one record a line.
func WriteJSON[R Record](w io.Writer, records []R) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	bw.WriteString("[")
	for i := range records {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		buf.Reset()
		if err := enc.Encode(&records[i]); err != nil {
			return fmt.Errorf("datainclusion: write JSON: %w", err)
		}
		bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
	bw.WriteString("\n]\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("datainclusion: write JSON: %w", err)
	}
	return nil
}

// Columns returns the CSV columns of a record type: the schema's fields in
// its order.
func Columns[R Record]() []string {
	var r R
	t := reflect.TypeOf(r)
	cols := make([]string, t.NumField())
	for i := range cols {
		cols[i] = t.Field(i).Tag.Get("json")
	}
	return cols
}

// WriteCSV writes records as CSV in UTF-8 with a byte order mark, a header
// of the schema's field names, lists joined with ListSeparator, null as an
// empty cell, and every cell a spreadsheet would read as a formula
// neutralised (see Neutralise).
func WriteCSV[R Record](w io.Writer, records []R) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(bom)
	cw := csv.NewWriter(bw)
	cols := Columns[R]()
	if err := cw.Write(cols); err != nil {
		return fmt.Errorf("datainclusion: write CSV: %w", err)
	}
	row := make([]string, len(cols))
	for i := range records {
		v := reflect.ValueOf(&records[i]).Elem()
		for j := range row {
			row[j] = Neutralise(cell(v.Field(j)))
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("datainclusion: write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("datainclusion: write CSV: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("datainclusion: write CSV: %w", err)
	}
	return nil
}

// cell formats one field of a record.
func cell(f reflect.Value) string {
	switch f.Kind() {
	case reflect.String:
		return f.String()
	case reflect.Slice:
		parts := make([]string, f.Len())
		for i := range parts {
			parts[i] = f.Index(i).String()
		}
		return strings.Join(parts, ListSeparator)
	case reflect.Pointer:
		if f.IsNil() {
			return ""
		}
		e := f.Elem()
		switch e.Kind() {
		case reflect.String:
			return e.String()
		case reflect.Float64:
			return strconv.FormatFloat(e.Float(), 'f', -1, 64)
		case reflect.Int:
			return strconv.FormatInt(e.Int(), 10)
		}
	}
	return ""
}

// Neutralise makes a cell that a spreadsheet would run as a formula (one
// starting with =, +, -, @, a tab or a carriage return) plain text by
// prefixing it with an apostrophe. Numbers ("-1.5") are left as they are.
func Neutralise(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil && s[0] != '=' && s[0] != '@' {
		return s
	}
	return "'" + s
}

// unneutralise undoes Neutralise, for reading back an exported CSV.
func unneutralise(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// FileNames are the files of an export: each record type in JSON and CSV.
var FileNames = []string{"structures.json", "services.json", "structures.csv", "services.csv"}

// ErrUnknownFile is returned by WriteFile for a name not in FileNames.
var ErrUnknownFile = errors.New("datainclusion: unknown export file")

// WriteFile writes one of FileNames.
func (x *Export) WriteFile(w io.Writer, name string) error {
	switch name {
	case "structures.json":
		return WriteJSON(w, x.Structures)
	case "services.json":
		return WriteJSON(w, x.Services)
	case "structures.csv":
		return WriteCSV(w, x.Structures)
	case "services.csv":
		return WriteCSV(w, x.Services)
	}
	return fmt.Errorf("%w: %q", ErrUnknownFile, name)
}
