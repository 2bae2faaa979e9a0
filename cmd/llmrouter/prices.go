package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// price is a model's list price, USD per million tokens.
type price struct {
	In  float64 `json:"input_per_mtok"`
	Out float64 `json:"output_per_mtok"`
}

// maxPricesBytes bounds a -prices file: a catalogue of thousands of
// models takes a few hundred KiB.
const maxPricesBytes = 16 << 20

// loadPrices reads a -prices file, {"models": {name: {"input_per_mtok":
// …, "output_per_mtok": …}}}, other keys allowed (a note, a blended
// price), a leading UTF-8 byte order mark skipped. Each model needs both prices, finite and ≥ 0; a key twice in one
// object, or a second spelling of "models" or of a price key (case aside,
// as encoding/json matches them), text that is not UTF-8, is an error, as are a syntax error and a value of the wrong type,
// each with its line. Errors name the flag and the file.
func loadPrices(path string) (map[string]price, error) {
	m, err := readPrices(path)
	if err != nil {
		return nil, fmt.Errorf("-prices %s: %w", path, err)
	}
	return m, nil
}

func readPrices(path string) (map[string]price, error) {
	f, err := openInput(path, "a prices file")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPricesBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPricesBytes {
		return nil, fmt.Errorf("larger than %d bytes: not a prices file", maxPricesBytes)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark, as Windows editors write
	if !utf8.Valid(b) {                             // encoding/json would read U+FFFD in place of the bytes
		i := 0
		for r, n := utf8.DecodeRune(b); r != utf8.RuneError || n > 1; r, n = utf8.DecodeRune(b[i:]) {
			i += n
		}
		return nil, fmt.Errorf("line %d: not UTF-8 (byte %d of the line)", lineAt(b, int64(i)), i-bytes.LastIndexByte(b[:i], '\n'))
	}
	var raw struct {
		Models map[string]json.RawMessage `json:"models"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("line %d: %v", lineAt(b, se.Offset), se)
		case errors.As(err, &te) && te.Field != "":
			return nil, fmt.Errorf("line %d: %s: got JSON %s, want an object", lineAt(b, te.Offset), te.Field, te.Value)
		case errors.As(err, &te):
			return nil, fmt.Errorf(`want a JSON object {"models": …}, got JSON %s`, te.Value)
		}
		return nil, err
	}
	if k := repeatedJSONKey(b); k.key != "" && k.first != "" {
		return nil, fmt.Errorf("line %d: key %q is a second spelling of %q in %s: JSON readers would keep one silently", lineAt(b, k.off), k.key, k.first, k.where)
	} else if k.key != "" {
		return nil, fmt.Errorf("line %d: key %q appears twice in %s", lineAt(b, k.off), k.key, k.where)
	}
	if raw.Models == nil {
		return nil, errors.New(`no "models" object: want {"models": {name: {"input_per_mtok": USD, "output_per_mtok": USD}}}`)
	}
	if len(raw.Models) == 0 {
		return nil, errors.New(`"models" is empty: want {"models": {name: {"input_per_mtok": USD, "output_per_mtok": USD}}}`)
	}
	names := make([]string, 0, len(raw.Models))
	for name := range raw.Models {
		if name == "" {
			return nil, errors.New(`a model with an empty name in "models"`)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	out := make(map[string]price, len(names))
	for _, name := range names {
		var r struct {
			In  *float64 `json:"input_per_mtok"`
			Out *float64 `json:"output_per_mtok"`
		}
		if err := json.Unmarshal(raw.Models[name], &r); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" && strings.HasPrefix(te.Value, "number ") {
				return nil, fmt.Errorf("model %q: %s: %s is out of range", name, te.Field, te.Value)
			}
			if errors.As(err, &te) && te.Field != "" {
				return nil, fmt.Errorf("model %q: %s: got JSON %s, want a number", name, te.Field, te.Value)
			}
			if errors.As(err, &te) {
				return nil, fmt.Errorf("models.%s: got JSON %s, want an object", name, te.Value)
			}
			return nil, fmt.Errorf("models.%s: %w", name, err)
		}
		for _, p := range []struct {
			key string
			v   *float64
		}{{"input_per_mtok", r.In}, {"output_per_mtok", r.Out}} {
			switch {
			case p.v == nil:
				return nil, fmt.Errorf("model %q: no %s", name, p.key)
			case !(*p.v >= 0) || math.IsInf(*p.v, 0):
				return nil, fmt.Errorf("model %q: %s %v: want a price ≥ 0", name, p.key, *p.v)
			}
		}
		out[name] = price{In: *r.In, Out: *r.Out}
	}
	return out, nil
}

// lineAt is the 1-based line of byte offset off in b.
func lineAt(b []byte, off int64) int {
	off = min(max(off, 0), int64(len(b)))
	return 1 + bytes.Count(b[:off], []byte("\n"))
}

// jsonKeyRepeat is a key an object holds twice: key, the object's path
// ("models", "top level") and the offset just past the second key; first
// is the earlier spelling when the two differ in case only.
type jsonKeyRepeat struct {
	where, key, first string
	off               int64
}

// pricesFields are the keys encoding/json matches, ignoring case, to the
// fields readPrices decodes, by the object's depth: the top level's and a
// model's.
var pricesFields = [][]string{{"models"}, nil, {"input_per_mtok", "output_per_mtok"}}

// repeatedJSONKey returns a key that an object of the valid JSON document
// b holds twice, or a second spelling (in another case) of a key
// readPrices decodes; its key is "" when there is none.
func repeatedJSONKey(b []byte) (rep jsonKeyRepeat) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var walk func(path string, depth int) bool
	walk = func(path string, depth int) bool {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		d, ok := t.(json.Delim)
		if !ok {
			return false
		}
		switch d {
		case '{':
			seen := map[string]bool{}
			var fields []string
			if depth < len(pricesFields) {
				fields = pricesFields[depth]
			}
			spelt := make([]string, len(fields)) // the spelling each field was met in
			for dec.More() {
				t, err := dec.Token()
				if err != nil {
					return false
				}
				k, _ := t.(string)
				if seen[k] {
					rep = jsonKeyRepeat{where: cmp.Or(path, "top level"), key: k, off: dec.InputOffset()}
					return true
				}
				seen[k] = true
				for i, f := range fields {
					if !strings.EqualFold(k, f) {
						continue
					}
					if spelt[i] != "" {
						rep = jsonKeyRepeat{where: cmp.Or(path, "top level"), key: k, first: spelt[i], off: dec.InputOffset()}
						return true
					}
					spelt[i] = k
				}
				sub := k
				if path != "" {
					sub = path + "." + k
				}
				if walk(sub, depth+1) {
					return true
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if walk(fmt.Sprintf("%s[%d]", path, i), len(pricesFields)) {
					return true
				}
			}
		}
		_, _ = dec.Token() // the closing delimiter
		return false
	}
	walk("", 0)
	return rep
}
