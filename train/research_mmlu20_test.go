//go:build research

// Research harness, fourth round for issue 9 (MMLU ≥ 0.68 pooled, fold
// seeds 1, 2, 3): stacking the shipped model's predicted gap with a
// subject prior — the mean strong − weak gain of the prompt's subject
// (optionally of the subject × a binary prompt flag, "cell"), the subject
// inferred from the prompt alone by a naive Bayes classifier over word
// unigrams and bigrams trained on the records' Task labels — the prior's
// alternative (cell definition, posterior temperature or argmax) and its
// weight β chosen by an inner 3-fold CV on the training fold only (by
// pooled APGR, or with ls by least squares). Scored by pooled nested
// 5-fold CV as `llmrouter eval` makes the folds. With one task (GSM8K)
// there is no prior and every variant is the shipped trainer. Not part
// of the normal test run:
//
//	LLMR_RESEARCH=base,nbsubj_cells LLMR_SEEDS=1,2,3 go test -tags research -run TestResearchMMLU20 -v -timeout 120m ./train
//	LLMR_DATA=routellm-gsm8k.jsonl LLMR_RESEARCH=base,nbsubj_cells go test -tags research -run TestResearchMMLU20 -v ./train
//	LLMR_RESEARCH=base,nbsubj_cells [LLMR_RB_POOLED=1 [LLMR_RB_LS=1]] [LLMR_RB_BETA=b] go test -tags research -run TestResearchRB20 -v ./train
//
// Measured 2026-12-01 (pooled APGR, GPT-4 vs Mixtral; "-" not run; base
// = the shipped trainer, = the CLI's figures):
//
//	variant                                        MMLU seeds 1 / 2 / 3
//	base                                           0.6610 0.6639 0.6595
//	oracle: true subject's gain (not a router)     0.6889 -      -
//	oracle_dig: true subject × digit in question   0.6942 -      -
//	oracle_both: true subject × digit × length/3   0.6846 -      -
//	nbsubj (NB α 0.1)                              0.6716 -      -
//	nbsubja001 (NB α 0.01)                         0.6734 -      -
//	nbsubja1 (NB α 1)                              0.6646 -      -
//	nbsubj_dig (× digit in the question)           0.6820 0.6824 0.6688
//	nbsubj_both (× digit × length tercile)         0.6763 -      -
//	nbsubj_optnum2 (× all options numeric ×
//	  two numbers in the question)                 0.6889 -      -
//	nbsubj_cells (inner CV picks the cell among
//	  none, digit, optnum, num2, optnum×num2)      0.6889 0.6888 0.6781
//	nbsubj_cells_ls (the same, β least squares)    0.6800 0.6817 0.6777
//	nb1s07_nbsubj (NB scaling + smoothing base;
//	  NB scaling costs GSM8K, round 3)             0.6809 -      -
//	conj (cell × question-word tokens in the
//	  ridge, no prior)                             0.6738 -      -
//	celltok (a cell token in the ridge)            0.6698 -      -
//	nbsubj_screen (inner CV picks among none, 13
//	  flags and their 78 pairs; 40 min a seed)     0.6843 -      -
//
// GSM8K, seed 1: every variant 0.6419 = base (one task, no prior).
// RouterBench (train → test; base: pair APGR 0.5935, 11 models 27.4% of
// GPT-4's cost at 95% of its quality, 23.1% along the hull):
// nbsubj_cells raises the pair's APGR to 0.5999 (β 6 on "optnum", temp
// 0.3), but each model's quality plus β × its own prior breaks the
// 11-model routing: 72.5% (hull 65.1%) at that β, 32.6% / 54.5% / 72.0%
// at β 0.5 / 1 / 2, 57.0% at β 1 chosen by the trainer's own criterion
// (pooled pair APGR, inner CV), and 27.4% (hull 23.3%) only with the
// least-squares weight (β 0.005).
//
// Notes. The flags optnum (every option line holds a digit) and num2
// (two numbers in the question) were picked for nbsubj_cells after a
// screen of the 13 flags of screenFlags on all MMLU rows (a true-subject
// prior, 5-fold CV: task alone 0.676, × digit 0.684, × num2 0.689,
// × optnum 0.691, × optnum×num2 0.700): that choice saw the outer test
// rows, so nbsubj_cells is optimistic by an unknown amount; nbsubj_screen
// makes the same choice inside each training fold: on seed 1 it picked
// optnum×num2 in 4 of 5 folds (eq×num2 in the fifth) and scored 0.6843
// against nbsubj_cells' 0.6889. The NB subject
// classifier is right on 70–74% of held-out MMLU prompts (α 0.1). The
// APGR-tuned β (0.75–6) is a ranking weight, not a calibrated one; the
// least-squares β (0.19–0.33 on MMLU) keeps RouterBench's 11-model
// routing but gives up about 0.006 of MMLU's gain. Shipping any of this
// needs the subject classifier (per task, a log-probability per hashed
// n-gram) and the per-model task × cell means in the saved model, the
// record's Task at training, and a posterior over the tasks at every
// decision.
package train

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/require"
)

// The pair routed (TestResearchRB20 sets RouterBench's names).
var (
	r20Strong = "gpt-4-1106-preview"
	r20Weak   = "mistralai/Mixtral-8x7B-Instruct-v0.1"
)

// alts is a component's output on one test set: alternative score
// vectors (one per setting of the component), each over the test rows.
type alts [][]float64

