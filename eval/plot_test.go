package eval

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlotsRender(t *testing.T) {
	step, err := StepCurve(hStrong, hWeak, hRouter)
	require.NoError(t, err)
	oracle, err := OracleCurve(hStrong, hWeak, nil)
	require.NoError(t, err)
	p, err := PGRPlot("hand case", []NamedCurve{{Name: "router", Curve: step}}, &oracle)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WritePlot(p, &buf, "svg"))
	assert.Contains(t, buf.String(), "<svg")
	assert.Contains(t, buf.String(), "APGR 0.625")

	m := handMatrix()
	rep, err := EvaluateMulti(m.Scores, m.MeanCosts(), m, MultiOptions{Lambdas: []float64{0, 2, 10}})
	require.NoError(t, err)
	cq, err := CostQualityPlot("hand case", rep)
	require.NoError(t, err)
	buf.Reset()
	require.NoError(t, WritePlot(cq, &buf, ".png"))
	assert.Equal(t, "\x89PNG", buf.String()[:4])

	_, err = PGRPlot("nothing", nil, nil)
	assert.Error(t, err)
	_, err = CostQualityPlot("nothing", MultiReport{})
	assert.Error(t, err)
	assert.Error(t, WritePlot(p, &buf, "nope"))
}
