package dataset

import (
	"bytes"
	"encoding/json"
)

// repeatedKey returns a key the record line (valid JSON: decoded
// already) holds twice at its top level, or in its outcomes object
// (inOutcomes). encoding/json keeps the last of repeated keys, which would
// drop a prompt or a model's score silently. One pass over the bytes,
// strings skipped with IndexByte, no allocation for records of up to 16
// keys an object.
func repeatedKey(line []byte) (key string, inOutcomes, dup bool) {
	i := bytes.IndexByte(line, '{')
	if i < 0 {
		return "", false, false
	}
	key, inOutcomes, dup, _ = objectKeys(line[i:], true)
	return key, inOutcomes, dup
}

// stringEnd returns the index of the quote closing the JSON string that
// opens at b[i].
func stringEnd(b []byte, i int) int {
	j := i + 1
	for {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			return len(b) - 1
		}
		j += q
		n := 0 // backslashes before the quote: an odd count escapes it
		for p := j - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return j
		}
		j++
	}
}

// jsonKey is the quoted JSON string q, decoded when it holds escapes.
func jsonKey(q []byte) []byte {
	k := q[1 : len(q)-1]
	if bytes.IndexByte(k, '\\') >= 0 {
		var s string
		if json.Unmarshal(q, &s) == nil {
			return []byte(s)
		}
	}
	return k
}

// keySet holds an object's keys: a few in an array, past them a map (a
// crafted line may hold a million).
type keySet struct {
	buf  [16][]byte
	keys [][]byte
	many map[string]struct{}
}

// add adds k, reporting whether it was there already.
func (s *keySet) add(k []byte) bool {
	if s.many != nil {
		if _, dup := s.many[string(k)]; dup {
			return true
		}
		s.many[string(k)] = struct{}{}
		return false
	}
	for _, seen := range s.keys {
		if bytes.Equal(seen, k) {
			return true
		}
	}
	if s.keys == nil {
		s.keys = s.buf[:0]
	}
	if len(s.keys) < len(s.buf) {
		s.keys = append(s.keys, k)
		return false
	}
	s.many = make(map[string]struct{}, 2*len(s.keys))
	for _, seen := range s.keys {
		s.many[string(seen)] = struct{}{}
	}
	s.many[string(k)] = struct{}{}
	return false
}

// objectKeys returns a key the JSON object opening at b[0] holds twice
// and the index of its closing brace. At the top (top), it also checks
// the "outcomes" object's keys (inOutcomes).
func objectKeys(b []byte, top bool) (key string, inOutcomes, dup bool, end int) {
	var set keySet
	depth, expectKey, outcomes := 0, false, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			j := stringEnd(b, i)
			if depth == 1 && expectKey {
				k := jsonKey(b[i : j+1])
				if set.add(k) {
					return string(k), false, true, j
				}
				outcomes = top && string(k) == "outcomes"
				expectKey = false
			}
			i = j
		case '{', '[':
			if depth == 1 && c == '{' && outcomes {
				k, _, d, e := objectKeys(b[i:], false)
				if d {
					return k, true, true, i + e
				}
				i += e
				outcomes = false
				continue
			}
			depth++
			expectKey = depth == 1 && c == '{'
		case '}', ']':
			depth--
			if depth == 0 {
				return "", false, false, i
			}
		case ',':
			expectKey = depth == 1
		}
	}
	return "", false, false, len(b)
}
