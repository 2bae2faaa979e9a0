//go:build amd64 && !purego

#include "textflag.h"

// masks64SSE2(p *byte) (letters, events uint64): bit k of letters is set
// where p[k] is an ASCII letter, bit k of events where p[k] is neither a
// letter nor a space, for k < 64. SSE2 only (every amd64).
//
// A byte c is a letter when y = (c|0x20) + 0x1f (mod 256) is 0x80–0x99:
// the map is one to one, and it sends exactly 'a'–'z' there (either case
// of a letter, and no other byte, has c|0x20 in 'a'–'z'), so a signed
// compare -102 > y (0x9a as int8) finds them.

DATA masksconst<>+0x00(SB)/8, $0x2020202020202020
DATA masksconst<>+0x08(SB)/8, $0x2020202020202020
DATA masksconst<>+0x10(SB)/8, $0x1f1f1f1f1f1f1f1f
DATA masksconst<>+0x18(SB)/8, $0x1f1f1f1f1f1f1f1f
DATA masksconst<>+0x20(SB)/8, $0x9a9a9a9a9a9a9a9a
DATA masksconst<>+0x28(SB)/8, $0x9a9a9a9a9a9a9a9a
GLOBL masksconst<>(SB), RODATA|NOPTR, $48

// CLASSES16 reads 16 bytes at off(SI) and leaves their letter mask in
// lreg and their space mask in sreg (16 bits each).
#define CLASSES16(off, lreg, sreg) \
	MOVOU   off(SI), X0   \
	MOVO    X0, X1        \
	PCMPEQB X8, X1        \
	POR     X8, X0        \
	PADDB   X9, X0        \
	MOVO    X10, X2       \
	PCMPGTB X0, X2        \
	PMOVMSKB X2, lreg     \
	PMOVMSKB X1, sreg

TEXT ·masks64SSE2(SB), NOSPLIT, $0-24
	MOVQ  p+0(FP), SI
	MOVOU masksconst<>+0x00(SB), X8
	MOVOU masksconst<>+0x10(SB), X9
	MOVOU masksconst<>+0x20(SB), X10
	CLASSES16(0, AX, BX)
	CLASSES16(16, CX, DX)
	CLASSES16(32, R8, R9)
	CLASSES16(48, R10, R11)
	SHLQ $16, CX
	SHLQ $32, R8
	SHLQ $48, R10
	ORQ  CX, AX
	ORQ  R8, AX
	ORQ  R10, AX
	SHLQ $16, DX
	SHLQ $32, R9
	SHLQ $48, R11
	ORQ  DX, BX
	ORQ  R9, BX
	ORQ  R11, BX
	ORQ  AX, BX
	NOTQ BX
	MOVQ AX, letters+8(FP)
	MOVQ BX, events+16(FP)
	RET
