package service

import (
	"context"

	"github.com/nrmproject/nrm"
)

// SetLanguage records the language the caller chose for the pages; ""
// follows the browser again. langs are the languages the pages have.
func (s *Service) SetLanguage(ctx context.Context, lang string, langs []string) error {
	a, err := s.allow(ctx, nrm.ActPasskeyManage) // any signed-in user, about their own account
	if err != nil {
		return err
	}
	known := lang == ""
	for _, l := range langs {
		known = known || l == lang
	}
	if !known {
		return nrm.Invalid("lang", "choose one of the languages listed")
	}
	return s.write(ctx, func(tx Tx) error {
		if err := tx.SetUserLang(ctx, a.UserID, lang); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "user.language", "user/"+a.UserID, outcomeOK, "language "+lang))
	})
}
