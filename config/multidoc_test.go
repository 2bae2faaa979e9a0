package config_test

import (
	"testing"

	"github.com/llmrouter/llmrouter/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A file holds one configuration: a second YAML document after "---" is an
// error naming its line, not silently ignored (its models, tiers or policy
// would never be used).
func TestSecondDocumentRefused(t *testing.T) {
	one := "models:\n  - {name: a, provider: fake}\n"
	tests := []struct {
		name, src, want string
	}{
		{"second document", one + "---\nmodels:\n  - {name: b, provider: fake}\n", "router.yaml:4: a second YAML document"},
		{"second document of a scalar", one + "---\nhello\n", "router.yaml:4: a second YAML document"},
		{"leading marker, third document", "---\n" + one + "---\n" + one + "---\n" + one, "router.yaml:5: a second YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("router.yaml", []byte(tt.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	for _, src := range []string{"---\n" + one, one + "---\n", one + "...\n", one + "---\n# only a comment\n"} {
		f, err := config.Parse("router.yaml", []byte(src))
		require.NoError(t, err, "%q", src)
		assert.Len(t, f.Models, 1)
	}
}