// component scores testDS after fitting on trainDS.
type component func(t *testing.T, trainDS, testDS *dataset.Dataset, seed uint64) alts

// gainOf returns strong − weak of r (NaN when either is missing).
func gainOf(r dataset.Record, strong, weak string) float64 {
	if weak == "" { // one model's own score
		s, ok := r.Outcomes[strong]
		if !ok {
			return math.NaN()
		}
		return s.Score
	}
	s, ok1 := r.Outcomes[strong]
	w, ok2 := r.Outcomes[weak]
	if !ok1 || !ok2 {
		return math.NaN()
	}
	return s.Score - w.Score
}

// taskGains returns each task's mean gain over ds, shrunk by k rows
// toward the mean of all rows, and that mean.
func taskGains(ds *dataset.Dataset, strong, weak string, k float64) (map[string]float64, float64) {
	sum, cnt := map[string]float64{}, map[string]float64{}
	var gs, gc float64
	for _, r := range ds.Records {
		g := gainOf(r, strong, weak)
		if g != g {
			continue
		}
		sum[r.Task] += g
		cnt[r.Task]++
		gs += g
		gc++
	}
	mu := gs / gc
	out := map[string]float64{}
	for task, c := range cnt {
		out[task] = (sum[task] + k*mu) / (c + k)
	}
	return out, mu
}

// baseComp is the shipped trainer's predicted gap.
func candComp(c cand) component {
	return func(t *testing.T, trainDS, testDS *dataset.Dataset, seed uint64) alts {
		key := fmt.Sprintf("%+v|%d|%s|%s|%x|%x", c, seed, r20Strong, r20Weak, idsHash(trainDS), idsHash(testDS))
		if v, ok := candMemo[key]; ok {
			return alts{v}
		}
		te, _, _ := fitCand(t, c, trainDS, testDS, r20Strong, r20Weak, seed)
		candMemo[key] = te
		return alts{te}
	}
}

// candMemo holds candComp's predictions by candidate, seed and rows: the
// variants sharing a base model fit it once.
var candMemo = map[string][]float64{}

func idsHash(ds *dataset.Dataset) uint64 {
	h := uint64(14695981039346656037)
	for _, r := range ds.Records {
		for i := 0; i < len(r.ID); i++ {
			h = (h ^ uint64(r.ID[i])) * 1099511628211
		}
		h = (h ^ 0xff) * 1099511628211
	}
	return h
}

// nbGainComp is the expected gain P(strong right, weak wrong) −
// P(strong wrong, weak right) under a naive Bayes model of the four joint
// outcomes (score ≥ 0.5 counted right), one alternative per temperature.
func nbGainComp(alpha float64) component {
	return func(t *testing.T, trainDS, testDS *dataset.Dataset, _ uint64) alts {
		lab := copyDS(trainDS)
		for i, r := range lab.Records {
			g := gainOf(r, r20Strong, r20Weak)
			if g != g {
				lab.Records[i].Task = "na"
				continue
			}
			sv := r.Outcomes[r20Strong].Score >= 0.5
			wv := r.Outcomes[r20Weak].Score >= 0.5
			lab.Records[i].Task = fmt.Sprintf("%v%v", sv, wv)
		}
		m := trainNB(lab, alpha)
		val := make([]float64, len(m.tasks))
		for k, c := range m.tasks {
			switch c {
			case "truefalse":
				val[k] = 1
			case "falsetrue":
				val[k] = -1
			}
		}
		temps := []float64{1, 3, 10, 30}
		out := make(alts, len(temps))
		for a := range out {
			out[a] = make([]float64, testDS.Len())
		}
		for i, r := range testDS.Records {
			l := m.logPost(r.Prompt, 0)
			for a, temp := range temps {
				p := softmaxT(l, temp)
				for k := range p {
					out[a][i] += p[k] * val[k]
				}
			}
		}
		return out
	}
}

// oracleComp is the true task's mean gain (uses the test rows' Task: a
// ceiling, not a router).
func oracleComp(t *testing.T, trainDS, testDS *dataset.Dataset, _ uint64) alts {
	tg, mu := taskGains(trainDS, r20Strong, r20Weak, 10)
	out := make([]float64, testDS.Len())
	for i, r := range testDS.Records {
		g, ok := tg[r.Task]
		if !ok {
			g = mu
		}
		out[i] = g - mu
	}
	return alts{out}
}

// nbModel is a multinomial naive Bayes subject classifier over word
// unigrams and bigrams, stored sparsely: for each token the tasks that
// saw it, with log θ_tw − log θ of an unseen word.
type nbModel struct {
	tasks []string
	prior []float64
	unk   []float64 // per task: log θ of an unseen word
	tok   map[string][]nbEntry
}

type nbEntry struct {
	task int32
	d    float32 // log θ_tw − unk[task]
}

func nbTokens(s string) []string {
	w := words(s)
	out := append([]string(nil), w...)
	for i := 0; i+1 < len(w); i++ {
		out = append(out, w[i]+"_"+w[i+1])
	}
	return out
}

