package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// An address under /static that names no asset is the same Chinese 404 page as any other unknown
// address, not an empty answer; one without a hash is sent on to such an address first.
func TestUnknownAssetsAreTheChineseNotFoundPage(t *testing.T) {
	a := newTestApp(t)
	for _, path := range []string{"/static/0123abcd/nope.css", "/static/nope.css"} {
		resp, body := a.get(path)
		if loc := resp.Header.Get("Location"); resp.StatusCode == http.StatusMovedPermanently && loc != "" {
			resp, body = a.get(loc) // the router's redirect to the address with a slash, as a browser follows it
		}
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "您访问的页面不存在") {
			t.Errorf("%s: %d %q", path, resp.StatusCode, body)
		}
	}
}
