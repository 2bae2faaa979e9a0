package embedding_test

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/embedding"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The query cache keeps a digest of each text, not the text: its memory is
// CacheSize × (4·dimension + a few dozen bytes) whatever the prompts'
// length. Keyed by the text itself, it kept every cached request's prompt
// (and the message it was cut from) alive: 8 cached 2 MiB prompts held 16
// MiB after their requests had ended, 1,024 long documents gigabytes.
func TestQueryCacheHoldsNoText(t *testing.T) {
	e := &fakeEmbedder{vec: func(text string) []float32 { return []float32{1, float32(len(text)%7) + 1} }}
	ds := toyDataset()
	for i := range ds.Records {
		ds.Records[i].Prompt = "p" + ds.Records[i].Prompt
	}
	c, err := embedding.NewClassifier(context.Background(), e, ds, embedding.Config{CacheSize: 8})
	require.NoError(t, err)
	models := cards(strong, weak)
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	const size = 2 << 20
	for i := range 8 {
		text := strings.Repeat(string(rune('a'+i)), size)
		classify(t, c, text, models)
		classify(t, c, text, models) // from the cache
	}
	assert.Equal(t, int64(8), e.queryCalls.Load(), "each text embedded once, then cached")
	after := heap()
	held := int64(after) - int64(before)
	assert.Less(t, held, int64(size), "the cache holds %d bytes after its requests ended", held)
	runtime.KeepAlive(c)
}
