package models_test

import (
	"context"

	"zhaocuo/migrations"
	"zhaocuo/models"
)

func migrateAndSeed(ctx context.Context, s *models.Store) error {
	if _, err := migrations.Apply(ctx, s.SQLDB(), s.Dialect()); err != nil {
		return err
	}
	if _, err := s.ImportShippedCalendars(ctx); err != nil {
		return err
	}
	_, err := s.LoadRegistry(ctx, models.DemoRegistry())
	return err
}
