package models

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// AccountRow is a 新媒体 account as the ledger shows it, with its last filing.
type AccountRow struct {
	MediaAccount
	UnitName    string
	LastKind    string
	LastFiledOn string
}

// accountsInScope is the accounts of units within the scope, aliased a (with u joined).
func (s *Store) accountsInScope(tx *gorm.DB, sc Scope) *gorm.DB {
	return sc.units(tx.Table("media_accounts a").Joins("JOIN units u ON u.id = a.unit_id"), "u")
}

// Accounts returns the accounts within the scope, by unit and name, each with its last filing.
func (s *Store) Accounts(ctx context.Context, sc Scope) ([]AccountRow, error) {
	var rows []AccountRow
	err := s.accountsInScope(s.db.WithContext(ctx), sc).Select(`a.*, u.name AS unit_name,
		COALESCE((SELECT e.kind FROM media_account_events e WHERE e.account_id = a.id ORDER BY e.filed_on DESC, e.id DESC LIMIT 1), '') AS last_kind,
		COALESCE((SELECT e.filed_on FROM media_account_events e WHERE e.account_id = a.id ORDER BY e.filed_on DESC, e.id DESC LIMIT 1), '') AS last_filed_on`).
		Order("u.id, a.platform, a.name").Scan(&rows).Error
	return rows, translate(err, "accounts")
}

// AccountEvents returns an account's filings, oldest first; out of the scope it is not found.
func (s *Store) AccountEvents(ctx context.Context, sc Scope, accountID int64) (*AccountRow, []MediaAccountEvent, error) {
	var rows []AccountRow
	err := s.accountsInScope(s.db.WithContext(ctx), sc).Select("a.*, u.name AS unit_name").Where("a.id = ?", accountID).Scan(&rows).Error
	if err != nil {
		return nil, nil, translate(err, "account")
	}
	if len(rows) == 0 {
		return nil, nil, NotFound("未找到该账号")
	}
	var events []MediaAccountEvent
	err = s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("filed_on, id").Find(&events).Error
	return &rows[0], events, translate(err, "account events")
}

// FileAccountEvent records a filing (开设, 变更, 关停, 注销) of an account within the scope and
// moves the account's status with it, in one transaction. A filing dated before the latest one
// is kept in the history but does not move the status.
func (s *Store) FileAccountEvent(ctx context.Context, actor *User, sc Scope, accountID int64, e MediaAccountEvent) (*MediaAccountEvent, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	now := s.now()
	if e.FiledOn > now.In(Shanghai).Format(time.DateOnly) {
		return nil, Invalid("filed_on", "报备日期不能晚于今天")
	}
	e.ID, e.AccountID, e.ActorID, e.CreatedAt = 0, accountID, &actor.ID, now
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var accs []MediaAccount
		if err := s.accountsInScope(tx, sc).Select("a.*").Where("a.id = ?", accountID).Find(&accs).Error; err != nil {
			return err
		}
		if len(accs) == 0 {
			return NotFound("未找到该账号")
		}
		var later int64
		if err := tx.Model(&MediaAccountEvent{}).Where("account_id = ? AND filed_on > ?", accountID, e.FiledOn).Count(&later).Error; err != nil {
			return err
		}
		if err := tx.Create(&e).Error; err != nil {
			return err
		}
		if later > 0 {
			return nil
		}
		return tx.Model(&MediaAccount{}).Where("id = ?", accountID).
			Updates(map[string]any{"status": e.statusAfter(accs[0].Status), "updated_at": now}).Error
	})
	if err != nil {
		return nil, translate(err, "file account event")
	}
	return &e, nil
}

// fitAccount fits an account's values from a sheet to their columns: the names to the
// characters their VARCHAR holds (MySQL counts characters, not bytes: cut by bytes, a long
// Chinese name kept a third of what fits and no longer matched the registry), and the last post
// to the whole second that DATETIME keeps, in UTC.
func fitAccount(name, platform, unit string, lastPost *time.Time) (string, string, string, *time.Time) {
	if lastPost != nil {
		lp := lastPost.UTC().Truncate(time.Second)
		lastPost = &lp
	}
	return truncate(name, 128), truncate(platform, 16), truncate(unit, 128), lastPost
}

