package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/llmrouter/llmrouter/bandit"
)

// check fails, naming the flag and value, on a simulate flag out of its
// range, flags that conflict, and a flag given without the one it needs.
func (f *simFlags) check(fs *flag.FlagSet) error {
	if f.priceFree && f.prices != "" {
		return usagef("-price-free and -prices: give one (free calls, or the prices of models without recorded costs)")
	}
	if f.seed == 0 {
		return errors.New("-seed 0: want a seed ≥ 1 (the bandit reads 0 as \"pick a random seed\", so the run could not be repeated)")
	}
	if f.window <= 0 {
		return fmt.Errorf("-window %d: want a positive count", f.window)
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"delay", f.delay}, {"max-rows", f.maxRows}, {"output-tokens", f.outTokens}} {
		if c.v < 0 {
			return fmt.Errorf("-%s %d: want a count ≥ 0", c.name, c.v)
		}
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"noise", f.noise}, {"lambda", f.lambda}} {
		if !(c.v >= 0) || math.IsInf(c.v, 1) {
			return fmt.Errorf("-%s %v: want a finite number ≥ 0", c.name, c.v)
		}
	}
	if err := f.checkBandit(); err != nil {
		return err
	}
	if err := checkNeeds(fs, flagNeed{flag: "output-tokens", with: []string{"prices"}}); err != nil {
		return err
	}
	if f.plotPath == "-" {
		return errPlotStdout
	}
	if f.plotPath != "" {
		if ext := strings.ToLower(filepath.Ext(f.plotPath)); indexOf(plotFormats, ext) < 0 {
			return fmt.Errorf("-plot %s: unknown format %q; want one of %s", f.plotPath, ext, strings.Join(plotFormats, ", "))
		}
	}
	return nil
}

// banditFlags pairs each bandit flag with the bandit.Options field it
// sets (see banditOptions).
var banditFlags = []struct{ flag, field string }{
	{"ridge", "Ridge"}, {"bandit-noise", "Noise"}, {"explore-share", "MaxExploreShare"},
	{"explore-cost", "MaxExploreCost"}, {"explore-regret", "MaxExploreRegret"}, {"explore-decay", "ExploreDecay"},
	{"pool", "Pool"}, {"explore-away", "MaxExploreAway"}, {"explore-chance", "MinExploreChance"},
	{"depart-chance", "MinDepartChance"},
}

// banditOptions is the bandit's options from the flags, with cost weight
// lambda.
func (f *simFlags) banditOptions(lambda float64) bandit.Options {
	return bandit.Options{CostWeight: lambda, Ridge: f.ridge, Noise: f.banditNoise,
		MaxExploreShare: f.share, MaxExploreCost: f.costShare, MaxExploreRegret: f.regret, Pool: f.pool,
		MaxExploreAway: f.away, MinExploreChance: f.chance, MinDepartChance: f.depart, ExploreDecay: f.decay, Seed: f.seed}
}

// checkBandit checks the bandit's flags as bandit.New does, before any data
// is read, naming the flag rather than the Options field it sets.
func (f *simFlags) checkBandit() error {
	o := reflect.ValueOf(f.banditOptions(0))
	for _, b := range banditFlags {
		if v := o.FieldByName(b.field).Float(); math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("-%s %v: want a finite number", b.flag, v)
		}
	}
	_, err := bandit.New([]string{"a"}, f.banditOptions(0))
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, b := range banditFlags {
		if field := "bandit: Options." + b.field + " "; strings.HasPrefix(msg, field) {
			return errors.New("-" + b.flag + " " + strings.TrimPrefix(msg, field))
		}
	}
	return err
}

// checkOutputs fails early when -state or -plot cannot be written, is one
// of the inputs (the data files and -prices), or both name one file.
func (f *simFlags) checkOutputs(files []string) error {
	inputs := append(slices.Clone(files), f.prices)
	if err := checkOutput("state", f.statePath, inputs...); err != nil {
		return err
	}
	if err := checkOutput("plot", f.plotPath, inputs...); err != nil {
		return err
	}
	if f.plotPath != "" && samePath(f.plotPath, f.statePath) {
		return fmt.Errorf("-plot %s: is also -state; write them to two files", f.plotPath)
	}
	return nil
}
