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

// receipt is what the 提交成功 page shows: the ticket number and the query code of the report just
// submitted. The code is stored only as a hash, so this signed cookie is the one place it lives
// on after the submission: a reload, or coming back from another tab, shows the page again
// instead of losing the code for good. The cookie goes only to the page (its path), is hidden from
// scripts, lasts receiptTTL (a reload, not a record: the e-mail or a copy is that), and the citizen can
// clear it (forgetReceipt), as on a shared computer. The code never goes into a URL.
type receipt struct {
	TicketNo string `json:"n"`
	Code     string `json:"c"`
	Emailed  bool   `json:"e,omitempty"` // the number and code were also sent to the reporter's e-mail
}

const (
	receiptCookie = "zc_receipt"
	receiptPath   = "/report/done"
	receiptTTL    = 2 * time.Hour
)

func (u *ui) setReceipt(c *gin.Context, r receipt) {
	body, _ := json.Marshal(r)
	v := base64.RawURLEncoding.EncodeToString(body)
	u.setReceiptCookie(c, v+"."+u.sign(receiptCookie, v), int(receiptTTL/time.Second))
}

func (u *ui) setReceiptCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: receiptCookie, Value: value, Path: receiptPath, MaxAge: maxAge,
		Secure: u.tls.isHTTPS(c), HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// takeReceipt returns the receipt this browser holds, or nil.
func (u *ui) takeReceipt(c *gin.Context) *receipt {
	raw, err := c.Cookie(receiptCookie)
	if err != nil {
		return nil
	}
	v, sig, ok := strings.Cut(raw, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(u.sign(receiptCookie, v))) {
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

// forgetReceipt clears the receipt, for a citizen who has noted the code on a shared computer.
func (u *ui) forgetReceipt(c *gin.Context) {
	u.setReceiptCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}
