package handlers

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"zhaocuo/models"
)

// Charts are drawn on the server as SVG: no script, no network, printable. Colours are SVG
// attributes, not style attributes, so the page's CSP (no inline style) does not touch them.

type bar struct {
	Label string
	Value float64 // 0..1 of the chart's scale
	Text  string  // what the bar says, e.g. "98.50%（197/200）"
	Link  string
	Muted bool // drawn grey: too few to rank
}

// The charts are drawn chartWidth wide, about a phone's width, so that on a phone they fit the
// screen at nearly their own size and their labels stay readable; a wider screen scales them up
// to the CSS's max-width. Each bar's label sits above it, so no label column eats the width.
const chartWidth = 360

// barChart draws horizontal bars, one per item, each under its label.
func barChart(title string, items []bar) template.HTML {
	if len(items) == 0 {
		return ""
	}
	const rowH, top, textW = 40, 30, 120
	height := top + len(items)*rowH + 6
	plot := float64(chartWidth - textW)
	var b strings.Builder
	// A figure, not an img: its bars are links to the tickets behind them, and an img's content is
	// hidden from assistive technology (axe: nested-interactive), so the links could not be reached.
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="figure" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, chartWidth, height, html.EscapeString(title))
	fmt.Fprintf(&b, `<text x="0" y="18" font-size="15" font-weight="700" fill="#1f2328">%s</text>`, html.EscapeString(title))
	for i, it := range items {
		y := top + i*rowH
		w := plot * max(0, min(it.Value, 1))
		colour := "#b3121b"
		if it.Muted {
			colour = "#9aa4ae"
		}
		if it.Link != "" {
			fmt.Fprintf(&b, `<a href="%s">`, html.EscapeString(it.Link))
		}
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="13" fill="#1f2328">%s</text>`, y+14, html.EscapeString(truncateRunes(it.Label, 26)))
		fmt.Fprintf(&b, `<rect x="0" y="%d" width="%.1f" height="14" rx="3" fill="%s"><title>%s %s</title></rect>`, y+20, w, colour,
			html.EscapeString(it.Label), html.EscapeString(it.Text))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="12" fill="#5b6470">%s</text>`, w+6, y+32, html.EscapeString(it.Text))
		if it.Link != "" {
			b.WriteString(`</a>`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// axisTicks are the round values an axis up to peak is marked at: 0 and steps of 1, 2 or 5 times
// a power of ten, at most five of them, the last at or above peak (7 gives 0, 2, 4, 6, 8).
func axisTicks(peak int64) []int64 {
	peak = max(peak, 1)
	step := int64(1)
	for {
		for _, m := range []int64{1, 2, 5} {
			if s := step * m; (peak+s-1)/s <= 4 {
				var ticks []int64
				for v := int64(0); v < peak+s; v += s {
					ticks = append(ticks, v)
				}
				return ticks
			}
		}
		step *= 10
	}
}

// flowChart draws the tickets received and closed per week, or per month over a long period.
func flowChart(f *models.Flow) template.HTML {
	if f == nil {
		return ""
	}
	title := "每周收到和办结的留言"
	axis := func(d models.Date) string { return fmt.Sprintf("%02d-%02d", d.Month, d.Day) }
	point := func(name string, d models.Date, v int64) string {
		return fmt.Sprintf("%s %02d-%02d 起一周：%d", name, d.Month, d.Day, v)
	}
	if f.Monthly {
		title = "每月收到和办结的留言"
		axis = func(d models.Date) string { return fmt.Sprintf("%d-%02d", d.Year, d.Month) }
		point = func(name string, d models.Date, v int64) string {
			return fmt.Sprintf("%s %d年%d月：%d", name, d.Year, d.Month, v)
		}
	}
	return lineChart(title, f.Starts, map[string][]int64{"收到": f.Received, "办结": f.Closed},
		map[string]string{"收到": "#0b57d0", "办结": "#1a7f37"}, axis, point)
}

// lineChart draws series (received and closed) over the period, one point per start; axis labels
// a start under the chart, point says what a point's tooltip says.
func lineChart(title string, starts []models.Date, series map[string][]int64, colours map[string]string,
	axis func(models.Date) string, point func(name string, d models.Date, v int64) string) template.HTML {
	if len(starts) == 0 {
		return ""
	}
	const width, height, left, right, top, bottom = chartWidth, 220, 36, 12, 34, 40
	var peak int64 = 1
	for _, s := range series {
		for _, v := range s {
			peak = max(peak, v)
		}
	}
	ticks := axisTicks(peak)
	peak = ticks[len(ticks)-1]
	plotW, plotH := float64(width-left-right), float64(height-top-bottom)
	x := func(i int) float64 {
		if len(starts) == 1 {
			return float64(left) + plotW/2
		}
		return float64(left) + plotW*float64(i)/float64(len(starts)-1)
	}
	y := func(v int64) float64 { return float64(top) + plotH*(1-float64(v)/float64(peak)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, width, height, html.EscapeString(title))
	fmt.Fprintf(&b, `<text x="0" y="18" font-size="15" font-weight="700" fill="#1f2328">%s</text>`, html.EscapeString(title))
	for _, v := range ticks {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#d8dde3"/><text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="#5b6470">%d</text>`,
			left, width-right, y(v), y(v), left-6, y(v)+4, v)
	}
	step := max(1, (len(starts)+4)/5) // five labels at most: each is about 30 wide
	for i, d := range starts {
		if i%step == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="#5b6470">%s</text>`, x(i), height-bottom+16, html.EscapeString(axis(d)))
		}
	}
	legend := left
	for _, name := range []string{"收到", "办结"} {
		s, ok := series[name]
		if !ok {
			continue
		}
		var pts []string
		for i, v := range s {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2.5" points="%s"/>`, colours[name], strings.Join(pts, " "))
		for i, v := range s {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s</title></circle>`, x(i), y(v), colours[name], html.EscapeString(point(name, starts[i], v)))
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="4" fill="%s"/><text x="%d" y="%d" font-size="12" fill="#1f2328">%s</text>`, legend, height-10, colours[name], legend+16, height-5, name)
		legend += 70
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
