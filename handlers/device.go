package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Device tokens (OWASP's "device cookies"). After a right password the browser gets a signed
// cookie, an API client a device_token, bound to the username. A sign-in that carries a valid
// one for its username is counted against that device's own budget instead of the username's
// and the client address's: others' wrong guesses, which close a username to unknown clients
// for a while, do not lock its owner out of the browser or program they sign in with. The token
// grants nothing else: the password is still checked, within the device's own budget.
const (
	deviceTTL          = 90 * 24 * time.Hour
	deviceCookiePrefix = "zc_device_"
	deviceIDLen        = 22 // 16 random bytes, base64url
)

// deviceCookie names the username's device cookie: one per person who signed in on the browser
// (a shared office computer keeps each one's), named by a MAC so that it does not spell the name.
func (a *authenticator) deviceCookie(username string) string {
	m := hmac.New(sha256.New, a.secret)
	m.Write([]byte("device-cookie\x00" + username))
	return deviceCookiePrefix + hex.EncodeToString(m.Sum(nil)[:8])
}

// signDevice is the token id.expiry.mac, the MAC over the username, id and expiry.
func (a *authenticator) signDevice(username, id string, expires int64) string {
	exp := strconv.FormatInt(expires, 10)
	m := hmac.New(sha256.New, a.secret)
	m.Write([]byte("device\x00" + id + "\x00" + exp + "\x00" + username))
	return id + "." + exp + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// device returns the id of token when it is a valid, unexpired device token for username, "" otherwise.
func (a *authenticator) device(username, token string) string {
	id, rest, ok := strings.Cut(token, ".")
	exp, _, ok2 := strings.Cut(rest, ".")
	expires, err := strconv.ParseInt(exp, 10, 64)
	if !ok || !ok2 || err != nil || len(id) != deviceIDLen || time.Now().Unix() > expires {
		return ""
	}
	if !hmac.Equal([]byte(token), []byte(a.signDevice(username, id, expires))) {
		return ""
	}
	return id
}

// deviceToken returns a device token for username: the device id kept (its budget with it) when
// it had one, a new one otherwise, either way valid for deviceTTL from now.
func (a *authenticator) deviceToken(username, id string) string {
	if id == "" {
		b := make([]byte, 16)
		rand.Read(b)
		id = base64.RawURLEncoding.EncodeToString(b)
	}
	return a.signDevice(username, id, time.Now().Add(deviceTTL).Unix())
}

// setDeviceCookie keeps the token in the browser, sent back only to the sign-in form.
func (h *sessionHandlers) setDeviceCookie(c *gin.Context, username, token string) {
	c.SetSameSite(http.SameSiteStrictMode)
	c.SetCookie(h.auth.deviceCookie(username), token, int(deviceTTL.Seconds()), "/login", "", h.tls.isHTTPS(c), true)
}
