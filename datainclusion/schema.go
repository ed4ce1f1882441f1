package datainclusion

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemas are the compiled official JSON Schemas, with formats asserted
// (date, email, uri), as data·inclusion checks them.
type schemas struct {
	structure, service *jsonschema.Schema
}

// compileSchemas compiles the embedded schemas.
func compileSchemas() (*schemas, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	s := &schemas{}
	for _, x := range []struct {
		name string
		dst  **jsonschema.Schema
	}{{"structure", &s.structure}, {"service", &s.service}} {
		data, err := Schemas.ReadFile("schema/" + x.name + ".json")
		if err != nil {
			return nil, fmt.Errorf("datainclusion: read %s schema: %w", x.name, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("datainclusion: parse %s schema: %w", x.name, err)
		}
		url := "https://schema.data.inclusion.beta.gouv.fr/v1/" + x.name + ".json"
		if err := c.AddResource(url, doc); err != nil {
			return nil, fmt.Errorf("datainclusion: load %s schema: %w", x.name, err)
		}
		if *x.dst, err = c.Compile(url); err != nil {
			return nil, fmt.Errorf("datainclusion: compile %s schema: %w", x.name, err)
		}
	}
	return s, nil
}

// refused validates a record against sch and returns the top-level fields
// the schema refuses ("" for the record as a whole), with a message each.
func refused(sch *jsonschema.Schema, record any) (map[string]string, error) {
	err := sch.Validate(instance(record))
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return nil, err
	}
	out := map[string]string{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			field := ""
			if len(e.InstanceLocation) > 0 {
				field = e.InstanceLocation[0]
			}
			if _, seen := out[field]; !seen {
				out[field] = e.Error()
			}
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(verr)
	return out, nil
}

// instance is a record (a pointer to Structure or Service) as the value
// JSON would decode it to, without going through JSON: a map of its JSON
// names to strings, float64, []any and nil.
func instance(record any) map[string]any {
	v := reflect.ValueOf(record).Elem()
	t := v.Type()
	out := make(map[string]any, t.NumField())
	for i := range t.NumField() {
		f := v.Field(i)
		var x any
		switch f.Kind() {
		case reflect.String:
			x = f.String()
		case reflect.Slice:
			if !f.IsNil() {
				l := make([]any, f.Len())
				for j := range l {
					l[j] = f.Index(j).String()
				}
				x = l
			}
		case reflect.Pointer:
			if !f.IsNil() {
				switch e := f.Elem(); e.Kind() {
				case reflect.String:
					x = e.String()
				case reflect.Float64:
					x = e.Float()
				case reflect.Int:
					x = e.Int()
				}
			}
		}
		out[t.Field(i).Tag.Get("json")] = x
	}
	return out
}

// clearField sets the field of a record (a pointer to Structure or Service)
// whose JSON name is name to null. It reports false for a field that cannot
// be null (a required one).
func clearField(record any, name string) bool {
	v := reflect.ValueOf(record).Elem()
	t := v.Type()
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("json") != name {
			continue
		}
		f := v.Field(i)
		if k := f.Kind(); k != reflect.Pointer && k != reflect.Slice {
			return false
		}
		f.SetZero()
		return true
	}
	return false
}

// conform drops the optional values the schema refuses, reporting each, and
// reports false when the record itself would still be refused.
func (s *schemas) conform(sch *jsonschema.Schema, record any, p pathOmitter) (bool, error) {
	bad, err := refused(sch, record)
	if err != nil || len(bad) == 0 {
		return err == nil, err
	}
	fields := make([]string, 0, len(bad))
	for f := range bad {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		if f == "" || !clearField(record, f) {
			p.omit("", fmt.Sprintf("refusé par le schéma (%s : %s)", f, bad[f]))
			return false, nil
		}
	}
	for _, f := range fields {
		p.omit(f, "valeur refusée par le schéma : "+bad[f])
	}
	bad, err = refused(sch, record)
	if err != nil {
		return false, err
	}
	if len(bad) > 0 {
		p.omit("", fmt.Sprintf("refusé par le schéma : %v", bad))
		return false, nil
	}
	return true, nil
}

// pathOmitter reports omissions about one page.
type pathOmitter interface{ omit(field, reason string) }
