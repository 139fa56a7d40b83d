package handlers

import (
	"errors"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// apiCategories lists the categories a report may name.
func (h *reportHandlers) apiCategories(c *gin.Context) {
	cats, err := h.store.Categories(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"categories": cats})
}

// apiCaptcha issues a captcha: {"captcha_id", "image"} (a data: URL), or 204 when captchas are off.
func (h *reportHandlers) apiCaptcha(c *gin.Context) {
	cap, err := h.captchas.issue(c.Request.Context(), c.ClientIP())
	if err != nil {
		h.fail(c, err)
		return
	}
	if cap == nil {
		c.Status(http.StatusNoContent)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, cap)
}

// apiReportRequest is the JSON body of POST /api/v1/reports; the same names serve as
// multipart fields, with the screenshot as the file "screenshot".
type apiReportRequest struct {
	PageURL       string `json:"page_url"`
	Category      string `json:"category"`
	Description   string `json:"description"`
	ContactPhone  string `json:"contact_phone"`
	ContactEmail  string `json:"contact_email"`
	CaptchaID     string `json:"captcha_id"`
	CaptchaAnswer string `json:"captcha_answer"`
	Follow        string `json:"follow"` // an open report of the same problem to follow (GET /api/v1/report-check)
}

// apiSubmit takes a report as JSON or multipart and answers 201 with the ticket number, the query
// code and where the report went.
func (h *reportHandlers) apiSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	if err := h.limits.allow(ctx, "report", c.ClientIP(), 1); err != nil {
		h.fail(c, err)
		return
	}
	req, err := h.parseReportRequest(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	form := reportForm{PageURL: req.PageURL, Category: req.Category, Description: req.Description,
		ContactPhone: req.ContactPhone, ContactEmail: req.ContactEmail, Follow: req.Follow}
	sub, err := h.submit(ctx, c, form, req.CaptchaID, req.CaptchaAnswer)
	if err != nil {
		h.fail(c, err)
		return
	}
	t := sub.Ticket
	c.Header("Location", "/api/v1/reports/"+t.TicketNo)
	c.JSON(http.StatusCreated, apiReport{
		TicketNo: t.TicketNo, QueryCode: sub.QueryCode, Status: t.Status, StatusLabel: statusLabel(t.Status),
		Unit: optional(sub.UnitName), Deadline: shanghai(t.Deadline), DeadlineEstimated: t.DeadlineEstimated,
	})
}

func (h *reportHandlers) parseReportRequest(c *gin.Context) (*apiReportRequest, error) {
	mediaType, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil {
		return nil, errMediaType
	}
	var req apiReportRequest
	switch mediaType {
	case "application/json":
		if err := decodeJSONBody(c, &req); err != nil {
			return nil, err
		}
	case "multipart/form-data":
		if err := c.Request.ParseMultipartForm(maxMultipartMemory); err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return nil, errBodyTooLarge
			}
			return nil, errMalformedForm
		}
		req = apiReportRequest{
			PageURL: c.PostForm("page_url"), Category: c.PostForm("category"), Description: c.PostForm("description"),
			ContactPhone: c.PostForm("contact_phone"), ContactEmail: c.PostForm("contact_email"),
			CaptchaID: c.PostForm("captcha_id"), CaptchaAnswer: c.PostForm("captcha_answer"), Follow: c.PostForm("follow"),
		}
	default:
		return nil, errMediaType
	}
	return &req, nil
}

// apiShow shows a report to whoever holds its query code (?code=...).
func (h *reportHandlers) apiShow(c *gin.Context) {
	ctx := c.Request.Context()
	if err := h.limits.allow(ctx, "query", c.ClientIP(), 30); err != nil {
		h.fail(c, err)
		return
	}
	r, err := h.store.FindReport(ctx, c.Param("ticket_no"), c.Query("code"))
	if err != nil {
		h.fail(c, err)
		return
	}
	received := r.ReceivedAt
	out := apiReport{
		TicketNo: r.TicketNo, Status: r.Status, StatusLabel: statusLabel(r.Status), Unit: optional(r.UnitName),
		Deadline: shanghai(r.Deadline), DeadlineEstimated: r.DeadlineEstimated, Category: r.Category,
		PageURL: r.PageURL, Description: r.Description, ReceivedAt: shanghai(&received), ClosedAt: shanghai(r.ClosedAt),
		StatusExplain: models.CitizenStatusOf(r.Status).Explain,
		Reply:         r.Reply, ClosingNote: r.ClosingNote, Rating: r.Rating, CanFollowUp: r.CanFollowUp(),
	}
	for _, e := range r.History {
		out.History = append(out.History, apiStep{At: e.At.In(models.Shanghai), Kind: e.Kind, Label: models.CitizenEventLabel(e.Kind),
			Unit: e.UnitName, Deadline: shanghai(e.Deadline), Reason: e.Reason})
	}
	c.JSON(http.StatusOK, out)
}
