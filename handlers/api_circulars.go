package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// circularJSON is a circular as the API shows it: its record, the figures, the text as stored
// (with placeholders, while a draft) and as it reads (filled).
type circularJSON struct {
	ID          int64                   `json:"id"`
	RegionCode  string                  `json:"region_code"`
	RegionName  string                  `json:"region_name"`
	Period      string                  `json:"period"`
	Version     int                     `json:"version"`
	Status      string                  `json:"status"`
	Title       string                  `json:"title"`
	UpdatedAt   time.Time               `json:"updated_at"`
	PublishedAt *time.Time              `json:"published_at"`
	Figures     *models.CircularFigures `json:"figures,omitempty"`
	Text        *models.CircularText    `json:"text,omitempty"`
	Filled      *models.CircularText    `json:"filled,omitempty"`
}

func circularSummary(r *models.CircularRecord, regionName string, full bool) (circularJSON, error) {
	c, err := r.Circular()
	if err != nil {
		return circularJSON{}, err
	}
	filled := c.Filled()
	j := circularJSON{ID: r.ID, RegionCode: c.Figures.RegionCode, RegionName: regionName, Period: r.Period, Version: r.Version,
		Status: r.Status, Title: filled.Title, UpdatedAt: r.UpdatedAt.In(models.Shanghai), PublishedAt: shanghai(r.PublishedAt)}
	if full {
		// The figures keep their times in UTC as stored; the API gives every time in Beijing time.
		c.Figures.RefreshedAt = c.Figures.RefreshedAt.In(models.Shanghai)
		c.Figures.Tickets.AsOf = c.Figures.Tickets.AsOf.In(models.Shanghai)
		j.Figures, j.Text, j.Filled = &c.Figures, &c.Text, &filled
	}
	return j, nil
}

func (h *circularHandlers) apiList(c *gin.Context) {
	rows, err := h.store.Circulars(c.Request.Context(), scopeOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]circularJSON, 0, len(rows))
	for i := range rows {
		j, err := circularSummary(&rows[i].CircularRecord, rows[i].RegionName, false)
		if err != nil {
			h.fail(c, err)
			return
		}
		out = append(out, j)
	}
	c.JSON(http.StatusOK, gin.H{"circulars": out})
}

func (h *circularHandlers) apiShow(c *gin.Context) {
	id, err := models.ParseCircularID(c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.answer(c, http.StatusOK, id)
}

// answer shows a circular as the caller may see it now.
func (h *circularHandlers) answer(c *gin.Context, code int, id int64) {
	row, err := h.store.CircularByID(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	j, err := circularSummary(&row.CircularRecord, row.RegionName, true)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(code, j)
}

func (h *circularHandlers) apiCreate(c *gin.Context) {
	var body struct {
		Period    string `json:"period"`
		Decimals  *int   `json:"decimals"`
		Cutoff    string `json:"cutoff"`
		Deadline  string `json:"deadline"`
		IssueDate string `json:"issue_date"`
		DocNumber string `json:"doc_number"`
	}
	if err := decodeJSON(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	decimals := ""
	if body.Decimals != nil {
		decimals = strconv.Itoa(*body.Decimals)
	}
	req, err := circularRequest(body.Period, decimals, body.Cutoff, body.Deadline, body.IssueDate, body.DocNumber)
	if err != nil {
		h.fail(c, err)
		return
	}
	rec, err := h.store.CreateCircular(c.Request.Context(), currentUser(c), h.inspection, req)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.answer(c, http.StatusCreated, rec.ID)
}

// apiAct is POST /api/v1/circulars/:id/:action: text (the edited text as JSON), refresh, publish,
// correct (answers 201 with the new version).
func (h *circularHandlers) apiAct(c *gin.Context) {
	id, err := models.ParseCircularID(c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	var rec *models.CircularRecord
	if c.Param("action") == "text" {
		var t models.CircularText
		if err := decodeJSON(c, &t); err != nil {
			h.fail(c, err)
			return
		}
		rec, err = h.store.SaveCircularText(c.Request.Context(), currentUser(c), scopeOf(c), id, t)
	} else {
		rec, _, err = h.run(c, id, c.Param("action"))
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	code := http.StatusOK
	if rec.ID != id {
		code = http.StatusCreated
	}
	h.answer(c, code, rec.ID)
}
