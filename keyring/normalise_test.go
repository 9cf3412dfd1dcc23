package keyring

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalise(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Examples from the specification.
		{"Ána-María  O'Neill", "ana maria o neill"},
		{"Попеску", "popesku"},
		{"Şahin", "sahin"},

		// Case, accents, compatibility forms.
		{"ANA POPESCU", "ana popescu"},
		{"Ána Popéscu", "ana popescu"},
		{"Nguyễn Thị Minh Khai", "nguyen thi minh khai"},
		{"Đặng", "dang"},
		{"Ștefan Țurcanu", "stefan turcanu"},
		{"Ğüneş Çelik", "gunes celik"},
		{"Dvořák Šťastný", "dvorak stastny"},
		{"Mickiewicz Żółć", "mickiewicz zolc"},
		{"ＡＮＡ", "ana"},
		{"ﬁona", "fiona"},
		{"Ǆemal", "dzemal"},
		{"İstanbul", "istanbul"},
		{"Işık", "isik"},

		// Folds of letters that do not decompose.
		{"Weiß", "weiss"},
		{"STRAẞE", "strasse"},
		{"Ærø", "aero"},
		{"Æsa Øyvind", "aesa oyvind"},
		{"Łukasz Wałęsa", "lukasz walesa"},
		{"Đorđević", "dordevic"},
		{"Œuvre cœur", "oeuvre coeur"},
		{"Þór", "thor"},
		{"Guðrún Ðuro", "gudrun duro"},
		{"Ħamrun", "hamrun"},
		{"Əliyev", "aliyev"},
		{"Ŋgoma", "ngoma"},

		// Separators.
		{"  Ana \t\n Maria  ", "ana maria"},
		{"Ana--Maria", "ana maria"},
		{"Ana – Maria", "ana maria"},    // en dash
		{"Ana—Maria", "ana maria"},      // em dash
		{"Ana‐Maria", "ana maria"},      // U+2010 hyphen
		{"Ana−Maria", "ana maria"},      // minus sign
		{"O’Neill", "o neill"},          // right single quotation mark
		{"Oʼ Neill", "o neill"},         // modifier apostrophe and space
		{"D`Artagnan", "d artagnan"},    // grave accent as apostrophe
		{"Ana\u00a0Maria", "ana maria"}, // no-break space
		{"Ana\u3000Maria", "ana maria"}, // ideographic space
		{"Ana\u200bMaria", "anamaria"},  // zero-width space dropped
		{"Ana\u00adMaria", "anamaria"},  // soft hyphen dropped
		{"\u200eAna\u200f", "ana"},      // bidi marks dropped
		{"Ana\x00Maria", "anamaria"},    // NUL dropped
		{"-'- ", ""},
		{"", ""},

		// Russian, ICAO Doc 9303.
		{"Жанна", "zhanna"},
		{"Харитонов", "kharitonov"},
		{"Цветаева", "tsvetaeva"},
		{"Чайковский", "chaikovskii"},
		{"Шевченко", "shevchenko"},
		{"Щукин", "shchukin"},
		{"Юлия", "iuliia"},
		{"Яковлев", "iakovlev"},
		{"Андрей", "andrei"},
		{"Крылов", "krylov"},
		{"Подъячев", "podieiachev"},
		{"Ульяна", "uliana"},
		{"Хрущёв", "khrushchev"},
		{"Эдуард", "eduard"},
		{"ВЛАДИМИР ПУТИН", "vladimir putin"},
		{"Анна-Мария", "anna mariia"},

		// Ukrainian.
		{"Євген", "ievgen"},
		{"Їжак", "izhak"},
		{"Іван", "ivan"},
		{"Ґалаґан", "galagan"},
		{"Мар'яна", "mariana"}, // ICAO: apostrophe omitted
		{"Мар’яна", "mariana"}, // typographic apostrophe too
		{"Олександр Шевчук", "oleksandr shevchuk"},
		{"Київ", "kiiv"},

		// Belarusian, Serbian, Macedonian, Bulgarian letters of the table.
		{"Ўладзімір", "uladzimir"},
		{"Ђоковић", "dokovic"},
		{"Јована Љубић Њего Џајић", "jovana ljubic njego dzajic"},
		{"Ѓорѓи Ќосе Ѕвезда", "gorgi kose dzvezda"},
		{"Ѫгъл", "ugiel"},

		// Mixed scripts and other scripts are kept, lower-cased.
		{"Ivan Іванов", "ivan ivanov"},
		{"ΟΔΥΣΣΕΑΣ", "οδυσσεασ"},
		{"Οδυσσέας", "οδυσσεασ"},
		{"محمد", "محمد"},
		{"王 小明", "王 小明"},
		{"Ana, Maria.", "ana, maria."},
	} {
		if got := Normalise(tc.in); got != tc.want {
			t.Errorf("Normalise(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The full Russian and Ukrainian alphabets, upper and lower case, against the
// ICAO Doc 9303 table.
func TestNormaliseCyrillicAlphabets(t *testing.T) {
	ru := map[string]string{
		"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e",
		"ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m",
		"н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
		"ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
		"ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
	}
	uk := map[string]string{
		"ґ": "g", "є": "ie", "і": "i", "ї": "i",
	}
	for _, m := range []map[string]string{ru, uk} {
		for in, want := range m {
			for _, s := range []string{in, strings.ToUpper(in)} {
				if got := Normalise(s); got != want {
					t.Errorf("Normalise(%q) = %q, want %q", s, got, want)
				}
				// Also inside a word.
				if got := Normalise("а" + s + "а"); got != "a"+want+"a" {
					t.Errorf("Normalise(%q) = %q, want %q", "а"+s+"а", got, "a"+want+"a")
				}
			}
		}
	}
	// Composed and decomposed input agree.
	for _, pair := range [][2]string{{"й", "й"}, {"ё", "ё"}, {"ї", "ї"}, {"ў", "ў"}} {
		if Normalise(pair[0]) != Normalise(pair[1]) {
			t.Errorf("composed %q and decomposed %q differ", pair[0], pair[1])
		}
	}
}

// checkNormalised fails unless out is a fixed point with the expected shape.
func checkNormalised(t *testing.T, in, out string) {
	t.Helper()
	if again := Normalise(out); again != out {
		t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
	}
	if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
		t.Fatalf("Normalise(%q) = %q has stray spaces", in, out)
	}
	if !utf8.ValidString(out) {
		t.Fatalf("Normalise(%q) = %q is not valid UTF-8", in, out)
	}
	if strings.ContainsAny(out, "-'\t\n\x00") {
		t.Fatalf("Normalise(%q) = %q keeps a separator or control character", in, out)
	}
}

// Every single code point normalises to a fixed point of Normalise.
func TestNormaliseIdempotentAllRunes(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		s := "a" + string(r) + "b"
		checkNormalised(t, s, Normalise(s))
	}
}

func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"Ána-María  O'Neill", "Мар'яна", "ΟΔΥΣΣΕΑΣ", "ь'я", "я' ь -я", "\xff\xfe", "ﬀ\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkNormalised(t, s, Normalise(s))
	})
}

