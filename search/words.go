package search

import "unicode/utf8"

// The excerpts' word splitter. The index's tokenizer is bleve's "unicode"
// tokenizer, the Unicode word segmentation of UAX #29 run by a large Ragel
// state machine: a seventh of a query's CPU went to splitting the 20
// excerpts of a page of hits. French text written with Latin-1 letters,
// œ and typographic quotes needs only a handful of its rules, implemented
// below; any other character (combining marks, soft hyphens, other
// scripts, narrow no-break spaces…) sends the whole text back to bleve's
// tokenizer. TestSplitWords* check that both agree, on random strings of
// that alphabet and on every text of the 10,000-service corpus.

// wordClass is a character's UAX #29 word-break class, restricted to what
// the fast path handles.
type wordClass uint8

const (
	wcOther     wordClass = iota // breaks on both sides, not part of a word
	wcLetter                     // ALetter
	wcDigit                      // Numeric
	wcMidLetter                  // MidLetter: joins two letters
	wcMidNum                     // MidNum: joins two digits
	wcMidBoth                    // MidNumLet and Single_Quote: joins two letters or two digits
	wcUnsafe                     // not handled here
)

// asciiClass holds the classes of the ASCII characters.
var asciiClass = func() (t [128]wordClass) {
	for c := 0; c < 128; c++ {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			t[c] = wcLetter
		case c >= '0' && c <= '9':
			t[c] = wcDigit
		case c == ':':
			t[c] = wcMidLetter
		case c == ',' || c == ';':
			t[c] = wcMidNum
		case c == '.' || c == '\'':
			t[c] = wcMidBoth
		case c == '_': // ExtendNumLet
			t[c] = wcUnsafe
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r', c == 0x7f:
			t[c] = wcUnsafe
		default:
			t[c] = wcOther
		}
	}
	return t
}()

// runeClass is the class of a non-ASCII rune.
func runeClass(r rune) wordClass {
	switch {
	case r >= 0xC0 && r <= 0xFF && r != 0xD7 && r != 0xF7, r == 0xAA, r == 0xB5, r == 0xBA,
		r == 0x152, r == 0x153, r == 0x178: // Latin-1 letters, Œ œ Ÿ
		return wcLetter
	case r == 0xB7: // middle dot
		return wcMidLetter
	case r == 0x2018 || r == 0x2019: // ‘ ’
		return wcMidBoth
	case r >= 0xA0 && r <= 0xBF && r != 0xAD, r == 0xD7, r == 0xF7, // Latin-1 symbols and spaces, not the soft hyphen
		r == 0x2013, r == 0x2014, r == 0x201C, r == 0x201D, r == 0x2026, r == 0x20AC: // – — “ ” … €
		return wcOther
	}
	return wcUnsafe
}

// span is a word's byte offsets in its text.
type span struct{ start, end int }

// splitWords appends to buf the words of text as bleve's unicode tokenizer
// cuts them, and reports true; or false, with buf unspecified, when text
// holds a character the fast path does not handle.
func splitWords(text string, buf []span) ([]span, bool) {
	out := buf[:0]
	start, prev := -1, wcOther // start of the current word, class of its last character
	for i := 0; i < len(text); {
		c, size := text[i], 1
		var cl wordClass
		if c < utf8.RuneSelf {
			cl = asciiClass[c]
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			cl = runeClass(r)
		}
		switch cl {
		case wcUnsafe:
			return out, false
		case wcLetter, wcDigit:
			if start < 0 {
				start = i
			}
			prev = cl
			i += size
			continue
		case wcMidLetter, wcMidNum, wcMidBoth:
			if start >= 0 {
				next, nsize := classAt(text, i+size)
				if next == prev && joins(cl, prev) {
					i += size + nsize
					continue
				}
				if next == wcUnsafe {
					return out, false
				}
			}
		}
		if start >= 0 {
			out = append(out, span{start, i})
			start = -1
		}
		prev = wcOther
		i += size
	}
	if start >= 0 {
		out = append(out, span{start, len(text)})
	}
	return out, true
}

// joins reports whether a middle character of class mid joins two
// characters of class side (both letters or both digits).
func joins(mid, side wordClass) bool {
	switch side {
	case wcLetter:
		return mid == wcMidLetter || mid == wcMidBoth
	case wcDigit:
		return mid == wcMidNum || mid == wcMidBoth
	}
	return false
}

// classAt returns the class and size of the character at byte i (wcOther
// and 0 at the end of text).
func classAt(text string, i int) (wordClass, int) {
	if i >= len(text) {
		return wcOther, 0
	}
	if c := text[i]; c < utf8.RuneSelf {
		return asciiClass[c], 1
	}
	r, size := utf8.DecodeRuneInString(text[i:])
	return runeClass(r), size
}
