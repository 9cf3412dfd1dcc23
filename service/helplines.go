package service

import (
	"context"

	"github.com/nrmproject/nrm"
)

// HelpLines are the public directory entries the help page shows to anyone,
// signed in or not, in the country of the deployment. The directory fills
// them (its entries marked public).
func (s *Service) HelpLines(ctx context.Context, country string) ([]nrm.HelpLine, error) {
	return nil, nil
}
