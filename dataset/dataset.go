package dataset

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/llmrouter/llmrouter/internal/rowgroup"
)

// Dataset is an outcomes dataset held in memory. The zero value is an
// empty dataset.
//
// Its methods only read it, so a Dataset is safe for concurrent use as long
// as nobody modifies Records at the same time. Methods that return a
// Dataset return a new one sharing the Record values (maps included).
type Dataset struct {
	Records []Record
}

// Read reads and validates a whole JSONL outcomes dataset: every
// record as Record.Validate does, plus unique ids. It collects up to
// WithMaxErrors problems (default DefaultMaxErrors) and counts the
// rest, returning them as a *Errors. On such an error the returned
// Dataset still holds the records that passed, so a caller may choose to go
// on with them; on a read error from r it is nil. Repeated prompts are legal
// (see Dataset.DuplicatePrompts).
func Read(r io.Reader, opts ...Option) (*Dataset, error) {
	ds := &Dataset{}
	for rec, err := range ReadSeq(r, opts...) {
		var agg *Errors
		switch {
		case errors.As(err, &agg):
			return ds, err
		case err != nil:
			return nil, err
		}
		ds.Records = append(ds.Records, rec)
	}
	return ds, nil
}

// ReadSeq is Read as a stream, for data too large to hold
// (train.LinearSeq): it yields each record that passes as it is read, then,
// if any did not, one *Errors with the problems Read would
// return, or a read error from r, and stops. It remembers every id (to
// reject duplicates) but no other part of a record. Range over it once.
func ReadSeq(r io.Reader, opts ...Option) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		dr := NewReader(r, opts...)
		agg := &Errors{}
		add := func(e *Error) {
			if len(agg.Errs) < dr.cfg.maxErrors {
				agg.Errs = append(agg.Errs, e)
			} else {
				agg.Omitted++
			}
		}
		seen := make(map[string]int) // id → line
		for {
			rec, err := dr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var one *Error
				var many *Errors
				switch {
				case errors.As(err, &many):
					for _, e := range many.Errs {
						add(e)
					}
				case errors.As(err, &one):
					add(one)
				default:
					yield(Record{}, fmt.Errorf("llmrouter: reading dataset after line %d: %w", dr.line, err))
					return
				}
				continue
			}
			if first, dup := seen[rec.ID]; dup {
				add(dsErr(rec.Line, rec.ID, "id", ErrDuplicate, "duplicate id %q (first on line %d, again on line %d)", rec.ID, first, rec.Line))
				continue
			}
			seen[rec.ID] = rec.Line
			if !yield(rec, nil) {
				return
			}
		}
		if len(agg.Errs) > 0 {
			yield(Record{}, agg)
		}
	}
}

// Load reads the JSONL outcomes dataset in the file at path, as
// Read does; a directory at path is an error naming it.
func Load(path string, opts ...Option) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: a directory, not an outcomes file", path)
	}
	ds, err := Read(f, opts...)
	if err != nil {
		return ds, fmt.Errorf("%s: %w", path, err)
	}
	return ds, nil
}

// Len returns the number of records.
func (d *Dataset) Len() int { return len(d.Records) }

// Validate checks every record and that ids are unique, as Read
// does, reporting up to DefaultMaxErrors problems. Line numbers are
// the records' Line fields (0 for records built in memory).
func (d *Dataset) Validate() error {
	agg := &Errors{}
	add := func(e *Error) {
		if len(agg.Errs) < DefaultMaxErrors {
			agg.Errs = append(agg.Errs, e)
		} else {
			agg.Omitted++
		}
	}
	seen := make(map[string]int)
	for i := range d.Records {
		r := &d.Records[i]
		for _, e := range validateRecord(r, r.Line) {
			add(e)
		}
		if first, dup := seen[r.ID]; dup && r.ID != "" {
			add(dsErr(r.Line, r.ID, "id", ErrDuplicate, "duplicate id %q (records %d and %d, lines %d and %d)",
				r.ID, first, i, d.Records[first].Line, r.Line))
			continue
		}
		seen[r.ID] = i
	}
	if len(agg.Errs) > 0 {
		return agg
	}
	return nil
}

// Models returns the names of every model with an outcome in the dataset, sorted.
func (d *Dataset) Models() []string {
	set := make(map[string]struct{})
	for i := range d.Records {
		for m := range d.Records[i].Outcomes {
			set[m] = struct{}{}
		}
	}
	return sortedKeys(set)
}

// ModelStat summarises one model's outcomes in a dataset.
type ModelStat struct {
	Model string
	// Rows is the number of records with an outcome of this model.
	Rows int
	// MeanScore is the mean score over those rows.
	MeanScore float64
	// CostRows is the number of those rows with a known cost, MeanCost the
	// mean cost over them (0 when CostRows is 0).
	CostRows int
	MeanCost float64
	// LatencyRows counts rows with a latency (> 0); MeanLatencyMS is their mean.
	LatencyRows   int
	MeanLatencyMS float64
}

// ModelStats returns, for every model (sorted by name), its row count and
// mean score, cost and latency.
func (d *Dataset) ModelStats() []ModelStat {
	acc := make(map[string]*ModelStat)
	for i := range d.Records {
		for m, o := range d.Records[i].Outcomes {
			s := acc[m]
			if s == nil {
				s = &ModelStat{Model: m}
				acc[m] = s
			}
			s.Rows++
			s.MeanScore += o.Score
			if c, ok := o.CostValue(); ok {
				s.CostRows++
				s.MeanCost += c
			}
			if o.LatencyMS > 0 {
				s.LatencyRows++
				s.MeanLatencyMS += o.LatencyMS
			}
		}
	}
	out := make([]ModelStat, 0, len(acc))
	for _, m := range sortedKeys(acc) {
		s := *acc[m]
		s.MeanScore /= float64(s.Rows)
		if s.CostRows > 0 {
			s.MeanCost /= float64(s.CostRows)
		}
		if s.LatencyRows > 0 {
			s.MeanLatencyMS /= float64(s.LatencyRows)
		}
		out = append(out, s)
	}
	return out
}