// saveResults stores the results of an import and their findings, and counts them on the
// import. Suspected findings take the decision people made on the same finding of the same
// account before.
func saveResults(tx *gorm.DB, imp *AccountImport, results []AccountResult, now time.Time) error {
	imp.Findings = 0
	for i := range results {
		r := &results[i]
		r.ID, r.ImportID = 0, imp.ID
		r.Name, r.Platform, r.UnitName, r.LastPost = fitAccount(r.Name, r.Platform, r.UnitName, r.LastPost)
		r.UnitKey = UnitKey(r.UnitName)
		var account int64 // 0 for an account the registry does not know: nothing to carry over
		if r.AccountID != nil {
			account = *r.AccountID
		}
		findings, err := carryOver(tx, "account_id", account, r.Findings)
		if err != nil {
			return err
		}
		r.FindingCount = len(findings)
		if err := tx.Create(r).Error; err != nil {
			return err
		}
		for j := range findings {
			findings[j].ImportID, findings[j].AccountID = &imp.ID, r.AccountID
			if findings[j].SeenAt.IsZero() {
				findings[j].SeenAt = now
			}
		}
		if len(findings) > 0 {
			if err := tx.Create(&findings).Error; err != nil {
				return err
			}
		}
		r.Findings = findings
		imp.Findings += len(findings)
	}
	return tx.Model(imp).Update("findings", imp.Findings).Error
}

// An INSERT of a sheet's rows holds at most uploadBatchRows rows and, past its first row, no
// more than uploadBatchBytes of their text: a row may carry two cells of up to 40 KB (the
// sheet reader's limit), an XLSX of 8 MB unpacks to many such rows, and MySQL refuses a
// statement longer than max_allowed_packet, which is 4 MB on older servers.
const (
	uploadBatchRows  = 200
	uploadBatchBytes = 1 << 20
)

// uploadBatches splits a sheet's rows, in order, into the INSERTs that store them.
func uploadBatches(rows []UploadedAccount) [][]UploadedAccount {
	var batches [][]UploadedAccount
	start, size := 0, 0
	for i, r := range rows {
		n := len(r.Name) + len(r.Platform) + len(r.UnitName) + len(r.MenuLinks) + len(r.RecentPosts)
		if i > start && (i-start >= uploadBatchRows || size+n > uploadBatchBytes) {
			batches = append(batches, rows[start:i])
			start, size = i, 0
		}
		size += n
	}
	if start < len(rows) {
		batches = append(batches, rows[start:])
	}
	return batches
}