func trainNB(ds *dataset.Dataset, alpha float64) *nbModel {
	idx := map[string]int{}
	m := &nbModel{tok: map[string][]nbEntry{}}
	var totals []float64
	counts := map[string]map[int32]float64{}
	for _, r := range ds.Records {
		k, ok := idx[r.Task]
		if !ok {
			k = len(m.tasks)
			idx[r.Task] = k
			m.tasks = append(m.tasks, r.Task)
			m.prior = append(m.prior, 0)
			totals = append(totals, 0)
		}
		m.prior[k]++
		for _, w := range nbTokens(r.Prompt) {
			c := counts[w]
			if c == nil {
				c = map[int32]float64{}
				counts[w] = c
			}
			c[int32(k)]++
			totals[k]++
		}
	}
	V := float64(len(counts))
	n := float64(ds.Len())
	for k := range m.tasks {
		m.prior[k] = math.Log(m.prior[k] / n)
		m.unk = append(m.unk, math.Log(alpha)-math.Log(totals[k]+alpha*V))
	}
	for w, c := range counts {
		es := make([]nbEntry, 0, len(c))
		for k, v := range c {
			es = append(es, nbEntry{k, float32(math.Log((v + alpha) / alpha))})
		}
		sort.Slice(es, func(a, b int) bool { return es[a].task < es[b].task })
		m.tok[w] = es
	}
	return m
}

// logPost returns the unnormalised log posterior of each task, the
// likelihood scaled by 1/len(tokens)^pow.
func (m *nbModel) logPost(s string, pow float64) []float64 {
	toks := nbTokens(s)
	out := make([]float64, len(m.tasks))
	sc := 1 / math.Pow(math.Max(1, float64(len(toks))), pow)
	for _, w := range toks {
		for _, e := range m.tok[w] {
			out[e.task] += float64(e.d)
		}
	}
	for k := range out {
		out[k] = m.prior[k] + (out[k]+float64(len(toks))*m.unk[k])*sc
	}
	return out
}

func softmaxT(l []float64, temp float64) []float64 {
	mx := math.Inf(-1)
	for _, v := range l {
		mx = math.Max(mx, v)
	}
	p := make([]float64, len(l))
	var s float64
	for k, v := range l {
		p[k] = math.Exp((v - mx) / temp)
		s += p[k]
	}
	for k := range p {
		p[k] /= s
	}
	return p
}

// nbTemps are the NB prior's alternative temperatures (after scaling the
// likelihood by 1/sqrt(tokens)); the last alternative is the argmax
// task's gain.
var nbTemps = []float64{0.3, 1, 3}

// nbComp is the expected task gain under a naive Bayes posterior over
// tasks (smoothing alpha), one alternative per temperature.
func nbComp(alpha float64) component {
	return func(t *testing.T, trainDS, testDS *dataset.Dataset, seed uint64) alts {
		return nbCompA(t, trainDS, testDS, alpha)
	}
}

func nbCompA(t *testing.T, trainDS, testDS *dataset.Dataset, alpha float64) alts {
	return nbCells(t, trainDS, testDS, alpha, nil, 0)
}

// cellFn maps a prompt to a cell within its task, given the training
// prompts (for thresholds); nil: one cell.
type cellFn func(train *dataset.Dataset) func(prompt string) string

// digitCell: whether the prompt's question (before the options) holds a digit.
func digitCell(*dataset.Dataset) func(string) string {
	return func(p string) string {
		q := p
		if k := strings.Index(p, "\nA."); k >= 0 {
			q = p[:k]
		}
		if strings.ContainsAny(q, "0123456789") {
			return "d"
		}
		return "-"
	}
}

// lenCell: the prompt length's tercile over the training prompts.
func lenCell(train *dataset.Dataset) func(string) string {
	var ls []int
	for _, r := range train.Records {
		ls = append(ls, len(r.Prompt))
	}
	sort.Ints(ls)
	a, b := ls[len(ls)/3], ls[2*len(ls)/3]
	return func(p string) string {
		switch {
		case len(p) < a:
			return "s"
		case len(p) < b:
			return "m"
		}
		return "l"
	}
}

func bothCells(train *dataset.Dataset) func(string) string {
	d, l := digitCell(train), lenCell(train)
	return func(p string) string { return d(p) + l(p) }
}

// cellComp is nbComp with each task's gain split by cell(prompt), each
// cell's mean shrunk by k rows toward its task's.
func cellComp(alpha float64, cell cellFn, k float64) component {
	return func(t *testing.T, trainDS, testDS *dataset.Dataset, _ uint64) alts {
		return nbCells(t, trainDS, testDS, alpha, cell, k)
	}
}

// oracleCellComp is oracleComp split by cell (true tasks: a ceiling).
func oracleCellComp(cell cellFn, k float64) component {
	return func(t *testing.T, trainDS, testDS *dataset.Dataset, _ uint64) alts {
		tg, mu := taskGains(trainDS, r20Strong, r20Weak, 10)
		cg := cellGains(trainDS, tg, cell(trainDS), k)
		cf := cell(trainDS)
		out := make([]float64, testDS.Len())
		for i, r := range testDS.Records {
			g, ok := cg[r.Task+"\x00"+cf(r.Prompt)]
			if !ok {
				g, ok = tg[r.Task]
				if !ok {
					g = mu
				}
			}
			out[i] = g - mu
		}
		return alts{out}
	}
}

// cellGains returns the shrunk mean gain of each task+"\x00"+cell.
func cellGains(ds *dataset.Dataset, tg map[string]float64, cf func(string) string, k float64) map[string]float64 {
	sum, cnt := map[string]float64{}, map[string]float64{}
	for _, r := range ds.Records {
		g := gainOf(r, r20Strong, r20Weak)
		if g != g {
			continue
		}
		key := r.Task + "\x00" + cf(r.Prompt)
		sum[key] += g
		cnt[key]++
	}
	out := map[string]float64{}
	for key, c := range cnt {
		task := key[:strings.IndexByte(key, 0)]
		out[key] = (sum[key] + k*tg[task]) / (c + k)
	}
	return out
}

