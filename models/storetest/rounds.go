package storetest

import (
	"context"

	"zhaocuo/models"
)

// StartRound opens a round as Store.StartRound does, and returns it with its sites, in the order
// their tasks are queued, for a test that plays the site tasks itself.
func StartRound(ctx context.Context, s *models.Store, kind string, sc models.Scope, by *int64) (*models.InspectionRound, []int64, error) {
	round, _, err := s.StartRound(ctx, kind, sc, by)
	if err != nil {
		return nil, nil, err
	}
	sites, err := s.PendingSites(ctx, round.ID)
	return round, sites, err
}
