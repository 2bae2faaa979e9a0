package llmrouter

import "github.com/llmrouter/llmrouter/internal/linear"

// sparseRows holds only the stored rows of a loaded model, for a model
// whose table of every bucket would be far larger than its file (many
// hash bits, few buckets stored): memory then follows the file, not the
// header's hash_bits. Rows are found by open addressing on the bucket.
type sparseRows struct {
	keys   []uint32  // stored buckets, ascending
	rows   []float32 // len(keys) × stride, in keys order
	slots  []int32   // index into keys + 1; 0 = empty; load ≤ 3/4
	shift  uint
	stride int
	unseen []float32 // the row of a bucket not stored
}

func newSparseRows(keys []uint32, rows []float32, stride int, unseen []float32) *sparseRows {
	size := linear.TableSize(len(keys))
	s := &sparseRows{
		keys: keys, rows: rows, stride: stride, unseen: unseen,
		slots: make([]int32, size),
		shift: linear.Shift(size),
	}
	mask := uint32(size - 1)
	for j, b := range keys {
		i := linear.Slot(b, s.shift)
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = int32(j + 1)
	}
	return s
}

// row returns a bucket's idf and weights.
func (s *sparseRows) row(bucket uint32) []float32 {
	mask := uint32(len(s.slots) - 1)
	i := linear.Slot(bucket, s.shift)
	for {
		j := s.slots[i]
		if j == 0 {
			return s.unseen
		}
		if s.keys[j-1] == bucket {
			k := int(j-1) * s.stride
			return s.rows[k : k+s.stride]
		}
		i = (i + 1) & mask
	}
}

// unseenRow is the row of a bucket never seen in training: idf maxIDF
// (1 without IDF) and no weights, as setIDF fills a dense table.
func (c *LinearClassifier) unseenRow() []float32 {
	row := make([]float32, c.stride)
	row[0] = 1
	if c.cfg.IDF {
		row[0] = c.maxIDF
	}
	return row
}

// eachRow calls f with every bucket that may differ from an unseen one,
// ascending: all buckets of a dense table, the stored ones of a sparse one.
func (c *LinearClassifier) eachRow(f func(bucket uint32, row []float32)) {
	if s := c.sparse; s != nil {
		for j, b := range s.keys {
			f(b, s.rows[j*s.stride:j*s.stride+s.stride])
		}
		return
	}
	for b := 0; b < 1<<c.cfg.HashBits; b++ {
		f(uint32(b), c.table[b*c.stride:b*c.stride+c.stride])
	}
}
