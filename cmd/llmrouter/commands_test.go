package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Synthetic outcomes whose right routing is obvious: every model answers
// the greetings, only the mid and strong models the summaries, only the
// strong model the proofs.
const (
	mWeak   = "acme/weak-7b"
	mMid    = "acme/mid-30b"
	mStrong = "acme/strong-xl"
)

var synthCosts = map[string]float64{mWeak: 0.0001, mMid: 0.001, mStrong: 0.01}

// writeSynth writes n rows (ids from first) with the given models to
// dir/name and returns its path.
func writeSynth(t *testing.T, dir, name string, first, n int, models ...string) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := first; i < first+n; i++ {
		var prompt string
		var solved map[string]bool
		switch i % 3 {
		case 0:
			// The longest prompts, so that prompt length routes badly.
			prompt = fmt.Sprintf("Say hello to my dear old friend number %d, who lives far away across the sea and loves long, chatty letters about nothing much.", i)
			solved = map[string]bool{mWeak: true, mMid: true, mStrong: true}
		case 1:
			prompt = fmt.Sprintf("Summarise the news article about harbour %d in two sentences.", i)
			solved = map[string]bool{mMid: true, mStrong: true}
		default:
			prompt = fmt.Sprintf("Prove the theorem on the integral bound %d and justify every step of the proof rigorously.", i)
			solved = map[string]bool{mStrong: true}
		}
		out := map[string]map[string]float64{}
		for _, m := range models {
			o := map[string]float64{"score": 0}
			if solved[m] {
				o["score"] = 1
			}
			if len(models) > 2 {
				o["cost"] = synthCosts[m]
			}
			out[m] = o
		}
		require.NoError(t, enc.Encode(map[string]any{"id": fmt.Sprintf("synth/%d", i), "task": "synth", "prompt": prompt, "outcomes": out}))
	}
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

// runOK runs the command line and requires success.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	require.Equal(t, 0, code, "llmrouter %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), out.String(), errb.String())
	assert.Empty(t, errb.String(), "stderr must stay clean when it is not a terminal")
	return out.String()
}

// fast training flags: small hash table, fixed settings but one tuned.
var fastTrain = []string{"-bits", "10", "-lambda", "1,10"}

func TestTrainPredictEvalCalibrate(t *testing.T) {
	dir := t.TempDir()
	train := writeSynth(t, dir, "train.jsonl", 0, 48, mStrong, mWeak)
	test := writeSynth(t, dir, "test.jsonl", 1000, 24, mStrong, mWeak)
	model := filepath.Join(dir, "model.bin")

	out := runOK(t, append(append([]string{"train"}, fastTrain...), "-o", model, train)...)
	assert.Contains(t, out, "trained on 48 rows")
	assert.Contains(t, out, "wrote "+model)

	// predict: one line per test prompt, the strong model's edge largest on proofs.
	out = runOK(t, "predict", "-model", model, test)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 24)
	for i, l := range lines {
		var p predictionLine
		require.NoError(t, json.Unmarshal([]byte(l), &p), l)
		assert.Equal(t, fmt.Sprintf("synth/%d", 1000+i), p.ID)
		require.Len(t, p.Predicted, 2)
		gap := p.Predicted[mStrong] - p.Predicted[mWeak]
		if (1000+i)%3 == 0 {
			assert.Less(t, gap, 0.3, "greeting %s: %s", p.ID, l)
		} else {
			assert.Greater(t, gap, 0.5, "summary or proof %s: %s", p.ID, l)
		}
	}
	predFile := filepath.Join(dir, "pred.jsonl")
	assert.Empty(t, runOK(t, "predict", "-model", model, "-o", predFile, test))
	written, err := os.ReadFile(predFile)
	require.NoError(t, err)
	assert.Equal(t, out, string(written))

	// eval of the saved model: the router finds what the oracle finds.
	out = runOK(t, "eval", "-model", model, "-test", test)
	for _, want := range []string{"acme/strong-xl vs acme/weak-7b on 24 prompts", "APGR", "CPT(50%)", "router", "prompt length", "random             0.5000      50.0%      80.0%     0.5000", "oracle"} {
		assert.Contains(t, out, want)
	}
	assertOracleLike(t, out)

	// train → test in one go, and nested cross-validation.
	out = runOK(t, append(append([]string{"eval"}, fastTrain...), "-test", test, train)...)
	assert.Contains(t, out, "train:   48 rows")
	assertOracleLike(t, out)
	out = runOK(t, append(append([]string{"eval"}, fastTrain...), "-cv", "3", train, test)...)
	for _, want := range []string{"fold 1:", "fold 3:", "mean:", "3-fold cross-validation, 72 prompts", "±"} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "fold 4:")

	// calibrate: half the prompts need the strong model.
	out = runOK(t, "calibrate", "-model", model, "-strong", mStrong, "-weak", mWeak, "-share", "0.7", test)
	assert.Regexp(t, `^cutoff \S+: 66\.7% of 24 validation prompts to acme/strong-xl, quality 1\.0000, PGR 1\.000\n$`, out)
	out = runOK(t, "calibrate", "-model", model, "-strong", mStrong, "-weak", mWeak, "-pgr", "1", test)
	assert.Contains(t, out, "66.7% of 24 validation prompts")
}

