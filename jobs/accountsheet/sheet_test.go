package accountsheet

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zhaocuo/jobs/inspector"
)

const ledgerCSV = "账号名称,平台,主办单位,最后更新日期,互动功能,菜单链接,近期发文,运行状态\n" +
	"示范发布,微信公众号,示范市政府办公室,2025-03-18,有,\"http://a.gov.cn/1，http://a.gov.cn/2\",\"第一条\n第二条\",正常\n" +
	",,,,,,,\n" +
	"示范政务,新浪微博,示范市政府办公室,2025年1月2日,无,,,注销\n"

func TestParseAccountImportCSV(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(ledgerCSV)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data string
	}{
		{name: "UTF-8", data: ledgerCSV},
		{name: "UTF-8 with BOM", data: "\ufeff" + ledgerCSV},
		{name: "GBK from Excel", data: gbk},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			accs, err := Parse(strings.NewReader(tt.data), "台账.csv")
			if err != nil {
				t.Fatal(err)
			}
			checkLedger(t, accs)
		})
	}
}

func checkLedger(t *testing.T, accs []inspector.Account) {
	t.Helper()
	if len(accs) != 2 {
		t.Fatalf("got %d accounts, want 2 (the blank row skipped): %+v", len(accs), accs)
	}
	a, b := accs[0], accs[1]
	if a.Name != "示范发布" || a.Platform != "微信公众号" || a.Unit != "示范市政府办公室" || a.Status != inspector.AccountActive ||
		a.LastPost.Format(time.DateOnly) != "2025-03-18" || !a.InteractionAvailable || !a.ReportedOnline ||
		len(a.MenuLinks) != 2 || a.MenuLinks[1] != "http://a.gov.cn/2" || len(a.RecentPosts) != 2 {
		t.Errorf("first account = %+v", a)
	}
	if b.Status != inspector.AccountCancelled || b.InteractionAvailable || b.LastPost.Format(time.DateOnly) != "2025-01-02" {
		t.Errorf("second account = %+v", b)
	}
}

func TestParseAccountImportXLSX(t *testing.T) {
	x := excelize.NewFile()
	defer x.Close()
	sheet := x.GetSheetList()[0]
	rows := [][]any{
		{"账号名称", "平台", "主办单位", "最后更新日期", "互动功能", "菜单链接", "近期发文", "运行状态"},
		{"示范发布", "微信公众号", "示范市政府办公室", time.Date(2025, 3, 18, 0, 0, 0, 0, time.UTC), "有", "http://a.gov.cn/1 http://a.gov.cn/2", "第一条\n第二条", "正常"},
		{},
		{"示范政务", "新浪微博", "示范市政府办公室", "2025年1月2日", "无", "", "", "注销"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	accs, err := Parse(bytes.NewReader(buf.Bytes()), "台账.XLSX")
	if err != nil {
		t.Fatal(err)
	}
	checkLedger(t, accs)
}

func TestParseAccountImportErrors(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             []string
	}{
		{name: "unknown type", file: "a.xls", data: "x", want: []string{"不支持的文件类型"}},
		{name: "missing column", file: "a.csv", data: "账号名称,主办单位\nx,y\n", want: []string{"缺少必填列「平台」"}},
		{name: "empty file", file: "a.csv", data: "", want: []string{"文件为空"}},
		{name: "bad cells named by row and column", file: "a.csv",
			data: "账号名称,平台,最后更新日期,互动功能,菜单链接,运行状态\n" +
				"甲,微信,2025-03-18,有,http://a.gov.cn/,正常\n" +
				"乙,,昨天,也许,ftp:x,迁移\n",
			want: []string{"第3行「平台」：不能为空", "第3行「最后更新日期」：无法识别的日期\"昨天\"", "第3行「互动功能」",
				"第3行「菜单链接」：\"ftp:x\"不是有效的网址", "第3行「运行状态」"}},
		{name: "not a workbook", file: "a.xlsx", data: "plain text", want: []string{"无法读取XLSX文件"}},
		{name: "an account listed twice", file: "a.csv",
			data: "账号名称,平台\n甲,微信\n甲,抖音\n乙,微信\n甲,微信\n",
			want: []string{"第5行「账号名称」：微信账号「甲」与第2行重复"}},
		{name: "cells longer than their columns", file: "a.csv",
			data: "账号名称,平台,主办单位,近期发文\n" + strings.Repeat("甲", 129) + "," + strings.Repeat("微", 17) + "," +
				strings.Repeat("局", 129) + "," + strings.Repeat("文", 10001) + "\n",
			want: []string{"第2行「账号名称」：不能超过128个字（现有129个字）", "第2行「平台」：不能超过16个字",
				"第2行「主办单位」：不能超过128个字", "第2行「近期发文」：不能超过10000个字（现有10001个字）"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.data), tt.file)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			var ie *ImportError
			if strings.HasPrefix(tt.want[0], "第") && !errors.As(err, &ie) {
				t.Errorf("want *ImportError in %v", err)
			}
		})
	}
}