// The scripts of the region beyond Cyrillic: a name typed in its own
// script matches the spelling of the person's passport.
func TestNormaliseScriptsOfTheRegion(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Georgian, Mkhedruli and Mtavruli capitals.
		{"ნინო ბერიძე", "nino beridze"},
		{"ᲜᲘᲜᲝ ᲑᲔᲠᲘᲫᲔ", "nino beridze"},
		{"გიორგი ჭავჭავაძე", "giorgi chavchavadze"},
		{"თამარ ყიფიანი", "tamar qipiani"},
		{"ლაშა ღლონტი", "lasha ghlonti"},
		{"ცხინვალი", "tskhinvali"},
		{"ჟორჟოლიანი", "zhorzholiani"},
		// Armenian: initial ye and vo, ու, և.
		{"Երևան", "yerevan"},
		{"Անի Եղիազարյան", "ani yeghiazaryan"},
		{"Ոսկանյան", "voskanyan"},
		{"Հովհաննես Թումանյան", "hovhannes tumanyan"},
		{"Սուրեն", "suren"},
		{"Լուսինե Խաչատրյան", "lusine khachatryan"},
		{"Ուռուտյան", "urutyan"},
		{"ՇՈՒՇԱՆԻԿ", "shushanik"},
		// Kazakh, Tajik, Uzbek Cyrillic.
		{"Әсел Қасымова", "asel kasymova"},
		{"Нұрсұлтан Өтегенұлы", "nursultan otegenuly"},
		{"Айгүл Жаңабаева", "aigul zhanabaeva"},
		{"Ғалым Һадиев", "galym hadiev"},
		{"Ҷамшед Ҳакимов", "jamshed hakimov"},
		// Turkish dotted and dotless i, both cases.
		{"İsmail Işıkoğlu", "ismail isikoglu"},
		{"ISMAIL ISIKOGLU", "ismail isikoglu"},
		{"ismail ışıkoğlu", "ismail isikoglu"},
	} {
		if got := Normalise(tc.in); got != tc.want {
			t.Errorf("Normalise(%q) = %q, want %q", tc.in, got, tc.want)
		}
		checkNormalised(t, tc.in, Normalise(tc.in))
	}
}
