package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// The rates page's charts fit a phone's screen: none is wider than the screen, so none needs
// scrolling sideways to be read.
func TestRatesChartsFitAPhone(t *testing.T) {
	newTab := browser(t)
	base, _ := startDemo(t)
	tab := newTab()
	signIn(t, tab, base, "sc-supervisor")
	do(t, tab, "open the rates page on a phone",
		chromedp.EmulateViewport(375, 800, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/staff/stats?period=year"), chromedp.WaitVisible("svg.chart"))
	shot(t, tab, "rates-phone")
	widest, err := chromedp.Run(tab, chromedp.Evaluate[float64](
		`Math.max(...[...document.querySelectorAll("svg.chart")].map(s => s.getBoundingClientRect().right))`))
	if err != nil {
		t.Fatal(err)
	}
	screen, err := chromedp.Run(tab, chromedp.Evaluate[float64](`document.documentElement.clientWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if widest > screen {
		t.Fatalf("a chart reaches %.0f px on a screen %.0f px wide", widest, screen)
	}
}
