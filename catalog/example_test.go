package catalog_test

import (
	"fmt"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/catalog"
)

// A card that names a known model and sets only what the catalog cannot
// know (its quality prior) gets the prices, window and capabilities from
// it; anything the card sets wins.
func ExampleLookup() {
	e, ok := catalog.Lookup("gpt-4o-mini")
	if !ok {
		panic("unknown model")
	}
	card := e.Fill(llmrouter.ModelCard{Name: "mini", APIModel: e.Name, Quality: 0.72})
	fmt.Printf("%s: $%.2f in, $%.2f out per million tokens, window %d, %s\n",
		card.Name, card.InputPerMTok, card.OutputPerMTok, card.ContextWindow, card.Capabilities)
	// Output:
	// mini: $0.15 in, $0.60 out per million tokens, window 128000, vision|tools|json|streaming
}
