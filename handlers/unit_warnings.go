package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// Units that cannot finish a ticket (issue 18): the warnings on the supervisor's desk and the
// admin's home (models.UnitWarnings), and the admin's page of a unit's review setting.

// unitWarningsStore is what the desks' warnings need of the database.
type unitWarningsStore interface {
	UnitWarnings(ctx context.Context, sc models.Scope) (*models.UnitWarnings, error)
}

// unitWarnings returns the warnings of the scope, or nil having failed the request.
func (u *ui) unitWarnings(c *gin.Context, store unitWarningsStore, sc models.Scope) *models.UnitWarnings {
	w, err := store.UnitWarnings(c.Request.Context(), sc)
	if err != nil {
		u.fail(c, err)
		return nil
	}
	return w
}

// unitWarningsView is what the warnings' partial shows: the warnings, and whose desk they are on
// (the admin's links lead to a unit's setting, a supervisor's to the unit's tickets).
type unitWarningsView struct {
	W     *models.UnitWarnings
	Admin bool
}

// unitReviewStore is what the unit's review page needs of the database.
type unitReviewStore interface {
	UnitReviewOf(ctx context.Context, id int64) (*models.UnitReviewView, error)
	SetUnitReview(ctx context.Context, actor *models.User, id int64, required bool, source string) error
}

type unitReviewHandlers struct {
	*ui
	store unitReviewStore
}

type unitReviewPage struct {
	Unit   *models.UnitReviewView
	Errors map[string]string
}

// unitID reads the unit's id from the path; anything but a positive number is no unit.
func unitIDParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.NotFound("未找到该单位")
	}
	return id, nil
}

// show: GET /admin/units/{id}/review.
func (h *unitReviewHandlers) show(c *gin.Context) { h.page(c, http.StatusOK, nil) }

func (h *unitReviewHandlers) page(c *gin.Context, status int, errs map[string]string) {
	id, err := unitIDParam(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	v, err := h.store.UnitReviewOf(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, status, "unit_review", page{Title: "单位审核设置：" + v.Name, Active: "admin", Content: unitReviewPage{Unit: v, Errors: errs}})
}

// set: POST /admin/units/{id}/review, review_required = 1 (on) or 0 (off).
func (h *unitReviewHandlers) set(c *gin.Context) {
	id, err := unitIDParam(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var required bool
	switch c.PostForm("review_required") {
	case "1":
		required = true
	case "0":
	default:
		h.page(c, http.StatusBadRequest, map[string]string{"review_required": "请选择需要审核或无需审核"})
		return
	}
	if err := h.store.SetUnitReview(c.Request.Context(), currentUser(c), id, required, models.RegistryByForm); err != nil {
		if s := status(err); s >= 500 || s == http.StatusNotFound || s == http.StatusForbidden {
			h.fail(c, err)
			return
		}
		h.page(c, status(err), map[string]string{"review_required": message(err)})
		return
	}
	msg := "已设置：答复须经本单位审核人审核后公开"
	if !required {
		msg = "已设置：本单位答复无需审核，经办人提交即公开"
	}
	h.setFlash(c, flash{Kind: "ok", Message: msg})
	c.Redirect(http.StatusSeeOther, "/admin/units/"+strconv.FormatInt(id, 10)+"/review")
}