// TestIssueCommandForms runs the command lines as the trained-router issue
// writes them: -data and -out flags rather than arguments.
func TestIssueCommandForms(t *testing.T) {
	dir := t.TempDir()
	train := writeSynth(t, dir, "train.jsonl", 0, 48, mStrong, mWeak)
	test := writeSynth(t, dir, "test.jsonl", 1000, 24, mStrong, mWeak)
	model := filepath.Join(dir, "model.bin")
	pred := filepath.Join(dir, "pred.jsonl")

	out := runOK(t, append(append([]string{"train"}, fastTrain...), "-data", train, "-out", model)...)
	assert.Contains(t, out, "trained on 48 rows")
	assert.Empty(t, runOK(t, "predict", "-model", model, "-data", test, "-out", pred))
	written, err := os.ReadFile(pred)
	require.NoError(t, err)
	assert.Len(t, strings.Split(strings.TrimSpace(string(written)), "\n"), 24)

	out = runOK(t, "eval", "-data", test, "-model", model, "-strong", mStrong, "-weak", mWeak)
	assert.Contains(t, out, "on 24 prompts")
	assertOracleLike(t, out)
	out = runOK(t, append(append([]string{"eval"}, fastTrain...), "-data", train+","+test, "-cv", "3")...)
	assert.Contains(t, out, "3-fold cross-validation, 72 prompts")
	out = runOK(t, "calibrate", "-model", model, "-strong", mStrong, "-weak", mWeak, "-share", "0.7", "-data", test)
	assert.Contains(t, out, "66.7% of 24 validation prompts")
}

// assertOracleLike checks a binary table where two thirds of the prompts
// need the strong model: the router ranks them as the oracle does (exact
// APGR 2/3, CPT(50%) 1/3), prompt length worse than random.
func assertOracleLike(t *testing.T, out string) {
	t.Helper()
	assert.Regexp(t, `router +0\.6[56]\d\d +33\.3% +53\.3% +0\.6667\n`, out)
	assert.Regexp(t, `prompt length +0\.[0-4]\d+ `, out)
	assert.Regexp(t, `oracle +0\.66\d\d +33\.3% +53\.3% +0\.6667\n`, out)
}

func TestEvalMultiModel(t *testing.T) {
	dir := t.TempDir()
	train := writeSynth(t, dir, "train.jsonl", 0, 48, mStrong, mMid, mWeak)
	test := writeSynth(t, dir, "test.jsonl", 1000, 24, mStrong, mMid, mWeak)
	out := runOK(t, append(append([]string{"eval"}, fastTrain...), "-test", test, train)...)
	for _, want := range []string{
		"3 models on 24 prompts", "acme/strong-xl's quality (1.0000)", "router hull", "random mix", "95% of best", "100% of best",
		"single model", "acme/weak-7b", "acme/mid-30b", "oracle (cheapest of the best)",
	} {
		assert.Contains(t, out, want)
	}
	// The oracle spends (0.0001 + 0.001 + 0.01)/3 per prompt: 0.370 of the strong model's cost;
	// a router that learnt the three kinds of prompt does the same.
	assert.Regexp(t, `100% of best +0\.370 +0\.370 +1\.000 +0\.370`, out)

	// -strong and -weak pick a pair for the binary metrics.
	out = runOK(t, append(append([]string{"eval"}, fastTrain...), "-strong", mStrong, "-weak", mMid, "-test", test, train)...)
	assert.Contains(t, out, "acme/strong-xl vs acme/mid-30b on 24 prompts")
}

