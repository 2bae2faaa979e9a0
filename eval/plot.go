package eval

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// NamedCurve is a binary router's curve with the name its legend shows.
type NamedCurve struct {
	Name  string
	Curve Curve
}

var (
	colRandom = color.RGBA{R: 120, G: 120, B: 120, A: 255}
	colOracle = color.RGBA{R: 44, G: 160, B: 44, A: 255}
	colHull   = color.RGBA{R: 214, G: 39, B: 40, A: 255}
	colModel  = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	palette   = []color.Color{
		color.RGBA{R: 214, G: 39, B: 40, A: 255},
		color.RGBA{R: 31, G: 119, B: 180, A: 255},
		color.RGBA{R: 255, G: 127, B: 14, A: 255},
		color.RGBA{R: 148, G: 103, B: 189, A: 255},
		color.RGBA{R: 140, G: 86, B: 75, A: 255},
		color.RGBA{R: 23, G: 190, B: 207, A: 255},
	}
)

// PGRPlot draws PGR against the share of strong calls (in %) for each
// router curve, with the random router's diagonal (APGR 0.5) and, when
// oracle is non-nil, the oracle's curve; the legend gives each curve's APGR.
// Save the result with SavePlot.
func PGRPlot(title string, routers []NamedCurve, oracle *Curve) (*plot.Plot, error) {
	if len(routers) == 0 && oracle == nil {
		return nil, errors.New("eval: nothing to plot")
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "calls to the strong model (%)"
	p.Y.Label.Text = "performance gap recovered (PGR)"
	p.X.Min, p.X.Max = 0, 100
	p.X.Tick.Marker = stepTicks{step: 10, format: "%.0f"}
	p.Y.Tick.Marker = stepTicks{step: 0.2, format: "%.1f"}
	// Good routers run above the diagonal: the lower right is free.
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(6), vg.Points(6)
	p.Add(plotter.NewGrid())

	full, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 1}, {X: 100, Y: 1}})
	if err != nil {
		return nil, err
	}
	full.Color = colRandom
	full.Dashes = []vg.Length{vg.Points(1), vg.Points(3)}
	p.Add(full)
	p.Legend.Add("all strong (PGR 1)", full)

	random, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 100, Y: 1}})
	if err != nil {
		return nil, err
	}
	random.Color = colRandom
	random.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(random)
	p.Legend.Add("random (APGR 0.500)", random)

	if oracle != nil {
		l, err := plotter.NewLine(curveXYs(*oracle))
		if err != nil {
			return nil, err
		}
		l.Color = colOracle
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("oracle (APGR %.3f)", oracle.APGR()), l)
	}
	for i, r := range routers {
		l, s, err := plotter.NewLinePoints(curveXYs(r.Curve))
		if err != nil {
			return nil, err
		}
		c := palette[i%len(palette)]
		l.Color, l.Width = c, vg.Points(1.5)
		s.Color, s.Radius = c, vg.Points(2)
		if len(r.Curve.Points) > 40 { // a step curve: no markers
			p.Add(l)
			p.Legend.Add(fmt.Sprintf("%s (APGR %.3f)", r.Name, r.Curve.APGR()), l)
			continue
		}
		p.Add(l, s)
		p.Legend.Add(fmt.Sprintf("%s (APGR %.3f)", r.Name, r.Curve.APGR()), l, s)
	}
	_, ymax := yRange(routers, oracle)
	p.Y.Min, p.Y.Max = math.Min(p.Y.Min, -0.05), math.Max(ymax+0.05, 1.05)
	return p, nil
}

func curveXYs(c Curve) plotter.XYs {
	xys := make(plotter.XYs, len(c.Points))
	for i, pt := range c.Points {
		xys[i] = plotter.XY{X: 100 * pt.StrongShare, Y: pt.PGR}
	}
	return xys
}

func yRange(routers []NamedCurve, oracle *Curve) (lo, hi float64) {
	lo, hi = 0, 1
	all := routers
	if oracle != nil {
		all = append(all[:len(all):len(all)], NamedCurve{Curve: *oracle})
	}
	for _, r := range all {
		for _, p := range r.Curve.Points {
			lo, hi = math.Min(lo, p.PGR), math.Max(hi, p.PGR)
		}
	}
	return lo, hi
}

