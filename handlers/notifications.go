package handlers

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

type notificationStore interface {
	Notifications(ctx context.Context, userID int64, unreadOnly bool, page, perPage int) ([]models.Notification, int64, error)
	MarkNotificationsRead(ctx context.Context, userID int64, ids []int64) error
	OpenNotification(ctx context.Context, userID, id int64) (string, error)
}

type notificationHandlers struct {
	*ui
	store notificationStore
}

type notificationsPage struct {
	Items       []models.Notification
	Total       int64
	Unread      bool
	Page, Pages int
	Prev, Next  string
}

func (h *notificationHandlers) list(c *gin.Context) {
	n, _ := strconv.Atoi(c.Query("page"))
	if n < 1 {
		n = 1
	}
	unread := c.Query("unread") == "1"
	items, total, err := h.store.Notifications(c.Request.Context(), currentUser(c).ID, unread, n, 30)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := notificationsPage{Items: items, Total: total, Unread: unread, Page: n, Pages: int((total + 29) / 30)}
	link := func(k int) string {
		q := c.Request.URL.Query()
		q.Set("page", strconv.Itoa(k))
		return "/notifications?" + q.Encode()
	}
	if n > 1 {
		p.Prev = link(n - 1)
	}
	if n < p.Pages {
		p.Next = link(n + 1)
	}
	h.render(c, http.StatusOK, "notifications", page{Title: "通知", Active: "notifications", Content: p})
}

// open marks a notification read and goes where it leads (a ticket's page).
func (h *notificationHandlers) open(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	link, err := h.store.OpenNotification(c.Request.Context(), currentUser(c).ID, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, localPath(link))
}

func (h *notificationHandlers) readAll(c *gin.Context) {
	if err := h.store.MarkNotificationsRead(c.Request.Context(), currentUser(c).ID, nil); err != nil {
		h.fail(c, err)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: "已全部标为已读"})
	c.Redirect(http.StatusSeeOther, "/notifications")
}

type apiNotification struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// apiList: GET /api/v1/notifications?unread=1&page=N.
func (h *notificationHandlers) apiList(c *gin.Context) {
	n, _ := strconv.Atoi(c.Query("page"))
	items, total, err := h.store.Notifications(c.Request.Context(), currentUser(c).ID, c.Query("unread") == "1", max(n, 1), 50)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]apiNotification, len(items))
	for i, it := range items {
		out[i] = apiNotification{ID: it.ID, Kind: it.Kind, Title: it.Title, Body: it.Body, Link: it.Link,
			CreatedAt: it.CreatedAt.In(models.Shanghai), ReadAt: shanghai(it.ReadAt)}
	}
	c.JSON(http.StatusOK, gin.H{"notifications": out, "total": total})
}

// apiRead: POST /api/v1/notifications/read {"ids": [...]}; no ids marks all read.
func (h *notificationHandlers) apiRead(c *gin.Context) {
	var req struct {
		IDs []int64 `json:"ids"`
	}
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			h.fail(c, err)
			return
		}
	}
	if err := h.store.MarkNotificationsRead(c.Request.Context(), currentUser(c).ID, req.IDs); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
