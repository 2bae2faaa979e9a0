package dataset

import "bytes"

// The keys encoding/json matches to rawOutcome's and rawRecord's fields.
var (
	outcomeKeys = [][]byte{[]byte("score"), []byte("cost"), []byte("latency_ms"), []byte("answer"), []byte("output_chars")}
	recordKeys  = [][]byte{[]byte("id"), []byte("task"), []byte("prompt"), []byte("turns"), []byte("messages"), []byte("outcomes")}
)

// checkKeys scans the keys of the JSON object obj (valid JSON: decoded
// already) at its own level, not nested objects'. It returns the first
// key that matches a key of known that an earlier key matched already
// (first is that earlier key): encoding/json matches keys to fields
// ignoring case (bytes.EqualFold), so "score" and "Score" set one field
// and it kept the last silently. With strict it also returns the first
// key matching none of known (first ""). Exact repeats are repeatedKey's.
func checkKeys(obj []byte, known [][]byte, strict bool) (key, first string, bad bool) {
	var seen [8][]byte
	depth, expectKey := 0, false
	for i := 0; i < len(obj); i++ {
		switch obj[i] {
		case '"':
			j := stringEnd(obj, i)
			if depth == 1 && expectKey {
				expectKey = false
				k := jsonKey(obj[i : j+1])
				m := -1
				for x, kn := range known {
					if bytes.EqualFold(k, kn) {
						m = x
						break
					}
				}
				switch {
				case m < 0 && strict:
					return string(k), "", true
				case m >= 0 && seen[m] != nil:
					return string(k), string(seen[m]), true
				case m >= 0:
					seen[m] = k
				}
			}
			i = j
		case '{':
			depth++
			expectKey = depth == 1
		case '[':
			depth++
		case '}', ']':
			depth--
		case ',':
			expectKey = depth == 1
		}
	}
	return "", "", false
}
