package llmrouter_test

import "runtime"

func runtimeGosched() { runtime.Gosched() }
