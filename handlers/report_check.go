package handlers

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// pageCheck is what the citizen is told about a page before reporting it: whether it is a
// government site (others are taken, with a warning), and the open reports of the same problem
// they may follow instead of filing it again. The form shows it as the server renders the page;
// the form's script asks for it again as the fields change (apiPageCheck).
type pageCheck struct {
	Checked    bool                      `json:"checked"`    // the address is a page's: the rest says something
	Government bool                      `json:"government"` // the page is on a government website
	Reports    []models.FollowableReport `json:"reports"`
}

func (h *reportHandlers) checkPage(ctx context.Context, pageURL, category string) (pageCheck, error) {
	page, err := models.ParsePageURL(pageURL)
	if err != nil {
		return pageCheck{}, nil // the form names what is wrong with the address when it is sent
	}
	gov, err := h.store.Government(ctx, page)
	if err != nil {
		return pageCheck{}, err
	}
	reports, err := h.store.FollowableReports(ctx, page.Raw, category)
	if err != nil {
		return pageCheck{}, err
	}
	return pageCheck{Checked: true, Government: gov, Reports: reports}, nil
}

// apiPageCheck: GET /api/v1/report-check?page_url=...&category=... answers the pageCheck of a
// page, each report with its status in words.
func (h *reportHandlers) apiPageCheck(c *gin.Context) {
	ctx := c.Request.Context()
	if err := h.limits.allow(ctx, "page_check", c.ClientIP(), 30); err != nil {
		h.fail(c, err)
		return
	}
	check, err := h.checkPage(ctx, c.Query("page_url"), c.Query("category"))
	if err != nil {
		h.fail(c, err)
		return
	}
	type report struct {
		models.FollowableReport
		StatusLabel string `json:"status_label"`
		Received    string `json:"received"` // the day, in Asia/Shanghai
	}
	out := make([]report, len(check.Reports))
	for i, r := range check.Reports {
		out[i] = report{r, statusLabel(r.Status), r.ReceivedAt.In(models.Shanghai).Format("2006-01-02")}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"checked": check.Checked, "government": check.Government, "reports": out})
}
