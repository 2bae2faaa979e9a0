package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/train"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

func init() {
	commands["train"] = command{
		summary: "train a linear classifier on outcomes JSONL: train -o model.bin data.jsonl…",
		run:     runTrain,
	}
}

// trainFlags are the train.Options flags shared by train and eval.
type trainFlags struct {
	bits, tuneFolds     int
	lambdas, dense, idf string
	models, reference   string
	seed                uint64
	classWeight, diff   bool
	diffOnly            bool
}

func (t *trainFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&t.bits, "bits", train.DefaultHashBits, "n-gram hash buckets: 2^bits")
	fs.StringVar(&t.lambdas, "lambda", "", "comma-separated candidate ridge penalties (default 0.3,1,3,10,30,100; tuned by cross-validation)")
	fs.StringVar(&t.dense, "dense", "", "comma-separated candidate dense-feature weights (default 0.1; 0 = none)")
	fs.StringVar(&t.idf, "idf", "auto", "weigh n-grams by idf: auto (tuned), on, off")
	fs.IntVar(&t.tuneFolds, "tune-folds", 3, "cross-validation folds for tuning")
	fs.Uint64Var(&t.seed, "seed", 1, "seed of the tuning folds")
	fs.BoolVar(&t.classWeight, "class-weight", false, "balance acceptable and unacceptable outcomes per model")
	fs.BoolVar(&t.diff, "difficulty", false, "also predict a model-agnostic difficulty (gain of the reference model)")
	fs.BoolVar(&t.diffOnly, "difficulty-only", false, "predict only the model-agnostic difficulty (small model, no per-model outputs)")
	fs.StringVar(&t.models, "models", "", "comma-separated models to predict (default: all in the data)")
	fs.StringVar(&t.reference, "reference", "", "reference (strong) model for tuning and difficulty (default: the best on average)")
}

func (t *trainFlags) options() (train.Options, error) {
	o := train.Options{HashBits: t.bits, TuneFolds: t.tuneFolds, Seed: t.seed, ClassWeight: t.classWeight, Difficulty: t.diff, DifficultyOnly: t.diffOnly, Reference: t.reference}
	var err error
	if o.Lambdas, err = floats(t.lambdas); err != nil {
		return o, fmt.Errorf("-lambda: %w", err)
	}
	if o.DenseWeights, err = floats(t.dense); err != nil {
		return o, fmt.Errorf("-dense: %w", err)
	}
	if t.bits == 0 { // train.Options would read 0 as its default: say what Check says of -1
		o.HashBits = -1
		var oe *train.OptionError
		if errors.As(o.Check(), &oe) && oe.Field == "HashBits" {
			return o, fmt.Errorf("-bits 0: %s", oe.Msg)
		}
		return o, errors.New("-bits 0: want a number of bits")
	}
	if t.tuneFolds < 2 {
		return o, fmt.Errorf("-tune-folds %d: want at least 2", t.tuneFolds)
	}
	switch t.idf {
	case "auto":
	case "on":
		o.IDF = train.IDFOn
	case "off":
		o.IDF = train.IDFOff
	default:
		return o, fmt.Errorf("-idf %q: want auto, on or off", t.idf)
	}
	if t.models != "" {
		o.Models = strings.Split(t.models, ",")
	}
	// What train refuses whatever the data, checked before any data is
	// read and named by its flag.
	var oe *train.OptionError
	if err := o.Check(); errors.As(err, &oe) {
		flag := map[string]string{"HashBits": "-bits", "Lambdas": "-lambda", "DenseWeights": "-dense",
			"IDF": "-idf", "TuneFolds": "-tune-folds", "Models": "-models", "Reference": "-reference",
			"Difficulty": "-difficulty"}[oe.Field]
		if flag == "-difficulty" && t.diffOnly {
			flag = "-difficulty-only"
		}
		if flag == "" || oe.Value == "" {
			return o, fmt.Errorf("%s: %s", cmp.Or(flag, "Options."+oe.Field), oe.Msg)
		}
		return o, fmt.Errorf("%s %s: %s", flag, oe.Value, oe.Msg)
	} else if err != nil {
		return o, err
	}
	return o, nil
}