func TestEvalPlot(t *testing.T) {
	dir := t.TempDir()
	bin := writeSynth(t, dir, "bin.jsonl", 0, 48, mStrong, mWeak)
	binTest := writeSynth(t, dir, "bin-test.jsonl", 1000, 24, mStrong, mWeak)
	multi := writeSynth(t, dir, "multi.jsonl", 0, 48, mStrong, mMid, mWeak)
	multiTest := writeSynth(t, dir, "multi-test.jsonl", 1000, 24, mStrong, mMid, mWeak)
	for _, tt := range []struct {
		name string
		args []string
		want string // a legend entry
	}{
		{"pgr-cv.svg", []string{"-cv", "3", bin}, "prompt length (APGR"},
		{"pgr-test.png", []string{"-test", binTest, bin}, ""},
		{"cq-test.svg", []string{"-test", multiTest, multi}, "router hull"},
		{"cq-cv.png", []string{"-cv", "3", multi}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			out := runOK(t, append(append(append([]string{"eval"}, fastTrain...), "-plot", path), tt.args...)...)
			assert.Contains(t, out, "plot:    wrote "+path)
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			if strings.HasSuffix(tt.name, ".png") {
				img, err := png.Decode(bufio.NewReader(f))
				require.NoError(t, err)
				assert.Greater(t, img.Bounds().Dx(), 300)
				assert.Greater(t, img.Bounds().Dy(), 200)
				return
			}
			// A well-formed XML document whose root is <svg>.
			dec := xml.NewDecoder(f)
			var root string
			var text strings.Builder
			for {
				tok, err := dec.Token()
				if err != nil {
					require.ErrorContains(t, err, "EOF")
					break
				}
				switch tk := tok.(type) {
				case xml.StartElement:
					if root == "" {
						root = tk.Name.Local
					}
				case xml.CharData:
					text.Write(tk)
				}
			}
			assert.Equal(t, "svg", root)
			assert.Contains(t, text.String(), tt.want)
		})
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	good := writeSynth(t, dir, "good.jsonl", 0, 30, mStrong, mWeak)
	model := filepath.Join(dir, "model.bin")
	runOK(t, append(append([]string{"train"}, fastTrain...), "-o", model, good)...)
	bad := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte(`{"id":"a","prompt":"hi","outcomes":{"m":{"score":1}}}
{"id":"b","prompt":"yo","outcomes":{"m":{"score":0}}}
{"id":"c","prompt":"hey","outcomes":{"m":{"score":"high"}}}
`), 0o644))
	truncated := filepath.Join(dir, "truncated.jsonl")
	require.NoError(t, os.WriteFile(truncated, []byte(`{"id":"a","prompt":"hi","outcomes":{"m":{"score":1}}}
{"id":"b","prompt":
`), 0o644))
	notModel := filepath.Join(dir, "not-a-model.bin")
	require.NoError(t, os.WriteFile(notModel, []byte("this is a text file, not a model\n"), 0o644))
	missing := filepath.Join(dir, "missing.jsonl")

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"train: missing file", []string{"train", "-o", model, missing}, []string{"llmrouter train:", "missing.jsonl", "no such file"}},
		{"train: wrong field type", []string{"train", "-o", model, bad}, []string{"bad.jsonl", "line 3", `id "c"`, "outcomes.m.score"}},
		{"train: truncated JSON", []string{"train", "-o", model, truncated}, []string{"truncated.jsonl", "line 2", "unexpected end of JSON"}},
		{"train: bad flag value", []string{"train", "-lambda", "ten", good}, []string{"-lambda", `"ten"`}},
		{"predict: not a model", []string{"predict", "-model", notModel, good}, []string{"not-a-model.bin", "bad model file", "not a linear classifier model"}},
		{"predict: missing model", []string{"predict", "-model", filepath.Join(dir, "nope.bin"), good}, []string{"nope.bin", "no such file"}},
		{"predict: malformed data", []string{"predict", "-model", model, bad}, []string{"line 3", "outcomes.m.score"}},
		{"eval: unknown strong", []string{"eval", "-strong", "gpt-9", good}, []string{`-strong "gpt-9": no such model in the data`, mStrong, mWeak}},
		{"eval: unknown weak", []string{"eval", "-model", model, "-weak", "tiny", "-test", good}, []string{`-weak "tiny": no such model`}},
		{"eval: same pair", []string{"eval", "-strong", mStrong, "-weak", mStrong, good}, []string{"both"}},
		{"eval: not a model", []string{"eval", "-model", notModel, "-test", good}, []string{"bad model file"}},
		{"eval: plot format", []string{"eval", "-plot", filepath.Join(dir, "curve.gif"), good}, []string{`unknown format ".gif"`, ".svg, .png"}},
		{"eval: plot directory missing", []string{"eval", "-model", model, "-test", good, "-plot", filepath.Join(dir, "no", "such", "dir.svg")}, []string{"-plot", "dir.svg"}},
		{"eval: too many folds", []string{"eval", "-cv", "50", good}, []string{"50"}},
		{"calibrate: unknown strong", []string{"calibrate", "-model", model, "-strong", "gpt-9", "-weak", mWeak, "-share", "0.5", good}, []string{`-strong "gpt-9": no such model in the data`}},
		{"calibrate: not a model", []string{"calibrate", "-model", notModel, "-strong", mStrong, "-weak", mWeak, "-share", "0.5", good}, []string{"bad model file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tt.args, &out, &errb)
			assert.Equal(t, 1, code, "stdout: %s", out.String())
			for _, w := range tt.want {
				assert.Contains(t, errb.String(), w)
			}
		})
	}
}

