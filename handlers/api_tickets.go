package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// apiTicket is a ticket as the staff API shows it.
type apiTicket struct {
	TicketNo        string            `json:"ticket_no"`
	Status          string            `json:"status"`
	StatusLabel     string            `json:"status_label"`
	Source          string            `json:"source"`
	Pending         string            `json:"pending,omitempty"`
	ReplyRejected   bool              `json:"reply_rejected,omitempty"` // 被退回: the reviewer sent the reply back; it is the unit's draft
	PendingDays     int               `json:"pending_days,omitempty"`
	Category        string            `json:"category"`
	Unit            *string           `json:"unit"`
	PageURL         string            `json:"page_url"`
	Description     string            `json:"description"`
	ReceivedAt      time.Time         `json:"received_at"`
	Deadline        *time.Time        `json:"deadline"`
	TriageDeadline  *time.Time        `json:"triage_deadline,omitempty"`
	ClosedAt        *time.Time        `json:"closed_at"`
	Overdue         bool              `json:"overdue"`
	WorkingDaysLeft *int              `json:"working_days_left,omitempty"`
	ContactPhone    string            `json:"contact_phone,omitempty"`
	ContactEmail    string            `json:"contact_email,omitempty"`
	Reply           *string           `json:"reply,omitempty"`
	ReplyPublic     *string           `json:"reply_public,omitempty"`
	ReplyConfirmed  bool              `json:"reply_confirmed"`
	PersonalData    []apiPersonalData `json:"reply_personal_data,omitempty"`
	Rating          string            `json:"rating,omitempty"`
	DuplicateOf     string            `json:"duplicate_of,omitempty"`
	Duplicates      []string          `json:"duplicates,omitempty"`
	Events          []apiEvent        `json:"events,omitempty"`
}

type apiPersonalData struct {
	Kind   string `json:"kind"`
	Text   string `json:"text"`
	Masked string `json:"masked"`
}

type apiEvent struct {
	At       time.Time  `json:"at"`
	Kind     string     `json:"kind"`
	Label    string     `json:"label"`
	Actor    string     `json:"actor,omitempty"`
	Role     string     `json:"role"`
	From     string     `json:"from,omitempty"`
	To       string     `json:"to,omitempty"`
	Unit     string     `json:"unit,omitempty"`
	Deadline *time.Time `json:"deadline,omitempty"`
	Reason   string     `json:"reason,omitempty"`
}

func apiTicketOf(it ticketItem) apiTicket {
	t := apiTicket{TicketNo: it.TicketNo, Status: it.Status, StatusLabel: statusLabel(it.Status), Source: it.Source,
		Pending: it.Pending, ReplyRejected: it.ReplyRejected, Category: it.CategoryName, Unit: optional(it.UnitName), PageURL: it.PageURL,
		Description: it.Description, ReceivedAt: it.ReceivedAt.In(models.Shanghai), Deadline: shanghai(it.Deadline),
		TriageDeadline: shanghai(it.TriageDeadline), ClosedAt: shanghai(it.ClosedAt), Overdue: it.Overdue}
	if it.Running && !it.Overdue {
		left := it.DaysLeft
		t.WorkingDaysLeft = &left
	}
	return t
}

// apiList: GET /api/v1/tickets with the list page's filters.
func (h *staffHandlers) apiList(c *gin.Context) {
	ctx := c.Request.Context()
	f := parseFilter(c)
	rows, total, err := h.store.ListTickets(ctx, scopeOf(c), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	items, err := h.items(ctx, rows)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]apiTicket, len(items))
	for i, it := range items {
		out[i] = apiTicketOf(it)
	}
	c.JSON(http.StatusOK, gin.H{"tickets": out, "total": total, "page": f.Page, "per_page": f.PerPage})
}

// apiShow: GET /api/v1/tickets/{ticket_no}, with its history and the personal data in its reply.
func (h *staffHandlers) apiShow(c *gin.Context) {
	d, err := h.store.TicketDetail(c.Request.Context(), scopeOf(c), c.Param("ticket_no"))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.apiDetail(c, d)
}

// apiDetail answers with a ticket as GET /api/v1/tickets/{ticket_no} shows it.
func (h *staffHandlers) apiDetail(c *gin.Context, d *models.TicketDetail) {
	ctx := c.Request.Context()
	items, err := h.items(ctx, []models.TicketRow{{TicketNo: d.TicketNo, Status: d.Status, Source: d.Source, Pending: d.Pending, ReplyRejected: d.ReplyRejected,
		CategoryName: d.CategoryName, UnitName: d.UnitName, PageURL: d.PageURL, Description: d.Description,
		ReceivedAt: d.ReceivedAt, Deadline: d.Deadline, TriageDeadline: d.TriageDeadline, ClosedAt: d.ClosedAt}})
	if err != nil {
		h.fail(c, err)
		return
	}
	t := apiTicketOf(items[0])
	t.PendingDays, t.ContactPhone, t.ContactEmail = d.PendingDays, d.ContactPhone, d.ContactEmail
	t.Reply, t.ReplyPublic, t.ReplyConfirmed, t.Rating, t.DuplicateOf = d.Reply, d.ReplyPublic, d.ReplyConfirmed, d.Rating, d.PrimaryNo
	for _, p := range d.ReplyHits {
		t.PersonalData = append(t.PersonalData, apiPersonalData{Kind: p.Kind, Text: p.Text, Masked: p.Masked})
	}
	for _, dup := range d.Duplicates {
		t.Duplicates = append(t.Duplicates, dup.TicketNo)
	}
	for _, e := range d.Events {
		t.Events = append(t.Events, apiEvent{At: e.At.In(models.Shanghai), Kind: e.Kind, Label: e.Label(),
			Actor: e.ActorName, Role: e.ActorRole, From: e.FromStatus, To: e.ToStatus, Unit: e.UnitName,
			Deadline: shanghai(e.Deadline), Reason: e.Reason})
	}
	c.JSON(http.StatusOK, t)
}

// apiAct: POST /api/v1/tickets/{ticket_no}/{action}, its body the JSON of models.ActionRequest
// (the form's fields; each action reads those it needs). An Idempotency-Key header makes a retry
// of the same request harmless.
func (h *staffHandlers) apiAct(c *gin.Context) {
	kind := c.Param("action")
	if !models.IsAction(kind) {
		h.fail(c, models.NotFound("未知的操作"))
		return
	}
	// Read by the API's strict JSON reader, as every body of the API is: gin's JSON binding would
	// let unknown fields and invalid UTF-8 through and name no field of a wrong type.
	var req models.ActionRequest
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			h.fail(c, err)
			return
		}
	}
	req.RequestKey = c.GetHeader("Idempotency-Key")
	a, err := req.Action(kind)
	if err != nil {
		h.fail(c, err)
		return
	}
	r, err := h.store.Perform(c.Request.Context(), currentUser(c), c.Param("ticket_no"), a)
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	h.events.Dispatch(ctx, r.Events...)
	d, err := h.store.DetailOf(ctx, r.Ticket)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.apiDetail(c, d)
}
