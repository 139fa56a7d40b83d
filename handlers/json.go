package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// decodeJSON reads a JSON request body strictly: the right content type, at most maxJSONBody
// bytes, valid UTF-8, one value, no unknown fields.
func decodeJSON(c *gin.Context, v any) error {
	mediaType, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return &httpError{Status: http.StatusUnsupportedMediaType, Message: "请求的 Content-Type 应为 application/json"}
	}
	return decodeJSONBody(c, v)
}

func decodeJSONBody(c *gin.Context, v any) error {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxJSONBody+1))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return errBodyTooLarge
		}
		return errMalformedJSON
	}
	if len(body) > maxJSONBody {
		return &httpError{Status: http.StatusRequestEntityTooLarge, Message: "JSON 请求不超过 64 KB（截图请用 multipart/form-data 上传）"}
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD; refuse it instead.
	if !utf8.Valid(body) {
		return errNotUTF8
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return errMalformedJSON
	}
	return nil
}

// jsonError names the field of a JSON body that could not be read, where the decoder knows it.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &httpError{Status: http.StatusBadRequest, Field: te.Field, Message: "字段 " + te.Field + " 的类型不对（应为" + jsonKind(te.Type.Kind().String()) + "）"}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &httpError{Status: http.StatusBadRequest, Message: "未知字段 " + strings.Trim(name, `"`)}
	}
	return errMalformedJSON
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "字符串"
	case "bool":
		return "true 或 false"
	case "int", "int64":
		return "整数"
	}
	return k
}

// asRateLimited is errors.As for the rate-limit error.
func asRateLimited(err error, target **rateLimited) bool { return errors.As(err, target) }

func itoa(n int) string { return strconv.Itoa(n) }
