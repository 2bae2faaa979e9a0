package embedding

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/tmc/langchaingo/embeddings"
	"golang.org/x/sync/errgroup"
)

// embedAll embeds texts with e in batches of batch, at most conc calls in
// flight, and returns unit vectors and their dimension. The first error —
// a failed call, a misbehaving embedder, ctx's cancellation — stops the
// batches not yet started and is returned once the calls in flight end.
func embedAll(ctx context.Context, e embeddings.Embedder, texts []string, batch, conc int) ([][]float32, int, error) {
	out := make([][]float32, len(texts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(conc)
	for lo := 0; lo < len(texts); lo += batch {
		if gctx.Err() != nil {
			break // a batch failed or the caller cancelled: start no more
		}
		hi := min(lo+batch, len(texts))
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil
			}
			vs, callErr := e.EmbedDocuments(gctx, texts[lo:hi])
			if callErr != nil {
				return fmt.Errorf("embedding texts %d–%d: %w", lo, hi-1, callErr)
			}
			if len(vs) != hi-lo {
				return fmt.Errorf("embedder returned %d vectors for %d texts (texts %d–%d)", len(vs), hi-lo, lo, hi-1)
			}
			for i, v := range vs {
				u, verr := unitVector(v)
				if verr != nil {
					return fmt.Errorf("text %d (%.40q): %w", lo+i, texts[lo+i], verr)
				}
				out[lo+i] = u
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	dim := len(out[0])
	for i, v := range out {
		if len(v) != dim {
			return nil, 0, fmt.Errorf("dimension mismatch: text 0 embeds to %d dimensions, text %d (%.40q) to %d", dim, i, texts[i], len(v))
		}
	}
	return out, dim, nil
}

// unitVector returns a unit-length copy of v, or an error for an empty,
// zero, NaN or infinite vector.
func unitVector(v []float32) ([]float32, error) {
	if len(v) == 0 {
		return nil, errors.New("empty embedding")
	}
	var ss float64
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, fmt.Errorf("embedding has a non-finite value %v at dimension %d", x, i)
		}
		ss += float64(x) * float64(x)
	}
	if ss == 0 {
		return nil, errors.New("embedding is the zero vector")
	}
	inv := 1 / math.Sqrt(ss)
	u := make([]float32, len(v))
	for i, x := range v {
		u[i] = float32(float64(x) * inv)
	}
	return u, nil
}

// embedQuery returns the unit embedding of text: from the cache, or from
// one EmbedQuery call (checked and cached).
func embedQuery(ctx context.Context, e embeddings.Embedder, cache *queryCache, dim int, text, who string) ([]float32, error) {
	var key queryKey
	if cache != nil {
		key = keyOf(text)
		if v, ok := cache.get(key); ok {
			return v, nil
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := e.EmbedQuery(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("%s: embedding the request: %w", who, err)
	}
	if len(v) != dim {
		return nil, fmt.Errorf("%s: dimension mismatch: the request embeds to %d dimensions, the training data to %d", who, len(v), dim)
	}
	u, err := unitVector(v)
	if err != nil {
		return nil, fmt.Errorf("%s: embedding the request: %w", who, err)
	}
	cache.put(key, u)
	return u, nil
}

// dot returns the dot product of equal-length vectors. Eight accumulators
// and re-sliced blocks let the compiler drop bounds checks and overlap the
// multiply-adds.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		x, y := a[i:i+8:i+8], b[i:i+8:i+8]
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
		s4 += x[4] * y[4]
		s5 += x[5] * y[5]
		s6 += x[6] * y[6]
		s7 += x[7] * y[7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}
