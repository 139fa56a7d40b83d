package jobs

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"zhaocuo/jobs/inspector"
	"zhaocuo/models"
)

// maxImportErrors is how many bad cells an answer names; the rest are counted.
const maxImportErrors = 10

// CheckAccountImport reads a sheet of 政务新媒体 accounts (XLSX or CSV), matches each row to
// the ledger by platform and name, and checks it as of now: the ledger's status against what
// runs, updates, interaction, menu links (fetched with the inspector's manners) and typos.
// A sheet that cannot be read, or has bad cells, is an invalid-kind error naming them.
// A nil inspector checks with the default limits.
func CheckAccountImport(ctx context.Context, in *inspector.Inspector, ledger []models.AccountRow, r io.Reader, filename string, now time.Time) ([]models.AccountResult, error) {
	accounts, err := inspector.ParseAccountImport(r, filename)
	if err != nil {
		return nil, models.Invalid("file", importMessage(err))
	}
	if len(accounts) == 0 {
		return nil, models.Invalid("file", "文件中没有账号")
	}
	if in == nil {
		in = inspector.New(inspector.Config{MaxDuration: time.Minute})
	}
	byName := map[string]models.AccountRow{}
	for _, a := range ledger {
		byName[a.Platform+"\x00"+a.Name] = a
	}
	results := make([]models.AccountResult, len(accounts))
	for i, a := range accounts {
		res := models.AccountResult{Name: a.Name, Platform: a.Platform, UnitName: a.Unit, Interaction: a.InteractionAvailable,
			ReportedOnline: a.ReportedOnline, MenuLinks: strings.Join(a.MenuLinks, "\n"), RecentPosts: strings.Join(a.RecentPosts, "\n")}
		if !a.LastPost.IsZero() {
			lp := a.LastPost
			res.LastPost = &lp
		}
		// The ledger is the database's: what the sheet says was filed counts only for accounts
		// the registry knows.
		a.Status = ""
		if known, ok := byName[a.Platform+"\x00"+a.Name]; ok {
			id := known.ID
			res.AccountID, res.FiledStatus, a.Status = &id, known.Status, known.Status
			if res.UnitName == "" {
				res.UnitName = known.UnitName
			}
		}
		res.Findings = Findings(in.CheckAccount(ctx, a, now))
		if err := ctx.Err(); err != nil {
			return nil, models.Unavailable("账号检查超时，请减少每次导入的账号数量", err)
		}
		results[i] = res
	}
	return results, nil
}

// importMessage lists the first bad cells of an import error, one after another.
func importMessage(err error) string {
	var list []string
	for e := err; e != nil && list == nil; e = errors.Unwrap(e) {
		if joined, ok := e.(interface{ Unwrap() []error }); ok {
			for _, one := range joined.Unwrap() {
				list = append(list, one.Error())
			}
		}
	}
	if list == nil {
		var ie *inspector.ImportError
		msg := err.Error()
		if errors.As(err, &ie) {
			msg = ie.Error()
		} else if i := strings.LastIndex(msg, ": "); i >= 0 {
			msg = msg[i+2:] // the reader's own words, without the package prefixes
		}
		list = []string{msg}
	}
	if len(list) > maxImportErrors {
		list = append(list[:maxImportErrors], "……另有"+strconv.Itoa(len(list)-maxImportErrors)+"处错误")
	}
	return "导入文件有误：" + strings.Join(list, "；")
}
