//go:build research

package train

import (
	"math"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
)

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
