module github.com/llmrouter/llmrouter

go 1.24.4

require (
	github.com/stretchr/testify v1.11.1 // indirect
	github.com/tmc/langchaingo v0.1.14 // indirect
	golang.org/x/sync v0.25.0 // indirect
)
