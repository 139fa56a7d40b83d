package handlers

import (
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// errorPage is what an error page shows: what was wrong, what was sent (so that nothing typed is
// lost), and the way back. A citizen goes back to the home page; a member of staff to the staff
// page they came from, and to their own start page.
type errorPage struct {
	Message   string
	Sent      []sentField // a refused form's fields, as typed
	Back      string      // the page the person came from, or ""
	Home      string      // "/", "/staff" or "/admin"
	HomeLabel string
}

type sentField struct{ Name, Value string }

// staffPrefixes are the paths of the signed-in pages: an error there leads back into them.
var staffPrefixes = []string{"/staff", "/admin", "/account", "/notifications"}

func isStaffPath(p string) bool {
	for _, prefix := range staffPrefixes {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return false
}

// newErrorPage builds the error page of a request refused with message.
func newErrorPage(c *gin.Context, message string) errorPage {
	p := errorPage{Message: message, Home: "/", HomeLabel: "返回首页"}
	u := currentUser(c)
	if u == nil || !isStaffPath(c.Request.URL.Path) {
		return p
	}
	p.Home, p.HomeLabel = "/staff", "返回工作台"
	if u.Role == models.RoleAdmin {
		p.Home, p.HomeLabel = "/admin", "返回系统管理"
	}
	p.Back = staffBack(c)
	if c.Request.Method == http.MethodPost && c.Request.PostForm != nil {
		for name, values := range c.Request.PostForm {
			if len(values) == 0 || strings.TrimSpace(values[0]) == "" || hiddenField(name) {
				continue
			}
			p.Sent = append(p.Sent, sentField{Name: name, Value: values[0]})
		}
		sort.Slice(p.Sent, func(i, j int) bool { return p.Sent[i].Name < p.Sent[j].Name })
	}
	return p
}

// hiddenField tells a form's fields not shown back: secrets, and the form's own machinery.
func hiddenField(name string) bool {
	return strings.Contains(name, "password") || strings.Contains(name, "secret") || name == "request_key"
}

// staffBack is the staff page the request came from: the Referer when it is a staff page of
// this site (sent on same-origin requests, Referrer-Policy: same-origin); otherwise, for a form
// posted to an action (/staff/tickets/ZC1/reply), the page the action belongs to.
func staffBack(c *gin.Context) string {
	if ref, err := url.Parse(c.Request.Referer()); err == nil && ref.Host == c.Request.Host && isStaffPath(ref.Path) {
		back := ref.Path
		if ref.RawQuery != "" {
			back += "?" + ref.RawQuery
		}
		if back != c.Request.URL.RequestURI() || c.Request.Method != http.MethodGet {
			return back
		}
	}
	if c.Request.Method == http.MethodPost {
		if parent := path.Dir(c.Request.URL.Path); isStaffPath(parent) {
			return parent
		}
	}
	return ""
}
