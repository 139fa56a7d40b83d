package accountsheet

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"zhaocuo/models"
)

// maxErrors is how many bad cells an answer names; the rest are counted.
const maxErrors = 10

// Read reads a sheet of 政务新媒体 accounts (XLSX or CSV) into the rows an import stores. A
// sheet that cannot be read, has bad cells or no account is an invalid-kind error naming what
// to fix.
func Read(r io.Reader, filename string) ([]models.UploadedAccount, error) {
	accounts, err := Parse(r, filename)
	if err != nil {
		return nil, models.Invalid("file", message(err))
	}
	if len(accounts) == 0 {
		return nil, models.Invalid("file", "文件中没有账号")
	}
	rows := make([]models.UploadedAccount, len(accounts))
	for i, a := range accounts {
		// The sheet's 运行状态 is not kept: the ledger is the database's, read when the
		// accounts are checked.
		rows[i] = models.UploadedAccount{Name: a.Name, Platform: a.Platform, UnitName: a.Unit, Interaction: a.InteractionAvailable,
			ReportedOnline: a.ReportedOnline, MenuLinks: strings.Join(a.MenuLinks, "\n"), RecentPosts: strings.Join(a.RecentPosts, "\n")}
		if !a.LastPost.IsZero() {
			lp := a.LastPost
			rows[i].LastPost = &lp
		}
	}
	return rows, nil
}

// message lists the first bad cells of a sheet's error, one after another.
func message(err error) string {
	var list []string
	for e := err; e != nil && list == nil; e = errors.Unwrap(e) {
		if joined, ok := e.(interface{ Unwrap() []error }); ok {
			for _, one := range joined.Unwrap() {
				list = append(list, one.Error())
			}
		}
	}
	if list == nil {
		var ie *ImportError
		msg := err.Error()
		if errors.As(err, &ie) {
			msg = ie.Error()
		} else if i := strings.LastIndex(msg, ": "); i >= 0 {
			msg = msg[i+2:] // the reader's own words, without the package prefixes
		}
		list = []string{msg}
	}
	if len(list) > maxErrors {
		list = append(list[:maxErrors], "……另有"+strconv.Itoa(len(list)-maxErrors)+"处错误")
	}
	return "导入文件有误：" + strings.Join(list, "；")
}
