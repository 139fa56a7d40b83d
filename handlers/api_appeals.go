package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// The JSON API of appeals, exceptions and the dismissed share: the pages' rules, through the
// same calls (appeals.go).

// appealJSON is an appeal as the API shows it.
type appealJSON struct {
	ID           int64      `json:"id"`
	FindingID    int64      `json:"finding_id"`
	ResultID     int64      `json:"result_id"`
	Website      string     `json:"website"`
	Unit         string     `json:"unit"`
	Indicator    string     `json:"indicator"`
	Evidence     string     `json:"evidence"`
	Status       string     `json:"status"`
	StatusLabel  string     `json:"status_label"`
	Reason       string     `json:"reason"`
	File         string     `json:"file_url,omitempty"`
	FiledAt      time.Time  `json:"filed_at"`
	DecidedAt    *time.Time `json:"decided_at"`
	DecisionNote string     `json:"decision_note,omitempty"`
}

func appealOf(a *models.AppealRow) appealJSON {
	j := appealJSON{ID: a.ID, FindingID: a.FindingID, ResultID: a.ResultID, Website: a.WebsiteName, Unit: a.UnitName,
		Indicator: a.Indicator, Evidence: a.Evidence, Status: a.Status, StatusLabel: models.AppealStatusLabel(a.Status),
		Reason: a.Reason, FiledAt: a.FiledAt.In(models.Shanghai), DecidedAt: shanghai(a.DecidedAt), DecisionNote: a.DecisionNote}
	if a.FileName != "" {
		j.File = "/api/v1/inspection/appeals/" + strconv.FormatInt(a.ID, 10) + "/file"
	}
	return j
}

// apiList: GET /api/v1/inspection/appeals[?status=filed], those within the caller's scope.
func (h *appealHandlers) apiList(c *gin.Context) {
	st := c.Query("status")
	if st != "" && models.AppealStatusLabel(st) == "" {
		h.fail(c, models.Invalid("status", "status 只能是 filed、accepted 或 refused"))
		return
	}
	rows, err := h.store.Appeals(c.Request.Context(), scopeOf(c), st, 200)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]appealJSON, len(rows))
	for i := range rows {
		out[i] = appealOf(&rows[i])
	}
	c.JSON(http.StatusOK, gin.H{"appeals": out})
}

// apiShow: GET /api/v1/inspection/appeals/{id}.
func (h *appealHandlers) apiShow(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	h.sendAppeal(c, http.StatusOK, id)
}

// apiFile: POST /api/v1/inspection/appeals, multipart (finding_id, reason, file) as the page's
// form, so that the document goes as it is.
func (h *appealHandlers) apiFile(c *gin.Context) {
	findingID, err := strconv.ParseInt(c.PostForm("finding_id"), 10, 64)
	if err != nil || findingID <= 0 {
		h.fail(c, models.NotFound("未找到该问题"))
		return
	}
	up, err := readAppealFile(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	a, err := h.file(c, findingID, c.PostForm("reason"), up)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.sendAppeal(c, http.StatusCreated, a.ID)
}

// apiAct: POST /api/v1/inspection/appeals/{id}/{accept|refuse}, {"note": "...", "remember": true}.
func (h *appealHandlers) apiAct(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	var body struct {
		Note     string `json:"note"`
		Remember bool   `json:"remember"`
	}
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &body); err != nil {
			h.fail(c, err)
			return
		}
	}
	if _, err := h.decide(c, id, c.Param("action"), body.Note, body.Remember); err != nil {
		h.fail(c, err)
		return
	}
	h.sendAppeal(c, http.StatusOK, id)
}

// exceptionJSON is a site's exception as the API shows it.
type exceptionJSON struct {
	ID           int64      `json:"id"`
	WebsiteID    int64      `json:"website_id"`
	FindingKey   string     `json:"finding_key"`
	Type         string     `json:"type"`
	Indicator    string     `json:"indicator"`
	Evidence     string     `json:"evidence"`
	Reason       string     `json:"reason"`
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	Active       bool       `json:"active"`
	RevokedBy    string     `json:"revoked_by,omitempty"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	RevokeReason string     `json:"revoke_reason,omitempty"`
}

// apiExceptions: GET /api/v1/inspection/websites/{id}/exceptions.
func (h *appealHandlers) apiExceptions(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	rows, err := h.store.SiteExceptions(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]exceptionJSON, len(rows))
	for i, e := range rows {
		out[i] = exceptionJSON{ID: e.ID, WebsiteID: e.WebsiteID, FindingKey: e.FindingKey, Type: e.Type, Indicator: e.Indicator,
			Evidence: e.Evidence, Reason: e.Reason, CreatedBy: e.CreatedByName, CreatedAt: e.CreatedAt.In(models.Shanghai),
			Active: e.Active(), RevokedBy: e.RevokedByName, RevokedAt: shanghai(e.RevokedAt), RevokeReason: e.RevokeReason}
	}
	c.JSON(http.StatusOK, gin.H{"exceptions": out})
}

// apiRemember: POST /api/v1/inspection/exceptions, {"finding_id": 1, "reason": "...", "dismiss": true}.
func (h *appealHandlers) apiRemember(c *gin.Context) {
	var body struct {
		FindingID int64  `json:"finding_id"`
		Reason    string `json:"reason"`
		Dismiss   bool   `json:"dismiss"`
	}
	if err := decodeJSON(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	e, err := h.except(c, strconv.FormatInt(body.FindingID, 10), body.Reason, body.Dismiss)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": e.ID, "finding_id": e.FindingID, "website_id": e.WebsiteID, "finding_key": e.FindingKey})
}

// apiRevoke: POST /api/v1/inspection/exceptions/{id}/revoke, {"reason": "..."}.
func (h *appealHandlers) apiRevoke(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	e, err := h.store.RevokeException(c.Request.Context(), currentUser(c), scopeOf(c), id, body.Reason)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": e.ID, "revoked_at": shanghai(e.RevokedAt)})
}

// apiPrecision: GET /api/v1/admin/inspection/precision.
func (h *appealHandlers) apiPrecision(c *gin.Context) {
	rows, err := h.store.FindingPrecisions(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	type line struct {
		Type      string `json:"type"`
		Label     string `json:"label"`
		Decided   int64  `json:"decided"`
		Confirmed int64  `json:"confirmed"`
		Dismissed int64  `json:"dismissed"`
		Reduced   int64  `json:"reduced"`
		Share     string `json:"dismissed_share"`
	}
	out := make([]line, len(rows))
	for i, p := range rows {
		out[i] = line{Type: p.Type, Label: p.Label(), Decided: p.Decided, Confirmed: p.Confirmed, Dismissed: p.Dismissed,
			Reduced: p.Reduced, Share: p.DismissedShare().Percent(2)}
	}
	c.JSON(http.StatusOK, gin.H{"types": out})
}

// sendAppeal answers with the appeal as the caller may see it now.
func (h *appealHandlers) sendAppeal(c *gin.Context, status int, id int64) {
	row, _, err := h.store.Appeal(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(status, appealOf(row))
}