func nbCells(t *testing.T, trainDS, testDS *dataset.Dataset, alpha float64, cell cellFn, ck float64) alts {
	if len(trainDS.Tasks()) < 2 {
		return nil
	}
	return nbCellsWith(t, trainNB(trainDS, alpha), trainDS, testDS, cell, ck)
}

// multiCellComp offers every cell definition's alternatives (nil: task
// only), the NB model fitted once: the inner CV picks the definition.
func multiCellComp(alpha float64, ck float64, cells ...cellFn) component {
	return func(t *testing.T, trainDS, testDS *dataset.Dataset, _ uint64) alts {
		if len(trainDS.Tasks()) < 2 {
			return nil
		}
		m := trainNB(trainDS, alpha)
		var out alts
		for _, c := range cells {
			out = append(out, nbCellsWith(t, m, trainDS, testDS, c, ck)...)
		}
		return out
	}
}

var numRe = regexp.MustCompile(`\d+(\.\d+)?`)

// question is the prompt before its first option line ("\nA.").
func question(p string) string {
	if k := strings.Index(p, "\nA."); k >= 0 {
		return p[:k]
	}
	return p
}

// optNumCell: whether every option line ("A." to "D." at a line start)
// holds a digit.
func optNumCell(*dataset.Dataset) func(string) string {
	return func(p string) string { return optNum(p) }
}

func optNum(p string) string {
	n := 0
	for _, l := range strings.Split(p, "\n") {
		if len(l) >= 2 && l[0] >= 'A' && l[0] <= 'D' && l[1] == '.' {
			if !strings.ContainsAny(l, "0123456789") {
				return "-"
			}
			n++
		}
	}
	if n == 0 {
		return "-"
	}
	return "o"
}

// num2Cell: whether the question holds at least two numbers.
func num2Cell(*dataset.Dataset) func(string) string {
	return func(p string) string { return num2(p) }
}

func num2(p string) string {
	if len(numRe.FindAllStringIndex(question(p), 2)) >= 2 {
		return "n"
	}
	return "-"
}

func optNum2Cell(*dataset.Dataset) func(string) string {
	return func(p string) string { return optNum(p) + num2(p) }
}

// conjAug appends a token naming the prompt's optNum+num2 cell and, for
// each word of the question, the word conjoined with that cell: the
// linear model then weighs a word separately in each cell (the subject ×
// cell interaction, in the model's own features).
func conjAug(s string) string {
	c := optNum(s) + num2(s)
	var b strings.Builder
	b.WriteString(s)
	b.WriteString("\n qzcell" + c)
	for _, w := range words(question(s)) {
		b.WriteString(" qzc" + c + w)
	}
	return b.String()
}

// cellTokAug appends the cell's token alone.
func cellTokAug(s string) string {
	return s + "\n qzcell" + optNum(s) + num2(s)
}

var (
	notRe   = regexp.MustCompile(`\b(NOT|EXCEPT|LEAST)\b`)
	notLcRe = regexp.MustCompile(`\b(not|except|least)\b`)
)

// screenFlags are the binary prompt flags the screen variant offers as
// cells (alone and in pairs), written before any was measured.
var screenFlags = []struct {
	name string
	f    func(p string) bool
}{
	{"digit", func(p string) bool { return strings.ContainsAny(question(p), "0123456789") }},
	{"digitopt", func(p string) bool {
		k := strings.Index(p, "\nA.")
		return k >= 0 && strings.ContainsAny(p[k:], "0123456789")
	}},
	{"not", func(p string) bool { return notRe.MatchString(question(p)) }},
	{"notlc", func(p string) bool { return notLcRe.MatchString(strings.ToLower(question(p))) }},
	{"stmt", func(p string) bool { return strings.Contains(p, "Statement 1") }},
	{"which", func(p string) bool { return strings.Contains(strings.ToLower(question(p)), "which of the following") }},
	{"eq", func(p string) bool { return strings.ContainsAny(question(p), "=+^*/") }},
	{"num2", func(p string) bool { return num2(p) == "n" }},
	{"long", func(p string) bool { return len(p) > 600 }},
	{"short", func(p string) bool { return len(p) < 200 }},
	{"optnum", func(p string) bool { return optNum(p) == "o" }},
	{"qmark", func(p string) bool { return strings.HasSuffix(strings.TrimRight(question(p), " \t\n"), "?") }},
	{"blank", func(p string) bool { return strings.Contains(question(p), "_") }},
}

// screenCells returns no cell, each flag, and each pair of flags.
func screenCells() []cellFn {
	out := []cellFn{nil}
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	for i := range screenFlags {
		f := screenFlags[i].f
		out = append(out, func(*dataset.Dataset) func(string) string {
			return func(p string) string { return b(f(p)) }
		})
	}
	for i := range screenFlags {
		for j := i + 1; j < len(screenFlags); j++ {
			f, g := screenFlags[i].f, screenFlags[j].f
			out = append(out, func(*dataset.Dataset) func(string) string {
				return func(p string) string { return b(f(p)) + b(g(p)) }
			})
		}
	}
	return out
}

