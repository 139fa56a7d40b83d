package handlers

import (
	"cmp"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// The JSON API of the inspection: the same data and actions as its pages.

type apiRound struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	Mode        string     `json:"mode"` // full, or incremental (a daily round: only what changed)
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	FinishedAt  *time.Time `json:"finished_at"`
	SitesTotal  int        `json:"sites_total"`
	SitesDone   int        `json:"sites_done"`
	SitesFailed int        `json:"sites_failed"`
	Failing     int        `json:"sites_failing,omitempty"`
	Progress    int        `json:"progress"`       // percent of the sites in the caller's scope
	IPv6Checked int        `json:"ipv6_checked"`   // inspected sites checked for IPv6
	IPv6OK      int        `json:"ipv6_supported"` // of them, those answering over IPv6
}

func apiRoundOf(r models.RoundRow) apiRound {
	return apiRound{ID: r.ID, Kind: r.Kind, Mode: cmp.Or(r.Mode, models.RoundFull), Status: r.Status, CreatedAt: r.CreatedAt.In(models.Shanghai), FinishedAt: shanghai(r.FinishedAt),
		SitesTotal: r.Total, SitesDone: r.Done, SitesFailed: r.Failed, Failing: r.Failing, Progress: r.Progress(),
		IPv6Checked: r.IPv6Checked, IPv6OK: r.IPv6OK}
}

type apiResult struct {
	ID         int64      `json:"id"`
	RoundID    int64      `json:"round_id"`
	WebsiteID  int64      `json:"website_id"`
	Website    string     `json:"website"`
	Unit       string     `json:"unit"`
	URL        string     `json:"url"`
	Status     string     `json:"status"`
	Verdict    string     `json:"verdict"`
	Score      float64    `json:"score"`
	Pages      int        `json:"pages"`
	Links      int        `json:"links"`
	Error      string     `json:"error,omitempty"`   // why the site could not be inspected (status failed)
	Stopped    string     `json:"stopped,omitempty"` // the limit that cut the crawl short (MaxPages, MaxDuration, MemoryWait)
	Partial    string     `json:"partial,omitempty"` // 部分检查: the verdict rests on the pages checked
	IPv6AAAA   *bool      `json:"ipv6_aaaa"`         // null when not checked
	IPv6OK     *bool      `json:"ipv6_ok"`
	Confirmed  int        `json:"findings_confirmed"`
	Suspected  int        `json:"findings_suspected"`
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
}

func apiResultOf(r models.ResultRow) apiResult {
	return apiResult{ID: r.ID, RoundID: r.RoundID, WebsiteID: r.WebsiteID, Website: r.WebsiteName, Unit: r.UnitName, URL: r.HomeURL,
		Status: r.Status, Verdict: r.Verdict, Score: r.Score, Pages: r.Pages, Links: r.Links, Error: r.Error, Stopped: r.Stopped, Partial: r.Partial(),
		IPv6AAAA: r.IPv6AAAA, IPv6OK: r.IPv6OK, Confirmed: r.Confirmed, Suspected: r.Suspected, StartedAt: shanghai(r.StartedAt), FinishedAt: shanghai(r.FinishedAt)}
}

type apiFinding struct {
	ID        int64     `json:"id"`
	Type      string    `json:"type"`
	Indicator string    `json:"indicator"`
	URL       string    `json:"url"`
	Target    string    `json:"target"`
	Page      string    `json:"page"`
	Evidence  string    `json:"evidence"`
	Veto      bool      `json:"veto"`
	Warning   bool      `json:"warning"`
	Points    float64   `json:"points"`
	Status    string    `json:"status"`
	SeenAt    time.Time `json:"seen_at"`
	TicketNo  string    `json:"ticket_no,omitempty"`
}

func apiFindingsOf(fs []models.Finding) []apiFinding {
	out := make([]apiFinding, len(fs))
	for i, f := range fs {
		out[i] = apiFinding{ID: f.ID, Type: f.Type, Indicator: f.Indicator, URL: f.URL, Target: f.Target, Page: f.Page,
			Evidence: f.Evidence, Veto: f.Veto, Warning: f.Warning, Points: f.Points, Status: f.Status, SeenAt: f.SeenAt.In(models.Shanghai), TicketNo: f.TicketNo}
	}
	return out
}

// apiRounds: GET /api/v1/inspection/rounds.
func (h *inspectionHandlers) apiRounds(c *gin.Context) {
	rows, err := h.store.Rounds(c.Request.Context(), scopeOf(c), 50)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]apiRound, len(rows))
	for i, r := range rows {
		out[i] = apiRoundOf(r)
	}
	c.JSON(http.StatusOK, gin.H{"rounds": out})
}

// apiStartRound: POST /api/v1/inspection/rounds, no body: a round of the sites in scope, full
// unless ?mode=incremental.
func (h *inspectionHandlers) apiStartRound(c *gin.Context) {
	round, err := h.start(c)
	if err != nil && round == nil {
		h.fail(c, err)
		return
	}
	body := gin.H{"round": apiRoundOf(models.RoundRow{InspectionRound: *round, Total: round.SitesTotal})}
	if err != nil {
		body["warning"] = models.ErrorMessage(err)
	}
	c.JSON(http.StatusCreated, body)
}

// apiRound: GET /api/v1/inspection/rounds/{id}, with its sites' results.
func (h *inspectionHandlers) apiRound(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	round, rows, err := h.store.RoundResults(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	results := make([]apiResult, len(rows))
	for i, r := range rows {
		results[i] = apiResultOf(r)
	}
	c.JSON(http.StatusOK, gin.H{"round": apiRoundOf(*round), "results": results})
}

// apiResult: GET /api/v1/inspection/results/{id}, with its findings.
func (h *inspectionHandlers) apiResult(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	row, fs, err := h.store.Result(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"result": apiResultOf(*row), "findings": apiFindingsOf(fs)})
}

