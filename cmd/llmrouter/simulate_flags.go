package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
)

// check fails, naming the flag and value, on a simulate flag out of its
// range, flags that conflict, and a flag given without the one it needs.
func (f *simFlags) check(fs *flag.FlagSet) error {
	if f.priceFree && f.prices != "" {
		return errors.New("-price-free and -prices: give one (free calls, or the prices of models without recorded costs)")
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