// CreateAccountImport stores the rows of a sheet as an import waiting for its checks, in one
// transaction: the import and all its rows, or nothing. Each row is matched to the registry
// there, and a row outside the actor's scope is stored refused, with the reason (see
// store_account_scope.go); a sheet with no row within the scope is refused whole (forbidden).
// It returns the import's ImportStarted for the caller to dispatch: its check is a task.
func (s *Store) CreateAccountImport(ctx context.Context, actor *User, filename string, rows []UploadedAccount) (*AccountImport, []Event, error) {
	if len(rows) == 0 {
		return nil, nil, Invalid("file", "文件中没有账号")
	}
	sc, err := s.ScopeOf(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	imp := &AccountImport{Filename: truncate(filename, 255), ImportedBy: &actor.ID, ImportedAt: s.now(), Accounts: len(rows), Status: ImportRunning}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		stored := make([]UploadedAccount, len(rows))
		for i, r := range rows {
			r.ID = 0
			r.Name, r.Platform, r.UnitName, r.LastPost = fitAccount(r.Name, r.Platform, r.UnitName, r.LastPost)
			stored[i] = r
		}
		reg, err := loadImportRegistry(tx, sc)
		if err != nil {
			return err
		}
		if imp.Refused = reg.decide(stored); imp.Refused == len(stored) {
			return refusedSheet(stored)
		}
		if err := tx.Create(imp).Error; err != nil {
			return err
		}
		for i := range stored {
			stored[i].ImportID = imp.ID
		}
		for _, batch := range uploadBatches(stored) {
			if err := tx.Create(&batch).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, translate(err, "create account import")
	}
	return imp, []Event{ImportStarted{ImportID: imp.ID, ActorID: actor.ID}}, nil
}

// BeginAccountImport is called as a try of an import's task begins: the first try records
// when the check began (ImportGiveUp counts from then), and every try gets the import and,
// while it runs, the rows it waits to check, in the sheet's order. An import that ran past
// ImportGiveUp comes back failed.
func (s *Store) BeginAccountImport(ctx context.Context, importID int64) (*AccountImport, []UploadedAccount, error) {
	db := s.db.WithContext(ctx)
	err := db.Model(&AccountImport{}).Where("id = ? AND status = ? AND started_at IS NULL", importID, ImportRunning).
		Update("started_at", s.now()).Error
	if err != nil {
		return nil, nil, translate(err, "begin account import")
	}
	var imp AccountImport
	if err := db.Take(&imp, importID).Error; err != nil {
		return nil, nil, translate(err, "account import")
	}
	imp.settle(s.now())
	if imp.Status != ImportRunning {
		return &imp, nil, nil
	}
	var rows []UploadedAccount
	err = db.Where("import_id = ?", importID).Order("id").Find(&rows).Error
	return &imp, rows, translate(err, "account import rows")
}

// RunningAccountImports returns the imports still running, oldest first; those past
// ImportGiveUp come back failed, with the reason to record.
func (s *Store) RunningAccountImports(ctx context.Context) ([]AccountImport, error) {
	var imps []AccountImport
	err := s.db.WithContext(ctx).Where("status = ?", ImportRunning).Order("id").Find(&imps).Error
	for i := range imps {
		imps[i].settle(s.now())
	}
	return imps, translate(err, "running account imports")
}

// AccountImportProgress records how many of a running import's accounts are checked.
func (s *Store) AccountImportProgress(ctx context.Context, importID int64, checked int) error {
	err := s.db.WithContext(ctx).Model(&AccountImport{}).Where("id = ? AND status = ?", importID, ImportRunning).
		Update("checked", checked).Error
	return translate(err, "account import progress")
}

// FinishAccountImport stores the checked results of a running import, in one transaction:
// the results, their findings, the import done, and its waiting rows gone. An import no longer
// running (finished by an earlier try of the task, or failed) is left as it is and returned so:
// the task may run twice, the results are stored once. Results that come past ImportGiveUp
// are not stored: the import is failed instead, in the same transaction and with the reason,
// and the error (a conflict holding ErrImportTooLate) says so; the page may have shown it
// failed already, and the time limit stays the same for everyone who reads it. It returns the
// import's ImportFinished, when this call finished it, for the caller to dispatch: the importer
// is told.
func (s *Store) FinishAccountImport(ctx context.Context, importID int64, results []AccountResult) (*AccountImport, []Event, error) {
	now := s.now()
	var imp AccountImport
	late, done := false, false
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		// The update first: its row lock makes a second finisher wait, then find it done.
		res := tx.Model(&AccountImport{}).
			Where("id = ? AND status = ? AND (started_at IS NULL OR started_at >= ?)", importID, ImportRunning, now.Add(-ImportGiveUp)).
			Updates(map[string]any{"status": ImportDone, "checked": len(results), "finished_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var err error
			if late, err = failImport(tx, importID, importTooSlow, now); err != nil {
				return err
			}
			return tx.Take(&imp, importID).Error
		}
		done = true
		if err := tx.Take(&imp, importID).Error; err != nil {
			return err
		}
		if err := asUploaded(tx, importID, results); err != nil {
			return err
		}
		if err := saveResults(tx, &imp, results, now); err != nil {
			return err
		}
		return tx.Where("import_id = ?", importID).Delete(&UploadedAccount{}).Error
	})
	if err != nil {
		return nil, nil, translate(err, "finish account import")
	}
	var events []Event
	if done || late {
		events = []Event{ImportFinished{ImportID: imp.ID, ImporterID: imp.ImportedBy, Status: imp.Status}}
	}
	if late {
		return &imp, events, &Error{Kind: KindConflict, Message: importTooSlow, Err: ErrImportTooLate}
	}
	return &imp, events, nil
}

// asUploaded holds each result, the worker's check of one row in the sheet's order, to what the
// store decided of that row as it was stored: its account, or its refusal, in which case the
// result keeps none of the check (no account, no status, no findings). Whatever a worker
// matched, a result counts for no account the importer's scope did not hold.
func asUploaded(tx *gorm.DB, importID int64, results []AccountResult) error {
	var rows []UploadedAccount
	if err := tx.Select("id, account_id, refused").Where("import_id = ?", importID).Order("id").Find(&rows).Error; err != nil {
		return err
	}
	if len(rows) != len(results) {
		return fmt.Errorf("account import %d: %d results for %d rows", importID, len(results), len(rows))
	}
	for i, row := range rows {
		r := &results[i]
		r.AccountID, r.Refused = row.AccountID, row.Refused
		if r.Refused != "" {
			r.FiledStatus, r.Findings = "", nil
		}
	}
	return nil
}