// apiAct: POST /api/v1/inspection/findings/{id}/{confirm|dismiss|ticket}.
func (h *inspectionHandlers) apiAct(c *gin.Context) {
	f, tk, err := h.do(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if tk != nil {
		c.JSON(http.StatusCreated, gin.H{"ticket_no": tk.TicketNo, "deadline": shanghai(tk.Deadline), "source": tk.Source})
		return
	}
	c.JSON(http.StatusOK, gin.H{"finding": apiFindingsOf([]models.Finding{*f})[0]})
}

type apiAccount struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Platform    string `json:"platform"`
	Unit        string `json:"unit"`
	Status      string `json:"status"`
	LastEvent   string `json:"last_event,omitempty"`
	LastFiledOn string `json:"last_filed_on,omitempty"`
}

func apiAccountOf(a models.AccountRow) apiAccount {
	return apiAccount{ID: a.ID, Name: a.Name, Platform: a.Platform, Unit: a.UnitName, Status: a.Status,
		LastEvent: a.LastKind, LastFiledOn: a.LastFiledOn}
}

type apiAccountEvent struct {
	Kind    string `json:"kind"`
	Label   string `json:"label"`
	FiledOn string `json:"filed_on"`
	Note    string `json:"note"`
}

// apiAccounts: GET /api/v1/inspection/accounts.
func (h *inspectionHandlers) apiAccounts(c *gin.Context) {
	accs, err := h.store.Accounts(c.Request.Context(), scopeOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]apiAccount, len(accs))
	for i, a := range accs {
		out[i] = apiAccountOf(a)
	}
	c.JSON(http.StatusOK, gin.H{"accounts": out})
}

// apiAccount: GET /api/v1/inspection/accounts/{id}, with its filings.
func (h *inspectionHandlers) apiAccount(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	acc, events, err := h.store.AccountEvents(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]apiAccountEvent, len(events))
	for i, e := range events {
		out[i] = apiAccountEvent{Kind: e.Kind, Label: models.AccountEventLabel(e.Kind), FiledOn: e.FiledOn, Note: e.Note}
	}
	c.JSON(http.StatusOK, gin.H{"account": apiAccountOf(*acc), "events": out})
}

// apiFileEvent: POST /api/v1/inspection/accounts/{id}/events {"kind","filed_on","note"}.
func (h *inspectionHandlers) apiFileEvent(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	var in struct {
		Kind    string `json:"kind"`
		FiledOn string `json:"filed_on"`
		Note    string `json:"note"`
	}
	if err := decodeJSON(c, &in); err != nil {
		h.fail(c, err)
		return
	}
	e, err := h.store.FileAccountEvent(c.Request.Context(), currentUser(c), scopeOf(c), id,
		models.MediaAccountEvent{Kind: in.Kind, FiledOn: in.FiledOn, Note: in.Note})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"event": apiAccountEvent{Kind: e.Kind, Label: models.AccountEventLabel(e.Kind), FiledOn: e.FiledOn, Note: e.Note}})
}

type apiImport struct {
	ID         int64      `json:"id"`
	Filename   string     `json:"filename"`
	ImportedAt time.Time  `json:"imported_at"`
	StartedAt  *time.Time `json:"started_at"` // null while the import waits in the queue
	Status     string     `json:"status"`     // running, done or failed
	Error      string     `json:"error,omitempty"`
	Accounts   int        `json:"accounts"`
	Refused    int        `json:"refused"` // rows outside the caller's scope: listed in the results, not imported
	Checked    int        `json:"checked"`
	Findings   int        `json:"findings"`
	FinishedAt *time.Time `json:"finished_at"`
}

func apiImportOf(imp *models.AccountImport) apiImport {
	return apiImport{ID: imp.ID, Filename: imp.Filename, ImportedAt: imp.ImportedAt.In(models.Shanghai), StartedAt: shanghai(imp.StartedAt), Status: imp.Status,
		Error: imp.Error, Accounts: imp.Accounts, Refused: imp.Refused, Checked: imp.Checked, Findings: imp.Findings, FinishedAt: shanghai(imp.FinishedAt)}
}

// apiImport: POST /api/v1/inspection/accounts/import, multipart with "file". The accounts are
// checked by a worker: 202 with the import, whose GET shows its progress and, once done, its
// results.
func (h *inspectionHandlers) apiImport(c *gin.Context) {
	imp, err := h.startImport(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	status := "/api/v1/inspection/imports/" + strconv.FormatInt(imp.ID, 10)
	c.Header("Location", status)
	c.JSON(http.StatusAccepted, gin.H{"import": apiImportOf(imp), "status_url": status})
}

// apiImportResults: GET /api/v1/inspection/imports/{id}: the import's state, and its results
// once done.
func (h *inspectionHandlers) apiImportResults(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	imp, results, err := h.store.ImportResults(c.Request.Context(), scopeOf(c), currentUser(c).ID, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]gin.H, len(results))
	for i, r := range results {
		out[i] = gin.H{"name": r.Name, "platform": r.Platform, "unit": r.UnitName, "account_id": r.AccountID,
			"filed_status": r.FiledStatus, "last_post": shanghai(r.LastPost), "interaction": r.Interaction,
			"reported_online": r.ReportedOnline, "findings": apiFindingsOf(r.Findings)}
		if r.Refused != "" {
			out[i]["refused"] = r.Refused
		}
	}
	c.JSON(http.StatusOK, gin.H{"import": apiImportOf(imp), "results": out})
}