// CostQualityPlot draws a MultiReport: the router's operating points and
// upper hull, every single model (labelled), the random-mix hull of the
// single models, and the oracle, with mean cost per prompt on a log axis.
func CostQualityPlot(title string, r MultiReport) (*plot.Plot, error) {
	if len(r.Singles) == 0 {
		return nil, errors.New("eval: report has no single-model points")
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "mean cost per prompt (USD, log scale)"
	p.Y.Label.Text = "mean quality"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = logTicks{}
	p.Y.Tick.Marker = stepTicks{step: 0.05, format: "%.2f"}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(6), -vg.Points(6)
	p.Add(plotter.NewGrid())

	positive := func(ps []CQPoint) plotter.XYs {
		var xys plotter.XYs
		for _, q := range ps {
			if q.Cost > 0 {
				xys = append(xys, plotter.XY{X: q.Cost, Y: q.Quality})
			}
		}
		return xys
	}
	if xys := positive(r.MixHull); len(xys) > 1 {
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		l.Color = colModel
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		p.Legend.Add("mix of two models", l)
	}
	if xys := positive(r.Curve); len(xys) > 0 {
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, err
		}
		s.Color, s.Radius, s.Shape = colHull, vg.Points(1.5), draw.CircleGlyph{}
		p.Add(s)
		p.Legend.Add("router (one point per λ)", s)
	}
	if xys := positive(r.Hull); len(xys) > 1 {
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = colHull, vg.Points(1.5)
		p.Add(l)
		p.Legend.Add("router hull", l)
	}
	singles := positive(r.Singles)
	s, err := plotter.NewScatter(singles)
	if err != nil {
		return nil, err
	}
	s.Color, s.Radius, s.Shape = colModel, vg.Points(3), draw.BoxGlyph{}
	p.Add(s)
	p.Legend.Add("single model", s)
	var names []string
	for _, q := range r.Singles {
		if q.Cost > 0 {
			names = append(names, shortName(q.Label))
		}
	}
	labels, err := plotter.NewLabels(plotter.XYLabels{XYs: spreadLabels(singles), Labels: names})
	if err != nil {
		return nil, err
	}
	for i := range labels.TextStyle {
		labels.TextStyle[i].Font.Size = vg.Points(7)
		labels.TextStyle[i].XAlign = draw.XLeft
	}
	labels.Offset = vg.Point{X: vg.Points(4), Y: vg.Points(-3)}
	p.Add(labels)
	if r.Oracle.Cost > 0 {
		o, err := plotter.NewScatter(plotter.XYs{{X: r.Oracle.Cost, Y: r.Oracle.Quality}})
		if err != nil {
			return nil, err
		}
		o.Color, o.Radius, o.Shape = colOracle, vg.Points(4), draw.PyramidGlyph{}
		p.Add(o)
		p.Legend.Add("oracle", o)
	}
	// Room on the right for the labels of the most expensive models, on
	// the left and at the top for the legend.
	p.X.Max *= 2.5
	p.X.Min /= 4
	p.Y.Max += 0.15 * (p.Y.Max - p.Y.Min)
	return p, nil
}

// spreadLabels returns label positions for points on a log-cost axis:
// each point's own, except that a label which would overprint one placed
// before it (close in log-cost and in quality) moves down below it.
func spreadLabels(pts plotter.XYs) plotter.XYs {
	if len(pts) == 0 {
		return pts
	}
	lo, hi := pts[0].Y, pts[0].Y
	for _, p := range pts {
		lo, hi = math.Min(lo, p.Y), math.Max(hi, p.Y)
	}
	step := math.Max(0.03*(hi-lo), 1e-9) // about a label's height
	out := make(plotter.XYs, len(pts))
	copy(out, pts)
	order := make([]int, len(pts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return pts[order[a]].Y > pts[order[b]].Y })
	for k, i := range order {
		for _, j := range order[:k] {
			near := math.Abs(math.Log10(out[i].X)-math.Log10(out[j].X)) < 0.35
			if near && math.Abs(out[i].Y-out[j].Y) < step {
				out[i].Y = out[j].Y - step
			}
		}
	}
	return out
}

// shortName drops an organisation prefix ("meta/llama-2-70b-chat" → "llama-2-70b-chat").
func shortName(m string) string {
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		return m[i+1:]
	}
	return m
}

// logTicks marks 1, 2 and 5 times each power of ten, labelling them all:
// cost axes rarely span more than a few decades.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	if !(min > 0) || !(max > min) {
		return ticks
	}
	for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v >= min && v <= max {
				ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprintf("%g", v)})
			}
		}
	}
	return ticks
}

// stepTicks marks every multiple of step, labelled with format.
type stepTicks struct {
	step   float64
	format string
}

func (s stepTicks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	if !(max > min) || s.step <= 0 {
		return ticks
	}
	step := s.step
	for (max-min)/step > 12 {
		step *= 2
	}
	for k := math.Ceil(min/step - 1e-9); k*step <= max+1e-9; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprintf(s.format, v)})
	}
	return ticks
}

// Default plot size used by SavePlot and WritePlot.
const (
	DefaultPlotWidth  = 7 * vg.Inch
	DefaultPlotHeight = 4.5 * vg.Inch
)

// SavePlot writes p to path at the default size (7 × 4.5 inches), in the
// format the extension names: .svg, .png, .pdf, .eps, .jpg, .tif.
func SavePlot(p *plot.Plot, path string) error {
	return p.Save(DefaultPlotWidth, DefaultPlotHeight, path)
}

// WritePlot writes p to w at the default size in the given format ("svg",
// "png", "pdf", ...).
func WritePlot(p *plot.Plot, w io.Writer, format string) error {
	wt, err := p.WriterTo(DefaultPlotWidth, DefaultPlotHeight, strings.TrimPrefix(format, "."))
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}
