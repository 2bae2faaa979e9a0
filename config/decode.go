package config

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// decoder walks a YAML node tree into Go values by their `yaml` tags,
// strictly: an unknown field, a duplicate key or a value of the wrong kind
// is an Error naming the line and the field's path, and decoding goes on,
// so one pass reports every such problem. It records the line of every
// field it sets (lines) for the checks that run after decoding.
type decoder struct {
	file  string
	errs  *Errors
	lines map[string]int
	bad   map[string]bool // paths that failed to decode: checks skip them
}

var (
	durationType = reflect.TypeFor[time.Duration]()
	textType     = reflect.TypeFor[encoding.TextUnmarshaler]()
	nodeType     = reflect.TypeFor[yaml.Node]()
)

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs.add(&Error{File: d.file, Line: line, Field: path, Msg: fmt.Sprintf(format, args...)})
	d.bad[path] = true
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing"
	case "!!str":
		return fmt.Sprintf("the text %q", quoteCut(n.Value))
	}
	return fmt.Sprintf("%s %s", strings.TrimPrefix(n.ShortTag(), "!!"), quoteCut(n.Value))
}

// quoteCut shortens a value an error quotes to its first 60 bytes (whole
// runes) and "…", so a long line does not come back whole.
func quoteCut(s string) string {
	const maxQuote = 60
	if len(s) <= maxQuote {
		return s
	}
	i := maxQuote
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// decode sets v from n; depth bounds nesting (aliases can loop).
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string, depth int) {
	if depth > 20 {
		d.fail(n, path, "nested too deeply")
		return
	}
	if n.Kind == yaml.AliasNode {
		d.fail(n, path, "aliases (*name) are not supported: write the value out")
		return
	}
	d.lines[path] = n.Line
	if v.Type() == nodeType || v.Type() == reflect.PointerTo(nodeType) {
		if v.Kind() == reflect.Pointer {
			v.Set(reflect.ValueOf(n))
		} else {
			v.Set(reflect.ValueOf(*n))
		}
		return // kept raw, checked later
	}
	if v.Kind() == reflect.Pointer {
		if n.ShortTag() == "!!null" {
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	switch {
	case v.Type() == durationType:
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" && n.Value == "0" {
			v.SetInt(0)
			return
		}
		dur, err := time.ParseDuration(n.Value)
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" || err != nil {
			d.fail(n, path, "want a duration such as \"800ms\" or \"30s\", got %s", kindName(n))
			return
		}
		v.SetInt(int64(dur))
		return
	case reflect.PointerTo(v.Type()).Implements(textType):
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			d.fail(n, path, "want text, got %s", kindName(n))
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.fail(n, path, "%s", strings.TrimPrefix(err.Error(), "llmrouter: "))
		}
		return
	}
	switch v.Kind() {
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			d.fail(n, path, "want text, got %s", kindName(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		b, err := strconv.ParseBool(n.Value)
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || err != nil {
			d.fail(n, path, "want true or false, got %s", kindName(n))
			return
		}
		v.SetBool(b)
	case reflect.Int:
		i, err := strconv.ParseInt(n.Value, 0, 64)
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || err != nil || i != int64(int(i)) {
			d.fail(n, path, "want a whole number, got %s", kindName(n))
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		tag := n.ShortTag()
		f, err := strconv.ParseFloat(n.Value, 64)
		if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.fail(n, path, "want a finite number, got %s", kindName(n))
			return
		}
		v.SetFloat(f)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "want a list, got %s", kindName(n))
			return
		}
		out := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, out.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
		v.Set(out)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n, path, "want a mapping, got %s", kindName(n))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
				d.fail(k, path, "want a name as key, got %s", kindName(k))
				continue
			}
			if m.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
				d.fail(k, path+"."+k.Value, "defined twice")
				continue
			}
			ev := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, ev, path+"."+k.Value, depth+1)
			m.SetMapIndex(reflect.ValueOf(k.Value), ev)
		}
		v.Set(m)
	case reflect.Struct:
		d.decodeStruct(n, v, path, depth)
	default:
		panic("config: no decoder for " + v.Type().String())
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping, got %s", kindName(n))
		return
	}
	t := v.Type()
	fields := map[string]int{}
	var names []string
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == "" || tag == "-" {
			continue
		}
		fields[tag] = i
		names = append(names, tag)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		p := k.Value
		if path != "" {
			p = path + "." + k.Value
		}
		fi, ok := fields[k.Value]
		switch {
		case k.Kind != yaml.ScalarNode:
			d.fail(k, path, "want a field name as key, got %s", kindName(k))
		case seen[k.Value]:
			d.fail(k, p, "defined twice")
		case k.Value == "":
			d.fail(k, path, "an empty field name (known: %s)", strings.Join(names, ", "))
		case !ok && isKeyField(k.Value):
			d.fail(k, p, "API keys never go in the file: put the key in an environment variable and name the variable with api_key_env")
		case !ok:
			d.fail(k, p, "unknown field (known: %s)", strings.Join(names, ", "))
		default:
			seen[k.Value] = true
			d.decode(val, v.Field(fi), p, depth+1)
			d.lines[p] = k.Line
		}
	}
}

func isKeyField(name string) bool {
	switch strings.ToLower(name) {
	case "api_key", "apikey", "key", "token", "secret", "api_token":
		return true
	}
	return false
}
