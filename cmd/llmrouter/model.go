package main

import (
	"fmt"
	"os"

	"github.com/llmrouter/llmrouter"
)

// loadModel reads a classifier file written by train (LinearClassifier.Save).
func loadModel(path string) (*llmrouter.LinearClassifier, error) {
	if err := notDir(path); err != nil {
		return nil, err
	}
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

// notDir fails, naming path, when it is a directory: a model reader would
// call it a file too short to be a model.
func notDir(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s: a directory, not a model file", path)
	}
	return nil
}
