package handlers_test

import (
	"context"
	"strings"
	"testing"
)

// The footer's promise of a reply follows the reply time the deadlines are counted with.
func TestFooterPromisesTheReplyDaysSetting(t *testing.T) {
	a := newTestApp(t)
	set, err := a.Store.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	set.ReplyDays = 5
	if err := a.Store.SaveSettings(context.Background(), set); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/query", "/replies"} {
		_, body := a.get(path)
		if got := doc(t, body).Find("#promise").Text(); !strings.Contains(got, "一般在 5 个工作日内答复") {
			t.Errorf("%s promises %q", path, got)
		}
	}
}
