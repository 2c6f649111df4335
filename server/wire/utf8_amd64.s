#include "textflag.h"

// UTF-8 validation 32 bytes at a time with AVX2, after J. Keiser and
// D. Lemire, "Validating UTF-8 In Less Than One Instruction Per Byte"
// (Software: Practice and Experience, 2021).
//
// Every error in UTF-8 shows in the pair of a byte and the one before it,
// except a missing or extra continuation after a 3- or 4-byte leading
// byte, which shows in the bytes two and three back. Three 16-entry
// tables, looked up with VPSHUFB by the high nibble of the previous byte,
// its low nibble, and the high nibble of the byte itself, each give the
// set of error classes the nibble is consistent with; an error class
// present in all three is an error in that byte pair:
//
//	0x01 too short:   a leading byte followed by ASCII or another leading byte
//	0x02 too long:    ASCII followed by a continuation byte
//	0x04 overlong 3:  E0 followed by 80-9F
//	0x08 too large:   F4 followed by 90-BF, or F5-FF followed by 90-BF
//	0x10 surrogate:   ED followed by A0-BF
//	0x20 overlong 2:  C0 or C1 followed by a continuation byte
//	0x40 too large:   F5-FF followed by 80-8F; overlong 4: F0 followed by 80-8F
//	0x80 two continuations in a row
//
// Two continuations in a row are right exactly where the byte two back
// is E0-FF or the byte three back is F0-FF; that expectation (bit 0x80)
// is XORed in, so the 0x80 class is an error where it disagrees.
// Blocks of 128 ASCII bytes are skipped after one test.

// The three lookup tables are 16 bytes, copied into both 128-bit lanes
// when loaded (VPSHUFB looks up within each lane).

// firstHigh: error classes by the high nibble of the previous byte.
DATA firstHigh<>+0(SB)/8, $0x0202020202020202
DATA firstHigh<>+8(SB)/8, $0x4915012180808080
GLOBL firstHigh<>(SB), RODATA|NOPTR, $16

// firstLow: error classes by the low nibble of the previous byte.
DATA firstLow<>+0(SB)/8, $0xcbcbcb8b8383a3e7
DATA firstLow<>+8(SB)/8, $0xcbcbdbcbcbcbcbcb
GLOBL firstLow<>(SB), RODATA|NOPTR, $16

// secondHigh: error classes by the high nibble of the byte itself.
DATA secondHigh<>+0(SB)/8, $0x0101010101010101
DATA secondHigh<>+8(SB)/8, $0x01010101babaaee6
GLOBL secondHigh<>(SB), RODATA|NOPTR, $16

// incompleteMax: a block whose last three bytes exceed these (a leading
// byte in the last byte, a 3- or 4-byte one in the one before, a 4-byte
// one in the third last) ends inside a sequence.
DATA incompleteMax<>+0(SB)/8, $0xffffffffffffffff
DATA incompleteMax<>+8(SB)/8, $0xffffffffffffffff
DATA incompleteMax<>+16(SB)/8, $0xffffffffffffffff
DATA incompleteMax<>+24(SB)/8, $0xbfdfefffffffffff
GLOBL incompleteMax<>(SB), RODATA|NOPTR, $32

