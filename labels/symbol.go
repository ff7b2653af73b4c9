package labels

import (
	"fmt"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	dmencoder "github.com/makiuchi-d/gozxing/datamatrix/encoder"
	"github.com/makiuchi-d/gozxing/oned"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// symbol is an encoded barcode at one module per cell.
type symbol struct {
	sym     Symbology
	content string
	w, h    int    // modules; h is 1 for Code 128
	dark    []bool // row-major, w*h
	quiet   int    // required quiet zone, in modules, on every side
}

func (s *symbol) at(x, y int) bool { return s.dark[y*s.w+x] }

// Quiet zones in modules: ISO/IEC 18004 (QR) asks for 4, ISO/IEC 16022
// (Data Matrix) for 1 (we keep 2), ISO/IEC 15417 (Code 128) for 10.
const (
	quietQR   = 4
	quietDM   = 2
	quiet128  = 10
	maxLength = 1000 // bytes of code content we accept at all
)

// encodeSymbol encodes content in the given symbology.
func encodeSymbol(sym Symbology, content, ecLevel string) (*symbol, error) {
	if err := checkContent(sym, content); err != nil {
		return nil, err
	}
	switch sym {
	case QR:
		return encodeQR(content, ecLevel)
	case DataMatrix:
		return encodeDataMatrix(content)
	case Code128:
		return encodeCode128(content)
	}
	return nil, fmt.Errorf("labels: unknown symbology %q", sym)
}

// sizeSymbol returns the symbol encodeSymbol would return, with its size
// and quiet zone but without its modules (dark is nil), for outputs in
// which the printer draws the code. QR codes and Code 128 are sized from
// the data alone (size.go); a Data Matrix, and a QR code whose size cannot
// be computed with certainty (including one too big for any version), are
// encoded in full, so the result and every error are encodeSymbol's.
func sizeSymbol(sym Symbology, content, ecLevel string) (*symbol, error) {
	if err := checkContent(sym, content); err != nil {
		return nil, err
	}
	switch sym {
	case QR:
		if err := checkQR(content); err != nil {
			return nil, err
		}
		if n, ok := qrModules(content, ecLevel); ok {
			return &symbol{sym: QR, content: content, w: n, h: n, quiet: quietQR}, nil
		}
	case Code128:
		if err := checkCode128(content); err != nil {
			return nil, err
		}
		if n, ok := code128Modules(content); ok {
			return &symbol{sym: Code128, content: content, w: n, h: 1, quiet: quiet128}, nil
		}
	}
	s, err := encodeSymbol(sym, content, ecLevel)
	if err != nil {
		return nil, err
	}
	s.dark = nil
	return s, nil
}

// checkContent applies the limits common to every symbology.
func checkContent(sym Symbology, content string) error {
	if content == "" {
		return fmt.Errorf("labels: empty %s content", sym)
	}
	if len(content) > maxLength {
		return fmt.Errorf("labels: %s content is %d bytes; at most %d fit on a label", sym, len(content), maxLength)
	}
	return nil
}

func checkQR(content string) error {
	if !utf8.ValidString(content) {
		return fmt.Errorf("labels: QR content %q is not valid UTF-8", content)
	}
	return nil
}

func encodeQR(content, ecLevel string) (*symbol, error) {
	if err := checkQR(content); err != nil {
		return nil, err
	}
	ec, err := qrdecoder.ErrorCorrectionLevel_ValueOf(ecLevel)
	if err != nil {
		ec = qrdecoder.ErrorCorrectionLevel_M
	}
	var hints map[gozxing.EncodeHintType]any
	if !isASCII(content) {
		hints = map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_CHARACTER_SET: "UTF-8"}
	}
	grid, n, err := encodeQRMatrix(content, ec, hints)
	if err != nil {
		return nil, fmt.Errorf("labels: encode QR code %q: %w", content, err)
	}
	s := &symbol{sym: QR, content: content, w: n, h: n, quiet: quietQR}
	s.dark = make([]bool, n*n)
	for i, v := range grid {
		s.dark[i] = v == 1
	}
	return s, nil
}

func encodeDataMatrix(content string) (*symbol, error) {
	for _, r := range content {
		if r > 0xff {
			return nil, fmt.Errorf("labels: Data Matrix content %q has %q, outside ISO-8859-1", content, r)
		}
	}
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_DATA_MATRIX_SHAPE: dmencoder.SymbolShapeHint_FORCE_SQUARE,
	}
	bm, err := datamatrix.NewDataMatrixWriter().Encode(content, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0, hints)
	if err != nil {
		return nil, fmt.Errorf("labels: encode Data Matrix %q: %w", content, err)
	}
	return fromBitMatrix(DataMatrix, content, bm, quietDM), nil
}

func checkCode128(content string) error {
	for _, r := range content {
		if r > 0x7e || r < 0x20 {
			return fmt.Errorf("labels: Code 128 content %q has %q; only printable ASCII can be encoded", content, r)
		}
	}
	if n := len(content); n > 80 {
		return fmt.Errorf("labels: Code 128 content %q is %d characters; at most 80", content, n)
	}
	return nil
}

func encodeCode128(content string) (*symbol, error) {
	if err := checkCode128(content); err != nil {
		return nil, err
	}
	hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0}
	bm, err := oned.NewCode128Writer().Encode(content, gozxing.BarcodeFormat_CODE_128, 0, 1, hints)
	if err != nil {
		return nil, fmt.Errorf("labels: encode Code 128 %q: %w", content, err)
	}
	return fromBitMatrix(Code128, content, bm, quiet128), nil
}

func fromBitMatrix(sym Symbology, content string, bm *gozxing.BitMatrix, quiet int) *symbol {
	s := &symbol{sym: sym, content: content, w: bm.GetWidth(), h: bm.GetHeight(), quiet: quiet}
	s.dark = make([]bool, s.w*s.h)
	for y := 0; y < s.h; y++ {
		for x := 0; x < s.w; x++ {
			s.dark[y*s.w+x] = bm.Get(x, y)
		}
	}
	return s
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
