package llmrouter

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// minUserHashKey is the shortest UserRedaction.HashKey New accepts, in
// bytes: a short key could be guessed, and with it e-mail addresses tested
// against the pseudonyms.
const minUserHashKey = 16

// UserRedaction says how decisions record Hints.User. The policy always
// sees the raw hints (tier and per-user rules need them); redaction
// applies to the Decision the router builds, so to everything made from
// it: Explain, MarshalJSON, the decision handed to sinks (FeedbackLog
// included) and the one in each response's GenerationInfo. Only User is
// redacted: keep other personal data out of Tier and Tags.
//
// The zero value records the user verbatim, as before redaction existed:
// many callers pass opaque ids, and a hash needs a key the library cannot
// choose for them (a random one would change the pseudonyms with every
// process and break per-user analysis).
type UserRedaction struct {
	// Omit records no user at all: Decision.Hints.User is "".
	Omit bool
	// HashKey, when set, records a keyed pseudonym instead of the user:
	// "uh_" and the first 16 bytes, in hex, of HMAC-SHA-256(HashKey, user).
	// The same key gives the same pseudonym in every process, so decisions
	// can still be grouped per user; without the key the id cannot be
	// recovered or tested. At least 16 bytes; keep it secret.
	// An empty user stays empty.
	HashKey []byte
}

// WithUserRedaction sets how decisions record Hints.User (see
// UserRedaction). Default: verbatim. New fails if both Omit and HashKey
// are set or HashKey is shorter than 16 bytes. Hashing costs one
// allocation per decision with a user; omitting and verbatim none.
func WithUserRedaction(u UserRedaction) Option {
	return func(c *config) { c.userRedaction = u }
}

// redactor returns the function that maps a user id to what decisions
// record, or nil when users are recorded verbatim.
func (u UserRedaction) redactor() (func(string) string, error) {
	switch {
	case u.Omit && u.HashKey != nil:
		return nil, errors.New("llmrouter: WithUserRedaction: set Omit or HashKey, not both")
	case u.Omit:
		return func(string) string { return "" }, nil
	case u.HashKey == nil:
		return nil, nil
	case len(u.HashKey) < minUserHashKey:
		return nil, errors.New("llmrouter: WithUserRedaction: HashKey must be at least 16 bytes")
	}
	h := newUserHasher(u.HashKey)
	return h.pseudonym, nil
}

// userHasher computes HMAC-SHA-256 (RFC 2104) with sha256.Sum256 over
// stack buffers, so a pseudonym costs one allocation: its string.
type userHasher struct {
	ipad, opad [sha256.BlockSize]byte
}

func newUserHasher(key []byte) *userHasher {
	if len(key) > sha256.BlockSize {
		k := sha256.Sum256(key)
		key = k[:]
	}
	h := &userHasher{}
	copy(h.ipad[:], key)
	copy(h.opad[:], key)
	for i := range h.ipad {
		h.ipad[i] ^= 0x36
		h.opad[i] ^= 0x5c
	}
	return h
}

const userHashPrefix = "uh_"

func (h *userHasher) pseudonym(user string) string {
	if user == "" {
		return ""
	}
	var small [sha256.BlockSize + 256]byte
	in := append(append(small[:0], h.ipad[:]...), user...) // on the stack for users up to 256 bytes
	inner := sha256.Sum256(in)
	var outer [sha256.BlockSize + sha256.Size]byte
	copy(outer[:], h.opad[:])
	copy(outer[sha256.BlockSize:], inner[:])
	sum := sha256.Sum256(outer[:])
	var out [len(userHashPrefix) + 32]byte
	copy(out[:], userHashPrefix)
	hex.Encode(out[len(userHashPrefix):], sum[:16])
	return string(out[:])
}
