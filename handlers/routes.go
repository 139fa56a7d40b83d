// Package handlers is the web side: every route, the middleware around them, and one small
// handler per action. Handlers parse, call the model, and render or redirect; rules live in models.
package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"zhaocuo/models"
	"zhaocuo/static"
	"zhaocuo/templates"
)

// Deps is what the web side needs from the composition root.
type Deps struct {
	Store          *models.Store
	Templates      *templates.Engine
	Assets         *static.Assets
	Events         models.Dispatcher     // turns what a write committed into the work that follows (jobs.Dispatcher)
	QueueInspector asynq.RedisConnOpt    // for asynqmon at /admin/queues
	Redis          redis.UniversalClient // shared rate limits
	Registry       *prometheus.Registry  // /metrics; HTTP figures are added to it
	MetricsToken   string                // opens /metrics here as a Bearer token; empty: no /metrics here (METRICS_ADDR)
	Logger         *slog.Logger
	Secret         []byte // signs cookies
	Captcha        bool
	RateLimit      int           // reports per client per hour; 0 = no limits
	StatsCacheTTL  time.Duration // how long a computed rates table serves other views of it; 0: never
	TrustedProxies []string
	Ready          func(ctx context.Context) error // database and Redis answer
	Clock          models.Clock
	Inspection     models.InspectionSource // what circulars read of the inspection; nil: the inspection tables
}

// DefaultStatsCacheTTL is STATS_CACHE_TTL's default, here once: the configuration reads the
// environment over it and the tests run with it. (The signed-in users are kept by the store:
// models.DefaultSessionTTL.)
const DefaultStatsCacheTTL = 10 * time.Second

