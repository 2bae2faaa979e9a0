package main

import (
	"fmt"

	"github.com/llmrouter/llmrouter"
)

// loadModel reads a classifier file written by train (LinearClassifier.Save),
// standard input for "-".
func loadModel(path string) (*llmrouter.LinearClassifier, error) {
	f, err := openInput(path, "a model file")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := llmrouter.ReadLinearClassifier(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", inputName(path), err)
	}
	return c, nil
}
