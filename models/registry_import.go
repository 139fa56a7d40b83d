package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"zhaocuo/models/registrysheet"
)

// A registry import runs in two steps. PlanRegistryImport checks the sheets whole against the
// registry and keeps the checked rows on the server under an id (registry_imports), writing
// nothing else; the administrator reads the plan (what is new, what changes and how, what is
// unchanged) and confirms; ApplyRegistryImport then checks the rows again against the registry
// as it is by then and writes them in one transaction, each new or changed record with its
// registry event (source import, the import's id). Rows that change nothing write nothing, so
// importing the same sheets again writes no event.

// ImportCount is how many rows of a kind are new, change a record, or change nothing.
type ImportCount struct{ New, Changed, Unchanged int }

// ImportChange is one changed record as the plan shows it.
type ImportChange struct {
	Kind    registrysheet.Kind `json:"kind"`
	Key     string             `json:"key"`
	At      registrysheet.At   `json:"at"`
	Changes FieldChanges       `json:"changes"`
}

// ImportPlan is what an import would do. Problems not empty: nothing can be written, and ID is 0.
type ImportPlan struct {
	ID        int64                               `json:"id"`
	Filename  string                              `json:"filename"`
	Problems  []registrysheet.Problem             `json:"problems"`
	Counts    map[registrysheet.Kind]*ImportCount `json:"counts"`
	Changes   []ImportChange                      `json:"changes"`      // the first maxPlanChanges
	More      int                                 `json:"more_changes"` // how many more changed rows there are
	CreatedAt time.Time                           `json:"created_at"`
}

// maxPlanChanges bounds the changed rows a plan lists with their fields (the summary is kept in a
// TEXT column); the counts cover every row.
const maxPlanChanges = 200

// maxPlanProblems bounds the problems a plan lists: a sheet of the wrong kind has one per cell.
const maxPlanProblems = 500

// planTTL is how long a checked import waits for its confirmation.
const planTTL = 24 * time.Hour

// Import statuses.
const (
	importPlanned = "planned"
	importApplied = "applied"
)

// registryImport is a checked import kept until it is confirmed.
type registryImport struct {
	ID        int64
	ActorID   int64
	Filename  string
	Status    string
	Summary   string
	Sheets    *string // the checked book, JSON; dropped once applied
	CreatedAt time.Time
	AppliedAt *time.Time
}

func (registryImport) TableName() string { return "registry_imports" }

// InitialPassword is a new user's first password, shown once to the administrator who imported
// them; it is kept nowhere, only its hash, and must be changed at the first sign-in.
type InitialPassword struct {
	Username    string
	DisplayName string
	Password    string
}

// ImportResult is what a confirmed import wrote.
type ImportResult struct {
	ID        int64
	Counts    map[registrysheet.Kind]*ImportCount
	Events    int
	Passwords []InitialPassword
}

// mayImport: administrators keep the registry; one whose scope is a region keeps only its rows
// (the planner checks each row against the scope).
func (s *Store) importScope(ctx context.Context, actor *User) (Scope, error) {
	if actor == nil || actor.Role != RoleAdmin {
		return Scope{}, Forbidden("只有管理员可以导入登记信息")
	}
	return s.scopeOf(ctx, actor)
}

// PlanRegistryImport checks the sheets (as jobs/accountsheet.ReadWorkbook read them) and, when
// nothing is wrong, keeps the checked rows for ApplyRegistryImport under the plan's ID.
func (s *Store) PlanRegistryImport(ctx context.Context, actor *User, filename string, sheets []registrysheet.Sheet) (*ImportPlan, error) {
	scope, err := s.importScope(ctx, actor)
	if err != nil {
		return nil, err
	}
	book, probs := registrysheet.Parse(sheets)
	snap, err := loadRegSnapshot(ctx, s.db)
	if err != nil {
		return nil, err
	}
	ops := planImport(book, snap, scope)
	plan := ops.plan(filename)
	plan.Problems = append(probs, plan.Problems...)
	sortProblems(plan.Problems)
	plan.CreatedAt = s.now()
	if len(plan.Problems) > 0 {
		if len(plan.Problems) > maxPlanProblems {
			plan.Problems = plan.Problems[:maxPlanProblems]
		}
		return plan, nil
	}
	summary, err := json.Marshal(plan)
	if err != nil {
		return nil, fmt.Errorf("store: import summary: %w", err)
	}
	body, err := json.Marshal(book)
	if err != nil {
		return nil, fmt.Errorf("store: import sheets: %w", err)
	}
	sheetsJSON := string(body)
	row := registryImport{ActorID: actor.ID, Filename: truncateRunes(filename, 200), Status: importPlanned, Summary: string(summary),
		Sheets: &sheetsJSON, CreatedAt: plan.CreatedAt}
	db := s.db.WithContext(ctx)
	// Plans nobody confirmed hold personal data for no one: dropped as new ones come.
	if err := db.Where("status = ? AND created_at < ?", importPlanned, plan.CreatedAt.Add(-planTTL)).Delete(&registryImport{}).Error; err != nil {
		return nil, translate(err, "drop stale imports")
	}
	if err := db.Create(&row).Error; err != nil {
		return nil, translate(err, "save import plan")
	}
	plan.ID = row.ID
	return plan, nil
}