// screenComp is multiCellComp(alpha, k, screenCells()...) computed
// fast: each row's posterior and flags once, cells as small integers.
// Alternatives: for each cell definition (none, each flag, each pair of
// flags), nbTemps' expectations then the argmax task's gain.
func screenComp(alpha, ck float64) component {
	return func(t *testing.T, trainDS, testDS *dataset.Dataset, _ uint64) alts {
		if len(trainDS.Tasks()) < 2 {
			return nil
		}
		m := trainNB(trainDS, alpha)
		tg, mu := taskGains(trainDS, r20Strong, r20Weak, 10)
		tidx := map[string]int{}
		for k, task := range m.tasks {
			tidx[task] = k
		}
		F := len(screenFlags)
		flags := func(p string) []bool {
			out := make([]bool, F)
			for f := range screenFlags {
				out[f] = screenFlags[f].f(p)
			}
			return out
		}
		trFlags := make([][]bool, trainDS.Len())
		for i, r := range trainDS.Records {
			trFlags[i] = flags(r.Prompt)
		}
		type def struct{ a, b int } // flag indices; -1 = none
		defs := []def{{-1, -1}}
		for f := 0; f < F; f++ {
			defs = append(defs, def{f, -1})
		}
		for f := 0; f < F; f++ {
			for h := f + 1; h < F; h++ {
				defs = append(defs, def{f, h})
			}
		}
		cellOf := func(d def, fl []bool) int {
			c := 0
			if d.a >= 0 && fl[d.a] {
				c |= 1
			}
			if d.b >= 0 && fl[d.b] {
				c |= 2
			}
			return c
		}
		T := len(m.tasks)
		// gains[d][task*4+cell] − mu
		gains := make([][]float64, len(defs))
		for di, d := range defs {
			sum, cnt := make([]float64, 4*T), make([]float64, 4*T)
			for i, r := range trainDS.Records {
				g := gainOf(r, r20Strong, r20Weak)
				if g != g {
					continue
				}
				k := tidx[r.Task]*4 + cellOf(d, trFlags[i])
				sum[k] += g
				cnt[k]++
			}
			gains[di] = make([]float64, 4*T)
			for k := range gains[di] {
				tm := tg[m.tasks[k/4]]
				gains[di][k] = (sum[k]+ck*tm)/(cnt[k]+ck) - mu
			}
		}
		nalt := len(nbTemps) + 1
		out := make(alts, len(defs)*nalt)
		for a := range out {
			out[a] = make([]float64, testDS.Len())
		}
		for i, r := range testDS.Records {
			l := m.logPost(r.Prompt, 0.5)
			ps := make([][]float64, len(nbTemps))
			for a, temp := range nbTemps {
				ps[a] = softmaxT(l, temp)
			}
			best := 0
			for k := range l {
				if l[k] > l[best] {
					best = k
				}
			}
			fl := flags(r.Prompt)
			for di, d := range defs {
				c := cellOf(d, fl)
				g := gains[di]
				for a := range nbTemps {
					var e float64
					for k, pk := range ps[a] {
						e += pk * g[k*4+c]
					}
					out[di*nalt+a][i] = e
				}
				out[di*nalt+len(nbTemps)][i] = g[best*4+c]
			}
		}
		return out
	}
}

func nbCellsWith(t *testing.T, m *nbModel, trainDS, testDS *dataset.Dataset, cell cellFn, ck float64) alts {
	tg, mu := taskGains(trainDS, r20Strong, r20Weak, 10)
	var cf func(string) string
	var cg map[string]float64
	if cell != nil {
		cf = cell(trainDS)
		cg = cellGains(trainDS, tg, cf, ck)
	}
	tgain := make([]float64, len(m.tasks))
	for k, task := range m.tasks {
		tgain[k] = tg[task] - mu
	}
	g := tgain
	if cell != nil {
		g = make([]float64, len(m.tasks))
	}
	out := make(alts, len(nbTemps)+1)
	for a := range out {
		out[a] = make([]float64, testDS.Len())
	}
	var hit float64
	for i, r := range testDS.Records {
		if cell != nil {
			c := cf(r.Prompt)
			for k, task := range m.tasks {
				v, ok := cg[task+"\x00"+c]
				if ok {
					g[k] = v - mu
				} else {
					g[k] = tgain[k]
				}
			}
		}
		l := m.logPost(r.Prompt, 0.5)
		for a, temp := range nbTemps {
			p := softmaxT(l, temp)
			var e float64
			for k := range p {
				e += p[k] * g[k]
			}
			out[a][i] = e
		}
		best := 0
		for k := range l {
			if l[k] > l[best] {
				best = k
			}
		}
		out[len(nbTemps)][i] = g[best]
		if m.tasks[best] == r.Task {
			hit++
		}
	}
	if os.Getenv("LLMR_VERBOSE") != "" {
		t.Logf("nb subject accuracy %.3f on %d rows", hit/float64(testDS.Len()), testDS.Len())
	}
	return out
}

// stack is base + β·alt, β from betas and alt from the prior's
// alternatives, both chosen by pooled APGR over an inner 3-fold CV of
// the training fold.
type stack struct {
	base  component
	prior component // nil: base alone
	// priors are further priors, each with its own (alternative, β).
	priors []component
	betas  []float64
	// ls: the first prior's alternative and β by least squares of the
	// gain on the base's gap plus β × prior (β ≥ 0), not by APGR: a
	// calibrated weight, which multi-model routing needs.
	ls bool
}

var defaultBetas = []float64{0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6}

