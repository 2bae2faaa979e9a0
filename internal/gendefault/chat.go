package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/llmrouter/llmrouter/dataset"
)

// The Arena-Hard files: the same prompts, two judge runs.
var chatFiles = []string{"arenahard-gpt4o-dw1.jsonl", "arenahard-gpt4t-zp.jsonl"}

// benchFiles train the default as before: RouterBench's test split and
// MT-Bench stay out (held-out and out-of-domain tests).
var benchFiles = []string{"routellm-mmlu.jsonl", "routellm-gsm8k.jsonl", "routerbench-train.jsonl"}

// reference names the strong model of the difficulty head; chat rows are
// written as outcomes of it and of chatWeak so that the head's target,
// reference minus the others, is the chat prompt's gap.
const (
	reference = "gpt-4-1106-preview"
	chatWeak  = "chat-weak"
)

// chatRow is one Arena prompt, both files merged: its difficulty target
// and every file's scores (for scoring routers on model pairs).
type chatRow struct {
	prompt string
	gap    float64
	scores map[string]map[string]float64 // file stem → model → score
}

// duplicateModel reports the quantised copies of llama3_1_70b in the dw1
// run: one model counted six times would weigh the fit of every prompt's
// gap towards it.
func duplicateModel(name string) bool { return strings.HasPrefix(name, "llama3_1_70b_") }

// loadChat reads the Arena files and merges them by prompt. A prompt's
// target is the mean over the files of its gap (see promptGap).
func loadChat(dir, target string) ([]chatRow, error) {
	byPrompt := map[string]int{}
	var rows []chatRow
	var sums, counts []float64
	for _, name := range chatFiles {
		path := filepath.Join(dir, name)
		ds, err := dataset.Load(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		stem := strings.TrimSuffix(name, ".jsonl")
		means := map[string]float64{}
		for _, m := range ds.Models() {
			if mean, n := ds.MeanScore(m); n > 0 && !duplicateModel(m) {
				means[m] = mean
			}
		}
		if len(means) < 3 {
			return nil, fmt.Errorf("%s: %d models; a chat difficulty target needs at least 3", path, len(means))
		}
		for _, r := range ds.Records {
			g, ok := promptGap(r.Outcomes, means, target)
			if !ok {
				return nil, fmt.Errorf("%s: record %s: too few graded models for a target", path, r.ID)
			}
			i, seen := byPrompt[r.Prompt]
			if !seen {
				i = len(rows)
				byPrompt[r.Prompt] = i
				rows = append(rows, chatRow{prompt: r.Prompt, scores: map[string]map[string]float64{}})
				sums, counts = append(sums, 0), append(counts, 0)
			}
			sc := map[string]float64{}
			for m, o := range r.Outcomes {
				sc[m] = o.Score
			}
			rows[i].scores[stem] = sc
			sums[i] += g
			counts[i]++
		}
	}
	for i := range rows {
		rows[i].gap = sums[i] / counts[i]
	}
	return rows, nil
}

// promptGap turns one prompt's scores under many models into a difficulty
// target in [-1, 1]:
//
//   - "slope": how much model strength matters on this prompt — the
//     least-squares slope of the prompt's scores on the models' mean
//     scores, times the spread of those means: the expected score gap
//     between the strongest and the weakest model of the file. It uses
//     every model and is what a strong-vs-weak router needs.
//   - "mean": how much worse than usual the models do on it on average
//     (twice the mean of score minus the model's mean score, negated).
func promptGap(out map[string]dataset.Outcome, means map[string]float64, target string) (float64, bool) {
	var xs, ys []float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for m, mu := range means {
		lo, hi = math.Min(lo, mu), math.Max(hi, mu)
		if o, ok := out[m]; ok {
			xs, ys = append(xs, mu), append(ys, o.Score)
		}
	}
	if len(xs) < 3 {
		return 0, false
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(xs))
	var g float64
	switch target {
	case "mean":
		g = -2 * (my - mx)
	default: // slope
		var sxy, sxx float64
		for i := range xs {
			sxy += (xs[i] - mx) * (ys[i] - my)
			sxx += (xs[i] - mx) * (xs[i] - mx)
		}
		if sxx == 0 {
			return 0, false
		}
		g = sxy / sxx * (hi - lo)
	}
	return math.Max(-1, math.Min(1, g)), true
}

// chatRecords writes a chat row as training records of the difficulty
// head, dup times (identical prompts share a tuning fold, so duplicates
// only weigh the row).
func chatRecords(r *chatRow, i, dup int) []dataset.Record {
	recs := make([]dataset.Record, dup)
	for k := range recs {
		recs[k] = dataset.Record{
			ID:     fmt.Sprintf("chat/%d/%d", i, k),
			Prompt: r.prompt,
			Outcomes: map[string]dataset.Outcome{
				reference: {Score: (1 + r.gap) / 2},
				chatWeak:  {Score: (1 - r.gap) / 2},
			},
		}
	}
	return recs
}

// benchGap is the difficulty head's target of a benchmark row: the
// reference's score minus the mean of the others' (as train computes it).
func benchGap(r *dataset.Record) (float64, bool) {
	ref, ok := r.Outcomes[reference]
	if !ok {
		return 0, false
	}
	var sum, n float64
	for m, o := range r.Outcomes {
		if m != reference {
			sum += o.Score
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return ref.Score - sum/n, true
}
