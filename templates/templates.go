// Package templates holds the pages, embedded in the binary. Each page is its own template set
// (the layout, every partial, and the page), parsed once at start-up, so a broken template stops
// the program before it serves anything, and rendered into a buffer, so an error never sends
// half a page.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
)

//go:embed layout.html partials/*.html pages/*.html
var files embed.FS

// Engine renders pages by name ("report" is pages/report.html).
type Engine struct {
	pages map[string]*template.Template
	bufs  sync.Pool
}

// New parses every page with the given functions.
func New(funcs template.FuncMap) (*Engine, error) {
	names, err := fs.Glob(files, "pages/*.html")
	if err != nil {
		return nil, err
	}
	e := &Engine{pages: map[string]*template.Template{}, bufs: sync.Pool{New: func() any { return new(bytes.Buffer) }}}
	for _, name := range names {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "layout.html", "partials/*.html", name)
		if err != nil {
			return nil, fmt.Errorf("templates: %s: %w", name, err)
		}
		e.pages[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return e, nil
}

// Render writes the page, or nothing and an error.
func (e *Engine) Render(w io.Writer, page string, data any) error {
	t, ok := e.pages[page]
	if !ok {
		return fmt.Errorf("templates: no page %q", page)
	}
	buf := e.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer e.bufs.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout.html", data); err != nil {
		return fmt.Errorf("templates: %s: %w", page, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// Has reports whether a page exists.
func (e *Engine) Has(page string) bool {
	_, ok := e.pages[page]
	return ok
}
