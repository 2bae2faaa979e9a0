package verify

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"
)

// The default verifier is trained on the weak answers of the shared data's
// GSM8K (gpt-4-1106-preview vs Mixtral-8x7B) and Arena-Hard (gpt-4o judge
// file: gpt-4o vs gpt-3.5-turbo-0125, claude-3.5-sonnet vs gemma-2-27b,
// gpt-4o vs mixtral-8x22b) files, never on MT-Bench, the out-of-domain test.
// Rebuild it with go generate (the data lives in ../shared/data beside the
// repository):
//
//go:generate go run ../cmd/llmrouter train-verifier -strong gpt-4-1106-preview,gpt-4o,claude-3-5-sonnet-20240620,gpt-4o -weak mistralai/Mixtral-8x7B-Instruct-v0.1,gpt-3.5-turbo-0125,gemma-2-27b-it,mixtral-8x22b-instruct-v0.1 -share 0.3 -note "default: GSM8K + Arena-Hard (gpt-4o judge) weak answers" -o default_verifier.bin ../../shared/data/routellm-gsm8k-answers.jsonl ../../shared/data/arenahard-gpt4o-dw1.jsonl

//go:embed default_verifier.bin
var defaultFile []byte

var defaultModel = sync.OnceValue(func() *Model {
	m, err := Read(bytes.NewReader(defaultFile))
	if err != nil {
		panic(fmt.Sprintf("verify: the embedded default verifier does not load (run go generate): %v", err))
	}
	return m
})

// Default returns the built-in answer verifier, for users with no outcome
// data of their own: Fallback{Verifier: verify.Default()} escalates the
// answers it scores above its cutoff, about 30% of its training answers
// (change it with WithShare or WithCutoff). It reads any prompt and answer
// but was fitted on math word problems and hard chat prompts; calibrate the
// cutoff on your own traffic where you can. The model is loaded once, on
// first use; it is shared and immutable, safe for concurrent use.
func Default() *Model { return defaultModel() }
