package storetest

import (
	"context"

	"zhaocuo/models"
)

// SaveAccountImport stores results a test has checked already as a done import by actor, the
// way an upload and its worker store one: the sheet's rows, the check begun, the results.
func SaveAccountImport(ctx context.Context, s *models.Store, actor *models.User, filename string, results []models.AccountResult) (*models.AccountImport, error) {
	rows := make([]models.UploadedAccount, len(results))
	for i, r := range results {
		rows[i] = models.UploadedAccount{Name: r.Name, Platform: r.Platform, UnitName: r.UnitName, LastPost: r.LastPost,
			Interaction: r.Interaction, ReportedOnline: r.ReportedOnline, MenuLinks: r.MenuLinks, RecentPosts: r.RecentPosts}
	}
	imp, _, err := s.CreateAccountImport(ctx, actor, filename, rows)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.BeginAccountImport(ctx, imp.ID); err != nil {
		return nil, err
	}
	done, _, err := s.FinishAccountImport(ctx, imp.ID, results)
	return done, err
}
