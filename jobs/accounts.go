package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs/inspector"
	"zhaocuo/models"
)

// An import of 政务新媒体 accounts is one task: the web side reads the sheet and stores its rows
// (a bad sheet is refused there, with its bad cells named), the task checks the accounts and
// stores the results. Fetching menu links takes longer than a request may.
const TypeImportAccounts = "inspect:accounts"

// QueueImports is the account imports' own queue. On the inspection queue an import waited
// behind every site task of a round queued before it, hours at times, while the staff member
// who uploaded the sheet watched its page say 排队中; here it waits only for its weight's turn
// (see Queues). An import task queued on the inspection queue before there was this queue
// still runs there, as the worker serves both; should the reconcile queue it here as well,
// the store keeps the results of one run (FinishAccountImport).
const QueueImports = "imports"

// An import's task gets importRetries retries of importTaskTimeout each; their sum, with asynq's
// waits between them, stays well within models.ImportGiveUp (counted from the first try's
// start), after which an import that lost its task reads as failed.
const (
	importRetries     = 2
	importTaskTimeout = 10 * time.Minute
)

type importAccountsPayload struct {
	ImportID int64 `json:"import_id"`
}

// NewImportAccountsTask checks the accounts of an import the web side stored.
func NewImportAccountsTask(importID int64) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(importAccountsPayload{ImportID: importID})
	return asynq.NewTask(TypeImportAccounts, b), []asynq.Option{
		asynq.TaskID(importTaskID(importID)), asynq.Queue(QueueImports),
		asynq.MaxRetry(importRetries), asynq.Timeout(importTaskTimeout)}
}

// importTaskID is the id of an import's task: one task per import, however often it is queued.
func importTaskID(importID int64) string { return "account-import:" + strconv.FormatInt(importID, 10) }

// importAccounts checks the accounts of a running import and stores the results. It is safe
// to run again: an import done or failed is left alone, and one whose earlier try died midway
// still holds all its rows, so it is checked afresh and its results stored once.
func (h *worker) importAccounts(ctx context.Context, t *asynq.Task) error {
	var p importAccountsPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("import accounts payload: %v: %w", err, asynq.SkipRetry)
	}
	imp, rows, err := h.Store.BeginAccountImport(ctx, p.ImportID)
	if models.ErrorKind(err) == models.KindNotFound {
		return fmt.Errorf("import accounts %d: %w", p.ImportID, asynq.SkipRetry)
	}
	if err != nil {
		return err
	}
	switch imp.Status {
	case models.ImportDone:
		return nil
	case models.ImportFailed:
		return h.failImport(ctx, imp.ID, imp.Error) // past its time: recorded as it reads
	}
	err = h.checkImport(ctx, imp, rows)
	var reason string
	switch n, _ := asynq.GetRetryCount(ctx); {
	case err == nil:
		return nil
	case errors.Is(err, models.ErrImportTooLate):
		// The results came past models.ImportGiveUp: the store failed the import instead.
		return fmt.Errorf("import accounts %d: %v: %w", imp.ID, err, asynq.SkipRetry)
	case errors.Is(err, context.Canceled):
		return err // the worker is stopping: asynq runs the task again elsewhere
	case errors.Is(err, context.DeadlineExceeded):
		// The task's timeout: another try would take as long, the sheet is too big for one
		// task, so the import is failed here. The SkipRetry below decides nothing under a
		// worker: when asynq's deadline ends the try, asynq records it failed and queues the
		// retry itself, without waiting for this handler; that retry finds the import failed
		// and ends at once. SkipRetry counts only where the caller's own context ran out.
		reason = fmt.Sprintf("检查 %d 个账号超过 %d 分钟仍未完成，请分批导入", imp.Accounts, int(importTaskTimeout/time.Minute))
	case n >= importRetries:
		reason = "检查多次失败，请稍后重新导入"
	default:
		return err // asynq tries again
	}
	if ferr := h.failImport(context.WithoutCancel(ctx), imp.ID, reason); ferr != nil {
		return errors.Join(err, ferr)
	}
	return fmt.Errorf("import accounts %d: %v: %w", imp.ID, err, asynq.SkipRetry)
}