func floats(s string) ([]float64, error) {
	if s == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// dataFlag registers -data, the outcomes files as a flag (comma-separated),
// for the form "llmrouter train -data train.jsonl -out model.bin"; files
// given as arguments count too.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "outcomes JSONL files, comma-separated (or give them as arguments)")
}

// dataFiles returns the -data files followed by the arguments.
func dataFiles(data string, args []string) []string {
	var files []string
	if data != "" {
		files = append(files, data)
	}
	return append(files, args...)
}

// loadDatasets reads and concatenates outcomes files (each path a file or
// a comma-separated list), each checked by checkRecord. It warns
// (warnModelSets) when the files name different models.
func loadDatasets(paths []string, opts ...dataset.Option) (*dataset.Dataset, error) {
	ds, _, err := loadDatasetFiles(paths, opts...)
	return ds, err
}

// dataFileSpans are the files loadDatasetFiles read: the records of
// names[k] end before ends[k].
type dataFileSpans struct {
	names []string
	ends  []int
}

// of returns the file record i was read from.
func (s dataFileSpans) of(i int) string {
	k := sort.SearchInts(s.ends, i+1)
	if k == len(s.names) {
		return ""
	}
	return s.names[k]
}

// loadDatasetFiles is loadDatasets that also says which file each record
// came from, for messages.
func loadDatasetFiles(paths []string, opts ...dataset.Option) (*dataset.Dataset, dataFileSpans, error) {
	var spans dataFileSpans
	if len(paths) == 0 {
		return nil, spans, usagef("no data files given")
	}
	all := &dataset.Dataset{}
	var sets []modelSet
	ids := newIDFiles(paths)
	for _, p := range paths {
		for _, q := range strings.Split(p, ",") {
			ds, err := loadDataset(q, opts...)
			if err != nil {
				return nil, spans, err
			}
			name := inputName(q)
			if len(ds.Records) == 0 {
				return nil, spans, fmt.Errorf("%s: no records (an empty outcomes file)", name)
			}
			for i := range ds.Records {
				if err := checkRecord(name, &ds.Records[i], ids); err != nil {
					return nil, spans, err
				}
			}
			all.Records = append(all.Records, ds.Records...)
			spans.names = append(spans.names, name)
			spans.ends = append(spans.ends, len(all.Records))
			sets = append(sets, modelSet{name, ds.Models()})
		}
	}
	warnModelSets(warnOutput(), sets)
	return all, spans, nil
}

// loadDataset reads the outcomes file path ("-" standard input) as
// dataset.Load does; errors name it.
func loadDataset(path string, opts ...dataset.Option) (*dataset.Dataset, error) {
	r, err := openInput(path, "an outcomes file")
	if err != nil {
		return nil, err
	}
	defer r.Close()
	ds, err := dataset.Read(r, opts...)
	if err != nil {
		return ds, fmt.Errorf("%s: %w", inputName(path), err)
	}
	return ds, nil
}

// streamDatasets reads outcomes files one record at a time, each file
// validated as loadDatasets does; an error names its file and stops. Having
// read every file, it warns as loadDatasets does.
func streamDatasets(paths []string, pos *streamPos, opts ...dataset.Option) iter.Seq2[dataset.Record, error] {
	return func(yield func(dataset.Record, error) bool) {
		if len(paths) == 0 {
			yield(dataset.Record{}, usagef("no data files given"))
			return
		}
		var sets []modelSet
		ids := newIDFiles(paths)
		for _, p := range paths {
			for _, q := range strings.Split(p, ",") {
				models := map[string]bool{}
				if !streamFile(q, models, ids, pos, opts, yield) {
					return
				}
				sets = append(sets, modelSet{inputName(q), sortedKeys(models)})
			}
		}
		warnModelSets(warnOutput(), sets)
	}
}

