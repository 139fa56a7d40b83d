package inspector

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"zhaocuo/models/indicator"
)

// The 站点无法访问 indicator: the homepage monitored for a week with at least 20 spaced
// probes a day; failing to open within 15 s in 5% of them is a veto, above 3% the
// monitoring vendors raise an early warning.
const (
	AvailabilityWindow   = 7 * 24 * time.Hour
	MinProbesPerDay      = 20
	ProbeTimeout         = 15 * time.Second
	unreachableVetoShare = 0.05
	unreachableWarnShare = 0.03
	maxProbeBytes        = 2 << 20
)

// ProbeResult is one availability probe of a homepage.
type ProbeResult struct {
	URL      string
	At       time.Time
	OK       bool // the page opened (2xx or 3xx, body read) within the timeout
	Status   int
	Duration time.Duration
	Err      string
}

// Probe opens url once, the way a reader would: GET, follow redirects, read the page.
// The client is an egress client (the jobs build it from their guard); timeout 0 means
// ProbeTimeout.
func Probe(ctx context.Context, client *http.Client, url string, timeout time.Duration) ProbeResult {
	if timeout <= 0 {
		timeout = ProbeTimeout
	}
	res := ProbeResult{URL: url, At: time.Now()}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		res.Err = "地址无效：" + err.Error()
		return res
	}
	req.Header.Set("User-Agent", DefaultUserAgent)
	resp, err := client.Do(req)
	var head []byte // enough of the page to tell a script challenge
	if err == nil {
		// The page has opened when its body has arrived, not at the headers.
		head, err = io.ReadAll(io.LimitReader(resp.Body, maxChallengeBytes+1))
		if err == nil {
			_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, maxProbeBytes))
		}
		resp.Body.Close()
		res.Status = resp.StatusCode
	}
	res.Duration = time.Since(res.At)
	switch {
	case err != nil:
		res.Err = DescribeError(err)
	case res.Duration > timeout:
		res.Err = "超时"
	case res.Status >= 400 && challengeOf(res.Status, head) != "":
		// A firewall's script challenge (HTTP 412, 521): a reader's browser passes it and the
		// page opens, so the site is up.
		res.OK = true
	case res.Status >= 400:
		res.Err = fmt.Sprintf("HTTP %d", res.Status)
	default:
		res.OK = true
	}
	return res
}

// Availability judges the probes of the week before now. At least 5% failed is the
// veto; above 3% an early warning. With fewer than MinProbesPerDay probes on some day the
// monitoring is incomplete: the finding says so and waits for a person (Suspected), and
// a clean but incomplete week gives no finding.
func Availability(probes []ProbeResult, now time.Time) []Finding {
	from := now.Add(-AvailabilityWindow)
	var perDay [7]int // rolling 24-hour slices back from now, so today's morning is not a thin day
	total, failed := 0, 0
	var url, lastErr string
	for _, p := range probes {
		if p.At.Before(from) || p.At.After(now) {
			continue
		}
		total++
		perDay[min(6, int(now.Sub(p.At)/(24*time.Hour)))]++
		if url == "" {
			url = p.URL
		}
		if !p.OK {
			failed++
			lastErr = p.Err
		}
	}
	if total == 0 || failed == 0 {
		return nil
	}
	share := float64(failed) / float64(total)
	thinDays := 0
	for _, n := range perDay {
		if n < MinProbesPerDay {
			thinDays++
		}
	}
	f := Finding{Type: indicator.TypeUnreachable, URL: url, Target: url, Page: url, Indicator: indicator.Unreachable, SeenAt: now,
		Evidence: fmt.Sprintf("近7天监测%d次，%d次无法在%d秒内打开（%.1f%%），最近一次：%s",
			total, failed, int(ProbeTimeout/time.Second), share*100, lastErr)}
	switch {
	case share >= unreachableVetoShare:
		f.Veto = true
	case share > unreachableWarnShare:
		f.Warning = true
		f.Evidence = "预警：" + f.Evidence
	default:
		return nil
	}
	if thinDays > 0 {
		f.Suspected = true
		f.Evidence += fmt.Sprintf("；监测不完整：%d天少于每天%d次", thinDays, MinProbesPerDay)
	}
	f.Key = findingKey(f.Type, f.Page, f.Target, "availability")
	return []Finding{f}
}
