package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/llmrouter/llmrouter/dataset"
)

// aliasUsage documents -alias in every command that reads outcomes.
const aliasUsage = "rename a model while reading the data: `from=to` (comma-separated or repeated), " +
	"so files that spell one model differently train and score it as one " +
	"(e.g. mistralai/mixtral-8x7b-chat=mistralai/Mixtral-8x7B-Instruct-v0.1); " +
	"without it, two spellings are two models"

// aliases is the -alias flag: model renames (from → to) applied while
// reading outcomes files (dataset.WithAliases).
type aliases map[string]string

func aliasFlag(fs *flag.FlagSet) aliases {
	a := aliases{}
	fs.Var(a, "alias", aliasUsage)
	return a
}

func (aliases) repeatable() {}

func (a aliases) String() string {
	var parts []string
	for _, k := range sortedNames(a) {
		parts = append(parts, k+"="+a[k])
	}
	return strings.Join(parts, ",")
}

// Set adds from=to pairs; a name renamed twice, or renamed to a name that
// is itself renamed, is an error (renames are not chained).
func (a aliases) Set(s string) error {
	for _, pair := range strings.Split(s, ",") {
		from, to, ok := strings.Cut(pair, "=")
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		switch {
		case !ok || from == "" || to == "":
			return fmt.Errorf("%q: want from=to", pair)
		case from == to:
			return fmt.Errorf("%q renames a model to itself", pair)
		case a[from] != "" && a[from] != to:
			return fmt.Errorf("%q: %s is already renamed to %s", pair, from, a[from])
		}
		a[from] = to
	}
	for from, to := range a {
		if _, ok := a[to]; ok {
			return fmt.Errorf("%s=%s: %s is itself renamed; rename straight to the final name", from, to, to)
		}
	}
	return nil
}

// options returns the dataset reading options of the renames.
func (a aliases) options() []dataset.Option {
	if len(a) == 0 {
		return nil
	}
	return []dataset.Option{dataset.WithAliases(a)}
}

// warnOutput is where warnings go; tests replace it.
var warnOutput = func() io.Writer { return os.Stderr }

// modelSet is the models one file (or group of files) names.
type modelSet struct {
	name   string
	models []string
}

// warnModelSets warns, naming the files and the models, when the sets do
// not name the same models: usually one model spelled two ways (RouteLLM's
// mistralai/Mixtral-8x7B-Instruct-v0.1 and RouterBench's
// mistralai/mixtral-8x7b-chat), which would otherwise be trained and
// scored as two models without a word.
func warnModelSets(w io.Writer, sets []modelSet) {
	if len(sets) < 2 {
		return
	}
	all := map[string]int{}
	for _, s := range sets {
		for _, m := range s.models {
			all[m]++
		}
	}
	var lines []string
	for _, s := range sets {
		var only []string
		for _, m := range s.models {
			if all[m] < len(sets) {
				only = append(only, m)
			}
		}
		if len(only) > 0 {
			lines = append(lines, fmt.Sprintf("  %s: %s", s.name, strings.Join(only, ", ")))
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "llmrouter: warning: the data files name different models; these are not in every file:\n%s\n"+
		"  if two of these names are one model, join them with -alias from=to\n", strings.Join(lines, "\n"))
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