// FailAccountImport fails a running import with the reason people read, dropping the rows it
// waited with, and returns its ImportFinished (none when it was no longer running) for the
// caller to dispatch: the importer is told.
func (s *Store) FailAccountImport(ctx context.Context, importID int64, reason string) ([]Event, error) {
	var imp AccountImport
	failed := false
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var err error
		if failed, err = failImport(tx, importID, reason, s.now()); err != nil || !failed {
			return err
		}
		return tx.Take(&imp, importID).Error
	})
	if err != nil || !failed {
		return nil, translate(err, "fail account import")
	}
	return []Event{ImportFinished{ImportID: imp.ID, ImporterID: imp.ImportedBy, Status: imp.Status}}, nil
}

// AbandonAccountImport fails an import whose check could not be queued, for the importer who is
// told so on the spot by the page or the API that took the sheet: no notice follows.
func (s *Store) AbandonAccountImport(ctx context.Context, importID int64, reason string) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		failed, err := failImport(tx, importID, reason, s.now())
		if err != nil || !failed {
			return err
		}
		return tx.Model(&AccountImport{}).Where("id = ?", importID).Update("notified_at", s.now()).Error
	})
	return translate(err, "abandon account import")
}

// failImport fails a running import and drops its waiting rows, within tx, and reports
// whether the import was running.
func failImport(tx *gorm.DB, importID int64, reason string, now time.Time) (bool, error) {
	res := tx.Model(&AccountImport{}).Where("id = ? AND status = ?", importID, ImportRunning).
		Updates(map[string]any{"status": ImportFailed, "error": truncate(reason, 512), "finished_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	return true, tx.Where("import_id = ?", importID).Delete(&UploadedAccount{}).Error
}

// visibleResults is the results of account imports (of one import, or of all with importID 0)
// that the viewer sees, aliased r. Those who see everything see all of them. Others see the
// results of registered accounts whose unit is within their scope, and the results of accounts
// the registry does not know (account_id NULL), which name their unit only as the sheet wrote
// it, where either
//   - the viewer imported the sheet: these are the rows of their own file, or
//   - the unit the sheet names is a registered unit within the viewer's scope: an account that
//     成都市教育局 runs without having filed it is for 成都's supervisor to follow up.
//
// An unknown account with no unit, or with a unit the registry does not know, is left to the
// importer and to those who see everything: it could belong to any region, and a name in a
// sheet is not enough to show it to one. So is a refused row (no account, its reason): it
// tells only the importer what was not imported.
//
// The sheet's unit is compared by its UnitKey, stored with the result, against the keys of the
// registered units in scope, made here in Go: compared in SQL, MySQL's collation matched
// `四川省人民政府办公厅 ` to 四川省人民政府办公厅 and SQLite did not, and the same row was shown to
// a unit's supervisor on one backend only.
func (s *Store) visibleResults(tx *gorm.DB, sc Scope, viewer, importID int64) (*gorm.DB, error) {
	results := func() *gorm.DB {
		q := tx.Table("media_account_results r").Select("r.*")
		if importID != 0 {
			q = q.Where("r.import_id = ?", importID)
		}
		return q
	}
	if sc.All {
		return results(), nil
	}
	registered := sc.units(results().Joins("JOIN media_accounts a ON a.id = r.account_id").Joins("JOIN units u ON u.id = a.unit_id"), "u")
	var names []string
	if err := sc.units(tx.Table("units u"), "u").Pluck("u.name", &names).Error; err != nil {
		return nil, err
	}
	unknown := results().Joins("JOIN media_account_imports i ON i.id = r.import_id").Where("r.account_id IS NULL")
	if keys := unitKeys(names); len(keys) > 0 {
		unknown = unknown.Where("(i.imported_by = ? OR (r.refused = '' AND r.unit_key IN ?))", viewer, keys)
	} else {
		unknown = unknown.Where("i.imported_by = ?", viewer)
	}
	return tx.Table("(? UNION ALL ?) r", registered, unknown).Select("r.*"), nil
}

// AccountImports returns the latest imports the person sees, newest first: for those who see
// everything, all of them; otherwise those that hold a result they see (see visibleResults)
// and those they imported themselves, each counted by the results they see (see seenBy).
func (s *Store) AccountImports(ctx context.Context, sc Scope, viewer int64, limit int) ([]AccountImport, error) {
	db := s.db.WithContext(ctx)
	var imps []AccountImport
	if sc.All {
		err := db.Order("id DESC").Limit(limit).Find(&imps).Error
		for i := range imps {
			imps[i].settle(s.now())
		}
		return imps, translate(err, "account imports")
	}
	visible, err := s.visibleResults(db, sc, viewer, 0)
	if err != nil {
		return nil, translate(err, "account imports")
	}
	counts := db.Table("(?) v", visible).
		Select(`v.import_id, COUNT(*) AS accounts, COALESCE(SUM(v.findings), 0) AS findings,
			COALESCE(SUM(CASE WHEN v.refused <> '' THEN 1 ELSE 0 END), 0) AS refused`).Group("v.import_id")
	var rows []struct {
		AccountImport
		SeenAccounts, SeenFindings, SeenRefused *int // nil: none of its results are seen (the viewer's own import)
	}
	err = db.Table("media_account_imports i").
		Select("i.*, c.accounts AS seen_accounts, c.findings AS seen_findings, c.refused AS seen_refused").
		Joins("LEFT JOIN (?) c ON c.import_id = i.id", counts).
		Where("c.import_id IS NOT NULL OR i.imported_by = ?", viewer).
		Order("i.id DESC").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "account imports")
	}
	imps = make([]AccountImport, len(rows))
	for i, r := range rows {
		imps[i] = r.AccountImport
		imps[i].settle(s.now())
		var accounts, findings, refused int
		if r.SeenAccounts != nil && r.SeenFindings != nil && r.SeenRefused != nil {
			accounts, findings, refused = *r.SeenAccounts, *r.SeenFindings, *r.SeenRefused
		}
		imps[i].seenBy(accounts, findings, refused)
	}
	return imps, nil
}

