package labels

// Fast symbol sizing for outputs in which the printer draws the codes (ZPL):
// only a code's size in modules matters there, and computing it from the
// data is hundreds of times cheaper than encoding the full matrix. Both
// functions reproduce exactly the choices gozxing's encoders make (the
// tests compare them with the full encoders), and report ok=false whenever
// they cannot be sure, so that the caller falls back to full encoding and
// gets gozxing's own result or error.

// qrDataCodewords is the number of data codewords of each QR code version
// (index 0 is version 1) at error correction levels L, M, Q and H
// (ISO/IEC 18004 table 7).
var qrDataCodewords = [40][4]int{
	{19, 16, 13, 9},          // 1
	{34, 28, 22, 16},         // 2
	{55, 44, 34, 26},         // 3
	{80, 64, 48, 36},         // 4
	{108, 86, 62, 46},        // 5
	{136, 108, 76, 60},       // 6
	{156, 124, 88, 66},       // 7
	{194, 154, 110, 86},      // 8
	{232, 182, 132, 100},     // 9
	{274, 216, 154, 122},     // 10
	{324, 254, 180, 140},     // 11
	{370, 290, 206, 158},     // 12
	{428, 334, 244, 180},     // 13
	{461, 365, 261, 197},     // 14
	{523, 415, 295, 223},     // 15
	{589, 453, 325, 253},     // 16
	{647, 507, 367, 283},     // 17
	{721, 563, 397, 313},     // 18
	{795, 627, 445, 341},     // 19
	{861, 669, 485, 385},     // 20
	{932, 714, 512, 406},     // 21
	{1006, 782, 568, 442},    // 22
	{1094, 860, 614, 464},    // 23
	{1174, 914, 664, 514},    // 24
	{1276, 1000, 718, 538},   // 25
	{1370, 1062, 754, 596},   // 26
	{1468, 1128, 808, 628},   // 27
	{1531, 1193, 871, 661},   // 28
	{1631, 1267, 911, 701},   // 29
	{1735, 1373, 985, 745},   // 30
	{1843, 1455, 1033, 793},  // 31
	{1955, 1541, 1115, 845},  // 32
	{2071, 1631, 1171, 901},  // 33
	{2191, 1725, 1231, 961},  // 34
	{2306, 1812, 1286, 986},  // 35
	{2434, 1914, 1354, 1054}, // 36
	{2566, 1992, 1426, 1096}, // 37
	{2702, 2102, 1502, 1142}, // 38
	{2812, 2216, 1582, 1222}, // 39
	{2956, 2334, 1666, 1276}, // 40
}

// qrECIndex maps an error correction level name to its column in
// qrDataCodewords.
func qrECIndex(ec string) (int, bool) {
	switch ec {
	case "L":
		return 0, true
	case "M":
		return 1, true
	case "Q":
		return 2, true
	case "H":
		return 3, true
	}
	return 0, false
}

// QR encoding modes, as gozxing's chooseMode picks them for one segment.
const (
	qrModeNumeric = iota
	qrModeAlphanumeric
	qrModeByte
)

// qrAlphanumeric reports whether c is in the QR alphanumeric set
// (0-9, A-Z, space and $%*+-./:).
func qrAlphanumeric(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
		return true
	}
	switch c {
	case ' ', '$', '%', '*', '+', '-', '.', '/', ':':
		return true
	}
	return false
}

// qrCountBits is the width of the character count field of mode in
// version (ISO/IEC 18004 table 3).
func qrCountBits(mode, version int) int {
	band := 0
	switch {
	case version >= 27:
		band = 2
	case version >= 10:
		band = 1
	}
	switch mode {
	case qrModeNumeric:
		return [3]int{10, 12, 14}[band]
	case qrModeAlphanumeric:
		return [3]int{9, 11, 13}[band]
	}
	return [3]int{8, 16, 16}[band]
}

// qrChooseVersion returns the smallest version whose data capacity at the
// error correction column ec holds bits, or 0 if none does.
func qrChooseVersion(bits, ec int) int {
	need := (bits + 7) / 8
	for v := 1; v <= 40; v++ {
		if qrDataCodewords[v-1][ec] >= need {
			return v
		}
	}
	return 0
}

