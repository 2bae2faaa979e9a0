package llmrouter

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonMirrors pairs each type of a Decision with its JSON mirror.
var jsonMirrors = []struct{ typ, mirror reflect.Type }{
	{reflect.TypeFor[Decision](), reflect.TypeFor[decisionJSON]()},
	{reflect.TypeFor[Attempt](), reflect.TypeFor[attemptJSON]()},
	{reflect.TypeFor[Candidate](), reflect.TypeFor[candidateJSON]()},
	{reflect.TypeFor[Step](), reflect.TypeFor[stepJSON]()},
	{reflect.TypeFor[Features](), reflect.TypeFor[featuresJSON]()},
	{reflect.TypeFor[Prediction](), reflect.TypeFor[predictionJSON]()},
	{reflect.TypeFor[Hints](), reflect.TypeFor[hintsJSON]()},
	{reflect.TypeFor[Usage](), reflect.TypeFor[usageJSON]()},
}

// A field added to Decision or to a type it holds must be in the JSON form
// or listed in jsonOmitted with a reason; otherwise logs silently lose it.
func TestDecisionJSONCoversEveryField(t *testing.T) {
	for _, m := range jsonMirrors {
		for i := range m.typ.NumField() {
			f := m.typ.Field(i)
			if !f.IsExported() {
				continue
			}
			key := m.typ.Name() + "." + f.Name
			if _, omitted := jsonOmitted[key]; omitted {
				continue
			}
			mf, ok := m.mirror.FieldByName(f.Name)
			if assert.True(t, ok, "%s is neither in %s (decision_json.go) nor in jsonOmitted", key, m.mirror.Name()) {
				assert.NotEmpty(t, mf.Tag.Get("json"), "%s.%s has no json tag", m.mirror.Name(), f.Name)
			}
		}
	}
	for key := range jsonOmitted {
		found := false
		for _, m := range jsonMirrors {
			for i := range m.typ.NumField() {
				found = found || m.typ.Name()+"."+m.typ.Field(i).Name == key
			}
		}
		assert.True(t, found, "jsonOmitted lists %s, which does not exist", key)
	}
}

// Every exported field, set to a distinct non-zero value, survives the
// round trip: a field in the mirror but not copied by MarshalJSON or
// UnmarshalJSON fails here.
func TestDecisionJSONCopiesEveryField(t *testing.T) {
	var d Decision
	n := 0
	fill(t, reflect.ValueOf(&d).Elem(), &n)
	b, err := json.Marshal(&d)
	require.NoError(t, err)
	var back Decision
	require.NoError(t, json.Unmarshal(b, &back))
	compareFields(t, "Decision", reflect.ValueOf(d), reflect.ValueOf(back))
}

var (
	errorType = reflect.TypeFor[error]()
	timeType  = reflect.TypeFor[time.Time]()
)

// fill sets every exported field of v to a distinct non-zero value.
func fill(t *testing.T, v reflect.Value, n *int) {
	*n++
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(time.Date(2025, 1, 2, 3, 4, 5, *n*1000, time.UTC)))
		return
	case v.Type() == errorType:
		v.Set(reflect.ValueOf(errors.New("error " + itoa(*n))))
		return
	case v.Type() == reflect.TypeFor[Script]():
		v.Set(reflect.ValueOf(ScriptCyrillic))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + itoa(*n))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n) * 1000)
	case reflect.Float64:
		v.SetFloat(float64(*n) / 64)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(t, v.Index(0), n)
		fill(t, v.Index(1), n)
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if _, omitted := jsonOmitted[v.Type().Name()+"."+f.Name]; f.IsExported() && !omitted {
				fill(t, v.Field(i), n)
			}
		}
	default:
		t.Fatalf("fill cannot set a %s (%s): extend this test", v.Type(), v.Kind())
	}
}

func compareFields(t *testing.T, path string, want, got reflect.Value) {
	t.Helper()
	switch {
	case want.Type() == timeType:
		assert.True(t, want.Interface().(time.Time).Equal(got.Interface().(time.Time)), "%s: %v vs %v", path, want, got)
		return
	case want.Type() == errorType:
		require.NotNil(t, got.Interface(), path)
		assert.EqualError(t, got.Interface().(error), want.Interface().(error).Error(), path)
		return
	}
	switch want.Kind() {
	case reflect.Slice:
		require.Equal(t, want.Len(), got.Len(), path)
		for i := range want.Len() {
			compareFields(t, path+"["+itoa(i)+"]", want.Index(i), got.Index(i))
		}
	case reflect.Struct:
		for i := range want.NumField() {
			f := want.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			if _, omitted := jsonOmitted[want.Type().Name()+"."+f.Name]; omitted {
				continue
			}
			compareFields(t, path+"."+f.Name, want.Field(i), got.Field(i))
		}
	default:
		assert.False(t, want.IsZero(), "%s was not filled", path)
		assert.Equal(t, want.Interface(), got.Interface(), path)
	}
}