func apgrOf(ds *dataset.Dataset, sc []float64) float64 {
	var st, wk, s []float64
	for i, r := range ds.Records {
		so, ok1 := r.Outcomes[r20Strong]
		wo, ok2 := r.Outcomes[r20Weak]
		if ok1 && ok2 {
			st, wk, s = append(st, so.Score), append(wk, wo.Score), append(s, sc[i])
		}
	}
	a, _ := eval.APGR(st, wk, s)
	return a
}

// combine returns base + beta·prior.
func combine(base, prior []float64, beta float64) []float64 {
	out := make([]float64, len(base))
	for i := range out {
		out[i] = base[i] + beta*prior[i]
	}
	return out
}

// run scores testDS, tuning on trainDS; it returns the scores and the
// chosen (alternative, β) of each prior.
func (s stack) run(t *testing.T, trainDS, testDS *dataset.Dataset, seed uint64) ([]float64, string) {
	sc, desc, _, _ := s.runChoice(t, trainDS, testDS, seed)
	return sc, desc
}

// runChoice is run, also returning each prior's chosen alternative and β.
func (s stack) runChoice(t *testing.T, trainDS, testDS *dataset.Dataset, seed uint64) ([]float64, string, []int, []float64) {
	base := s.base(t, trainDS, testDS, seed)[0]
	comps := s.priors
	if s.prior != nil {
		comps = append([]component{s.prior}, comps...)
	}
	var priors []alts
	var used []component
	for _, c := range comps {
		if p := c(t, trainDS, testDS, seed); len(p) > 0 {
			priors = append(priors, p)
			used = append(used, c)
		}
	}
	if len(priors) == 0 {
		return base, "none", nil, nil
	}
	betas := s.betas
	if betas == nil {
		betas = defaultBetas
	}
	// Inner CV: pooled out-of-fold base and prior scores on trainDS.
	inner, err := eval.DatasetFolds(trainDS, 3, seed+100, false)
	require.NoError(t, err)
	ib := make([]float64, trainDS.Len())
	ip := make([]alts, len(priors))
	for c := range ip {
		ip[c] = make(alts, len(priors[c]))
		for a := range ip[c] {
			ip[c][a] = make([]float64, trainDS.Len())
		}
	}
	for _, f := range inner {
		itr, ite := eval.Subset(trainDS, f.Train), eval.Subset(trainDS, f.Test)
		b := s.base(t, itr, ite, seed)[0]
		for k, row := range f.Test {
			ib[row] = b[k]
		}
		for c, comp := range used {
			p := comp(t, itr, ite, seed)
			for a := range p {
				for k, row := range f.Test {
					ip[c][a][row] = p[a][k]
				}
			}
		}
	}
	// Coordinate ascent over the priors' (alternative, β), two passes.
	ca, cb := make([]int, len(ip)), make([]float64, len(ip))
	sum := func(skip int) []float64 {
		out := append([]float64(nil), ib...)
		for c := range ip {
			if c != skip && cb[c] != 0 {
				for i := range out {
					out[i] += cb[c] * ip[c][ca[c]][i]
				}
			}
		}
		return out
	}
	best := apgrOf(trainDS, ib)
	if s.ls {
		bsse := math.Inf(1)
		for a := range ip[0] {
			var num, den, yy float64
			for i, r := range trainDS.Records {
				g := gainOf(r, r20Strong, r20Weak)
				if g != g {
					continue
				}
				res := g - ib[i]
				num += ip[0][a][i] * res
				den += ip[0][a][i] * ip[0][a][i]
				yy += res * res
			}
			beta := math.Max(0, num/den)
			if sse := yy - 2*beta*num + beta*beta*den; sse < bsse {
				bsse, ca[0], cb[0] = sse, a, beta
			}
		}
		best = apgrOf(trainDS, combine(ib, ip[0][ca[0]], cb[0]))
	}
	for pass := 0; pass < 2 && !s.ls; pass++ {
		for c := range ip {
			rest := sum(c)
			for a := range ip[c] {
				for _, beta := range betas {
					if v := apgrOf(trainDS, combine(rest, ip[c][a], beta)); v > best+1e-9 {
						best, ca[c], cb[c] = v, a, beta
					}
				}
			}
		}
	}
	out := append([]float64(nil), base...)
	var desc []string
	for c := range priors {
		desc = append(desc, fmt.Sprintf("a%d·β%.3g", ca[c], cb[c]))
		for i := range out {
			out[i] += cb[c] * priors[c][ca[c]][i]
		}
	}
	return out, fmt.Sprintf("%s(%.4f)", strings.Join(desc, "+"), best), ca, cb
}

func TestResearchMMLU20(t *testing.T) {
	if os.Getenv("LLMR_RESEARCH") == "" {
		t.Skip("research harness: set LLMR_RESEARCH=variant,... to run")
	}
	file := os.Getenv("LLMR_DATA")
	if file == "" {
		file = "routellm-mmlu.jsonl"
	}
	ds, err := dataset.Load(shareddata.Path(t, file))
	require.NoError(t, err)
	variants := stackVariants()
	outer := researchSeeds(t)
	for _, name := range strings.Split(os.Getenv("LLMR_RESEARCH"), ",") {
		v, ok := variants[name]
		require.True(t, ok, "unknown variant %q", name)
		for _, seed := range outer {
			folds, err := eval.DatasetFolds(ds, 5, seed, false)
			require.NoError(t, err)
			var pool pooledCV
			var chosen []string
			start := time.Now()
			for _, f := range folds {
				trainDS, testDS := eval.Subset(ds, f.Train), eval.Subset(ds, f.Test)
				fsc, ch := v.run(t, trainDS, testDS, 1)
				chosen = append(chosen, ch)
				pool.addFold(testDS, r20Strong, r20Weak, fsc)
			}
			a, m := pool.result(t, ds.Len())
			t.Logf("RESULT %-10s %s seed %d pooled APGR %.4f (fold mean %.4f) %.0fs %v", name, file, seed, a, m, time.Since(start).Seconds(), chosen)
		}
	}
}