// MeanScore returns model's mean score and the number of rows it is over
// (0 and 0 when the model has no outcome).
func (d *Dataset) MeanScore(model string) (mean float64, rows int) {
	for i := range d.Records {
		if o, ok := d.Records[i].Outcomes[model]; ok {
			mean += o.Score
			rows++
		}
	}
	if rows > 0 {
		mean /= float64(rows)
	}
	return mean, rows
}

// MeanCost returns model's mean cost over the rows with a known cost, and
// how many rows that is (0 and 0 when none).
func (d *Dataset) MeanCost(model string) (mean float64, rows int) {
	for i := range d.Records {
		if c, ok := d.Records[i].Outcomes[model].CostValue(); ok {
			mean += c
			rows++
		}
	}
	if rows > 0 {
		mean /= float64(rows)
	}
	return mean, rows
}

// Tasks returns the tasks of the dataset with their record counts, keyed by
// task ("" for records without one).
func (d *Dataset) Tasks() map[string]int {
	out := make(map[string]int)
	for i := range d.Records {
		out[d.Records[i].Task]++
	}
	return out
}

// Filter returns the records for which keep returns true.
func (d *Dataset) Filter(keep func(*Record) bool) *Dataset {
	out := &Dataset{}
	for i := range d.Records {
		if keep(&d.Records[i]) {
			out.Records = append(out.Records, d.Records[i])
		}
	}
	return out
}

// FilterTasks returns the records whose task is one of tasks, or lies under
// one of them: "mmlu" matches "mmlu" and "mmlu/anatomy".
func (d *Dataset) FilterTasks(tasks ...string) *Dataset {
	return d.Filter(func(r *Record) bool {
		for _, t := range tasks {
			if r.Task == t || strings.HasPrefix(r.Task, t+"/") {
				return true
			}
		}
		return false
	})
}

// WithModels returns the records that have an outcome for every one of models.
func (d *Dataset) WithModels(models ...string) *Dataset {
	return d.Filter(func(r *Record) bool {
		for _, m := range models {
			if _, ok := r.Outcomes[m]; !ok {
				return false
			}
		}
		return true
	})
}

// DuplicatePrompt is a prompt string that occurs in more than one record.
type DuplicatePrompt struct {
	Prompt string
	IDs    []string // in dataset order
	Lines  []int    // the records' Line fields, in the same order
}

// DuplicatePrompts reports the prompts that occur more than once (exact
// string match), in order of first occurrence. Repeated prompts are legal —
// MMLU has some — but evaluation must keep them in one fold.
func (d *Dataset) DuplicatePrompts() []DuplicatePrompt {
	idx := make(map[string]int)
	var groups []DuplicatePrompt
	for i := range d.Records {
		r := &d.Records[i]
		g, ok := idx[r.Prompt]
		if !ok {
			idx[r.Prompt] = len(groups)
			groups = append(groups, DuplicatePrompt{Prompt: r.Prompt})
			g = len(groups) - 1
		}
		groups[g].IDs = append(groups[g].IDs, r.ID)
		groups[g].Lines = append(groups[g].Lines, r.Line)
	}
	var out []DuplicatePrompt
	for _, g := range groups {
		if len(g.IDs) > 1 {
			out = append(out, g)
		}
	}
	return out
}

// Split divides the dataset into a training and a test part, about
// testFraction (in (0,1)) of the records going to test. Records with the
// same prompt string stay together; which prompts go where is decided by a
// shuffle seeded with seed, so a split is reproducible. Records keep their
// relative order in each part.
func (d *Dataset) Split(testFraction float64, seed uint64) (train, test *Dataset, err error) {
	if !(testFraction > 0 && testFraction < 1) {
		return nil, nil, fmt.Errorf("llmrouter: test fraction %v outside (0,1)", testFraction)
	}
	groupOf := make(map[string]int)
	var sizes []int
	for i := range d.Records {
		p := d.Records[i].Prompt
		if _, ok := groupOf[p]; !ok {
			groupOf[p] = len(sizes)
			sizes = append(sizes, 0)
		}
		sizes[groupOf[p]]++
	}
	order := make([]int, len(sizes))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	inTest := make([]bool, len(sizes))
	want := int(math.Round(testFraction * float64(len(d.Records))))
	got := 0
	for _, g := range order {
		if got >= want {
			break
		}
		inTest[g] = true
		got += sizes[g]
	}
	train, test = &Dataset{}, &Dataset{}
	for i := range d.Records {
		if inTest[groupOf[d.Records[i].Prompt]] {
			test.Records = append(test.Records, d.Records[i])
		} else {
			train.Records = append(train.Records, d.Records[i])
		}
	}
	return train, test, nil
}

// GroupByPrompt groups row indexes by identical prompt string: the groups
// in order of first appearance, each group's rows ascending. Splits for
// training and evaluation keep each group on one side, so that a prompt
// repeated under several ids is never both trained on and tested.
func GroupByPrompt(prompts []string) [][]int {
	return rowgroup.ByKey(prompts)
}
