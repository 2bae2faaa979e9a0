package dataset

import (
	"bytes"
	"encoding/json"
)

// repeatedOutcome returns a model the outcomes object of the record line
// (valid JSON: decoded already) names twice. encoding/json keeps the last
// of repeated keys, which would drop a model's score silently. One pass
// over the bytes, strings skipped with IndexByte, no allocation: Load
// takes ~11% longer on RouterBench (a json.Decoder walk of the outcomes
// took 70% longer).
func repeatedOutcome(line []byte) (string, bool) {
	depth, expectKey, inOutcomes := 0, false, false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case '"':
			j := stringEnd(line, i)
			if depth == 1 && expectKey {
				inOutcomes = bytes.Equal(jsonKey(line[i:j+1]), []byte("outcomes"))
				expectKey = false
			}
			i = j
		case '{', '[':
			depth++
			expectKey = depth == 1 && c == '{'
			if depth == 2 && c == '{' && inOutcomes {
				return repeatedKey(line[i:])
			}
		case '}', ']':
			depth--
		case ',':
			expectKey = depth == 1
		}
	}
	return "", false
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

// repeatedKey returns a key the JSON object opening at b[0] holds twice.
func repeatedKey(b []byte) (string, bool) {
	var buf [16][]byte
	keys := buf[:0]
	var many map[string]struct{} // past a few keys: a crafted line may hold a million
	depth, expectKey := 0, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			j := stringEnd(b, i)
			if depth == 1 && expectKey {
				k := jsonKey(b[i : j+1])
				if many != nil {
					if _, dup := many[string(k)]; dup {
						return string(k), true
					}
					many[string(k)] = struct{}{}
				} else {
					for _, seen := range keys {
						if bytes.Equal(seen, k) {
							return string(k), true
						}
					}
					if len(keys) < len(buf) {
						keys = append(keys, k)
					} else {
						many = make(map[string]struct{}, 2*len(keys))
						for _, s := range keys {
							many[string(s)] = struct{}{}
						}
						many[string(k)] = struct{}{}
					}
				}
				expectKey = false
			}
			i = j
		case '{', '[':
			depth++
			expectKey = depth == 1 && c == '{'
		case '}', ']':
			depth--
			if depth == 0 {
				return "", false
			}
		case ',':
			expectKey = depth == 1
		}
	}
	return "", false
}
