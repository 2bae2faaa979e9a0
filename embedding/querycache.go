package embedding

import (
	"hash/maphash"
	"sync"
)

// queryKey is a query text's cache key: two 64-bit seeded hashes of it, so
// that the cache holds 16 bytes a query however long the text, and never
// the caller's string (nor the message it was cut from). The seeds are the
// process's own, so no text can be chosen to collide with another; by
// chance two texts share a key once in about 2^128/CacheSize lookups.
type queryKey [2]uint64

var keySeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

func keyOf(text string) queryKey {
	return queryKey{maphash.String(keySeeds[0], text), maphash.String(keySeeds[1], text)}
}

// queryCache is a fixed-size LRU cache of query embeddings keyed by the
// text's digest, safe for concurrent use. A nil *queryCache caches nothing.
// Cached vectors are never modified, so callers may read them after the
// lock is released.
type queryCache struct {
	mu      sync.Mutex
	index   map[queryKey]int32
	entries []cacheEntry // a doubly linked list through prev/next, head = most recent
	head    int32
	tail    int32
}

type cacheEntry struct {
	key        queryKey
	vec        []float32
	prev, next int32
}

func newQueryCache(size int) *queryCache {
	if size <= 0 {
		return nil
	}
	return &queryCache{index: make(map[queryKey]int32, size), entries: make([]cacheEntry, 0, size), head: -1, tail: -1}
}

func (c *queryCache) get(key queryKey) ([]float32, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	i, ok := c.index[key]
	if !ok {
		return nil, false
	}
	c.moveToFront(i)
	return c.entries[i].vec, true
}

func (c *queryCache) put(key queryKey, vec []float32) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if i, ok := c.index[key]; ok { // a concurrent miss got here first
		c.entries[i].vec = vec
		c.moveToFront(i)
		return
	}
	var i int32
	if len(c.entries) < cap(c.entries) {
		i = int32(len(c.entries))
		c.entries = append(c.entries, cacheEntry{prev: -1, next: -1})
	} else { // evict the least recently used
		i = c.tail
		c.unlink(i)
		delete(c.index, c.entries[i].key)
	}
	c.entries[i].key, c.entries[i].vec = key, vec
	c.index[key] = i
	c.pushFront(i)
}

func (c *queryCache) moveToFront(i int32) {
	if c.head == i {
		return
	}
	c.unlink(i)
	c.pushFront(i)
}

func (c *queryCache) unlink(i int32) {
	e := &c.entries[i]
	if e.prev >= 0 {
		c.entries[e.prev].next = e.next
	} else {
		c.head = e.next
	}
	if e.next >= 0 {
		c.entries[e.next].prev = e.prev
	} else {
		c.tail = e.prev
	}
	e.prev, e.next = -1, -1
}

func (c *queryCache) pushFront(i int32) {
	e := &c.entries[i]
	e.prev, e.next = -1, c.head
	if c.head >= 0 {
		c.entries[c.head].prev = i
	}
	c.head = i
	if c.tail < 0 {
		c.tail = i
	}
}
