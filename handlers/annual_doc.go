package handlers

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
	"zhaocuo/models/circulardoc"
	"zhaocuo/models/xlsxsheet"
)

// annualDoc lays an annual report out for the circular's writers as the published 表格: a grid of
// 项目 and 内容, a row spanning it for each heading of the layout (the lines without one gathered
// as 基本情况 and, at the foot, 填报信息), a row per item with its label. An item not filled in
// shows "—".
func annualDoc(r *models.AnnualReport) circulardoc.Doc {
	d := circulardoc.Doc{Issuer: r.Value("office"), Title: strconv.Itoa(r.Year) + "年度" + r.Title}
	if r.Kind == models.AnnualWork {
		d.Issuer, d.Intro = r.Value("unit"), "网站名称："+r.Value("site_name")
	}
	g := &circulardoc.Grid{Header: []string{"项目", "内容"}, Widths: []int{600, 400}}
	heading := ""
	for _, it := range r.Items {
		group, label := it.Path[0], it.Label()
		if len(it.Path) == 1 {
			group = "基本情况"
			if it.Key == "head" || it.Key == "reviewer" || it.Key == "filler" || it.Key == "phone" || it.Key == "filled_on" {
				group = "填报信息"
			}
		} else {
			label = strings.Join(it.Path[1:], "—")
			if it.Unit != "" {
				label += "（" + it.Unit + "）"
			}
		}
		if group != heading {
			g.Rows = append(g.Rows, circulardoc.GridRow{Heading: group})
			heading = group
		}
		v := r.Value(it.Key)
		if v == "" {
			v = "—"
		}
		g.Rows = append(g.Rows, circulardoc.GridRow{Cells: []string{label, v}})
	}
	d.Grid = g
	switch {
	case r.PublishedAt != nil:
		d.Date = models.ChineseDate(models.DateOf(*r.PublishedAt).String())
	case r.Value("filled_on") != "":
		d.Date = models.ChineseDate(r.Value("filled_on"))
	}
	return d
}

// annualSheet is the report as one table: heading, item, unit and value per line, counts as
// numbers so that a sheet of many sites' reports can be summed.
func annualSheet(r *models.AnnualReport, title string) xlsxsheet.Sheet {
	sh := xlsxsheet.Sheet{Name: "年度报表", Title: title, Headers: []string{"类别", "项目", "单位", "内容"}}
	for _, it := range r.Items {
		heading, item := "", it.Path[0]
		if len(it.Path) > 1 {
			heading, item = it.Path[0], strings.Join(it.Path[1:], "—")
		}
		var value any = r.Value(it.Key)
		if n, err := strconv.ParseInt(r.Value(it.Key), 10, 64); err == nil && it.Kind == models.ItemCount {
			value = n
		}
		sh.Rows = append(sh.Rows, []any{heading, item, it.Unit, value})
	}
	return sh
}

// document writes the report: HTML to preview and print, DOCX and XLSX to download, through the
// circular's writers.
func (h *annualHandlers) document(c *gin.Context) {
	rep, err := h.load(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	doc := annualDoc(rep)
	name := rep.Subject + doc.Title
	if rep.Version > 1 {
		name += "（第" + strconv.Itoa(rep.Version) + "版）"
	}
	var buf bytes.Buffer
	var ctype, ext string
	switch c.DefaultQuery("format", "html") {
	case "html":
		err, ctype = circulardoc.WriteHTML(&buf, doc), "text/html; charset=utf-8"
	case "docx":
		err, ctype, ext = circulardoc.WriteDOCX(&buf, doc), docxType, ".docx"
	case "xlsx":
		book := xlsxsheet.Book{AsOf: h.clock.Now().In(models.Shanghai), Sheets: []xlsxsheet.Sheet{annualSheet(rep, rep.Subject+doc.Title)}}
		err = book.Write(&buf)
		ctype, ext = xlsxType, ".xlsx"
	default:
		h.fail(c, models.Invalid("format", "格式应为 html、docx 或 xlsx"))
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	sendWritten(c, "annual-report", name, ext, ctype, buf.Bytes())
}