// TestProgress checks the progress bar: drawn on a terminal once work
// outlasts the delay, never with -quiet, and never in the output proper.
func TestProgress(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "data.jsonl", 0, 48, mStrong, mWeak)
	big := writeSynth(t, dir, "big.jsonl", 0, 300, mStrong, mWeak)
	var term bytes.Buffer
	oldOut, oldDelay := progressOutput, progressDelay
	t.Cleanup(func() { progressOutput, progressDelay = oldOut, oldDelay })
	progressOutput = func() (w io.Writer, tty bool) { return &term, true }
	progressDelay = 0

	model := filepath.Join(dir, "model.bin")
	out := runOK(t, append(append([]string{"train"}, fastTrain...), "-o", model, data)...)
	assert.Contains(t, term.String(), "training")
	assert.Contains(t, term.String(), "%")
	assert.NotContains(t, out, "%|")

	for _, args := range [][]string{
		{"eval", "-bits", "10", "-cv", "3", data},
		{"predict", "-model", model, big},
	} {
		term.Reset()
		out := runOK(t, args...)
		assert.NotEmpty(t, term.String(), args[0])
		assert.NotContains(t, out, "█")
		term.Reset()
		runOK(t, append([]string{args[0], "-quiet"}, args[1:]...)...)
		assert.Empty(t, term.String(), "%s -quiet", args[0])
	}

	// Quick work shows no bar at all.
	progressDelay = time.Hour
	term.Reset()
	runOK(t, "predict", "-model", model, data)
	assert.Empty(t, term.String())
}

