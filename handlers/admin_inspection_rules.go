package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// inspectionRulesStore is what the inspection rules page needs: the audited writes of
// models/inspection_rules.go.
type inspectionRulesStore interface {
	InspectionRules(ctx context.Context) ([]models.InspectionRule, error)
	AddInspectionRule(ctx context.Context, by models.RegistryActor, in models.InspectionRuleInput) (*models.InspectionRule, error)
	SetInspectionRuleEnabled(ctx context.Context, by models.RegistryActor, id int64, enabled bool) error
}

// inspectionRulesHandlers serve /admin/inspection/rules: the typo pairs, wording rules and
// leaders' terms an administrator adds to the shipped lists; the next site task uses them.
type inspectionRulesHandlers struct {
	*ui
	store inspectionRulesStore
}

type inspectionRulesPage struct {
	Section string // for the admin tabs
	Rules   []models.InspectionRule
	Kinds   []struct{ Kind, Name string }
	Errors  map[string]string
	Form    map[string]string
}

func (h *inspectionRulesHandlers) show(c *gin.Context, status int, errs, form map[string]string) {
	rules, err := h.store.InspectionRules(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	if form == nil {
		form = map[string]string{"kind": models.RuleTypo}
	}
	h.render(c, status, "inspection_rules", page{Title: "检查规则", Active: "admin", Content: inspectionRulesPage{
		Section: "inspection_rules", Rules: rules, Kinds: models.RuleKinds, Errors: errs, Form: form}})
}

func (h *inspectionRulesHandlers) list(c *gin.Context) { h.show(c, http.StatusOK, nil, nil) }

func (h *inspectionRulesHandlers) add(c *gin.Context) {
	var in models.InspectionRuleInput
	err := c.ShouldBind(&in)
	var tooLarge *http.MaxBytesError
	if err != nil && !errors.As(err, &tooLarge) {
		err = models.Invalid("form", "表单内容无法识别")
	} else if err == nil {
		_, err = h.store.AddInspectionRule(c.Request.Context(), actor(c, models.RegistryByForm), in)
	}
	h.done(c, err, "已添加规则，下一个网站的检查起生效")
}

// setEnabled withdraws an entry (action disable) or puts it back (enable).
func (h *inspectionRulesHandlers) setEnabled(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(c, models.NotFound("规则不存在"))
		return
	}
	var enabled bool
	switch c.Param("action") {
	case "enable":
		enabled = true
	case "disable":
	default:
		h.fail(c, models.NotFound("没有这个操作"))
		return
	}
	msg := "已停用规则"
	if enabled {
		msg = "已重新启用规则"
	}
	h.done(c, h.store.SetInspectionRuleEnabled(c.Request.Context(), actor(c, models.RegistryByForm), id, enabled), msg)
}

// done redirects back to the list with a message, or shows it again with the error beside its
// field and what was typed.
func (h *inspectionRulesHandlers) done(c *gin.Context, err error, ok string) {
	if err != nil {
		if status(err) >= 500 || status(err) == http.StatusNotFound {
			h.fail(c, err)
			return
		}
		errs, form := formFailure(c, err)
		h.show(c, status(err), errs, form)
		return
	}
	h.setFlash(c, flash{Kind: "ok", Message: ok})
	c.Redirect(http.StatusSeeOther, "/admin/inspection/rules")
}
