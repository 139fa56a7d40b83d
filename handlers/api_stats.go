package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// apiRate is a rate as numbers beside its base, never only a rounded string.
type apiRate struct {
	Num   int64    `json:"num"`
	Den   int64    `json:"den"`
	Value *float64 `json:"value"` // null when the base is zero
	Text  string   `json:"text"`  // "99.86%", or "—"
}

func rateJSON(r models.Rate) apiRate {
	out := apiRate{Num: r.Num, Den: r.Den, Text: r.String()}
	if !r.Empty() {
		v := r.Value()
		out.Value = &v
	}
	return out
}

type apiCounts struct {
	Received        int64   `json:"received"`
	Invalid         int64   `json:"invalid"`
	Duplicates      int64   `json:"duplicates"`
	Valid           int64   `json:"valid"`
	Closed          int64   `json:"closed"`
	Due             int64   `json:"due"`
	OnTime          int64   `json:"on_time"`
	Overdue         int64   `json:"overdue"`
	LateClosed      int64   `json:"late_closed"`
	ClosedOverMonth int64   `json:"closed_over_month"`
	OpenOverMonth   int64   `json:"open_over_month"`
	Confirmed       int64   `json:"confirmed"`
	Rated           int64   `json:"rated"`
	Satisfied       int64   `json:"satisfied"`
	HandlingDays    int64   `json:"handling_working_days"`
	CompletionRate  apiRate `json:"completion_rate"`
	OnTimeRate      apiRate `json:"on_time_rate"`
	Satisfaction    apiRate `json:"satisfaction"`
	ConfirmedRate   apiRate `json:"confirmed_rate"`
	AvgHandlingDays string  `json:"avg_handling_working_days"`
}

func countsJSON(c models.Counts) apiCounts {
	return apiCounts{Received: c.Received, Invalid: c.Invalid, Duplicates: c.Duplicates, Valid: c.Valid, Closed: c.Closed,
		Due: c.Due, OnTime: c.OnTime, Overdue: c.OverdueNow, LateClosed: c.LateClosed, ClosedOverMonth: c.ClosedOverMonth,
		OpenOverMonth: c.OpenOverMonth, Confirmed: c.Confirmed, Rated: c.Rated, Satisfied: c.Satisfied, HandlingDays: c.HandlingDays,
		CompletionRate: rateJSON(c.CompletionRate()), OnTimeRate: rateJSON(c.OnTimeRate()), Satisfaction: rateJSON(c.Satisfaction()),
		ConfirmedRate: rateJSON(c.ConfirmedRate()), AvgHandlingDays: c.AvgHandlingDays()}
}

type apiStatsRow struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Rank *int   `json:"rank"` // null: fewer due tickets than the ranking minimum
	apiCounts
}

// apiCompletion: GET /api/v1/stats/completion?from=&to=&period=&group_by=unit|region|category&region=&as_of=
// (&format=xlsx|csv exports the same table).
func (h *statsHandlers) apiCompletion(c *gin.Context) {
	req, err := h.request(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	groupBy := c.DefaultQuery("group_by", "unit")
	if _, ok := groupNames[groupBy]; !ok {
		h.fail(c, models.Invalid("group_by", "group_by 应为 unit、region 或 category"))
		return
	}
	if f := c.Query("format"); f != "" {
		h.exportTable(c, req, groupBy, f)
		return
	}
	t, err := h.store.CompletionTable(c.Request.Context(), req.Query, groupBy, req.Root.Path)
	if err != nil {
		h.fail(c, err)
		return
	}
	rows := make([]apiStatsRow, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = apiStatsRow{Key: r.Key, Name: r.Name, apiCounts: countsJSON(r.Counts)}
		if r.Rank > 0 {
			rank := r.Rank
			rows[i].Rank = &rank
		}
	}
	p := req.Query.Period
	c.JSON(http.StatusOK, gin.H{
		"period":          gin.H{"from": p.From.In(models.Shanghai).Format(time.RFC3339), "to": p.To.In(models.Shanghai).Format(time.RFC3339), "label": p.Label},
		"as_of":           req.Query.AsOf.In(models.Shanghai).Format(time.RFC3339),
		"region":          gin.H{"code": req.Root.Code, "name": req.Root.Name},
		"group_by":        groupBy,
		"ranking_min_due": t.MinDue,
		"total":           countsJSON(t.Total),
		"rows":            rows,
	})
}
