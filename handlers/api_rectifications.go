package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// rectificationJSON is a rectification (整改) as the API shows it.
type rectificationJSON struct {
	ID            int64              `json:"id"`
	CircularID    int64              `json:"circular_id"`
	CircularTitle string             `json:"circular_title"`
	Region        string             `json:"region"`
	Unit          string             `json:"unit"`
	Kind          string             `json:"kind"`
	Subject       string             `json:"subject"`
	Problems      string             `json:"problems"`
	DueOn         string             `json:"due_on"`
	Status        string             `json:"status"`
	StatusLabel   string             `json:"status_label"`
	Late          bool               `json:"late"`
	Report        *rectificationFile `json:"report"`
	DecidedAt     *time.Time         `json:"decided_at"`
	Note          string             `json:"note,omitempty"`
}

type rectificationFile struct {
	Name         string     `json:"name"`          // the name the file is served under
	OriginalName string     `json:"original_name"` // the uploader's, as text to show
	ContentType  string     `json:"content_type"`
	SubmittedAt  *time.Time `json:"submitted_at"`
	URL          string     `json:"url"`
}

func rectificationOf(r *models.RectificationRow, now time.Time) rectificationJSON {
	j := rectificationJSON{ID: r.ID, CircularID: r.CircularID, CircularTitle: r.CircularTitle, Region: r.RegionName, Unit: r.UnitName,
		Kind: r.Kind, Subject: r.Subject, Problems: r.Problems, DueOn: r.DueOn, Status: r.Status, StatusLabel: models.RectifyStatusLabel(r.Status),
		Late: r.Late(now), DecidedAt: shanghai(r.DecidedAt), Note: r.Note}
	if r.ReportName != "" {
		j.Report = &rectificationFile{Name: r.ReportFileName(), OriginalName: r.ReportName, ContentType: r.ReportContentType(), SubmittedAt: shanghai(r.SubmittedAt),
			URL: "/api/v1/rectifications/" + strconv.FormatInt(r.ID, 10) + "/report"}
	}
	return j
}

// apiList: GET /api/v1/rectifications, those within the caller's scope, soonest due first.
func (h *rectificationHandlers) apiList(c *gin.Context) {
	rows, err := h.store.Rectifications(c.Request.Context(), scopeOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	now := h.clock.Now()
	out := make([]rectificationJSON, len(rows))
	for i := range rows {
		out[i] = rectificationOf(&rows[i], now)
	}
	c.JSON(http.StatusOK, gin.H{"rectifications": out})
}

// apiShow: GET /api/v1/rectifications/{id}.
func (h *rectificationHandlers) apiShow(c *gin.Context) {
	id, err := models.ParseRectificationID(c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	row, err := h.store.RectificationByID(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rectificationOf(row, h.clock.Now()))
}

// apiDecision is the body of accept and return; a return needs the reason.
type apiDecision struct {
	Note string `json:"note"`
}

// apiAct: POST /api/v1/rectifications/{id}/{action}: report (the unit's file as multipart, field
// "report"), accept or return (JSON {"note": ...}). It answers with the rectification as it is now.
func (h *rectificationHandlers) apiAct(c *gin.Context) {
	id, err := models.ParseRectificationID(c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx, u, sc := c.Request.Context(), currentUser(c), scopeOf(c)
	switch action := c.Param("action"); action {
	case "report":
		var up *models.RectificationUpload
		if up, err = readReport(c); err == nil {
			err = h.submit(ctx, u, sc, id, *up)
		}
	case "accept", "return":
		var req apiDecision
		if c.Request.ContentLength != 0 {
			if err := decodeJSON(c, &req); err != nil {
				h.fail(c, err)
				return
			}
		}
		err = h.decide(ctx, u, sc, id, action == "accept", req.Note)
	default:
		err = models.NotFound("未知的操作")
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.apiShow(c)
}
