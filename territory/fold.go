package territory

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold returns the comparison form of a commune name or of what someone
// typed: lower case, accents removed from Latin letters (é→e, œ→oe, æ→ae,
// ç→c, ß→ss; combining accents dropped, other scripts only lower-cased), any
// run of characters that are not letters or digits (apostrophes, hyphens,
// punctuation, spaces) turned into a single space, trimmed at both ends.
// "L'Abergement-Clémenciat" and "l abergement  clemenciat" both fold to
// "l abergement clemenciat". Search uses it too, so both sides agree.
func Fold(s string) string {
	if isFolded(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	gap := false // a separator is pending between two words
	for _, r := range s {
		f := foldRune(r)
		switch f {
		case "": // combining mark: part of the previous letter
			continue
		case " ":
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte(' ')
		}
		gap = false
		b.WriteString(f)
	}
	return b.String()
}

// isFolded reports whether Fold(s) == s, to skip an allocation for names and
// queries that are already plain lower-case ASCII words.
func isFolded(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == ' ' && s[i-1] != ' ':
		default:
			return false
		}
	}
	return true
}

// Replacements for U+00C0…U+00FF and U+0100…U+017F, one ASCII letter per code
// point; '?' marks the few that foldRune folds to two letters, ' ' the
// multiplication and division signs.
const (
	latin1 = "aaaaaa?ceeeeiiii" + "dnooooo ouuuuy??" + // U+00C0
		"aaaaaa?ceeeeiiii" + "dnooooo ouuuuy?y" // U+00E0
	latinExA = "aaaaaacccccccc" + "dddd" + "eeeeeeeeee" + "gggggggg" + "hhhh" + // U+0100
		"iiiiiiiiii" + "??" + "jj" + "kkk" + "llllllllll" + "nnnnnnnnn" + // U+0128
		"oooooo" + "??" + "rrrrrr" + "ssssssss" + "tttttt" + // U+014C
		"uuuuuuuuuuuu" + "ww" + "yyy" + "zzzzzz" + "s" // U+0168
	alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// foldRune returns the folded form of r: "" for combining marks, " " for
// separators, otherwise one or two lower-case letters or digits.
func foldRune(r rune) string {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'a' <= r && r <= 'z':
			return alnum[r-'a' : r-'a'+1]
		case 'A' <= r && r <= 'Z':
			return alnum[r-'A' : r-'A'+1]
		case '0' <= r && r <= '9':
			return alnum[26+r-'0' : 26+r-'0'+1]
		}
		return " "
	case r == 'Æ' || r == 'æ':
		return "ae"
	case r == 'Œ' || r == 'œ':
		return "oe"
	case r == 'Ĳ' || r == 'ĳ':
		return "ij"
	case r == 'ß':
		return "ss"
	case r == 'Þ' || r == 'þ':
		return "th"
	case 0xC0 <= r && r <= 0xFF:
		return latin1[r-0xC0 : r-0xC0+1]
	case 0x100 <= r && r <= 0x17F:
		return latinExA[r-0x100 : r-0x100+1]
	case unicode.Is(unicode.Mn, r):
		return ""
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return string(unicode.ToLower(r))
	}
	return " "
}
