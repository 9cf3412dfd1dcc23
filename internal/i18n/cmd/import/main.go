// Command import turns translators' flat maps {"English": "translation"}
// into a go-i18n catalogue web/locales/active.LL.json, keeping only the
// messages English has. A message about a count takes an object of its
// plural forms ({"one": "…", "few": "…", "many": "…", "other": "…"}); a
// plain string there becomes its "other" form, and the catalogue test names
// the forms still missing.
//
//	go run ./internal/i18n/cmd/import -lang ka ka.01.json ka.02.json
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	lang := flag.String("lang", "", "language code, e.g. ka")
	dir := flag.String("dir", "web/locales", "folder of the catalogues")
	merge := flag.Bool("merge", true, "keep the messages the catalogue already has that the input lacks")
	flag.Parse()
	if *lang == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: import -lang LL flat.json...")
		os.Exit(2)
	}
	en := map[string]map[string]string{}
	must(readJSON(filepath.Join(*dir, "active.en.json"), &en))
	out := map[string]map[string]string{}
	target := filepath.Join(*dir, "active."+*lang+".json")
	if *merge {
		if err := readJSON(target, &out); err != nil && !os.IsNotExist(err) {
			must(err)
		}
	}
	unknown := 0
	for _, f := range flag.Args() {
		flat := map[string]json.RawMessage{}
		must(readJSON(f, &flat))
		for id, raw := range flat {
			if en[id] == nil {
				unknown++
				fmt.Fprintf(os.Stderr, "%s: not a message of English (renamed? run apply_renames first): %q\n", f, id)
				continue
			}
			var s string
			forms := map[string]string{}
			if json.Unmarshal(raw, &s) == nil {
				forms["other"] = s
			} else if err := json.Unmarshal(raw, &forms); err != nil {
				must(fmt.Errorf("%s: %q: %v", f, id, err))
			}
			if forms["other"] == "" {
				continue
			}
			out[id] = forms
		}
	}
	for id := range out {
		if en[id] == nil {
			delete(out, id) // English no longer has it
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	must(enc.Encode(out))
	must(os.WriteFile(target, b.Bytes(), 0o644))
	fmt.Fprintf(os.Stderr, "%s: %d of %d messages, %d unknown\n", target, len(out), len(en), unknown)
}

func readJSON(path string, v any) error {
	buf, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(buf, v)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