// seenBy counts a done import by the results a viewer who does not see everything sees: its
// whole counts would tell them of other regions' accounts and findings, and the sheet's size.
// A running or failed import has no results, and only its importer, whose sheet it is, sees it.
func (imp *AccountImport) seenBy(accounts, findings, refused int) {
	if imp.Status == ImportDone {
		imp.Accounts, imp.Checked, imp.Findings, imp.Refused = accounts, accounts, findings, refused
	}
}

// ImportResults returns an import's results that the person sees (see visibleResults), each
// with its findings, and the import counted by them. An import they see nothing of, and did
// not make, is not found.
func (s *Store) ImportResults(ctx context.Context, sc Scope, viewer, importID int64) (*AccountImport, []AccountResult, error) {
	var imp AccountImport
	if err := s.db.WithContext(ctx).Take(&imp, importID).Error; err != nil {
		return nil, nil, translate(err, "account import")
	}
	imp.settle(s.now())
	var results []AccountResult
	visible, err := s.visibleResults(s.db.WithContext(ctx), sc, viewer, importID)
	if err == nil {
		err = visible.Order("r.id").Find(&results).Error
	}
	if err != nil {
		return nil, nil, translate(err, "account results")
	}
	mine := imp.ImportedBy != nil && *imp.ImportedBy == viewer
	if !sc.All && len(results) == 0 && !mine {
		return nil, nil, NotFound("未找到该导入记录")
	}
	if !sc.All {
		findings, refused := 0, 0
		for _, r := range results {
			findings += r.FindingCount
			if r.Refused != "" {
				refused++
			}
		}
		imp.seenBy(len(results), findings, refused)
	}
	var findings []Finding
	if err := s.db.WithContext(ctx).Where("import_id = ?", importID).Order("id").Find(&findings).Error; err != nil {
		return nil, nil, translate(err, "account findings")
	}
	byKey := map[string]int{}
	for i, r := range results {
		byKey[resultKey(r.AccountID, r.Platform, r.Name)] = i
	}
	for _, f := range findings {
		if f.AccountID != nil {
			if i, ok := byKey[resultKey(f.AccountID, "", "")]; ok {
				results[i].Findings = append(results[i].Findings, f)
			}
			continue
		}
		// An account the registry does not know: its findings name it as platform：name.
		for i := range results {
			if results[i].AccountID == nil && results[i].Platform+"："+results[i].Name == f.URL {
				results[i].Findings = append(results[i].Findings, f)
			}
		}
	}
	return &imp, results, nil
}

func resultKey(id *int64, platform, name string) string {
	if id != nil {
		return "id:" + strconv.FormatInt(*id, 10)
	}
	return platform + "：" + name
}
