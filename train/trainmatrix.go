package train

import (
	"slices"

	"github.com/llmrouter/llmrouter/internal/linear"
)

// trainMatrix holds what training keeps of each prompt once its text is
// dropped: the distinct n-gram buckets with their counts (CSR, one uint32
// an entry), the dense signals and a hash of the prompt for grouping. It
// is independent of idf and dense scale, so tuning hashes every prompt
// once. Code 0 is count 1 (tf 1), most entries: a row's entries ascend by
// code, then bucket, so its count-1 entries come first and are bare
// buckets, which the solver reads without a tf lookup.
type trainMatrix struct {
	n      int
	bits   int
	rows   []rowRef
	maxRow int        // entries of the longest row
	chunks [][]uint32 // entries: bucket | code<<bits, ascending by bucket within a row
	codeTF []float32
	over   map[uint64]float32 // tf of entries whose code is codeOver, by overKey
	tfTab  *[tfCodes]float64  // codeTF widened, when every entry's code is below tfCodes; else nil
	dense  [][linear.NumDense]float64
	key    []uint64 // FNV-1a of the prompt: rows with equal keys share a fold

	// building
	counter *linear.Counter
	ngrams  []uint32
	codeOf  map[uint32]uint32 // count → code
}

func newTrainMatrix(bits int) *trainMatrix {
	return &trainMatrix{bits: bits, counter: new(linear.Counter), codeOf: map[uint32]uint32{1: 0}, codeTF: []float32{linear.TF(1)}}
}

// rowRef locates a row's entries, those of count 1 in [lo, one).
// Entries live in chunks of chunkEntries that never straddle a row, so
// the matrix grows without copying (a copying slice would double its
// memory while it grows).
type rowRef struct{ chunk, lo, one, hi uint32 }

const chunkEntries = 1 << 18

// tfCodes bounds the codes of tfTab: a fixed-size table indexed by a
// masked code needs no bounds check in the solver's inner loops.
const tfCodes = 1 << 14

// row returns row i's entries.
func (m *trainMatrix) row(i int) []uint32 {
	r := m.rows[i]
	return m.chunks[r.chunk][r.lo:r.hi]
}

// rowParts returns row i's entries of count 1 (bare buckets) and the rest.
func (m *trainMatrix) rowParts(i int) (ones, rest []uint32) {
	r := m.rows[i]
	c := m.chunks[r.chunk]
	return c[r.lo:r.one], c[r.one:r.hi]
}

// codeOver marks an entry whose count did not get a code of its own (more
// distinct counts than 32-bits bits can number, only with many hash bits
// and long prompts); its tf is in over.
func (m *trainMatrix) codeOver() uint32 { return 1<<(32-m.bits) - 1 }

// overKey keys over by row and bucket (distinct within a row).
func overKey(row int, bucket uint32) uint64 { return uint64(row)<<32 | uint64(bucket) }

// add hashes one prompt into a new row.
func (m *trainMatrix) add(text string, maxWords int) {
	m.ngrams = linear.NGrams(m.ngrams[:0], text, maxWords) // what serving reads: the scan window
	var ref rowRef
	if len(m.ngrams) > 0 {
		b := m.counter
		b.Count(m.ngrams, m.bits, maxWords)
		if k := len(m.chunks) - 1; k < 0 || len(m.chunks[k])+len(b.Used) > cap(m.chunks[k]) {
			m.chunks = append(m.chunks, make([]uint32, 0, max(chunkEntries, len(b.Used))))
		}
		k := len(m.chunks) - 1
		c := m.chunks[k]
		start := len(c)
		for _, slot := range b.Used {
			bucket := b.Keys[slot] - 1
			c = append(c, bucket|m.code(b.Counts[slot], bucket)<<m.bits)
		}
		b.Clear()
		// Sorted, the float summation order does not depend on hash-table
		// layout (buckets are distinct within a row); count-1 entries,
		// code 0, come first.
		slices.Sort(c[start:])
		one, _ := slices.BinarySearch(c[start:], 1<<m.bits)
		m.chunks[k] = c
		ref = rowRef{uint32(k), uint32(start), uint32(start + one), uint32(len(c))}
		m.maxRow = max(m.maxRow, len(c)-start)
	}
	m.rows = append(m.rows, ref)
	var d [linear.NumDense]float64
	linear.DenseSignals(text, &d)
	m.dense = append(m.dense, d)
	m.key = append(m.key, fnv64a(text))
	m.n++
}

// code returns the code of count in the row being added.
func (m *trainMatrix) code(count, bucket uint32) uint32 {
	if c, ok := m.codeOf[count]; ok {
		return c
	}
	if c := uint32(len(m.codeTF)); c < m.codeOver() {
		m.codeOf[count] = c
		m.codeTF = append(m.codeTF, linear.TF(count))
		return c
	}
	if m.over == nil {
		m.over = map[uint64]float32{}
	}
	m.over[overKey(m.n, bucket)] = linear.TF(count)
	return m.codeOver()
}

// tf returns the tf weight of entry e of row i.
func (m *trainMatrix) tf(i int, e uint32) float32 {
	c := e >> m.bits
	if c == m.codeOver() {
		return m.over[overKey(i, e&(1<<m.bits-1))]
	}
	return m.codeTF[c]
}

// done drops the building state and trims the slices to their length.
func (m *trainMatrix) done() {
	m.counter, m.ngrams, m.codeOf = nil, nil, nil
	if m.over == nil && len(m.codeTF) <= tfCodes {
		m.tfTab = new([tfCodes]float64)
		for c, v := range m.codeTF {
			m.tfTab[c] = float64(v)
		}
	}
	m.dense = slices.Clip(m.dense)
	m.key = slices.Clip(m.key)
}

// fnv64a is the FNV-1a hash of s.
func fnv64a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
