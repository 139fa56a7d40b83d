package handlers

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// A ticketCookie keeps a ticket's number and query code in the citizen's browser, so that the
// code never goes into an address, where browser history, a proxy's access log or a copied link
// would keep it. The code is stored only as a hash, so the cookie is also the one place it lives
// on after the submission. The cookie is signed (it cannot be made up or altered), hidden from
// scripts, sent back only to its own pages and only from this site, and lasts ttl: a convenience
// for a reload, not a record (the e-mail or the citizen's copy is that). The citizen can clear it,
// as on a shared computer.
type ticketCookie struct {
	name, path string
	ttl        time.Duration
}

var (
	// receiptCookie lets 提交成功 survive a reload, or coming back from another tab, instead of
	// losing the code for good.
	receiptCookie = ticketCookie{name: "zc_receipt", path: "/report/done", ttl: 2 * time.Hour}
	// queryCookie holds the ticket the citizen looked up while they read it, rate it and follow it
	// up (/query and its forms and screenshot).
	queryCookie = ticketCookie{name: "zc_query", path: "/query", ttl: 30 * time.Minute}
)

// receipt is what a ticketCookie holds.
type receipt struct {
	TicketNo string `json:"n"`
	Code     string `json:"c"`
	Emailed  bool   `json:"e,omitempty"` // the number and code were also sent to the reporter's e-mail
}

func (u *ui) setTicketCookie(c *gin.Context, k ticketCookie, r receipt) {
	body, _ := json.Marshal(r)
	v := base64.RawURLEncoding.EncodeToString(body)
	u.writeTicketCookie(c, k, v+"."+u.sign(k.name, v), int(k.ttl/time.Second))
}

func (u *ui) writeTicketCookie(c *gin.Context, k ticketCookie, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: k.name, Value: value, Path: k.path, MaxAge: maxAge,
		Secure: u.tls.isHTTPS(c), HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// takeTicketCookie returns the ticket this browser holds in k, or nil.
func (u *ui) takeTicketCookie(c *gin.Context, k ticketCookie) *receipt {
	raw, err := c.Cookie(k.name)
	if err != nil {
		return nil
	}
	v, sig, ok := strings.Cut(raw, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(u.sign(k.name, v))) {
		return nil
	}
	body, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil
	}
	var r receipt
	if json.Unmarshal(body, &r) != nil || r.TicketNo == "" || r.Code == "" {
		return nil
	}
	return &r
}

func (u *ui) clearTicketCookie(c *gin.Context, k ticketCookie) {
	u.writeTicketCookie(c, k, "", -1)
}

// forgetReceipt clears the receipt, for a citizen who has noted the code on a shared computer.
func (u *ui) forgetReceipt(c *gin.Context) {
	u.clearTicketCookie(c, receiptCookie)
	c.Redirect(http.StatusSeeOther, "/")
}

// forgetQuery clears the ticket the query page shows, as 退出查询 on a shared computer.
func (u *ui) forgetQuery(c *gin.Context) {
	u.clearTicketCookie(c, queryCookie)
	c.Redirect(http.StatusSeeOther, "/query")
}
