package inspector

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A page keeps at most maxBlockBytes of content text until its round ends, however long it is,
// cut at a character; a page of ordinary length keeps all of it.
func TestPageKeepsBoundedText(t *testing.T) {
	para := "<p>" + strings.Repeat("全市经济运行总体平稳稳中有进规模以上工业增加值同比增长", 20) + "</p>"
	tests := []struct {
		name  string
		paras int
		all   bool
	}{
		{name: "an article of ordinary length", paras: 3, all: true},
		{name: "a page of 200 KB of text", paras: 250},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := analyze(t, "<html><body><div class=\"article\">"+strings.Repeat(para, tt.paras)+"</div></body></html>", false)
			kept := strings.Join(info.Blocks, "")
			if !utf8.ValidString(kept) {
				t.Fatal("the text kept was cut inside a character")
			}
			want := tt.paras * (len(para) - len("<p></p>"))
			if tt.all && len(kept) != want {
				t.Fatalf("kept %d bytes of %d", len(kept), want)
			}
			if !tt.all && (len(kept) > maxBlockBytes || len(kept) < maxBlockBytes-utf8.UTFMax) {
				t.Fatalf("kept %d bytes of text; want the first %d", len(kept), maxBlockBytes)
			}
		})
	}
}
