package models

import (
	"errors"

	"zhaocuo/models/indicator"
	"zhaocuo/models/registrysheet"
)

// SetScoreTable has the store score sites by the table instead of the national defaults (as
// an administrator's official table would), for tests that need a site to fail on points.
func (s *Store) SetScoreTable(t indicator.ScoreTable) { s.scores = &t }

// FailRegistryImportAfter makes ApplyRegistryImport fail once the rows of kind are written (and
// before the next kind), as a database failing half-way would; the returned func undoes it.
func FailRegistryImportAfter(kind registrysheet.Kind) func() {
	importApplyHook = func(k registrysheet.Kind) error {
		if k == kind {
			return errors.New("injected failure after " + string(k))
		}
		return nil
	}
	return func() { importApplyHook = nil }
}
