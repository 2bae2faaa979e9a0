package bandit

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
)

// The state file: magic, version, then little-endian fields, then the
// CRC-32C of everything before it.
//
//	"llmrbndt" uint32 version(=3) uint32 contextDim uint32 models
//	float64 CostWeight Ridge
//	int64 Decisions Explored; float64 ExploreExtraUSD SpendUSD
//	per model: uint16 len, name, int64 updates, A (d×d float64), b (d float64)
//	uint32 pending, then per pending decision, oldest first: uint16 len, id,
//	  context (d float64), int16 chosen answered (model numbers in the
//	  file's order, −1 none), float64 cost, uint64 updated (a bit per model),
//	  int16 live (the Base's choice, −1 none), float64 bump (its prior's
//	  raise), per model: float64 quality prior estCost
//	uint32 crc32c
//
// Version 2 (an 8-feature context, no warm start on the Base's choice, so
// no live and bump in pending decisions) is read and migrated: each arm's
// model gains the warm start's feature at its prior (ridge on the diagonal,
// nothing learnt), pending decisions have no Base's choice. Version 1
// (without the pending decisions) is refused.
const (
	stateMagic   = "llmrbndt"
	stateVersion = 3
	maxNameLen   = 1024
	maxIDLen     = 1024
)

// maxStateBytes bounds what ReadFrom reads: MaxModels arms at the longest
// names, and as many pending decisions (at the longest ids) as the reading
// policy keeps (Options.MaxPending), so no file makes it allocate more.
func (p *Policy) maxStateBytes() int {
	arms := 8 + 12 + 16 + 32 + MaxModels*(2+maxNameLen+8+8*contextDim*(contextDim+1)) + 4 + 4
	entry := 2 + maxIDLen + 8*contextDim + 4 + 8 + 8 + 2 + 8 + 24*len(p.names)
	return arms + p.opt.MaxPending*entry
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrState wraps every problem with a state file: bad magic, version,
// checksum, size, or values.
var ErrState = errors.New("bandit: bad state file")

// WriteTo writes the learnt state (every arm's model, the exploration
// counters and the decisions still waiting for their grade) in the
// versioned, checksummed format ReadFrom reads. Safe to call while the
// policy routes and learns: it writes one consistent snapshot.
func (p *Policy) WriteTo(w io.Writer) (int64, error) {
	if err := p.built(); err != nil {
		return 0, err
	}
	p.wmu.Lock() // no update between the arms, the counters and the pending
	arms := *p.state.Load()
	st := p.Stats()
	pend := p.pendingSnapshot()
	p.wmu.Unlock()
	var b bytes.Buffer
	b.WriteString(stateMagic)
	le := binary.LittleEndian
	put := func(v any) { _ = binary.Write(&b, le, v) }
	put(uint32(stateVersion))
	put(uint32(contextDim))
	put(uint32(len(arms)))
	put(p.opt.CostWeight)
	put(p.opt.Ridge)
	put(st.Decisions)
	put(st.Explored)
	put(st.ExploreExtraUSD)
	put(st.SpendUSD)
	for i, a := range arms {
		put(uint16(len(p.names[i])))
		b.WriteString(p.names[i])
		put(a.n)
		put(a.a)
		put(a.b)
	}
	put(uint32(len(pend)))
	for _, pe := range pend {
		id := pe.id[:min(len(pe.id), maxIDLen)]
		put(uint16(len(id)))
		b.WriteString(id)
		writeEntry(&b, pe.e)
	}
	put(crc32.Checksum(b.Bytes(), crcTable))
	n, err := w.Write(b.Bytes())
	return int64(n), err
}

// Save writes the state to path atomically (a temporary file in the same
// directory, synced, then renamed over path, and the directory synced).
func (p *Policy) Save(path string) error {
	if err := p.built(); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("bandit: save: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := p.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("bandit: save %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("bandit: save %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("bandit: save %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("bandit: save: %w", err)
	}
	syncDir(filepath.Dir(path)) // the new name survives a crash too
	return nil
}

// syncDir syncs directory dir so that a rename in it survives a machine
// crash; best effort, as not every platform syncs directories. A variable
// for tests.
var syncDir = func(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Load restores the state saved at path; see ReadFrom.
func (p *Policy) Load(path string) error {
	if err := p.built(); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("bandit: load: %w", err)
	}
	defer f.Close()
	if _, err := p.ReadFrom(f); err != nil {
		return fmt.Errorf("bandit: load %s: %w", path, err)
	}
	return nil
}

// ReadFrom replaces the learnt state and the exploration counters with
// those WriteTo wrote, and adds the file's pending decisions to the
// policy's (oldest first; an id already held is replaced; beyond
// Options.MaxPending the oldest are evicted). The file must name the same
// models (in any order) and have been learnt with the same CostWeight
// and Ridge, whose rewards it holds; anything else, a checksum
// mismatch, a truncated or oversized file (it reads at most a bound set by
// MaxModels and Options.MaxPending), a matrix that is not symmetric
// positive definite or a pending decision out of range is an error
// wrapping ErrState, and the policy is left unchanged. With
// Options.Shared, the shared totals win: see SharedSeeder for the arms
// the file seeds them with (a seeding that fails is an error too, and
// leaves the policy unchanged). The file holds no regret counter: the
// restored policy's regret budget counts as spent (see restoredRegret).
// Safe for concurrent use.
func (p *Policy) ReadFrom(r io.Reader) (int64, error) {
	if err := p.built(); err != nil {
		return 0, err
	}
	maxStateBytes := p.maxStateBytes()
	data, err := io.ReadAll(io.LimitReader(r, int64(maxStateBytes)+1))
	n := int64(len(data))
	if err != nil {
		return n, err
	}
	if len(data) > maxStateBytes {
		return n, fmt.Errorf("%w: longer than %d bytes", ErrState, maxStateBytes)
	}
	if len(data) < len(stateMagic)+4 || string(data[:len(stateMagic)]) != stateMagic {
		return n, fmt.Errorf("%w: not a bandit state (no %q header)", ErrState, stateMagic)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if got := crc32.Checksum(body, crcTable); got != sum {
		return n, fmt.Errorf("%w: checksum %08x, file says %08x (corrupt or truncated)", ErrState, got, sum)
	}
	rd := bytes.NewReader(body[len(stateMagic):])
	le := binary.LittleEndian
	var hdr struct {
		Version, Dim, Models uint32
		CostWeight, Ridge    float64
		Decisions, Explored  int64
		Extra, Spend         float64
	}
	if err := binary.Read(rd, le, &hdr); err != nil {
		return n, fmt.Errorf("%w: header: %v", ErrState, err)
	}
	switch {
	case hdr.Version != stateVersion && hdr.Version != 2:
		return n, fmt.Errorf("%w: version %d; this build reads versions 2 and %d", ErrState, hdr.Version, stateVersion)
	case hdr.Version == stateVersion && hdr.Dim != contextDim, hdr.Version == 2 && hdr.Dim != contextDim-1:
		return n, fmt.Errorf("%w: version %d with a context of %d features", ErrState, hdr.Version, hdr.Dim)
	case int(hdr.Models) != len(p.names):
		return n, fmt.Errorf("%w: %d models; the policy has %d", ErrState, hdr.Models, len(p.names))
	case hdr.CostWeight != p.opt.CostWeight || hdr.Ridge != p.opt.Ridge:
		return n, fmt.Errorf("%w: learnt with CostWeight %v, Ridge %v; the policy has %v, %v",
			ErrState, hdr.CostWeight, hdr.Ridge, p.opt.CostWeight, p.opt.Ridge)
	case hdr.Decisions < 0 || hdr.Explored < 0 || hdr.Explored > hdr.Decisions || !finiteNonNeg(hdr.Extra) || !finiteNonNeg(hdr.Spend):
		return n, fmt.Errorf("%w: counters out of range", ErrState)
	}
	arms := make([]*arm, len(p.names))
	order := make([]int, 0, len(p.names)) // the file's model number → arm
	for range hdr.Models {
		var l uint16
		if err := binary.Read(rd, le, &l); err != nil || int(l) > maxNameLen || int(l) > rd.Len() {
			return n, fmt.Errorf("%w: model name truncated or longer than %d bytes", ErrState, maxNameLen)
		}
		name := make([]byte, l)
		_, _ = io.ReadFull(rd, name)
		k, ok := p.arms[string(name)]
		if !ok || arms[k] != nil {
			return n, fmt.Errorf("%w: model %q is unknown to the policy or repeated", ErrState, name)
		}
		a := &arm{}
		if err := binary.Read(rd, le, &a.n); err != nil {
			return n, fmt.Errorf("%w: model %q: %v", ErrState, name, err)
		}
		if err := readArm(rd, a, int(hdr.Dim), hdr.Ridge); err != nil {
			return n, fmt.Errorf("%w: model %q: %v", ErrState, name, err)
		}
		for i := range contextDim {
			for j := range contextDim {
				if !finite(a.a[i][j]) {
					return n, fmt.Errorf("%w: model %q: matrix entry is not finite", ErrState, name)
				}
			}
			if !finite(a.b[i]) {
				return n, fmt.Errorf("%w: model %q: vector entry is not finite", ErrState, name)
			}
		}
		if a.n < 0 {
			return n, fmt.Errorf("%w: model %q: negative update count", ErrState, name)
		}
		if err := a.invert(); err != nil {
			return n, fmt.Errorf("%w: model %q: %v", ErrState, name, err)
		}
		arms[k] = a
		order = append(order, k)
	}
	pend, err := readPending(rd, order, int(hdr.Dim))
	if err != nil {
		return n, err
	}
	if rd.Len() != 0 {
		return n, fmt.Errorf("%w: %d bytes after the last pending decision", ErrState, rd.Len())
	}
	p.wmu.Lock()
	if err := p.seedShared(arms); err != nil {
		p.wmu.Unlock()
		return n, err
	}
	p.state.Store(&arms)
	p.loadedShared()
	p.mu.Lock()
	for _, pe := range pend {
		p.pend.put(pe.id, pe.e)
	}
	p.stats.Decisions, p.stats.Explored = hdr.Decisions, hdr.Explored
	p.stats.ExploredAway = hdr.Explored
	p.stats.ExploreExtraUSD, p.stats.SpendUSD = hdr.Extra, hdr.Spend
	p.stats.ExploreRegret = restoredRegret(p.opt.MaxExploreRegret, hdr.Decisions)
	p.mu.Unlock()
	p.wmu.Unlock()
	return n, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func finiteNonNeg(v float64) bool { return finite(v) && v >= 0 }

// readArm reads an arm's A (dim × dim) and b (dim) into a; a file of an
// earlier version has a shorter context (dim < contextDim), whose missing
// features start at their prior: ridge on A's diagonal, 0 elsewhere.
func readArm(rd *bytes.Reader, a *arm, dim int, ridge float64) error {
	le := binary.LittleEndian
	for i := range dim {
		if err := binary.Read(rd, le, a.a[i][:dim]); err != nil {
			return err
		}
	}
	for i := dim; i < contextDim; i++ {
		a.a[i][i] = ridge
	}
	return binary.Read(rd, le, a.b[:dim])
}