// streamPos is where training stopped reading, when it stopped early:
// the file and its record (counted from 1).
type streamPos struct {
	path   string
	record int
}

// streamFile yields the records of one file, noting their models; false
// means stop.
func streamFile(path string, models map[string]bool, ids idFiles, pos *streamPos, opts []dataset.Option, yield func(dataset.Record, error) bool) bool {
	f, err := openInput(path, "an outcomes file")
	if err != nil {
		yield(dataset.Record{}, err)
		return false
	}
	defer f.Close()
	path = inputName(path)
	n := 0
	for rec, err := range dataset.ReadSeq(f, opts...) {
		n++
		if err != nil {
			yield(dataset.Record{}, fmt.Errorf("%s: %w", path, err))
			return false
		}
		if err := checkRecord(path, &rec, ids); err != nil {
			yield(dataset.Record{}, err)
			return false
		}
		for m := range rec.Outcomes {
			models[m] = true
		}
		if !yield(rec, nil) {
			if pos != nil {
				pos.path, pos.record = path, n
			}
			return false
		}
	}
	if n == 0 {
		yield(dataset.Record{}, fmt.Errorf("%s: no records (an empty outcomes file)", path))
		return false
	}
	return true
}

func runTrain(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var tf trainFlags
	tf.register(fs)
	out := fs.String("o", "model.bin", "where to write the model")
	fs.StringVar(out, "out", "model.bin", "same as -o")
	data := dataFlag(fs)
	alias := aliasFlag(fs)
	note := fs.String("note", "", "free text stored in the model")
	quiet := fs.Bool("quiet", false, "no progress bar on stderr")
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter train [flags] -o model.bin data.jsonl [more.jsonl…]")
		fmt.Fprintln(stdout, "       llmrouter train [flags] -data data.jsonl[,more.jsonl] -out model.bin")
		fmt.Fprintln(stdout, stdioUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	opts, err := tf.options()
	if err != nil {
		return err
	}
	opts.Note = *note
	dst, stdout := stdout, reportTo(stdout, *out)
	files := dataFiles(*data, fs.Args())
	if len(files) == 0 {
		return usagef("no data files given")
	}
	if err := checkOutput("o", *out, files...); err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// Training's heap is mostly large pointer-free arrays, so
		// collecting at 40% growth instead of 100% costs little CPU and
		// cuts peak memory by a quarter (BENCHMARKS.md, "Training").
		debug.SetGCPercent(40)
	}
	start := time.Now()
	bar := newProgress("training", 1000, *quiet)
	opts.Progress = bar.fraction(0, 1000)
	// The files are streamed: training keeps each prompt's hashed
	// features, not its text (see BENCHMARKS.md, "Training").
	var pos streamPos
	c, err := train.LinearSeq(streamDatasets(files, &pos, alias.options()...), opts)
	bar.finish()
	if err != nil {
		if pos.path != "" { // training stopped the stream at this record
			return fmt.Errorf("%s (its record %d): %w", pos.path, pos.record, err)
		}
		return err
	}
	took := time.Since(start)
	var size int64
	if err := writeOutput(dst, *out, func(w io.Writer) error { n, err := c.WriteTo(w); size = n; return err }); err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	info := c.Info()
	fmt.Fprintf(stdout, "trained on %d rows in %.2fs: %d models, lambda %g, idf %v, dense weight %g, hash bits %d",
		info.Rows, took.Seconds(), len(c.Models()), info.Lambda, info.IDF, info.DenseWeight, info.HashBits)
	if info.Tuned {
		fmt.Fprintf(stdout, ", tuning CV APGR %.4f", info.CVScore)
	}
	fmt.Fprintf(stdout, "\nwrote %s (%d bytes)\n", outputName(*out), size)
	return nil
}

