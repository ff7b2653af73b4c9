package labels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	qrencoder "github.com/makiuchi-d/gozxing/qrcode/encoder"
)

// TestEncodeQRMatrix_MatchesGozxing: the fast mask choice gives exactly the
// matrix gozxing's own encoder chooses, for tags, URLs, UTF-8 text, every
// error-correction level and many versions.
func TestEncodeQRMatrix_MatchesGozxing(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"
	var inputs []string
	for i := 0; i < 1500; i++ {
		b := make([]byte, 1+r.IntN(24))
		for j := range b {
			b[j] = alphabet[r.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	for i := 0; i < 200; i++ {
		inputs = append(inputs, fmt.Sprintf("https://assets.example.com/a/TD-%06d?s=%x", r.IntN(1e6), r.Uint64()))
		inputs = append(inputs, fmt.Sprintf("%d", r.Uint64()))
	}
	inputs = append(inputs, "Ünïcødé label ✓", string(make([]byte, 300)))
	for i, in := range inputs {
		ec := []qrdecoder.ErrorCorrectionLevel{qrdecoder.ErrorCorrectionLevel_L, qrdecoder.ErrorCorrectionLevel_M, qrdecoder.ErrorCorrectionLevel_Q, qrdecoder.ErrorCorrectionLevel_H}[i%4]
		var hints map[gozxing.EncodeHintType]any
		if !isASCII(in) {
			hints = map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_CHARACTER_SET: "UTF-8"}
		}
		want, werr := qrencoder.Encoder_encode(in, ec, hints)
		got, n, gerr := encodeQRMatrix(in, ec, hints)
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("%q: errors differ: %v / %v", in, werr, gerr)
		}
		if werr != nil {
			continue
		}
		m := want.GetMatrix()
		if m.GetWidth() != n {
			t.Fatalf("%q: size %d, want %d", in, n, m.GetWidth())
		}
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				if got[y*n+x] != m.Get(x, y) {
					t.Fatalf("%q (%s): module (%d,%d) differs; gozxing chose mask %d", in, ec, x, y, want.GetMaskPattern())
				}
			}
		}
	}
}