// New returns the HTTP handler with every route of the application.
func New(d Deps) (http.Handler, error) {
	if d.Events == nil {
		return nil, errors.New("handlers: Deps.Events is required: what the writes commit goes to it")
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.MaxMultipartMemory = maxMultipartMemory
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	if d.Clock == nil {
		d.Clock = models.SystemClock{}
	}
	u := newUI(d)
	metrics := newHTTPMetrics(d.Registry)
	r.Use(requestID(), accessLog(d.Logger), recoverer(u), metrics.middleware(), securityHeaders(u.tls), closeAfterChunked())
	r.NoRoute(u.notFound)
	r.NoMethod(u.methodNotAllowed)

	limits := newLimiter(d.Redis, d.RateLimit, d.Logger)
	auth := &authenticator{store: d.Store, secret: d.Secret, attempts: &attempts{rdb: d.Redis, log: d.Logger},
		perClient: d.RateLimit > 0, log: d.Logger}
	r.Use(auth.session())

	reports := &reportHandlers{ui: u, store: d.Store, limits: limits, captchas: newCaptchas(d.Store, limits, d.Captcha)}
	public := &publicHandlers{ui: u, store: d.Store, limits: limits, events: d.Events}
	sessions := &sessionHandlers{ui: u, auth: auth, store: d.Store}
	staff := &staffHandlers{ui: u, store: d.Store, clock: d.Clock, events: d.Events}
	canned := &cannedHandlers{ui: u, store: d.Store}
	admin := &adminHandlers{ui: u, store: d.Store, events: d.Events}
	stats := &statsHandlers{ui: u, store: cacheStats(d.Store, d.StatsCacheTTL), clock: d.Clock}
	notes := &notificationHandlers{ui: u, store: d.Store}
	account := &accountHandlers{ui: u, store: d.Store}
	health := &healthHandlers{ui: u, ready: d.Ready, metrics: MetricsHandler(d.Registry), token: d.MetricsToken}
	inspection := &inspectionHandlers{ui: u, store: d.Store, clock: d.Clock, events: d.Events}
	if d.Inspection == nil {
		d.Inspection = models.InspectionTables{Store: d.Store}
	}
	circulars := &circularHandlers{ui: u, store: d.Store, inspection: d.Inspection, clock: d.Clock, events: d.Events}
	annual := &annualHandlers{ui: u, store: d.Store, inspection: d.Inspection, clock: d.Clock}
	rectifications := &rectificationHandlers{ui: u, store: d.Store, clock: d.Clock, events: d.Events}
	signedIn, inScope := u.require(), sessions.staffSession()
	supervisors := u.require(models.RoleSupervisor, models.RoleAdmin)
	admins := u.require(models.RoleAdmin)
	handlers := u.require(ticketRoles...)
	clerks := u.require(models.RoleUnitStaff)

	// Operations.
	r.GET("/healthz", health.alive)
	r.GET("/readyz", health.readyz)
	r.GET("/metrics", health.scrape)
	r.GET("/static/:hash/*name", u.asset)

	// Citizens: anonymous pages.
	r.GET("/", reports.form)
	r.POST("/report", limitBody(maxUploadBody), reports.submitForm)
	r.GET("/report/done", reports.done)
	r.POST("/report/done/forget", u.forgetReceipt)
	r.GET("/query", reports.query)
	r.POST("/query", limitBody(maxJSONBody), reports.queryPost)
	r.POST("/query/forget", u.forgetQuery)
	r.POST("/query/rating", limitBody(maxJSONBody), public.rate)
	r.POST("/query/follow-up", limitBody(maxJSONBody), public.followUp)
	r.GET("/query/screenshot", public.screenshot)
	r.GET("/replies", public.replies)

	// Staff: signing in and out.
	r.GET("/login", sessions.loginForm)
	r.POST("/login", limitBody(maxJSONBody), sessions.login)
	r.POST("/logout", sessions.logout)
	r.GET("/account", signedIn, inScope, account.show)
	r.POST("/account", signedIn, limitBody(maxJSONBody), inScope, account.save)
	r.POST("/account/notices", signedIn, limitBody(maxJSONBody), inScope, account.saveNotices)
	r.GET("/account/password", signedIn, inScope, sessions.passwordForm)
	r.POST("/account/password", signedIn, limitBody(maxJSONBody), inScope, sessions.changePassword)

	// Staff: tickets, within each person's scope.
	r.GET("/staff", signedIn, inScope, staff.desk)
	r.GET("/staff/tickets", handlers, inScope, staff.list)
	r.GET("/staff/tickets/:ticket_no", handlers, inScope, staff.detail)
	r.GET("/staff/tickets/:ticket_no/screenshot", handlers, inScope, staff.screenshot)
	r.GET("/staff/tickets/:ticket_no/print", handlers, inScope, staff.printSheet)
	r.POST("/staff/tickets/:ticket_no/:action", handlers, limitBody(maxJSONBody), inScope, staff.act)
	r.GET("/staff/canned", clerks, inScope, canned.list)
	r.POST("/staff/canned", clerks, limitBody(maxJSONBody), inScope, canned.save)
	r.POST("/staff/canned/:id", clerks, limitBody(maxJSONBody), inScope, canned.save)
	r.POST("/staff/canned/:id/delete", clerks, limitBody(maxJSONBody), inScope, canned.remove)
	r.GET("/staff/audit", supervisors, inScope, staff.audit)
	r.GET("/staff/stats", signedIn, inScope, stats.dashboard)
	r.GET("/staff/circulars", supervisors, inScope, circulars.list)
	r.POST("/staff/circulars", supervisors, limitBody(maxCircularForm), inScope, circulars.create)
	r.POST("/staff/circulars/template", supervisors, limitBody(maxCircularForm), inScope, circulars.saveTemplate)
	r.GET("/staff/circulars/:id", supervisors, inScope, circulars.show)
	r.POST("/staff/circulars/:id", supervisors, limitBody(maxCircularForm), inScope, circulars.save)
	r.GET("/staff/circulars/:id/document", supervisors, inScope, circulars.document)
	r.POST("/staff/circulars/:id/:action", supervisors, limitBody(maxJSONBody), inScope, circulars.act)
	// Annual reports (国办函〔2018〕12号): units their sites' work reports, supervisors their region's
	// supervision report; the store checks whose each report is.
	r.GET("/staff/annual", signedIn, inScope, annual.list)
	r.GET("/staff/annual/:kind/:subject/:year", signedIn, inScope, annual.show)
	r.POST("/staff/annual/:kind/:subject/:year", signedIn, limitBody(maxJSONBody), inScope, annual.save)
	r.GET("/staff/annual/:kind/:subject/:year/document", signedIn, inScope, annual.document)
	r.POST("/staff/annual/:kind/:subject/:year/:action", signedIn, limitBody(maxJSONBody), inScope, annual.act)
	r.GET("/staff/rectifications", signedIn, inScope, rectifications.list)
	r.GET("/staff/rectifications/:id", signedIn, inScope, rectifications.show)
	r.GET("/staff/rectifications/:id/report", signedIn, inScope, rectifications.report)
	r.GET("/staff/rectifications/:id/circular", signedIn, inScope, rectifications.circular)
	r.POST("/staff/rectifications/:id/:action", signedIn, limitBody(maxUploadBody), inScope, rectifications.act)
	r.GET("/notifications", signedIn, inScope, notes.list)
	r.GET("/notifications/:id", signedIn, notes.open)
	r.POST("/notifications/read", signedIn, notes.readAll)

	// Staff: the automated inspection, within each person's scope; supervisors and
	// administrators start rounds, decide findings and import account results.
	r.GET("/staff/inspection", signedIn, inScope, inspection.rounds)
	r.POST("/staff/inspection/rounds", supervisors, limitBody(maxJSONBody), inScope, inspection.startRound)
	r.GET("/staff/inspection/rounds/:id", signedIn, inScope, inspection.round)
	r.GET("/staff/inspection/results/:id", signedIn, inScope, inspection.result)
	r.POST("/staff/inspection/findings/:id/:action", supervisors, limitBody(maxJSONBody), inScope, inspection.act)
	r.GET("/staff/inspection/accounts", signedIn, inScope, inspection.accounts)
	r.POST("/staff/inspection/accounts/import", supervisors, limitBody(maxAccountImport+64<<10), inScope, inspection.importAccounts)
	r.GET("/staff/inspection/accounts/:id", signedIn, inScope, inspection.account)
	r.POST("/staff/inspection/accounts/:id/events", signedIn, limitBody(maxJSONBody), inScope, inspection.fileEvent)
	r.GET("/staff/inspection/imports/:id", supervisors, inScope, inspection.importResults)
	// 核减 and the sites' exceptions (issue 20, appeals): a unit contests a finding of its site, a
	// supervisor decides; supervisors keep and revoke the findings remembered as false.
	appeals := &appealHandlers{ui: u, store: d.Store, events: d.Events}
	r.GET("/staff/inspection/appeals", signedIn, inScope, appeals.list)
	r.POST("/staff/inspection/appeals", handlers, limitBody(maxUploadBody), inScope, appeals.fileForm)
	r.GET("/staff/inspection/appeals/:id", signedIn, inScope, appeals.show)
	r.GET("/staff/inspection/appeals/:id/file", signedIn, inScope, appeals.download)
	r.POST("/staff/inspection/appeals/:id/:action", supervisors, limitBody(maxJSONBody), inScope, appeals.act)
	r.POST("/staff/inspection/exceptions", supervisors, limitBody(maxJSONBody), inScope, appeals.remember)
	r.POST("/staff/inspection/exceptions/:id/revoke", supervisors, limitBody(maxJSONBody), inScope, appeals.revoke)
	r.GET("/admin/inspection/precision", admins, inScope, appeals.precision)

	// Administrators: registry, users, calendar, settings.
	r.GET("/admin", admins, inScope, admin.home)
	r.GET("/admin/users", admins, inScope, admin.users)
	r.POST("/admin/users", admins, limitBody(maxJSONBody), inScope, admin.createUser)
	r.POST("/admin/users/:id/:action", admins, limitBody(maxJSONBody), inScope, admin.userAction)
	r.GET("/admin/registry", admins, inScope, admin.registry)
	r.POST("/admin/units", admins, limitBody(maxJSONBody), inScope, admin.createUnit)
	r.POST("/admin/websites", admins, limitBody(maxJSONBody), inScope, admin.createWebsite)
	r.POST("/admin/websites/:id/status", admins, limitBody(maxJSONBody), inScope, admin.websiteStatus)
	r.GET("/admin/calendar", admins, inScope, admin.calendar)
	r.POST("/admin/calendar/import", admins, limitBody(2<<20), inScope, admin.importCalendar)
	r.POST("/admin/calendar/day", admins, limitBody(maxJSONBody), inScope, admin.setCalendarDay)
	r.GET("/admin/settings", admins, inScope, admin.settings)
	r.POST("/admin/settings", admins, limitBody(maxJSONBody), inScope, admin.saveSettings)
	r.GET("/admin/webhooks", admins, inScope, admin.webhooks)
	r.POST("/admin/webhooks", admins, limitBody(maxJSONBody), inScope, admin.addWebhook)
	r.POST("/admin/webhooks/:id/delete", admins, limitBody(maxJSONBody), inScope, admin.deleteWebhook)
	// Units that cannot finish a ticket (issue 18, review): a unit's review setting.
	unitReview := &unitReviewHandlers{ui: u, store: d.Store}
	r.GET("/admin/units/:id/review", admins, inScope, unitReview.show)
	r.POST("/admin/units/:id/review", admins, limitBody(maxJSONBody), inScope, unitReview.set)
	// Inspection rule entries (issue 20): typo pairs, wording rules, leaders' terms added without a release.
	inspectionRules := &inspectionRulesHandlers{ui: u, store: d.Store}
	r.GET("/admin/inspection/rules", admins, inScope, inspectionRules.list)
	r.POST("/admin/inspection/rules", admins, limitBody(maxJSONBody), inScope, inspectionRules.add)
	r.POST("/admin/inspection/rules/:id/:action", admins, limitBody(maxJSONBody), inScope, inspectionRules.setEnabled)
	r.Any("/admin/queues/*path", admins, queuesUI(d))
	r.GET("/admin/queues", admins, queuesUI(d))

	// Registry edit and admin API (issue 18, regedit): the registry's lists with search and
	// paging, its edit forms, the typeahead picks that stand for long selects, and the JSON API.
	registry := &registryHandlers{ui: u, store: d.Store}
	r.GET("/staff/picks/:kind", supervisors, inScope, registry.picks)
	r.GET("/admin/registry/:kind", admins, inScope, registry.listPage)
	r.GET("/admin/registry/:kind/:id", admins, inScope, registry.editPage)
	r.POST("/admin/registry/:kind/:id", admins, limitBody(maxJSONBody), inScope, registry.saveForm)
	r.POST("/admin/registry/:kind/:id/:action", admins, limitBody(maxJSONBody), inScope, registry.openForm)
	r.POST("/admin/webhooks/:id", admins, limitBody(maxJSONBody), inScope, registry.saveWebhook)
	adminAPI := r.Group("/api/v1/admin", admins, inScope)
	adminAPI.GET("/regions", registry.apiRegions)
	adminAPI.POST("/regions", limitBody(maxJSONBody), registry.apiCreateRegion)
	adminAPI.GET("/units", registry.apiUnits)
	adminAPI.POST("/units", limitBody(maxJSONBody), registry.apiCreateUnit)
	adminAPI.GET("/units/:id", registry.apiUnit)
	adminAPI.PUT("/units/:id", limitBody(maxJSONBody), registry.apiUpdateUnit)
	adminAPI.POST("/units/:id/:action", limitBody(maxJSONBody), registry.apiSetOpen("单位", d.Store.SetUnitOpen))
	adminAPI.GET("/websites", registry.apiSites)
	adminAPI.POST("/websites", limitBody(maxJSONBody), registry.apiCreateSite)
	adminAPI.GET("/websites/:id", registry.apiSite)
	adminAPI.PUT("/websites/:id", limitBody(maxJSONBody), registry.apiUpdateSite)
	adminAPI.POST("/websites/:id/:action", limitBody(maxJSONBody), registry.apiSetOpen("网站", d.Store.SetWebsiteOpen))
	adminAPI.GET("/accounts", registry.apiAccounts)
	adminAPI.POST("/accounts", limitBody(maxJSONBody), registry.apiCreateAccount)
	adminAPI.GET("/accounts/:id", registry.apiAccount)
	adminAPI.PUT("/accounts/:id", limitBody(maxJSONBody), registry.apiUpdateAccount)
	adminAPI.GET("/users", registry.apiUsers)
	adminAPI.POST("/users", limitBody(maxJSONBody), registry.apiCreateUser)
	adminAPI.GET("/users/:id", registry.apiUser)
	adminAPI.PUT("/users/:id", limitBody(maxJSONBody), registry.apiUpdateUser)
	adminAPI.POST("/users/:id/:action", limitBody(maxJSONBody), registry.apiSetOpen("用户", d.Store.SetUserEnabled))
	// Administrators: registry import/export (issue 18): upload, the check's report, confirm;
	// the registry and its templates as XLSX and CSV.
	registryImport := &registryImportHandlers{ui: u, store: d.Store, clock: d.Clock}
	r.GET("/admin/registry/import", admins, inScope, registryImport.form)
	r.POST("/admin/registry/import", admins, limitBody(maxRegistryUpload), inScope, registryImport.upload)
	r.GET("/admin/registry/import/:id", admins, inScope, registryImport.plan)
	r.POST("/admin/registry/import/:id/confirm", admins, limitBody(maxJSONBody), inScope, registryImport.confirm)
	r.GET("/admin/registry/export/:file", admins, inScope, registryImport.export)
	r.GET("/admin/registry/template/:file", admins, inScope, registryImport.export)
	// Registry import through the JSON API (issue 18, forms): the page's check, plan, confirm and
	// export for a province's own systems.
	adminAPI.POST("/registry/imports", limitBody(maxRegistryUpload), registryImport.apiImport)
	adminAPI.GET("/registry/imports/:id", registryImport.apiImportPlan)
	adminAPI.POST("/registry/imports/:id/confirm", limitBody(maxJSONBody), registryImport.apiImportConfirm)
	adminAPI.GET("/registry/export", registryImport.apiExport)

	// The JSON API: citizens.
	api := r.Group("/api/v1")
	api.GET("/categories", reports.apiCategories)
	api.GET("/captcha", reports.apiCaptcha)
	api.GET("/report-check", reports.apiPageCheck)
	api.POST("/reports", limitBody(maxUploadBody), reports.apiSubmit)
	api.GET("/reports/:ticket_no", reports.apiShow)
	api.POST("/reports/:ticket_no/rating", limitBody(maxJSONBody), public.apiRate)
	api.POST("/reports/:ticket_no/follow-up", limitBody(maxJSONBody), public.apiFollowUp)

	// The JSON API: staff, with a Bearer token.
	api.POST("/auth/login", limitBody(maxJSONBody), sessions.apiLogin)
	api.POST("/auth/logout", signedIn, sessions.apiLogout)
	api.GET("/me", signedIn, sessions.apiMe)
	api.GET("/me/notification-preferences", signedIn, account.apiNotices)
	api.PUT("/me/notification-preferences", signedIn, limitBody(maxJSONBody), account.apiSetNotices)
	api.GET("/tickets", handlers, inScope, staff.apiList)
	api.GET("/tickets/:ticket_no", handlers, inScope, staff.apiShow)
	api.POST("/tickets/:ticket_no/:action", handlers, limitBody(maxJSONBody), inScope, staff.apiAct)
	api.GET("/stats/completion", signedIn, inScope, stats.apiCompletion)
	api.GET("/inspection/rounds", signedIn, inScope, inspection.apiRounds)
	api.POST("/inspection/rounds", supervisors, limitBody(maxJSONBody), inScope, inspection.apiStartRound)
	api.GET("/inspection/rounds/:id", signedIn, inScope, inspection.apiRound)
	api.GET("/inspection/results/:id", signedIn, inScope, inspection.apiResult)
	api.POST("/inspection/findings/:id/:action", supervisors, limitBody(maxJSONBody), inScope, inspection.apiAct)
	api.GET("/inspection/accounts", signedIn, inScope, inspection.apiAccounts)
	api.POST("/inspection/accounts/import", supervisors, limitBody(maxAccountImport+64<<10), inScope, inspection.apiImport)
	api.GET("/inspection/accounts/:id", signedIn, inScope, inspection.apiAccount)
	api.POST("/inspection/accounts/:id/events", signedIn, limitBody(maxJSONBody), inScope, inspection.apiFileEvent)
	api.GET("/inspection/imports/:id", supervisors, inScope, inspection.apiImportResults)
	api.GET("/inspection/appeals", signedIn, inScope, appeals.apiList)
	api.POST("/inspection/appeals", handlers, limitBody(maxUploadBody), inScope, appeals.apiFile)
	api.GET("/inspection/appeals/:id", signedIn, inScope, appeals.apiShow)
	api.GET("/inspection/appeals/:id/file", signedIn, inScope, appeals.download)
	api.POST("/inspection/appeals/:id/:action", supervisors, limitBody(maxJSONBody), inScope, appeals.apiAct)
	api.GET("/inspection/websites/:id/exceptions", signedIn, inScope, appeals.apiExceptions)
	api.POST("/inspection/exceptions", supervisors, limitBody(maxJSONBody), inScope, appeals.apiRemember)
	api.POST("/inspection/exceptions/:id/revoke", supervisors, limitBody(maxJSONBody), inScope, appeals.apiRevoke)
	adminAPI.GET("/inspection/precision", appeals.apiPrecision)
	api.GET("/circulars", supervisors, inScope, circulars.apiList)
	api.POST("/circulars", supervisors, limitBody(maxJSONBody), inScope, circulars.apiCreate)
	api.GET("/circulars/:id", supervisors, inScope, circulars.apiShow)
	api.GET("/circulars/:id/document", supervisors, inScope, circulars.document)
	api.POST("/circulars/:id/:action", supervisors, limitBody(maxJSONBody), inScope, circulars.apiAct)
	api.GET("/rectifications", signedIn, inScope, rectifications.apiList)
	api.GET("/rectifications/:id", signedIn, inScope, rectifications.apiShow)
	api.GET("/rectifications/:id/report", signedIn, inScope, rectifications.report)
	api.POST("/rectifications/:id/:action", signedIn, limitBody(maxUploadBody), inScope, rectifications.apiAct)
	api.GET("/notifications", signedIn, notes.apiList)
	api.POST("/notifications/read", signedIn, limitBody(maxJSONBody), notes.apiRead)

	// Cross-site form posts are refused for every route (Go's Fetch-metadata check); API
	// clients that send no browser headers are not affected.
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(u.crossOrigin))
	return csrf.Handler(r), nil
}
