package breaker

import (
	"time"
)

// window counts requests and failures over a sliding window kept in
// windowBuckets buckets of Window/windowBuckets each.
type window struct {
	buckets [windowBuckets]windowBucket
}

type windowBucket struct {
	idx       int64
	req, fail int
}

const windowBuckets = 10

func bucketIndex(now time.Time, span time.Duration) int64 {
	w := int64(span) / windowBuckets
	if w <= 0 {
		w = 1
	}
	n := now.UnixNano()
	i := n / w
	if n < 0 && n%w != 0 {
		i-- // floor
	}
	return i
}

func (w *window) add(now time.Time, span time.Duration, failure bool) {
	i := bucketIndex(now, span)
	bk := &w.buckets[((i%windowBuckets)+windowBuckets)%windowBuckets]
	if bk.idx != i {
		*bk = windowBucket{idx: i}
	}
	bk.req++
	if failure {
		bk.fail++
	}
}

func (w *window) counts(now time.Time, span time.Duration) (req, fail int) {
	cur := bucketIndex(now, span)
	for _, bk := range w.buckets {
		if bk.req > 0 && bk.idx <= cur && bk.idx > cur-windowBuckets {
			req += bk.req
			fail += bk.fail
		}
	}
	return req, fail
}

func (w *window) reset() { w.buckets = [windowBuckets]windowBucket{} }
