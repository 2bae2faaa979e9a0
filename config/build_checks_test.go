package config_test

import (
	"testing"

	"github.com/llmrouter/llmrouter/config"
	"github.com/stretchr/testify/require"
)

// Build on a File made in code runs the checks Parse runs on a file; it
// used to skip them, building a router from an unknown policy rule or an
// API key pasted where its variable's name belongs.
func TestBuildChecksFileMadeInCode(t *testing.T) {
	fake := []config.Model{{Name: "a", Provider: config.KindFake}, {Name: "b", Provider: config.KindFake}}
	for _, tc := range []struct {
		name string
		f    config.File
		want string
	}{
		{"unknown rule", config.File{Models: fake, Policy: config.Policy{Rule: "nosuch"}}, `policy.rule: unknown rule "nosuch"`},
		{"key in api_key_env", config.File{Models: []config.Model{{Name: "a", Provider: config.KindOpenAI, APIKeyEnv: "sk-proj-abcdefghijklmnop"}}}, "models[0].api_key_env: looks like an API key"},
		{"no provider", config.File{Models: []config.Model{{Name: "a"}}}, "models[0].provider: required"},
		{"no models", config.File{}, "models: missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.f.Build(config.BuildOptions{LookupEnv: func(string) (string, bool) { return "x", true }})
			require.ErrorContains(t, err, tc.want)
		})
	}
	f := config.File{Models: fake}
	_, err := f.Build(config.BuildOptions{})
	require.NoError(t, err)
}
