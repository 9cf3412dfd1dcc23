package service

import (
	"context"
	"strings"
	"unicode"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
)

// Nothing a monitor records names a victim (CONTRACT.md, "Trial
// monitoring"). A name typed by mistake is caught by the case files' blind
// indexes: each word of the text is normalised and hashed as search by name
// hashes a person's names (records.go), and the text is refused when two
// adjacent words are both names of one person in the case files (a given
// and a family name, in either order). A single word is not enough: given
// names alone are common words, and refusing them would tell a monitor who
// is in the files. The check must not become an oracle, so the refusal is
// the same whoever the person is and whichever organisation holds them, it
// is audited, and a monitor whose texts are refused too often may write no
// trial for a while.

var errTrialThrottled = &nrm.Error{Code: nrm.CodeThrottled,
	Message: "Too many texts were refused for naming a person. Wait a few minutes and try again."}

// refuseNames refuses texts that name a person of the case files.
func (s *Service) refuseNames(ctx context.Context, a nrm.Actor, object string, texts []trialText) error {
	if s.nameRefusals.blocked(a.UserID, s.store.Now()) {
		s.recordDenial(ctx, s.deny(ctx, a, nrm.ActTrialWrite, object, errTrialThrottled))
		return errTrialThrottled
	}
	words := make([][]string, len(texts)) // the hashed words of each text
	var all []string
	for i, t := range texts {
		words[i] = s.nameIndex(textWords(t.text))
		all = append(all, words[i]...)
	}
	if len(all) < 2 {
		return nil
	}
	var named map[string][]string
	if err := s.read(ctx, func(tx Tx) error {
		var err error
		named, err = tx.PersonsNamed(ctx, all)
		return err
	}); err != nil {
		return err
	}
	for i, t := range texts {
		if !namesOnePerson(words[i], named) {
			continue
		}
		s.nameRefusals.fail(a.UserID, s.store.Now())
		err := nrm.Invalid(t.field, "%s must not name a person in the case files: refer to people by their role in the trial or a pseudonym",
			t.field)
		s.recordDenial(ctx, &denial{err: err, entry: s.entry(ctx, "trial.text.refused", object, outcomeDenied, "field "+t.field)})
		return err
	}
	return nil
}

// textWords are the words of a text as names are indexed (keyring.Normalise),
// split also at the punctuation names never hold ("Popescu, Ana").
func textWords(text string) []string {
	return strings.FieldsFunc(keyring.Normalise(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// namesOnePerson reports whether two adjacent, different words are both
// names of one person.
func namesOnePerson(words []string, named map[string][]string) bool {
	for i := 1; i < len(words); i++ {
		if words[i] == words[i-1] {
			continue
		}
		for _, p := range named[words[i-1]] {
			for _, q := range named[words[i]] {
				if p == q {
					return true
				}
			}
		}
	}
	return false
}