// qrModules returns the width in modules of the QR code gozxing's
// Encoder_encode makes for content at error correction level ecLevel, as
// encodeQR calls it: a single segment in numeric, alphanumeric or byte
// mode, byte mode with a UTF-8 ECI header when content is not ASCII.
// content must be valid UTF-8. ok is false when the data does not fit any
// version or when gozxing's two-step version choice would be inconsistent;
// the caller then encodes in full to get gozxing's answer.
func qrModules(content, ecLevel string) (modules int, ok bool) {
	ec, ok := qrECIndex(ecLevel)
	if !ok {
		ec = 1 // encodeQR falls back to M
	}
	mode := qrModeNumeric
	hasAlpha, ascii := false, true
	for i := 0; i < len(content); i++ {
		c := content[i]
		if c >= 0x80 {
			ascii = false
		}
		if mode == qrModeByte {
			continue
		}
		switch {
		case c >= '0' && c <= '9':
		case qrAlphanumeric(c):
			hasAlpha = true
		default:
			mode = qrModeByte
		}
	}
	if mode != qrModeByte && hasAlpha {
		mode = qrModeAlphanumeric
	}
	n := len(content)
	var header, data int
	header = 4 // mode indicator
	if !ascii {
		header += 4 + 8 // ECI mode indicator and the UTF-8 designator
	}
	switch mode {
	case qrModeNumeric:
		data = n / 3 * 10
		switch n % 3 {
		case 1:
			data += 4
		case 2:
			data += 7
		}
	case qrModeAlphanumeric:
		data = n/2*11 + n%2*6
	default:
		data = 8 * n
	}
	// gozxing's recommendVersion: a provisional version from the count
	// field of version 1, then the final one from the provisional's.
	prov := qrChooseVersion(header+qrCountBits(mode, 1)+data, ec)
	if prov == 0 {
		return 0, false
	}
	v := qrChooseVersion(header+qrCountBits(mode, prov)+data, ec)
	if v == 0 || qrCountBits(mode, v) != qrCountBits(mode, prov) {
		return 0, false
	}
	return 17 + 4*v, true
}

// Code 128 code sets as gozxing numbers them.
const (
	c128None = iota
	c128A
	c128B
	c128C
)

// c128Digits classifies content[i:] the way gozxing's code128FindCType
// does for data without FNC escapes: 0 not a digit (or the end), 1 one
// digit, 2 at least two digits.
func c128Digits(content string, i int) int {
	if i >= len(content) || content[i] < '0' || content[i] > '9' {
		return 0
	}
	if i+1 >= len(content) || content[i+1] < '0' || content[i+1] > '9' {
		return 1
	}
	return 2
}

// c128Choose is gozxing's code128ChooseCode for printable ASCII data
// (no control characters, no FNC escapes), where code set A never starts.
func c128Choose(content string, start, old int) int {
	look := c128Digits(content, start)
	if look == 1 {
		if old == c128A {
			return c128A
		}
		return c128B
	}
	if look == 0 {
		if start < len(content) && (content[start] < ' ' || old == c128A && content[start] < '`') {
			return c128A
		}
		return c128B
	}
	if old == c128C {
		return c128C
	}
	if old == c128B {
		look = c128Digits(content, start+2)
		if look != 2 {
			return c128B // not worth switching now
		}
		// At least four digits: switch now if the run is even, else later.
		i := start + 4
		for c128Digits(content, i) == 2 {
			i += 2
		}
		if c128Digits(content, i) == 1 {
			return c128B
		}
		return c128C
	}
	return c128C // initial choice with at least two digits
}

// code128Modules returns the width in modules of the Code 128 symbol
// gozxing's Code128Writer makes for content (no quiet zone): 11 modules per
// symbol character (start, code changes, data, check) and 13 for the stop.
// content must be 1 to 80 printable ASCII characters.
func code128Modules(content string) (int, bool) {
	if len(content) < 1 || len(content) > 80 {
		return 0, false
	}
	chars := 1 // check character
	set := c128None
	for pos := 0; pos < len(content); {
		c := content[pos]
		if c < 0x20 || c > 0x7e {
			return 0, false
		}
		next := c128Choose(content, pos, set)
		if next != set {
			set = next // a start or a code change character
		} else if set == c128C {
			pos += 2
		} else {
			pos++
		}
		chars++
	}
	return 11*chars + 13, true
}
