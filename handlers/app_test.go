package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/prometheus/client_golang/prometheus"

	"zhaocuo/handlers"
	"zhaocuo/jobs"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
	"zhaocuo/static"
	"zhaocuo/templates"
)

// testApp is the web side on a real database and Redis, served over real HTTP.
type testApp struct {
	t       testing.TB
	URL     string
	Handler http.Handler
	Store   *models.Store
	Clock   *storetest.Clock
	Redis   *storetest.Redis
	Client  *http.Client      // keeps cookies, does not follow redirects
	Events  *storetest.Events // what the app's handlers dispatched (and, when it opened its store, its report writer)
}

// appConfig is what a test app is made of: the web side's Deps, and the options of the store the
// app opens (newTestApp, anotherReplica), as the composition root gives them.
type appConfig struct {
	handlers.Deps
	Email      bool          // SMTP is configured: the store writes e-mail deliveries
	SessionTTL time.Duration // how long the store keeps signed-in users
	// Events records what is dispatched; withQueue hands it on to a real dispatcher.
	Events *storetest.Events
	opened []func(*appConfig) // what is set once the store is open
}

type appOption func(*appConfig)

// withoutCaches reads users and rates afresh for every request, for the few tests that change
// the database behind the app's back. Tests run with the caches as production has them.
func withoutCaches(c *appConfig) { c.SessionTTL, c.StatsCacheTTL = 0, 0 }

// withLog sends the app's log to w.
func withLog(w io.Writer) appOption {
	return func(c *appConfig) { c.Logger = slog.New(slog.NewTextHandler(w, nil)) }
}

// withEmail is SMTP configured: the store writes e-mail deliveries.
func withEmail(c *appConfig) { c.Email = true }

func withCaptcha(c *appConfig)      { c.Captcha = true }
func withRateLimit(n int) appOption { return func(c *appConfig) { c.RateLimit = n } }
func withRedis(r *storetest.Redis) appOption {
	return func(c *appConfig) { c.Redis = r.Client }
}

// onceOpen sets what needs the store, once it is open.
func onceOpen(set func(*appConfig)) appOption {
	return func(c *appConfig) { c.opened = append(c.opened, set) }
}

func newTestApp(t testing.TB, opts ...appOption) *testApp {
	t.Helper()
	clock := storetest.NewClock("2025-03-25 10:00:00")
	rds := storetest.NewRedis(t)
	c := newAppConfig(t, clock, rds, opts)
	store := storetest.OpenWith(t, clock, c.storeOptions())
	c.listen(t, store)
	if _, err := store.SeedDemo(context.Background(), "demo-pass-123"); err != nil {
		t.Fatal(err)
	}
	return newTestAppWith(t, store, clock, rds, c)
}

// newTestAppOn is a test app on a store opened already: another web side over it.
func newTestAppOn(t testing.TB, store *models.Store, clock *storetest.Clock, rds *storetest.Redis, opts ...appOption) *testApp {
	t.Helper()
	return newTestAppWith(t, store, clock, rds, newAppConfig(t, clock, rds, opts))
}

