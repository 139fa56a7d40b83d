package models

import "zhaocuo/models/indicator"

// SetScoreTable has the store score sites by the table instead of the national defaults (as
// an administrator's official table would), for tests that need a site to fail on points.
func (s *Store) SetScoreTable(t indicator.ScoreTable) { s.scores = &t }
