//go:build amd64 && !purego

#include "textflag.h"

// func plainFastLoop(last *byte, j int, tab *plainTabs, q unsafe.Pointer, hU, hB uint32, run, sx, prev uint64) (jOut, adv int, hUOut, hBOut uint32, runOut, sxOut uint64)
//
// plainFastLoopGo's loop (textscan_fast.go), register for register:
// R12 last, R13 j, DX tab (e at 0, m at 2048), DI q, SI hU, R8 hB,
// R9 run, R10 sx, R11 prev (then x), R14 the FNV-1a offset basis,
// AX e, CX m, BX t, R15 the byte, then q+8; the loop's second byte
// swaps AX and R11.
TEXT ·plainFastLoop(SB), NOSPLIT, $0-104
	MOVQ last+0(FP), R12
	MOVQ j+8(FP), R13
	MOVQ tab+16(FP), DX
	MOVQ q+24(FP), DI
	MOVL hU+32(FP), SI
	MOVL hB+36(FP), R8
	MOVQ run+40(FP), R9
	MOVQ sx+48(FP), R10
	MOVQ prev+56(FP), R11
	MOVL $0x811c9dc5, R14 // fnvOffset32
	TESTQ R13, R13
	JG done

loop:
	// Two bytes a turn, the second with AX and R11 swapped (e and prev),
	// so that no move carries e into prev.
	MOVBQZX (R12)(R13*1), R15 // c
	MOVQ (DX)(R15*8), AX      // e := tab.e[c]
	TESTQ AX, AX
	JZ done                   // a byte that ends the loop
	MOVL 2048(DX)(R15*4), CX  // m := tab.m[c]
	MOVL SI, (DI)             // the open word's hashes to the next slot
	MOVL R8, 4(DI)
	LEAQ 8(DI), R15           // next
	MOVL SI, BX
	XORL $0x20, BX
	IMUL3L $0x01000193, BX, BX // t := (hU ^ ' ') * fnvPrime32
	NOTQ R11
	ANDQ AX, R11              // x := e &^ prev; SF: a word's first byte
	CMOVLMI R14, SI           // hU = fnvOffset32
	CMOVLMI BX, R8            // hB = t
	CMOVQMI R15, DI           // q = next
	ADDQ R11, R10             // sx += x
	ADDQ AX, R9               // run += e
	XORL AX, SI
	XORL AX, R8
	IMULL CX, SI              // hU = (hU ^ uint32(e)) * m
	IMULL CX, R8              // hB = (hB ^ uint32(e)) * m
	INCQ R13
	JG done

	// The same with e in R11 and prev in AX.
	MOVBQZX (R12)(R13*1), R15
	MOVQ (DX)(R15*8), R11
	TESTQ R11, R11
	JZ done
	MOVL 2048(DX)(R15*4), CX
	MOVL SI, (DI)
	MOVL R8, 4(DI)
	LEAQ 8(DI), R15
	MOVL SI, BX
	XORL $0x20, BX
	IMUL3L $0x01000193, BX, BX
	NOTQ AX
	ANDQ R11, AX
	CMOVLMI R14, SI
	CMOVLMI BX, R8
	CMOVQMI R15, DI
	ADDQ AX, R10
	ADDQ R11, R9
	XORL R11, SI
	XORL R11, R8
	IMULL CX, SI
	IMULL CX, R8
	INCQ R13
	JLE loop

done:
	MOVQ R13, jOut+64(FP)
	SUBQ q+24(FP), DI
	MOVQ DI, adv+72(FP)
	MOVL SI, hUOut+80(FP)
	MOVL R8, hBOut+84(FP)
	MOVQ R9, runOut+88(FP)
	MOVQ R10, sxOut+96(FP)
	RET