func newAppConfig(t testing.TB, clock *storetest.Clock, rds *storetest.Redis, opts []appOption) *appConfig {
	t.Helper()
	c := &appConfig{Deps: handlers.Deps{
		Redis: rds.Client, Registry: prometheus.NewRegistry(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Secret: []byte("test-secret-test-secret-test-secret!"), Clock: clock, StatsCacheTTL: handlers.DefaultStatsCacheTTL,
	}, SessionTTL: models.DefaultSessionTTL, Events: &storetest.Events{}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// storeOptions are the options of a store the app opens, as the composition root sets them.
func (c *appConfig) storeOptions() models.Options {
	opt := models.Options{Events: c.Events, Email: c.Email}
	if c.SessionTTL > 0 {
		opt.SessionTTL, opt.UsersFeed = c.SessionTTL, jobs.NewUsersFeed(c.Redis, c.SessionTTL, c.Logger)
	}
	return opt
}

// listen makes the store the app opened hear the other replicas, as the root does, until the
// test ends.
func (c *appConfig) listen(t testing.TB, store *models.Store) {
	if c.SessionTTL > 0 {
		l := jobs.NewUsersFeed(c.Redis, c.SessionTTL, c.Logger).Listen(store)
		t.Cleanup(l.Stop)
	}
}

func newTestAppWith(t testing.TB, store *models.Store, clock *storetest.Clock, rds *storetest.Redis, c *appConfig) *testApp {
	t.Helper()
	assets, err := static.Load()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := templates.New(handlers.TemplateFuncs(assets))
	if err != nil {
		t.Fatal(err)
	}
	c.Store, c.Templates, c.Assets, c.Deps.Events = store, tmpl, assets, c.Events
	c.Ready = func(ctx context.Context) error {
		if err := store.Ping(ctx); err != nil {
			return err
		}
		return rds.Client.Ping(ctx).Err()
	}
	for _, set := range c.opened {
		set(c)
	}
	h, err := handlers.New(c.Deps)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &testApp{t: t, URL: srv.URL, Handler: h, Store: store, Clock: clock, Redis: rds, Client: client, Events: c.Events}
}

// do sends a request and returns the response with its body read.
func (a *testApp) do(req *http.Request) (*http.Response, string) {
	a.t.Helper()
	resp, err := a.Client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (a *testApp) get(path string) (*http.Response, string) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.URL+path, nil)
	return a.do(req)
}

func (a *testApp) postJSON(path, body string) (*http.Response, map[string]any) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, raw := a.do(req)
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		a.t.Fatalf("%s %s: response is not JSON (%d): %q", req.Method, path, resp.StatusCode, raw)
	}
	return resp, m
}

// postForm sends a multipart form like a browser on the app's own page, with an optional file.
func (a *testApp) postForm(path string, fields map[string]string, fileName string, file []byte) (*http.Response, string) {
	a.t.Helper()
	return a.postFormFrom(path, fields, &formFile{fileName, file}, "same-origin")
}

type formFile struct {
	name string
	data []byte
}

// postFormFrom sends a multipart form as a browser would from a page of site (Sec-Fetch-Site).
func (a *testApp) postFormFrom(path string, fields map[string]string, file *formFile, site string) (*http.Response, string) {
	a.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if file != nil && file.name != "" {
		fw, _ := w.CreateFormFile("screenshot", file.name)
		fw.Write(file.data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, a.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", site)
	return a.do(req)
}

// captcha issues a captcha and reads its answer back from the database, as only a person
// looking at the image could.
// solvedReport is a valid report with a solved captcha, for the form or the API.
func (a *testApp) solvedReport() map[string]string {
	a.t.Helper()
	id, answer := a.captcha()
	f := validFields()
	f["captcha_id"], f["captcha_answer"] = id, answer
	return f
}

// postReportForm sends the citizens' form with f, and file as its screenshot when there is one.
func (a *testApp) postReportForm(f map[string]string, file []byte) (*http.Response, string) {
	a.t.Helper()
	if file == nil {
		return a.postForm("/report", f, "", nil)
	}
	return a.postForm("/report", f, "shot.png", file)
}

func (a *testApp) captcha() (id, answer string) {
	a.t.Helper()
	resp, body := a.get("/api/v1/captcha")
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("captcha: %d %s", resp.StatusCode, body)
	}
	var c struct {
		ID    string `json:"captcha_id"`
		Image string `json:"image"`
	}
	json.Unmarshal([]byte(body), &c)
	if !strings.HasPrefix(c.Image, "data:image/png;base64,") {
		a.t.Fatalf("captcha image %.40q", c.Image)
	}
	if err := a.Store.SQLDB().QueryRow("SELECT answer FROM captchas WHERE id = ?", c.ID).Scan(&answer); err != nil {
		a.t.Fatal(err)
	}
	return c.ID, answer
}

func doc(t testing.TB, body string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func pngImage(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func validFields() map[string]string {
	return map[string]string{
		"page_url":    "https://gzw.sc.gov.cn/scsgzw/c100/list.shtml",
		"category":    "链接不可用",
		"description": "“通知公告”栏目第二页的链接打开后显示404。",
	}
}

func jsonBody(fields map[string]string) string {
	b, _ := json.Marshal(fields)
	return string(b)
}

func query(v ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(v); i += 2 {
		q.Set(v[i], v[i+1])
	}
	return q.Encode()
}
