package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zhaocuo/models"
)

// A user whose password someone else set (a registry import's initial password) chooses one
// before anything else: every page sends them to 修改密码, every API call is refused with the
// reason. Checked in require, which every signed-in route passes, so no route is left out.

// passwordFirstPaths are what such a user may still reach: the form itself, signing out, and who
// they are.
var passwordFirstPaths = map[string]bool{
	"/account/password":   true,
	"/logout":             true,
	"/api/v1/auth/logout": true,
	"/api/v1/me":          true,
}

func mustChangePasswordFirst(c *gin.Context, user *models.User) bool {
	return user.MustChangePassword && !passwordFirstPaths[c.Request.URL.Path]
}

func (u *ui) changePasswordFirst(c *gin.Context) {
	if isAPI(c) {
		u.fail(c, models.Forbidden("请先登录网页修改初始密码（/account/password），再使用接口"))
		return
	}
	c.Redirect(http.StatusSeeOther, "/account/password")
	c.Abort()
}