// RegistryImportPlan returns a checked import's plan, for the administrator who made it.
func (s *Store) RegistryImportPlan(ctx context.Context, actor *User, id int64) (*ImportPlan, string, error) {
	row, err := s.importRow(s.db.WithContext(ctx), actor, id)
	if err != nil {
		return nil, "", err
	}
	var plan ImportPlan
	if err := json.Unmarshal([]byte(row.Summary), &plan); err != nil {
		return nil, "", fmt.Errorf("store: import summary %d: %w", id, err)
	}
	plan.ID = row.ID
	return &plan, row.Status, nil
}

func (s *Store) importRow(db *gorm.DB, actor *User, id int64) (*registryImport, error) {
	if actor == nil || actor.Role != RoleAdmin {
		return nil, Forbidden("只有管理员可以导入登记信息")
	}
	var row registryImport
	err := db.Where("id = ? AND actor_id = ?", id, actor.ID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("导入记录不存在或已过期，请重新上传")
	}
	if err != nil {
		return nil, translate(err, "registry import")
	}
	return &row, nil
}

// ApplyRegistryImport writes a checked import, once, in one transaction. When the registry has
// changed since the check so that a row no longer fits (a unit removed, a host taken), nothing is
// written and the error names the rows.
func (s *Store) ApplyRegistryImport(ctx context.Context, actor *User, id int64) (*ImportResult, error) {
	scope, err := s.importScope(ctx, actor)
	if err != nil {
		return nil, err
	}
	row, err := s.importRow(s.db.WithContext(ctx), actor, id)
	if err != nil {
		return nil, err
	}
	if row.Status != importPlanned || row.Sheets == nil {
		return nil, Conflict("这次导入已经确认过，不能重复确认")
	}
	now := s.now()
	if now.Sub(row.CreatedAt) > planTTL {
		return nil, Conflict("检查结果已超过 24 小时，请重新上传")
	}
	var book registrysheet.Book
	if err := json.Unmarshal([]byte(*row.Sheets), &book); err != nil {
		return nil, fmt.Errorf("store: import sheets %d: %w", id, err)
	}
	// The new users' passwords are hashed before the transaction, which then holds its locks
	// only while it writes.
	creds, err := s.initialPasswords(ctx, book.Users)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{ID: id}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		claim := tx.Model(&registryImport{}).Where("id = ? AND status = ?", id, importPlanned).
			Updates(map[string]any{"status": importApplied, "applied_at": now, "sheets": nil})
		if claim.Error != nil {
			return claim.Error
		}
		if claim.RowsAffected != 1 {
			return Conflict("这次导入已经确认过，不能重复确认")
		}
		snap, err := loadRegSnapshot(ctx, tx)
		if err != nil {
			return err
		}
		ops := planImport(&book, snap, scope)
		if len(ops.problems) > 0 {
			sortProblems(ops.problems)
			msgs := make([]string, 0, 5)
			for i, p := range ops.problems {
				if i == 5 {
					msgs = append(msgs, fmt.Sprintf("……另有%d处", len(ops.problems)-5))
					break
				}
				msgs = append(msgs, p.String())
			}
			return Conflict("检查之后登记信息已有变化，未导入任何数据，请重新上传：" + strings.Join(msgs, "；"))
		}
		w := &importWriter{tx: tx, snap: snap, now: now, importID: id, actorID: actor.ID, creds: creds}
		if err := w.write(ops); err != nil {
			return err
		}
		res.Counts, res.Events, res.Passwords = ops.counts, w.events, w.passwords
		return nil
	})
	if err != nil {
		return nil, translate(err, "apply registry import")
	}
	s.invalidateCache()
	return res, nil
}

// plan turns the operations into what the administrator reads.
func (o *importOps) plan(filename string) *ImportPlan {
	p := &ImportPlan{Filename: filename, Counts: o.counts, Problems: o.problems}
	add := func(kind registrysheet.Kind, key string, at registrysheet.At, ch FieldChanges) {
		if len(ch) == 0 {
			return
		}
		if len(p.Changes) >= maxPlanChanges {
			p.More++
			return
		}
		p.Changes = append(p.Changes, ImportChange{Kind: kind, Key: key, At: at, Changes: ch})
	}
	for _, op := range o.regions {
		add(registrysheet.Regions, op.row.Code, op.row.At, op.changes)
	}
	for _, op := range o.units {
		add(registrysheet.Units, op.row.Name, op.row.At, op.changes)
	}
	for _, op := range o.sites {
		add(registrysheet.Websites, op.row.IdentifierCode, op.row.At, op.changes)
	}
	for _, op := range o.accounts {
		add(registrysheet.Accounts, op.row.Platform+" "+op.row.Name, op.row.At, op.changes)
	}
	for _, op := range o.users {
		add(registrysheet.Users, op.row.Username, op.row.At, op.changes)
	}
	return p
}

// sortProblems orders problems as the sheets are read: by sheet (in the order they were read),
// then row.
func sortProblems(ps []registrysheet.Problem) {
	order := map[string]int{}
	for _, p := range ps {
		if _, ok := order[p.Sheet]; !ok {
			order[p.Sheet] = len(order)
		}
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if a, b := order[ps[i].Sheet], order[ps[j].Sheet]; a != b {
			return a < b
		}
		return ps[i].Row < ps[j].Row
	})
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// RegistryAdmin returns the administrator named username, for imports from the command line.
func (s *Store) RegistryAdmin(ctx context.Context, username string) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("username = ? AND role = ? AND disabled = ?", username, RoleAdmin, false).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("没有这个管理员：" + username)
	}
	return &u, translate(err, "registry admin")
}
