package llmrouter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tmc/langchaingo/llms"
)

// TestCodeSignalOnShortTexts holds the Code signal's reading of short
// texts: chit-chat with an emoticon, a parenthesis, a number or a price is
// not code (one bracket in a greeting is no symbol density), and a short
// request that names a language, a tool or a query is. The reading drives
// the "code" label and the Code strength, so each row checks all three.
func TestCodeSignalOnShortTexts(t *testing.T) {
	tests := []struct {
		text string
		code bool
	}{
		// Chit-chat.
		{"Hello :)", false},
		{"Hi there (#1)", false},
		{"Thanks, that was great :-)", false},
		{"Good morning! ;)", false},
		{"lol :( :(", false},
		{"See you at 5 (or 6) tomorrow?", false},
		{"That lunch was cheap (USD 5) :)", false},
		{"1) milk 2) eggs 3) bread, thanks!", false},
		{"You're my #1 fan (seriously) :D", false},
		{"Let me know :)", false},
		{"Happy birthday!!! (finally 30)", false},
		{"let me know (anytime)!", false},
		// A format asked for is not code.
		{"Extract the name and email from: 'Contact Ana Silva at ana@example.com'. Reply in JSON.", false},
		// Short code requests.
		{"Write a Go function that reverses a slice.", true},
		{"fix this: for i in range(10) print(i)", true},
		{"What does `git rebase -i` do?", true},
		{"SELECT * FROM orders WHERE total > 100 ORDER BY created_at;", true},
		{"Which regex matches a US zip code?", true},
		{"How do I parse JSON in Python?", true},
		{"let x = { \"one\": 1 }; x.map(z => z + 1)", true},
		// Asked for code without naming a language.
		{"Write a function to reverse a linked list.", true},
		{"Write a function that returns the nth Fibonacci number.", true},
		{"Implement a function to merge two sorted arrays.", true},
		{"Write a program that prints the numbers from 1 to 100.", true},
		{"Write a script that renames all files in a folder.", true},
		{"What is the time complexity of inserting into a hash table?", true},
		// A function in mathematics, a program of another kind.
		{"Is the function continuous at zero?", false},
		{"Suggest a training program that builds strength.", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			f := analyze([]llms.MessageContent{human(tt.text)})
			assert.Equal(t, tt.code, f.Code >= strengthCodeMin, "Code = %.3f", f.Code)
			assert.Equal(t, tt.code, heuristicLabel(&f) == "code", "label %q", heuristicLabel(&f))
			assert.Equal(t, tt.code, requestStrengths(&f, nil)&Code != 0)
		})
	}
}
