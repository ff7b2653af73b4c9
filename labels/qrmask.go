package labels

import (
	"fmt"

	"github.com/makiuchi-d/gozxing"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	qrencoder "github.com/makiuchi-d/gozxing/qrcode/encoder"
)

// encodeQRMatrix encodes content as gozxing's encoder does, mask choice
// included, but scores the eight masks on a flat grid instead of through
// gozxing's penalty functions, which were most of a PNG label's time.
//
// The matrix for mask m is derived from the one for mask 0: building the
// matrix is linear in the data bits, so M_m = M_0 xor Z_0 xor Z_m, where Z_m
// is the matrix built from all-zero data with mask m (function patterns and
// format information included). The result is the matrix gozxing would
// choose (tests compare the two on thousands of inputs).
func encodeQRMatrix(content string, ec qrdecoder.ErrorCorrectionLevel, hints map[gozxing.EncodeHintType]any) ([]int8, int, error) {
	h := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_QR_MASK_PATTERN: 0}
	for k, v := range hints {
		h[k] = v
	}
	code, err := qrencoder.Encoder_encode(content, ec, h)
	if err != nil {
		return nil, 0, err
	}
	m0 := code.GetMatrix()
	n := m0.GetWidth()
	version := code.GetVersion()
	zero := gozxing.NewBitArray(version.GetTotalCodewords() * 8)
	z := qrencoder.NewByteMatrix(n, n)
	base := make([]int8, n*n) // M_0 xor Z_0
	cand := make([]int8, n*n)
	var best []int8
	bestPenalty := -1
	for mask := 0; mask < qrencoder.QRCode_NUM_MASK_PATERNS; mask++ {
		if err := qrencoder.MatrixUtil_buildMatrix(zero, ec, version, mask, z); err != nil {
			return nil, 0, fmt.Errorf("build QR matrix: %w", err)
		}
		zr := z.GetArray()
		if mask == 0 {
			mr := m0.GetArray()
			for y := 0; y < n; y++ {
				for x := 0; x < n; x++ {
					base[y*n+x] = mr[y][x] ^ zr[y][x]
				}
			}
		}
		for y := 0; y < n; y++ {
			row := zr[y]
			for x := 0; x < n; x++ {
				cand[y*n+x] = base[y*n+x] ^ row[x]
			}
		}
		if p := maskPenalty(cand, n, bestPenalty); bestPenalty < 0 || p < bestPenalty {
			bestPenalty = p
			best, cand = cand, best
			if cand == nil {
				cand = make([]int8, n*n)
			}
		}
	}
	return best, n, nil
}

// maskPenalty is the mask penalty of ISO/IEC 18004 section 7.8.3 (rules 1
// to 4), computed exactly as gozxing's MaskUtil does, on an n×n grid of 0/1.
// Columns are scored as the rows of the transposed grid. Every rule adds a
// non-negative amount, so once the sum reaches beat (when beat >= 0) the mask
// cannot win and the rest is skipped.
func maskPenalty(g []int8, n, beat int) int {
	p := penaltyBalance(g, n) + penaltyBlocks(g, n)
	if beat >= 0 && p >= beat {
		return p
	}
	t := make([]int8, n*n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			t[x*n+y] = g[y*n+x]
		}
	}
	for i := 0; i < n; i++ {
		row, col := g[i*n:i*n+n], t[i*n:i*n+n]
		p += penaltyRuns(row) + penaltyRuns(col) + 40*(finderLike(row)+finderLike(col))
		if beat >= 0 && p >= beat {
			return p
		}
	}
	return p
}

// penaltyRuns: every run of five or more same-coloured modules in a line
// costs 3 + (length - 5).
func penaltyRuns(line []int8) int {
	p, run := 0, 0
	var prev int8 = -1
	for _, b := range line {
		if b == prev {
			run++
			continue
		}
		if run >= 5 {
			p += 3 + run - 5
		}
		run, prev = 1, b
	}
	if run >= 5 {
		p += 3 + run - 5
	}
	return p
}

// penaltyBlocks: every 2×2 block of one colour costs 3.
func penaltyBlocks(g []int8, n int) int {
	c := 0
	for y := 0; y < n-1; y++ {
		r, s := g[y*n:y*n+n], g[(y+1)*n:(y+1)*n+n]
		for x := 0; x < n-1; x++ {
			if v := r[x]; v == r[x+1] && v == s[x] && v == s[x+1] {
				c++
			}
		}
	}
	return 3 * c
}

// finderLike counts the 1:1:3:1:1 dark-light patterns in a line that have
// four light modules (or the edge) on one side.
func finderLike(line []int8) int {
	c := 0
	n := len(line)
	for x := 0; x+6 < n; x++ {
		if line[x] == 1 && line[x+1] == 0 && line[x+2] == 1 && line[x+3] == 1 && line[x+4] == 1 && line[x+5] == 0 && line[x+6] == 1 &&
			(allLight(line, x-4, x) || allLight(line, x+7, x+11)) {
			c++
		}
	}
	return c
}

func allLight(line []int8, from, to int) bool {
	from, to = max(from, 0), min(to, len(line))
	for i := from; i < to; i++ {
		if line[i] == 1 {
			return false
		}
	}
	return true
}

// penaltyBalance: 10 for every 5% the share of dark modules is away from half.
func penaltyBalance(g []int8, n int) int {
	dark := 0
	for _, v := range g {
		dark += int(v)
	}
	total := n * n
	d := dark*2 - total
	if d < 0 {
		d = -d
	}
	return d * 10 / total * 10
}