func stackVariants() map[string]stack {
	base := candComp(cand{name: "base"})
	return map[string]stack{
		"base":              {base: base},
		"oracle":            {base: base, prior: oracleComp},
		"nbsubj":            {base: base, prior: nbComp(0.1)},
		"nbsubja001":        {base: base, prior: nbComp(0.01)},
		"nbsubja1":          {base: base, prior: nbComp(1)},
		"nb1s07_nbsubj":     {base: candComp(cand{nb: 1, smooth: 0.7}), prior: nbComp(0.01)},
		"subj_nbsubj":       {base: candComp(cand{subject: true}), prior: nbComp(0.1)},
		"nb1s07subj_nbsubj": {base: candComp(cand{nb: 1, smooth: 0.7, subject: true}), prior: nbComp(0.1)},
		"oracle_dig":        {base: base, prior: oracleCellComp(digitCell, 20)},
		"oracle_len":        {base: base, prior: oracleCellComp(lenCell, 20)},
		"oracle_both":       {base: base, prior: oracleCellComp(bothCells, 20)},
		"nbsubj_dig":        {base: base, prior: cellComp(0.01, digitCell, 20)},
		"nbsubj_len":        {base: base, prior: cellComp(0.01, lenCell, 20)},
		"nbsubj_both":       {base: base, prior: cellComp(0.01, bothCells, 20)},
		"nbgain":            {base: base, prior: nbGainComp(1)},
		"nbgain01":          {base: base, prior: nbGainComp(0.1)},
		"nbsubj_nbgain":     {base: base, prior: nbComp(0.01), priors: []component{nbGainComp(1)}},
		"nbsubja0001":       {base: base, prior: nbComp(0.001)},
		"oracle_optnum":     {base: base, prior: oracleCellComp(optNumCell, 20)},
		"oracle_optnum2":    {base: base, prior: oracleCellComp(optNum2Cell, 20)},
		"nbsubj_optnum2":    {base: base, prior: cellComp(0.01, optNum2Cell, 20)},
		"nbsubj_cells":      {base: base, prior: multiCellComp(0.01, 20, nil, digitCell, optNumCell, num2Cell, optNum2Cell)},
		"nbsubj_screen":     {base: base, prior: multiCellComp(0.01, 20, screenCells()...)},
		"subj_cells":        {base: candComp(cand{subject: true}), prior: multiCellComp(0.01, 20, nil, digitCell, optNumCell, num2Cell, optNum2Cell)},
		"conj_cells":        {base: candComp(cand{aug: conjAug}), prior: multiCellComp(0.01, 20, nil, digitCell, optNumCell, num2Cell, optNum2Cell)},
		"nbsubj_cells_ls":   {base: base, prior: multiCellComp(0.01, 20, nil, digitCell, optNumCell, num2Cell, optNum2Cell), ls: true},
		"conj":              {base: candComp(cand{aug: conjAug})},
		"celltok":           {base: candComp(cand{aug: cellTokAug})},
		"b16_nbsubj":        {base: candComp(cand{opts: Options{HashBits: 16}}), prior: nbComp(0.1)},
	}
}

// TestResearchRB20 trains each variant on RouterBench's training split
// (its stacking weight by inner CV there) and reports the test split's
// APGR of GPT-4 vs Mixtral.
//
//	LLMR_RESEARCH=base,nbsubj go test -tags research -run TestResearchRB20 -v ./train
func TestResearchRB20(t *testing.T) {
	if os.Getenv("LLMR_RESEARCH") == "" {
		t.Skip("research harness: set LLMR_RESEARCH=variant,... to run")
	}
	trainDS, err := dataset.Load(shareddata.Path(t, "routerbench-train.jsonl"))
	require.NoError(t, err)
	testDS, err := dataset.Load(shareddata.Path(t, "routerbench-test.jsonl"))
	require.NoError(t, err)
	r20Strong, r20Weak = "gpt-4-1106-preview", "mistralai/mixtral-8x7b-chat"
	defer func() { r20Strong, r20Weak = "gpt-4-1106-preview", "mistralai/Mixtral-8x7B-Instruct-v0.1" }()
	variants := stackVariants()
	for _, name := range strings.Split(os.Getenv("LLMR_RESEARCH"), ",") {
		v, ok := variants[name]
		require.True(t, ok, "unknown variant %q", name)
		sc, ch, ca, cb := v.runChoice(t, trainDS, testDS, 1)
		t.Logf("RESULT %-10s routerbench train→test APGR %.4f %s", name, apgrOf(testDS, sc), ch)
		// All 11 models: each model's quality plus β × its own prior (the
		// alternative and β the pair's inner CV chose), routed at every λ.
		m, err := Linear(trainDS, Options{Seed: 1})
		require.NoError(t, err)
		models := m.Models()
		pred := make([][]float64, testDS.Len())
		for i, r := range testDS.Records {
			pred[i], _ = m.Predict(r.Prompt)
		}
		if os.Getenv("LLMR_RB_POOLED") != "" && len(cb) > 0 {
			ca[0], cb[0] = pooledChoice(t, v.prior, trainDS, models)
			t.Logf("pooled-pairs inner CV chose alternative %d, β %g", ca[0], cb[0])
		}
		if b := os.Getenv("LLMR_RB_BETA"); b != "" && len(cb) > 0 {
			cb[0], err = strconv.ParseFloat(b, 64)
			require.NoError(t, err)
			t.Logf("β forced to %g for the 11 models", cb[0])
		}
		if v.prior != nil && len(ca) > 0 && cb[0] != 0 {
			s0, w0 := r20Strong, r20Weak
			for j, name := range models {
				r20Strong, r20Weak = name, ""
				p := v.prior(t, trainDS, testDS, 1)
				for i := range pred {
					pred[i][j] += cb[0] * p[ca[0]][i]
				}
			}
			r20Strong, r20Weak = s0, w0
		}
		mx, err := eval.NewMatrix(testDS, models)
		require.NoError(t, err)
		dc := make([]float64, len(models))
		for j, name := range models {
			dc[j], _ = trainDS.MeanCost(name)
		}
		rep, err := eval.EvaluateMulti(pred, dc, mx, eval.MultiOptions{})
		require.NoError(t, err)
		t.Logf("RESULT %-10s routerbench 11 models: cost to reach 95%% of the best model: %.1f%% (hull %.1f%%)", name, 100*rep.Reach[0].Router, 100*rep.Reach[0].RouterHull)
	}
}

