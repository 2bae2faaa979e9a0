package config_test

import (
	"testing"

	"github.com/llmrouter/llmrouter/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A File made in code (fields set, no Parse) has no file name; its errors
// do not begin with an empty one (": models: missing").
func TestBuildFileWithoutName(t *testing.T) {
	var f config.File
	_, err := f.Build(config.BuildOptions{})
	require.Error(t, err)
	assert.NotRegexp(t, `^:`, err.Error())
	assert.Contains(t, err.Error(), "models: missing") // checked as a parsed file is

	f.Models = []config.Model{{Name: "a", Provider: config.KindOpenAI, APIKeyEnv: "LLMROUTER_TEST_UNSET"}}
	_, err = f.Build(config.BuildOptions{LookupEnv: func(string) (string, bool) { return "", false }})
	require.Error(t, err)
	assert.NotRegexp(t, `^:`, err.Error())
	assert.Contains(t, err.Error(), "LLMROUTER_TEST_UNSET")
}