// checkImport checks an import's rows and stores the results, recording its progress as it
// goes. Which registered account a row is, and whether its importer may import it, the store
// decided as it stored the sheet (models: store_account_scope.go); the registry read here gives
// each account's status as of the check.
func (h *worker) checkImport(ctx context.Context, imp *models.AccountImport, rows []models.UploadedAccount) error {
	registry, err := h.Store.Accounts(ctx, models.Scope{All: true})
	if err != nil {
		return err
	}
	last := time.Now()
	progress := func(checked int) {
		if time.Since(last) >= time.Second { // wall time: a person watching, not the domain's clock
			last = time.Now()
			if err := h.Store.AccountImportProgress(ctx, imp.ID, checked); err != nil {
				h.Logger.Warn("account import progress", "import_id", imp.ID, "err", err)
			}
		}
	}
	results, err := CheckAccounts(ctx, h.Inspector, registry, rows, h.Clock.Now(), progress)
	if err != nil {
		return err
	}
	_, events, err := h.Store.FinishAccountImport(ctx, imp.ID, results)
	h.events.Dispatch(ctx, events...) // the importer's notice; lost, the reconcile's pass finds it
	return err
}

// failImport fails a running import with the reason, and dispatches what that committed.
func (h *worker) failImport(ctx context.Context, importID int64, reason string) error {
	events, err := h.Store.FailAccountImport(ctx, importID, reason)
	h.events.Dispatch(ctx, events...)
	return err
}

// CheckAccounts checks each row of an import as of now, in the sheet's order: the registered
// account the store matched it to (its status in the registry against what runs; nil for one
// the registry does not know), updates, interaction, menu links (fetched with the inspector's
// manners) and typos. A row the store refused is not checked: its result says why, and nothing
// else. progress, if set, hears how many rows are checked after each one. It fails only when
// ctx ends.
func CheckAccounts(ctx context.Context, in *inspector.Inspector, registry []models.AccountRow, rows []models.UploadedAccount, now time.Time, progress func(checked int)) ([]models.AccountResult, error) {
	byID := map[int64]models.AccountRow{}
	for _, a := range registry {
		byID[a.ID] = a
	}
	results := make([]models.AccountResult, len(rows))
	for i, row := range rows {
		if row.Refused != "" {
			results[i] = models.AccountResult{Name: row.Name, Platform: row.Platform, UnitName: row.UnitName, Refused: row.Refused}
			if progress != nil {
				progress(i + 1)
			}
			continue
		}
		a := inspector.Account{Name: row.Name, Platform: row.Platform, Unit: row.UnitName, InteractionAvailable: row.Interaction,
			ReportedOnline: row.ReportedOnline, MenuLinks: lines(row.MenuLinks), RecentPosts: lines(row.RecentPosts)}
		if row.LastPost != nil {
			a.LastPost = *row.LastPost
		}
		res := models.AccountResult{Name: row.Name, Platform: row.Platform, UnitName: row.UnitName, LastPost: row.LastPost,
			Interaction: row.Interaction, ReportedOnline: row.ReportedOnline, MenuLinks: row.MenuLinks, RecentPosts: row.RecentPosts}
		// Only accounts the registry knows have a filed status.
		if row.AccountID != nil {
			if known, ok := byID[*row.AccountID]; ok {
				id := known.ID
				res.AccountID, res.FiledStatus, a.Status = &id, known.Status, known.Status
				if res.UnitName == "" {
					res.UnitName = known.UnitName
				}
			}
		}
		res.Findings = findingRows(in.CheckAccount(ctx, a, now))
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("check accounts: %w", err)
		}
		results[i] = res
		if progress != nil {
			progress(i + 1)
		}
	}
	return results, nil
}

// lines splits what was stored one per line.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