// progressOutput says where progress bars go and whether that is a
// terminal; tests replace it.
var progressOutput = func() (io.Writer, bool) {
	return os.Stderr, term.IsTerminal(int(os.Stderr.Fd()))
}

// progressDelay is how long work runs before its bar appears: quick work
// shows none.
var progressDelay = 800 * time.Millisecond

// progress is a progress bar on stderr that appears only when stderr is a
// terminal, -quiet is off and the work has run for progressDelay; it is
// cleared when the work ends, so the output proper stays clean. Its
// methods are for one goroutine. A nil *progress is off.
type progress struct {
	desc  string
	max   int
	start time.Time
	w     io.Writer
	bar   *progressbar.ProgressBar
}

func newProgress(desc string, max int, quiet bool) *progress {
	w, tty := progressOutput()
	if quiet || !tty || max <= 0 {
		return nil
	}
	return &progress{desc: desc, max: max, start: time.Now(), w: w}
}

// set reports n of max units done.
func (p *progress) set(n int) {
	if p == nil {
		return
	}
	if p.bar == nil {
		if time.Since(p.start) < progressDelay {
			return
		}
		p.bar = progressbar.NewOptions(p.max,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(p.desc),
			progressbar.OptionSetWidth(30),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	p.bar.Set(min(n, p.max))
}

// describe changes the bar's label.
func (p *progress) describe(desc string) {
	if p == nil {
		return
	}
	p.desc = desc
	if p.bar != nil {
		p.bar.Describe(desc)
	}
}

// fraction returns a train.Options.Progress that maps a training's steps
// onto the units [from, from+span) of the bar (nil when p is off).
func (p *progress) fraction(from, span int) func(done, total int) {
	if p == nil {
		return nil
	}
	return func(done, total int) {
		if total > 0 {
			p.set(from + span*done/total)
		}
	}
}

// clear erases the bar until its next update, so that other output to the
// same terminal starts on a clean line.
func (p *progress) clear() {
	if p != nil && p.bar != nil {
		p.bar.Clear()
	}
}

// clearingWriter clears a progress bar before each write.
type clearingWriter struct {
	w   io.Writer
	bar **progress
}

func (c clearingWriter) Write(b []byte) (int, error) {
	(*c.bar).clear()
	return c.w.Write(b)
}

// finish clears the bar, if it appeared.
func (p *progress) finish() {
	if p != nil && p.bar != nil {
		p.bar.Finish()
	}
}

// idFiles maps each record id read so far to its file and line, to find
// an id in two files (a repeat within one file the dataset reader finds).
// It is nil, and checks nothing, for a single file.
type idFiles map[string]idAt

type idAt struct {
	path string
	line int
}

// newIDFiles returns the idFiles for files (each a file or a
// comma-separated list).
func newIDFiles(files []string) idFiles {
	n := 0
	for _, f := range files {
		n += strings.Count(f, ",") + 1
	}
	if n < 2 {
		return nil
	}
	return idFiles{}
}

// add notes rec, read from path; an id some other file holds is an error
// naming both.
func (m idFiles) add(path string, rec *dataset.Record) error {
	if m == nil {
		return nil
	}
	if at, ok := m[rec.ID]; ok {
		return fmt.Errorf("%s: line %d (id %q): %w: also on line %d of %s", path, rec.Line, rec.ID, dataset.ErrDuplicate, at.line, at.path)
	}
	m[rec.ID] = idAt{path, rec.Line}
	return nil
}

// checkRecord refuses what the commands cannot use of a record read from
// path, naming the file and line: no prompt text (a record with messages
// only: the commands route on the prompt; a turns-only record has its
// first turn as prompt), an id another file holds (ids).
func checkRecord(path string, rec *dataset.Record, ids idFiles) error {
	if strings.TrimSpace(rec.Prompt) == "" {
		return fmt.Errorf("%s: line %d (id %q): no prompt text (messages only): the commands route on the prompt; give the record a \"prompt\"", path, rec.Line, rec.ID)
	}
	return ids.add(path, rec)
}
