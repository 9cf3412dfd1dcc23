package keyring

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormaliseVersion names what Normalise does: 1 folded Latin and Cyrillic
// (ICAO), 2 added Georgian, Armenian and the letters of Kazakh, Tajik and
// Uzbek Cyrillic. Stored indexes of an older version are rebuilt.
const NormaliseVersion = 2

// NormaliseSetting names the instance setting that holds the version the
// stored indexes were computed with.
const NormaliseSetting = "normalise_version"

// Normalise folds a name (or other short text) to the form that blind
// indexes are computed over, so spellings that a caseworker would consider
// the same person match:
//
//  1. Unicode NFKD (compatibility decomposition: "ﬁ" → "fi", full-width
//     letters → ASCII, "é" → "e" + combining acute).
//  2. Combining marks (categories Mn and Me) are dropped: "é" → "e",
//     "ş" → "s", "й" → "и".
//  3. Lower case.
//  4. Cyrillic is transliterated with the ICAO Doc 9303 (Part 3) table used
//     in passports: ж zh, х kh, ц ts, ч ch, ш sh, щ shch, ю iu, я ia, й i,
//     ы y, ъ ie, ь (omitted), є ie, ї i, і i, ґ g, ђ d, ћ c, ј j, љ lj, њ nj,
//     џ dz, ѕ dz, ѓ g, ќ k, ў u, and the obvious one-letter mappings. The
//     table's general column is used; its language-specific exceptions
//     (Ukrainian и → y, Belarusian and Serbian г → h, ...) are not, because
//     the language of a name is not known. As in ICAO, an apostrophe between
//     two Cyrillic letters (Ukrainian "Мар'яна") is omitted.
//  5. Georgian (Mkhedruli, and Mtavruli capitals) is transliterated with the
//     national system of 2002 used in Georgian passports, without the
//     apostrophes of the ejectives: კ k, პ p, ტ t, წ ts, ჭ ch, ყ q, ღ gh,
//     ჟ zh, შ sh, ჩ ch, ც ts, ძ dz, ხ kh, ჯ j, ჰ h, თ t, ფ p, ქ k.
//     Armenian is transliterated as Armenian passports write it: ե is ye and
//     ո is vo at the start of a word, ու is u, և is ev, and ժ zh, խ kh, ծ ts,
//     ձ dz, ղ gh, ճ ch, շ sh, չ ch, ջ j, ց ts, ը y, է e, օ o, թ t, փ p, ք k.
//     The letters of Kazakh, Tajik and Uzbek Cyrillic fold as their
//     passports write them: ә a, ғ g, қ k, ң n, ө o, ұ u, ү u, һ h, ҳ h, ҷ j.
//  6. Latin letters that do not decompose are folded: ß → ss, æ → ae,
//     ø → o, ł → l, đ → d, œ → oe, þ → th, and also ð → d, ı → i, ħ → h,
//     ŧ → t, ŋ → n, ə → a, and Greek final ς → σ.
//  7. Every run of whitespace, hyphens/dashes and apostrophes becomes a
//     single space; leading and trailing ones are removed. Invisible format
//     and control characters (zero-width space, soft hyphen, bidi marks, NUL)
//     are dropped.
//
// Other characters are kept, lower-cased. Normalise is idempotent.
//
// Blind indexes store the output of this function: changing its behaviour
// invalidates every stored index, so each change raises NormaliseVersion,
// and nrm re-indexes every person at start when the version stored with
// the indexes is older (service.ReindexNames).
func Normalise(s string) string {
	d := norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	sep := false     // a separator is pending
	prevCyr := false // the last letter kept was Cyrillic
	for i := 0; i < len(d); {
		r, size := utf8.DecodeRuneInString(d[i:])
		i += size
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me):
			continue
		case isApostrophe(r):
			if prevCyr && nextIsCyrillic(d[i:]) {
				continue // ICAO: omitted inside a Cyrillic word
			}
			sep, prevCyr = true, false
			continue
		case unicode.IsSpace(r) || isHyphen(r):
			sep, prevCyr = true, false
			continue
		case unicode.In(r, unicode.Cc, unicode.Cf):
			continue
		}
		r = unicode.ToLower(r)
		out, mapped := foldTable[r]
		prevCyr = unicode.Is(unicode.Cyrillic, r)
		wordStart := b.Len() == 0 || sep
		switch {
		case r == 'ո' && unicode.ToLower(nextRune(d[i:])) == 'ւ':
			out, mapped = "u", true
			i += strings.IndexFunc(d[i:], isYiwn) + utf8.RuneLen('ւ') // the ւ, and any marks before it
		case wordStart && r == 'ե':
			out = "ye"
		case wordStart && r == 'ո':
			out = "vo"
		}
		if mapped && out == "" {
			continue // ь: nothing to write
		}
		if sep && b.Len() > 0 {
			b.WriteByte(' ')
		}
		sep = false
		if mapped {
			b.WriteString(out)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isApostrophe reports whether r is an apostrophe or a character commonly
// typed for one. (U+00B4 ´ and U+FF07 ＇ become a space or ' under NFKD.)
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`',
		'\u2018', // ‘ left single quotation mark
		'\u2019', // ’ right single quotation mark
		'\u201B', // ‛ single high-reversed-9 quotation mark
		'\u2032', // ′ prime
		'\u02B9', // ʹ modifier letter prime
		'\u02BB', // ʻ modifier letter turned comma (okina)
		'\u02BC', // ʼ modifier letter apostrophe
		'\u02BD', // ʽ modifier letter reversed comma
		'\u02BE', // ʾ modifier letter right half ring
		'\u02BF': // ʿ modifier letter left half ring
		return true
	}
	return false
}

// isHyphen reports whether r is a hyphen, dash or minus sign.
func isHyphen(r rune) bool {
	return unicode.Is(unicode.Pd, r) || r == '\u2212' || r == '\u2043'
}

// nextIsCyrillic reports whether the next character of s, ignoring combining
// marks, is a Cyrillic letter.
func nextIsCyrillic(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Mn, unicode.Me) {
			continue
		}
		return unicode.IsLetter(r) && unicode.Is(unicode.Cyrillic, r)
	}
	return false
}

func isYiwn(r rune) bool { return r == 'ւ' || r == 'Ւ' }

// nextRune is the next character of s that is not a combining mark.
func nextRune(s string) rune {
	for _, r := range s {
		if !unicode.In(r, unicode.Mn, unicode.Me) {
			return r
		}
	}
	return utf8.RuneError
}

// foldTable maps lower-case letters to their replacement. Letters with
// diacritics that NFKD decomposes (ё, й, ї, ў, ѓ, ќ, ...) are listed too, for
// completeness; after NFKD and mark removal they arrive as their base letter,
// which maps to the same thing.
var foldTable = map[rune]string{
	// ICAO Doc 9303 Part 3, transliteration of Cyrillic characters.
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'ґ': "g", 'д': "d",
	'ђ': "d", 'ѓ': "g", 'е': "e", 'ё': "e", 'є': "ie", 'ж': "zh",
	'з': "z", 'ѕ': "dz", 'и': "i", 'і': "i", 'ї': "i", 'й': "i",
	'ј': "j", 'к': "k", 'л': "l", 'љ': "lj", 'м': "m", 'н': "n",
	'њ': "nj", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'ћ': "c", 'ќ': "k", 'у': "u", 'ў': "u", 'ф': "f", 'х': "kh",
	'ц': "ts", 'ч': "ch", 'џ': "dz", 'ш': "sh", 'щ': "shch",
	'ъ': "ie", 'ы': "y", 'ь': "", 'э': "e", 'ю': "iu", 'я': "ia",
	'ѫ': "u", 'ѵ': "y",

	// Kazakh, Tajik and Uzbek Cyrillic, as their passports write them.
	'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u",
	'һ': "h", 'ҳ': "h", 'ҷ': "j",

	// Georgian, the national system of 2002 (passports), without the
	// apostrophes of the ejectives; Mtavruli capitals lower-case to these.
	'ა': "a", 'ბ': "b", 'გ': "g", 'დ': "d", 'ე': "e", 'ვ': "v", 'ზ': "z",
	'თ': "t", 'ი': "i", 'კ': "k", 'ლ': "l", 'მ': "m", 'ნ': "n", 'ო': "o",
	'პ': "p", 'ჟ': "zh", 'რ': "r", 'ს': "s", 'ტ': "t", 'უ': "u", 'ფ': "p",
	'ქ': "k", 'ღ': "gh", 'ყ': "q", 'შ': "sh", 'ჩ': "ch", 'ც': "ts", 'ძ': "dz",
	'წ': "ts", 'ჭ': "ch", 'ხ': "kh", 'ჯ': "j", 'ჰ': "h", 'ჶ': "f",

	// Armenian, as Armenian passports write it (ե, ո at the start of a
	// word and ու are handled in Normalise; և decomposes to եւ).
	'ա': "a", 'բ': "b", 'գ': "g", 'դ': "d", 'ե': "e", 'զ': "z", 'է': "e",
	'ը': "y", 'թ': "t", 'ժ': "zh", 'ի': "i", 'լ': "l", 'խ': "kh", 'ծ': "ts",
	'կ': "k", 'հ': "h", 'ձ': "dz", 'ղ': "gh", 'ճ': "ch", 'մ': "m", 'յ': "y",
	'ն': "n", 'շ': "sh", 'ո': "o", 'չ': "ch", 'պ': "p", 'ջ': "j", 'ռ': "r",
	'ս': "s", 'վ': "v", 'տ': "t", 'ր': "r", 'ց': "ts", 'ւ': "v", 'փ': "p",
	'ք': "k", 'օ': "o", 'ֆ': "f",

	// Latin letters without a decomposition.
	'ß': "ss", 'æ': "ae", 'ø': "o", 'ł': "l", 'đ': "d", 'œ': "oe",
	'þ': "th", 'ð': "d", 'ı': "i", 'ħ': "h", 'ŧ': "t", 'ŋ': "n",
	'ə': "a",

	// Greek final sigma.
	'ς': "σ",
}
