// Package static holds the stylesheet, scripts and images, embedded in the binary. Each file is
// served under a URL that carries a hash of its content, so browsers may cache it for a year and
// still see a new release at once.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
)

//go:embed css js img
var files embed.FS

// Asset is one embedded file.
type Asset struct {
	Name        string // e.g. "css/app.css"
	Hash        string // first 12 hex digits of its SHA-256
	ContentType string
	Data        []byte
}

// Assets indexes the embedded files by name.
type Assets struct{ byName map[string]*Asset }

// Load reads and hashes every embedded file.
func Load() (*Assets, error) {
	a := &Assets{byName: map[string]*Asset{}}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.byName[p] = &Asset{Name: p, Hash: hex.EncodeToString(sum[:])[:12], ContentType: ct, Data: data}
		return nil
	})
	return a, err
}

// URL returns the address of the named file, with its hash: /static/<hash>/<name>. An unknown
// name gives "" (a page that links a missing asset shows it at once in tests).
func (a *Assets) URL(name string) string {
	if f := a.byName[name]; f != nil {
		return "/static/" + f.Hash + "/" + name
	}
	return ""
}

// Get returns the named file.
func (a *Assets) Get(name string) (*Asset, bool) {
	f, ok := a.byName[name]
	return f, ok
}
