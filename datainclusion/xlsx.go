package datainclusion

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// maxXMLPart is the most an XLSX part may hold once uncompressed: a zip
// of a few MB can expand to gigabytes.
const maxXMLPart = 64 << 20

// table is one worksheet's cells as text.
type table struct {
	name string
	rows [][]string
}

// readXLSX reads every worksheet of an Office Open XML workbook with the
// standard library alone: shared strings, inline strings, numbers and
// booleans as text; formulas are read as their cached value.
func readXLSX(data []byte) ([]table, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("pas un classeur XLSX : %v", err)
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[f.Name] = f
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := readPart(parts, "xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readPart(parts, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := strings.TrimPrefix(r.Target, "/")
		if !strings.HasPrefix(t, "xl/") {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
	}
	strs, err := sharedStrings(parts)
	if err != nil {
		return nil, err
	}
	var out []table
	for _, s := range wb.Sheets {
		rows, err := readSheet(parts, targets[s.RID], strs)
		if err != nil {
			return nil, fmt.Errorf("feuille %s : %w", s.Name, err)
		}
		out = append(out, table{name: s.Name, rows: rows})
	}
	return out, nil
}

func openPart(parts map[string]*zip.File, name string) (io.ReadCloser, error) {
	f, ok := parts[name]
	if !ok {
		return nil, fmt.Errorf("partie %s absente", name)
	}
	if f.UncompressedSize64 > maxXMLPart {
		return nil, fmt.Errorf("partie %s trop grande", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(rc, maxXMLPart), rc}, nil
}

func readPart(parts map[string]*zip.File, name string, v any) error {
	rc, err := openPart(parts, name)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("partie %s illisible : %v", name, err)
	}
	return nil
}

// sharedStrings reads the workbook's string table (absent when no cell
// holds text).
func sharedStrings(parts map[string]*zip.File) ([]string, error) {
	if _, ok := parts["xl/sharedStrings.xml"]; !ok {
		return nil, nil
	}
	var sst struct {
		SI []richText `xml:"si"`
	}
	if err := readPart(parts, "xl/sharedStrings.xml", &sst); err != nil {
		return nil, err
	}
	out := make([]string, len(sst.SI))
	for i, si := range sst.SI {
		out[i] = si.text()
	}
	return out, nil
}

// richText is a string item: plain (<t>) or in runs (<r><t>).
type richText struct {
	T string `xml:"t"`
	R []struct {
		T string `xml:"t"`
	} `xml:"r"`
}

func (r richText) text() string {
	if len(r.R) == 0 {
		return r.T
	}
	var b strings.Builder
	b.WriteString(r.T)
	for _, run := range r.R {
		b.WriteString(run.T)
	}
	return b.String()
}

type xlsxCell struct {
	Ref  string   `xml:"r,attr"`
	Type string   `xml:"t,attr"`
	F    string   `xml:"f"`
	V    string   `xml:"v"`
	IS   richText `xml:"is"`
}

// readSheet streams a worksheet's rows, placing cells by their reference.
func readSheet(parts map[string]*zip.File, name string, strs []string) ([][]string, error) {
	rc, err := openPart(parts, name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var rows [][]string
	var row []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("XML illisible : %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				if len(rows) > MaxRows {
					return nil, fmt.Errorf("plus de %d lignes", MaxRows)
				}
				row = nil
				if n, err := strconv.Atoi(attr(t, "r")); err == nil && n > len(rows)+1 && n <= MaxRows+1 {
					for len(rows) < n-1 { // empty rows are left out of the file
						rows = append(rows, nil)
					}
				}
			case "c":
				var c xlsxCell
				if err := dec.DecodeElement(&c, &t); err != nil {
					return nil, fmt.Errorf("cellule illisible : %v", err)
				}
				col := len(row)
				if c.Ref != "" {
					col = column(c.Ref)
				}
				if col < 0 || col >= MaxColumns {
					return nil, fmt.Errorf("plus de %d colonnes", MaxColumns)
				}
				for len(row) <= col {
					row = append(row, "")
				}
				row[col] = cellText(c, strs)
			}
		case xml.EndElement:
			if t.Name.Local == "row" {
				rows = append(rows, row)
			}
		}
	}
	return rows, nil
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// column reads the column of a cell reference: "C7" → 2.
func column(ref string) int {
	n := 0
	for _, r := range ref {
		if r < 'A' || r > 'Z' {
			break
		}
		n = n*26 + int(r-'A'+1)
		if n > MaxColumns {
			return -1
		}
	}
	return n - 1
}

func cellText(c xlsxCell, strs []string) string {
	if c.F != "" { // a formula: read as such, so that the import refuses it
		return "=" + c.F
	}
	switch c.Type {
	case "s":
		i, err := strconv.Atoi(c.V)
		if err != nil || i < 0 || i >= len(strs) {
			return ""
		}
		return strs[i]
	case "inlineStr":
		return c.IS.text()
	case "b":
		if c.V == "1" {
			return "true"
		}
		return "false"
	}
	return c.V
}
