package latency

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Shared pools the samples of several trackers (replicas of one service,
// in other processes), so that each routes by every replica's
// observations: set it as Config.Shared on each. Package redisstore has
// one on Redis (redisstore.Latency); MemoryShared pools trackers in one
// process.
//
// Samples are pooled as histograms (see Bin), which sum across replicas
// where P² estimates do not. A series is a model's name for the time to
// the complete answer, and the name plus FirstTokenSuffix for the time to
// first token.
//
// Implementations must be safe for concurrent use and return promptly
// whatever their backend does (Observed is called for every candidate of
// every decision): on a backend failure they answer from what they
// last read plus this replica's own samples.
type Shared interface {
	// Add adds one sample of series: latency v, ending at end.
	Add(series string, v time.Duration, end time.Time)
	// Observed returns series' pooled figures at now, with the q-quantile
	// (see HistogramQuantile); the zero Observed when it has no samples.
	Observed(series string, q float64, now time.Time) Observed
}

// FirstTokenSuffix ends the series name of a model's time to first token.
const FirstTokenSuffix = "\x00first-token"

// Observed is a series' pooled figures.
type Observed struct {
	// Samples counts the pooled samples.
	Samples int64
	// Quantile is the requested quantile, to within half a bin (±2.5%).
	Quantile time.Duration
	// Mean is the samples' mean.
	Mean time.Duration
	// Last is when the latest sample ended (an implementation may round
	// it up to a time bucket's end, never past now).
	Last time.Time
}

// Histogram bins: bin k > 0 holds latencies in [binBase·binRatio^(k-1),
// binBase·binRatio^k); bin 0 those below binBase; the last bin all above.
const (
	binBase  = time.Microsecond
	binRatio = 1.05
	// MaxBin is the last bin (about 60 days and above).
	MaxBin = 600
)

var logRatio = math.Log(binRatio)

// Bin returns v's histogram bin, in [0, MaxBin]: bins grow by 5% from 1 µs
// up, so a quantile read from the bins is within 2.5% of the samples'.
func Bin(v time.Duration) int {
	if v < binBase {
		return 0
	}
	k := 1 + int(math.Floor(math.Log(float64(v)/float64(binBase))/logRatio))
	return min(max(k, 1), MaxBin)
}

// BinValue is the geometric middle of bin k (binBase/2 for bin 0); a k
// past MaxBin reads as MaxBin, where Bin puts every longer latency.
func BinValue(k int) time.Duration {
	if k <= 0 {
		return binBase / 2
	}
	k = min(k, MaxBin)
	return time.Duration(math.Round(float64(binBase) * math.Pow(binRatio, float64(k)-0.5)))
}

// HistogramQuantile returns the q-quantile of the samples counted per bin
// in counts (bin → count; negative and non-finite counts are ignored):
// the middle of the bin where the cumulative count reaches q of the
// total (a q below 0 reads as 0, above 1 or NaN as 1). Zero for no
// samples.
func HistogramQuantile(counts map[int]float64, q float64) time.Duration {
	bins := make([]int, 0, len(counts))
	total := 0.0
	for k, c := range counts {
		if c > 0 && !math.IsInf(c, 0) {
			bins = append(bins, k)
			total += c
		}
	}
	if total == 0 {
		return 0
	}
	slices.Sort(bins)
	cum, target := 0.0, q*total
	for _, k := range bins {
		cum += counts[k]
		if cum >= target {
			return BinValue(k)
		}
	}
	return BinValue(bins[len(bins)-1])
}

// sharedSeries is the series name of model's total or first-token time.
func sharedSeries(model string, firstToken bool) string {
	if firstToken {
		return model + FirstTokenSuffix
	}
	return model
}

// sharedAdd adds a successful attempt's latencies to Config.Shared.
func (t *Tracker) sharedAdd(model string, total, first time.Duration, end time.Time) {
	if t.conf().Shared == nil {
		return
	}
	t.conf().Shared.Add(sharedSeries(model, false), total, end)
	if first > 0 {
		t.conf().Shared.Add(sharedSeries(model, true), first, end)
	}
}

// sharedExpected is model's pooled quantile at now, if Config.Shared has
// MinSamples samples of it, the latest no older than MaxAge.
func (t *Tracker) sharedExpected(model string, now time.Time) (time.Duration, bool) {
	if t.conf().Shared == nil {
		return 0, false
	}
	o := t.conf().Shared.Observed(sharedSeries(model, t.conf().FirstToken), t.conf().Quantile, now)
	if o.Samples < int64(t.conf().MinSamples) || o.Quantile <= 0 ||
		t.conf().MaxAge > 0 && now.Sub(o.Last) > t.conf().MaxAge {
		return 0, false
	}
	return o.Quantile, true
}

// MemoryShared is a Shared in memory, pooling every sample since it was
// made (no window): trackers in one process that share it route by each
// other's samples. The zero value is ready to use; safe for concurrent
// use.
type MemoryShared struct {
	mu sync.Mutex
	s  map[string]*memSeries
}

type memSeries struct {
	bins map[int]float64
	n    int64
	sum  float64
	last time.Time
}

var _ Shared = (*MemoryShared)(nil)

// Add implements Shared.
func (m *MemoryShared) Add(series string, v time.Duration, end time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.s == nil {
		m.s = map[string]*memSeries{}
	}
	s := m.s[series]
	if s == nil {
		s = &memSeries{bins: map[int]float64{}}
		m.s[series] = s
	}
	s.bins[Bin(v)]++
	s.n++
	s.sum += float64(v)
	if end.After(s.last) {
		s.last = end
	}
}

// Observed implements Shared.
func (m *MemoryShared) Observed(series string, q float64, _ time.Time) Observed {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.s[series]
	if s == nil || s.n == 0 {
		return Observed{}
	}
	return Observed{Samples: s.n, Quantile: HistogramQuantile(s.bins, q),
		Mean: time.Duration(math.Round(s.sum / float64(s.n))), Last: s.last}
}