// pooledChoice chooses the prior's alternative and β as the trainer
// tunes: the APGR of routing between each model and the reference (the
// best mean score), all pairs pooled, over an inner 3-fold CV of trainDS
// with every model's quality plus β × its own prior.
func pooledChoice(t *testing.T, prior component, trainDS *dataset.Dataset, models []string) (int, float64) {
	inner, err := eval.DatasetFolds(trainDS, 3, 101, false)
	require.NoError(t, err)
	n := trainDS.Len()
	base := make([][]float64, n) // [row][model]
	var pri [][][]float64        // [model][alt][row]
	s0, w0 := r20Strong, r20Weak
	defer func() { r20Strong, r20Weak = s0, w0 }()
	for _, f := range inner {
		itr, ite := eval.Subset(trainDS, f.Train), eval.Subset(trainDS, f.Test)
		m, err := Linear(itr, Options{Seed: 1})
		require.NoError(t, err)
		require.Equal(t, models, m.Models())
		for k, r := range ite.Records {
			base[f.Test[k]], _ = m.Predict(r.Prompt)
		}
		if pri == nil {
			pri = make([][][]float64, len(models))
		}
		for j, name := range models {
			r20Strong, r20Weak = name, ""
			p := prior(t, itr, ite, 1)
			if pri[j] == nil {
				pri[j] = make([][]float64, len(p))
				for a := range p {
					pri[j][a] = make([]float64, n)
				}
			}
			for a := range p {
				for k, row := range f.Test {
					pri[j][a][row] = p[a][k]
				}
			}
		}
	}
	ref, best := 0, math.Inf(-1)
	for j, name := range models {
		var s, c float64
		for _, r := range trainDS.Records {
			if o, ok := r.Outcomes[name]; ok {
				s += o.Score
				c++
			}
		}
		if s/c > best {
			best, ref = s/c, j
		}
	}
	var sb scoreBuf
	score := func(a int, beta float64) float64 {
		var area, total float64
		for j := range models {
			if j == ref {
				continue
			}
			var sc, st, wk []float64
			for i, r := range trainDS.Records {
				so, ok1 := r.Outcomes[models[ref]]
				wo, ok2 := r.Outcomes[models[j]]
				if !ok1 || !ok2 {
					continue
				}
				sc = append(sc, base[i][ref]-base[i][j]+beta*(pri[ref][a][i]-pri[j][a][i]))
				st, wk = append(st, so.Score), append(wk, wo.Score)
			}
			ar, tt := gainArea(sc, st, wk, &sb)
			area += ar
			total += tt
		}
		return area / total
	}
	if os.Getenv("LLMR_RB_LS") != "" {
		// Least squares: each model's score on its quality plus β × prior.
		ba, bb, bsse := 0, 0.0, math.Inf(1)
		for a := range pri[0] {
			var num, den, yy float64
			for j, name := range models {
				for i, r := range trainDS.Records {
					o, ok := r.Outcomes[name]
					if !ok {
						continue
					}
					res := o.Score - base[i][j]
					num += pri[j][a][i] * res
					den += pri[j][a][i] * pri[j][a][i]
					yy += res * res
				}
			}
			beta := math.Max(0, num/den)
			if sse := yy - 2*beta*num + beta*beta*den; sse < bsse {
				ba, bb, bsse = a, beta, sse
			}
		}
		return ba, bb
	}
	ba, bb, bs := 0, 0.0, score(0, 0)
	t.Logf("pooled-pairs inner APGR at β 0: %.4f", bs)
	for a := range pri[0] {
		for _, beta := range defaultBetas[1:] {
			if v := score(a, beta); v > bs+1e-9 {
				ba, bb, bs = a, beta, v
			}
		}
	}
	t.Logf("pooled-pairs inner APGR best: %.4f", bs)
	return ba, bb
}