func TestTrainVerifierCLI(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "d.jsonl")
	var lines []string
	for i := 0; i < 40; i++ {
		weak, ws := "3 * 60 = 180\n#### 180", 1
		if i%2 == 1 {
			weak, ws = "He runs a lot, I think", 0
		}
		lines = append(lines, fmt.Sprintf(`{"id":"r%d","prompt":"He runs 3 sprints of 60 meters %d times. How far?","outcomes":{"big":{"score":1,"answer":"180"},"small":{"score":%d,"answer":%q}}}`, i, i, ws, weak))
	}
	require.NoError(t, os.WriteFile(data, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	model := filepath.Join(dir, "v.bin")
	prices := filepath.Join(dir, "prices.json")
	require.NoError(t, os.WriteFile(prices, []byte(`{"models":{"big":{"input_per_mtok":10,"output_per_mtok":30},"small":{"input_per_mtok":1,"output_per_mtok":1}}}`), 0o644))
	tests := []struct {
		name string
		args []string
		want []string
		err  string
	}{
		{"l2 grid tuned on cost95", []string{"train-verifier", "-strong", "big", "-weak", "small", "-cv", "2", "-inner", "2", "-l2-grid", "1e9,1", "-tune", "cost95", "-prices", prices, data},
			[]string{"nested CV: l2 chosen by 2-fold inner CV (cost95) in each outer fold: 1 1", "95% of strong quality at"}, ""},
		{"cv and save", []string{"train-verifier", "-strong", "big", "-weak", "small", "-cv", "2", "-o", model, data},
			[]string{"40 examples", "2-fold CV grouped by prompt, pooled", "cascade: verifier (answer + prompt)", "pre-route: prompt-only logistic", "share  verifier quality  pre-route quality", "wrote " + model}, ""},
		// half the weak answers are wrong and the verifier tells them apart:
		// 95% of the strong quality (1) takes escalating 45% of answers out
		// of fold. The saved cutoff is set for 45% of the training answers,
		// but their scores come in two tight clusters: the nearest share a
		// cutoff gives is 50% (verify.CutoffForShare; it gave 12.5% before
		// it counted ties), and the message says so (it said 45.0%).
		{"quality calibrates the cutoff", []string{"train-verifier", "-strong", "big", "-weak", "small", "-cv", "2", "-quality", "0.95", "-o", filepath.Join(dir, "q.bin"), data},
			[]string{"-quality 0.95: escalating 45.0% of answers", "escalates 50.0% of the training answers; 45.0% was asked for"}, ""},
		{"quality needs cv", []string{"train-verifier", "-strong", "big", "-weak", "small", "-quality", "0.9", "-o", model, data}, nil, "give -cv K too"},
		{"pairs mismatch", []string{"train-verifier", "-strong", "big,x", "-weak", "small", "-cv", "2", data}, nil, "one strong model per weak model"},
		{"nothing to do", []string{"train-verifier", "-strong", "big", "-weak", "small", data}, nil, "nothing to do"},
		{"l2 grid: nested CV and a tuned saved model", []string{"train-verifier", "-strong", "big", "-weak", "small", "-cv", "2", "-inner", "2", "-l2-grid", "1e9,1", "-o", filepath.Join(dir, "g.bin"), data},
			[]string{"nested CV: l2 chosen by 2-fold inner CV (apgr) in each outer fold: 1 1", "l2 nested over 1e+09 1", "l2 1 chosen by 2-fold CV on all the data"}, ""},
		{"l2 grid with targets", []string{"train-verifier", "-strong", "big", "-weak", "small", "-cv", "2", "-inner", "2", "-l2-grid", "1e9,1", "-targets", "weak-fails,gain", "-o", filepath.Join(dir, "t.bin"), data},
			[]string{"in each outer fold: 1/weak-fails 1/weak-fails", "× targets [weak-fails gain]", "l2 1/weak-fails chosen by 2-fold CV on all the data"}, ""},
		{"l2 grid: bad target", []string{"train-verifier", "-strong", "big", "-weak", "small", "-cv", "2", "-l2-grid", "1", "-targets", "gain,wins", data}, nil, `-targets: "wins" is not gain or weak-fails`},
		{"l2 grid: bad value", []string{"train-verifier", "-strong", "big", "-weak", "small", "-cv", "2", "-l2-grid", "1,-3", data}, nil, `-l2-grid: "-3" is not a positive number`},
		{"l2 grid: cost95 needs prices", []string{"train-verifier", "-strong", "big", "-weak", "small", "-cv", "2", "-l2-grid", "1", "-tune", "cost95", data}, nil, "-prices has no price for big"},
		{"l2 grid: unknown criterion", []string{"train-verifier", "-strong", "big", "-weak", "small", "-cv", "2", "-l2-grid", "1", "-tune", "auc", data}, nil, `-tune "auc": want apgr or cost95`},
		{"predict", []string{"predict-verifier", "-model", model, "-weak", "small", data}, []string{`"id":"r0","model":"small","score":`, `"escalate":`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tt.args, &out, &errb)
			if tt.err != "" {
				assert.NotEqual(t, 0, code)
				assert.Contains(t, out.String()+errb.String(), tt.err)
				return
			}
			require.Equal(t, 0, code, errb.String())
			for _, w := range tt.want {
				assert.Contains(t, out.String(), w)
			}
		})
	}
	// the wrong answers score higher than the right ones
	var out bytes.Buffer
	require.Equal(t, 0, run([]string{"predict-verifier", "-model", model, "-weak", "small", data}, &out, io.Discard))
	var right, wrong float64
	for i, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var v struct{ Score float64 }
		require.NoError(t, json.Unmarshal([]byte(l), &v))
		if i%2 == 0 {
			right += v.Score
		} else {
			wrong += v.Score
		}
	}
	assert.Greater(t, wrong, right)
}
