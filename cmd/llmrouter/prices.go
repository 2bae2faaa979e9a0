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
// object is an error, as are a syntax error and a value of the wrong type,
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
		}
		return nil, err
	}
	if where, key, off := repeatedJSONKey(b); key != "" {
		return nil, fmt.Errorf("line %d: key %q appears twice in %s", lineAt(b, off), key, where)
	}
	if raw.Models == nil {
		return nil, errors.New(`no "models" object: want {"models": {name: {"input_per_mtok": USD, "output_per_mtok": USD}}}`)
	}
	names := make([]string, 0, len(raw.Models))
	for name := range raw.Models {
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

// repeatedJSONKey returns a key that an object of the valid JSON document
// b holds twice, the object's path ("models", "top level") and the offset
// just past the second key; key is "" when there is none.
func repeatedJSONKey(b []byte) (where, key string, off int64) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var walk func(path string) bool
	walk = func(path string) bool {
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
			for dec.More() {
				t, err := dec.Token()
				if err != nil {
					return false
				}
				k, _ := t.(string)
				if seen[k] {
					where, key, off = cmp.Or(path, "top level"), k, dec.InputOffset()
					return true
				}
				seen[k] = true
				sub := k
				if path != "" {
					sub = path + "." + k
				}
				if walk(sub) {
					return true
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if walk(fmt.Sprintf("%s[%d]", path, i)) {
					return true
				}
			}
		}
		_, _ = dec.Token() // the closing delimiter
		return false
	}
	walk("")
	return where, key, off
}
