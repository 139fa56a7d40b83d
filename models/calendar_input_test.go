package models_test

import (
	"os"
	"strings"
	"testing"

	"zhaocuo/models"
)

// FuzzParseHolidayNotice: whatever is uploaded, the answer is a notice or an invalid-input error
// in the administrator's words, never the decoder's.
func FuzzParseHolidayNotice(f *testing.F) {
	shipped, err := os.ReadFile("holidays/2025.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shipped)
	for _, s := range []string{`{"year": 2027, "days": "x"}`, `{"year": "2027"}`, `[1]`, `true`, `this is not json`, `{"year": 2027,`, "\uFEFF{}", ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := models.ParseHolidayNotice(data)
		if err == nil {
			return
		}
		msg := models.ErrorMessage(err)
		if models.ErrorKind(err) != models.KindInvalid {
			t.Fatalf("%v, want an invalid-input error", err)
		}
		for _, raw := range []string{"json:", "Go ", "struct", "invalid character", "unexpected end"} {
			if strings.Contains(msg, raw) {
				t.Fatalf("message %q shows the decoder's %q", msg, raw)
			}
		}
	})
}
