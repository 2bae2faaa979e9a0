package verify

import "sync/atomic"

// An answer the verifier rejects is usually escalated, and the stronger
// model's answer is then verified against the same prompt: a promptMemo
// keeps the read prompts of the last few rejections so that Verify reads
// such a prompt once per request, not once per attempt. Accepted answers
// leave it as it was, so Verify allocates nothing more when it accepts.
//
// Entries are immutable once published and swapped whole through atomic
// pointers: concurrent requests at worst replace each other's entries and
// miss. A hit compares the whole prompt (string equality: O(1) when it is
// the same string, as across one request's attempts), so it is exactly the
// prompt read before, never one that merely shares an address or a length.
// Each entry holds its prompt alive until replaced: at most memoSlots
// prompts.
type promptMemo struct {
	slots [memoSlots]atomic.Pointer[memoEntry]
}

const memoSlots = 8 // a power of two

type memoEntry struct {
	prompt string
	p      Prompt
}

// memoSlot spreads prompts over the slots by their length and ends.
func memoSlot(prompt string) int {
	h := uint(len(prompt))
	if len(prompt) > 0 {
		h = h*31 + uint(prompt[0])
		h = h*31 + uint(prompt[len(prompt)-1])
	}
	return int(h * 0x9e3779b9 >> 7 & (memoSlots - 1))
}

// get returns the read prompt stored for prompt, or nil. A nil memo has
// none.
func (c *promptMemo) get(prompt string) *Prompt {
	if c == nil {
		return nil
	}
	if e := c.slots[memoSlot(prompt)].Load(); e != nil && e.prompt == prompt {
		return &e.p
	}
	return nil
}

// put stores p, read from prompt, replacing its slot's entry.
func (c *promptMemo) put(prompt string, p *Prompt) {
	if c == nil {
		return
	}
	c.slots[memoSlot(prompt)].Store(&memoEntry{prompt: prompt, p: *p})
}
