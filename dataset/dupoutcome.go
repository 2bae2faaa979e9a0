package dataset

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// repeatedKey returns the path of a key the record line (valid JSON:
// decoded already) holds twice in one object, at any depth: ["prompt"],
// ["outcomes", "m"], ["outcomes", "m", "score"], ["messages", "[1]",
// "role"]. encoding/json keeps the last of repeated keys, which would drop
// a prompt or a model's score silently. One pass over the bytes, strings
// skipped with IndexByte, no allocation for records of up to 16 keys an
// object unless a key repeats.
func repeatedKey(line []byte) (path []string, dup bool) {
	i := bytes.IndexByte(line, '{')
	if i < 0 {
		return nil, false
	}
	path, dup, _ = objectKeys(line[i:])
	return path, dup
}

// fieldPath joins a repeatedKey path as Error.Field spells it:
// "outcomes.m.score", "messages[1].role".
func fieldPath(path []string) string {
	var b strings.Builder
	for i, p := range path {
		if i > 0 && !strings.HasPrefix(p, "[") {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
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
// crafted line may hold a million). It holds no pointer into itself, so
// it stays on the stack.
type keySet struct {
	buf  [16][]byte
	n    int
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
	for _, seen := range s.buf[:s.n] {
		if bytes.Equal(seen, k) {
			return true
		}
	}
	if s.n < len(s.buf) {
		s.buf[s.n] = k
		s.n++
		return false
	}
	s.many = make(map[string]struct{}, 2*s.n)
	for _, seen := range s.buf[:s.n] {
		s.many[string(seen)] = struct{}{}
	}
	s.many[string(k)] = struct{}{}
	return false
}

// objectKeys returns the path of a key that the JSON object opening at
// b[0], or an object nested in it, holds twice, and the index of the
// object's closing brace. Nesting is bounded by encoding/json's depth
// limit: the line decoded already.
func objectKeys(b []byte) (path []string, dup bool, end int) {
	var set keySet
	var key []byte
	expectKey := true
	for i := 1; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			j := stringEnd(b, i)
			if expectKey {
				key = jsonKey(b[i : j+1])
				if set.add(key) {
					return []string{string(key)}, true, j
				}
				expectKey = false
			}
			i = j
		case '{', '[':
			p, d, e := nestedKeys(b[i:])
			if d {
				return append([]string{string(key)}, p...), true, i + e
			}
			i += e
		case '}':
			return nil, false, i
		case ',':
			expectKey = true
		}
	}
	return nil, false, len(b)
}

// arrayKeys is objectKeys for the JSON array opening at b[0]: its
// elements' objects are checked, each path step an index ("[1]").
func arrayKeys(b []byte) (path []string, dup bool, end int) {
	n := 0
	for i := 1; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			i = stringEnd(b, i)
		case '{', '[':
			p, d, e := nestedKeys(b[i:])
			if d {
				return append([]string{"[" + strconv.Itoa(n) + "]"}, p...), true, i + e
			}
			i += e
		case ']':
			return nil, false, i
		case ',':
			n++
		}
	}
	return nil, false, len(b)
}

// nestedKeys is objectKeys or arrayKeys by b[0].
func nestedKeys(b []byte) (path []string, dup bool, end int) {
	if b[0] == '{' {
		return objectKeys(b)
	}
	return arrayKeys(b)
}
