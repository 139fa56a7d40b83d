package inspector

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhaocuo/models/indicator"
)

func TestAvailability(t *testing.T) {
	now := testNow
	// probes spreads n probes a day over the week, the first failed of each day failing.
	probes := func(perDay, failedPerDay int) []ProbeResult {
		var out []ProbeResult
		for d := 0; d < 7; d++ {
			for i := 0; i < perDay; i++ {
				at := now.Add(-time.Duration(d)*24*time.Hour - time.Duration(i)*(24*time.Hour/time.Duration(perDay)) - time.Minute)
				p := ProbeResult{URL: "http://www.shifan.gov.cn/", At: at, OK: i >= failedPerDay, Status: 200}
				if !p.OK {
					p.Err = "超时"
				}
				out = append(out, p)
			}
		}
		return out
	}
	tests := []struct {
		name                     string
		probes                   []ProbeResult
		want                     bool
		veto, warning, suspected bool
		evidence                 string
	}{
		{name: "all fine", probes: probes(24, 0)},
		{name: "2 in 24 a day fail: 8.3% veto", probes: probes(24, 2), want: true, veto: true, evidence: "168次，14次无法在15秒内打开（8.3%）"},
		{name: "1 in 24 a day: 4.2% warning", probes: probes(24, 1), want: true, warning: true, evidence: "预警"},
		{name: "1 in 40 a day: 2.5% nothing", probes: probes(40, 1)},
		{name: "too few probes: incomplete", probes: probes(10, 1), want: true, veto: true, suspected: true, evidence: "监测不完整：7天少于每天20次"},
		{name: "old probes are outside the window", probes: func() []ProbeResult {
			ps := probes(24, 0)
			return append(ps, ProbeResult{At: now.Add(-8 * 24 * time.Hour), OK: false})
		}()},
		{name: "no probes", probes: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Availability(tt.probes, now)
			if !tt.want {
				if len(got) != 0 {
					t.Fatalf("want no finding, got %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want one finding, got %+v", got)
			}
			f := got[0]
			if f.Type != indicator.TypeUnreachable || f.Veto != tt.veto || f.Warning != tt.warning || f.Suspected != tt.suspected ||
				!strings.Contains(f.Evidence, tt.evidence) || f.Key == "" {
				t.Errorf("got %+v", f)
			}
		})
	}
}

func TestProbe(t *testing.T) {
	f := newFarm(t)
	f.static("probe.test", map[string]string{"/": "<html>ok</html>"})
	f.handle("slow.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
	}))
	// A firewall's script challenge opens for a reader (the browser runs it); a bare 412 does not.
	f.handle("waf.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusPreconditionFailed)
		w.Write([]byte(`<html><head><script>document.cookie="wzws_cid=1f2e; path=/";location.reload();</script></head><body></body></html>`))
	}))
	f.handle("refuse412.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Precondition Failed", http.StatusPreconditionFailed)
	}))
	tests := []struct {
		name   string
		url    string
		ok     bool
		status int
		err    string
	}{
		{name: "opens", url: "http://probe.test/", ok: true, status: 200},
		{name: "not found", url: "http://probe.test/nope", status: 404, err: "HTTP 404"},
		{name: "a script challenge opens", url: "http://waf.test/", ok: true, status: 412},
		{name: "a bare 412 does not", url: "http://refuse412.test/", status: 412, err: "HTTP 412"},
		{name: "refused", url: "http://refused.test/", err: "连接被拒绝"},
		{name: "no such host", url: "http://gone.example/", err: "域名解析失败"},
		{name: "too slow", url: "http://slow.test/", err: "超时"},
		{name: "bad url", url: "::", err: "地址无效"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Probe(context.Background(), f.client(), tt.url, 100*time.Millisecond)
			if got.OK != tt.ok || got.Status != tt.status || !strings.Contains(got.Err, tt.err) || got.At.IsZero() {
				t.Errorf("Probe = %+v", got)
			}
		})
	}
}
