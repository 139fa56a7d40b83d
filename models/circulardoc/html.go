package circulardoc

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"strings"
)

//go:embed circular.html
var htmlSource string

var htmlTemplate = template.Must(template.New("circular").Parse(htmlSource))

// WriteHTML writes the circular as one self-contained HTML page: a sheet of A4 on the screen,
// the 公文 layout of GB/T 9704 in print (版心 156 × 225 mm: margins 37 mm top, 35 mm bottom,
// 28 mm left, 26 mm right; 方正小标宋 title, 仿宋 body, 黑体 and 楷体 headings, with the fonts
// commonly installed as fallbacks). It writes nothing when the template fails.
func WriteHTML(w io.Writer, d Doc) error {
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, d); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}

// ContentSecurityPolicy is the policy to serve WriteHTML's pages with: nothing fetched, the one
// inline style sheet and the one inline script (which puts the 版记 at the foot of the last
// printed page) allowed by their hashes.
var ContentSecurityPolicy = "default-src 'none'; style-src '" + inlineHash("style") + "'; script-src '" + inlineHash("script") +
	"'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// inlineHash is the CSP hash of the source text of the template's one element of a kind.
func inlineHash(element string) string {
	start := strings.Index(htmlSource, "<"+element+">") + len("<"+element+">")
	end := strings.Index(htmlSource, "</"+element+">")
	sum := sha256.Sum256([]byte(htmlSource[start:end]))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}