// Registers: Y0 the block, Y1-Y4 scratch, Y5 "the last checked block
// ends inside a sequence", Y6 the accumulated errors, Y7 the previous
// block; Y8-Y15 constants.
//
// CHECK_BLOCK checks the block in Y0 against the previous one in Y7 and
// makes Y0 the previous block. Y2, Y3 and Y4 get the bytes one, two and
// three before each byte (VPERM2I128 joins the previous block's high lane
// to this block's low lane, VPALIGNR shifts across them); VPSUBUSB by
// 0x60 and 0x70 leaves the high bit where two back is E0-FF or three back
// is F0-FF; the three VPSHUFB lookups are ANDed, the expectation XORed,
// and Y6 collects the result. Y5 gets the incomplete-end test.
#define CHECK_BLOCK \
	VPERM2I128 $0x21, Y0, Y7, Y1 \
	VPALIGNR   $15, Y1, Y0, Y2 \
	VPALIGNR   $14, Y1, Y0, Y3 \
	VPALIGNR   $13, Y1, Y0, Y4 \
	VPSUBUSB   Y11, Y3, Y3 \
	VPSUBUSB   Y10, Y4, Y4 \
	VPOR       Y3, Y4, Y3 \
	VPAND      Y8, Y3, Y3 \
	VPSRLW     $4, Y2, Y4 \
	VPAND      Y15, Y4, Y4 \
	VPSHUFB    Y4, Y14, Y4 \
	VPAND      Y15, Y2, Y1 \
	VPSHUFB    Y1, Y13, Y1 \
	VPAND      Y1, Y4, Y4 \
	VPSRLW     $4, Y0, Y1 \
	VPAND      Y15, Y1, Y1 \
	VPSHUFB    Y1, Y12, Y1 \
	VPAND      Y1, Y4, Y4 \
	VPXOR      Y3, Y4, Y4 \
	VPOR       Y4, Y6, Y6 \
	VPSUBUSB   Y9, Y0, Y5 \
	VMOVDQU    Y0, Y7

// func validAVX2(p []byte, tail *[32]byte) bool
//
// Reports whether p followed by tail is valid UTF-8. len(p) is a
// multiple of 32; tail holds the rest of the input padded with zero
// bytes, which are ASCII: they leave a valid input valid, and make a
// sequence left open at the end of the input show as too short.
TEXT ·validAVX2(SB), NOSPLIT, $0-33
	MOVQ p_base+0(FP), SI
	MOVQ p_len+8(FP), CX
	MOVQ tail+24(FP), DX

	VBROADCASTI128 firstHigh<>(SB), Y14
	VBROADCASTI128 firstLow<>(SB), Y13
	VBROADCASTI128 secondHigh<>(SB), Y12
	VMOVDQU incompleteMax<>(SB), Y9
	MOVL    $0x0f, AX
	MOVQ    AX, X15
	VPBROADCASTB X15, Y15
	MOVL    $0x60, AX // 0xE0 - 0x80
	MOVQ    AX, X11
	VPBROADCASTB X11, Y11
	MOVL    $0x70, AX // 0xF0 - 0x80
	MOVQ    AX, X10
	VPBROADCASTB X10, Y10
	MOVL    $0x80, AX
	MOVQ    AX, X8
	VPBROADCASTB X8, Y8
	VPXOR   Y7, Y7, Y7
	VPXOR   Y6, Y6, Y6
	VPXOR   Y5, Y5, Y5

loop128:
	CMPQ      CX, $128
	JB        loop32
	VMOVDQU   (SI), Y0
	VMOVDQU   32(SI), Y1
	VMOVDQU   64(SI), Y2
	VMOVDQU   96(SI), Y3
	VPOR      Y0, Y1, Y4
	VPOR      Y2, Y4, Y4
	VPOR      Y3, Y4, Y4
	VPMOVMSKB Y4, AX
	TESTL     AX, AX
	JNZ       check128
	// All ASCII: right unless the last checked block ended inside a
	// sequence.
	VPOR      Y5, Y6, Y6
	VPXOR     Y5, Y5, Y5
	VMOVDQU   Y3, Y7
	ADDQ      $128, SI
	SUBQ      $128, CX
	JMP       loop128

check128:
	CHECK_BLOCK
	VMOVDQU 32(SI), Y0
	CHECK_BLOCK
	VMOVDQU 64(SI), Y0
	CHECK_BLOCK
	VMOVDQU 96(SI), Y0
	CHECK_BLOCK
	ADDQ    $128, SI
	SUBQ    $128, CX
	JMP     loop128

loop32:
	CMPQ    CX, $32
	JB      last
	VMOVDQU (SI), Y0
	CHECK_BLOCK
	ADDQ    $32, SI
	SUBQ    $32, CX
	JMP     loop32

last:
	VMOVDQU (DX), Y0
	CHECK_BLOCK
	VPTEST  Y6, Y6
	SETEQ   ret+32(FP)
	VZEROUPPER
	RET
