package main

import (
	"fmt"
	"os"

	"github.com/llmrouter/llmrouter"
)

// loadModel reads a classifier file written by train (LinearClassifier.Save).
func loadModel(path string) (*llmrouter.LinearClassifier, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := llmrouter.ReadLinearClassifier(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
