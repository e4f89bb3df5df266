// Package static embeds the CSS, scripts and images and serves them with cache-busting URLs, so a deploy never
// leaves a browser with a stale script.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed css img js
var files embed.FS

// Assets knows the content hash of every embedded file.
type Assets struct {
	fsys   fs.FS
	hashes map[string]string
}

// New hashes every embedded file once at start-up.
func New() (*Assets, error) {
	a := &Assets{fsys: files, hashes: map[string]string{}}
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, path)
		if err != nil {
			return fmt.Errorf("static: read %s: %w", path, err)
		}
		sum := sha256.Sum256(b)
		a.hashes[path] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: hash files: %w", err)
	}
	return a, nil
}

// Path is the URL of a file with its content hash as version, e.g. /static/css/app.css?v=1a2b3c4d5e6f.
func (a *Assets) Path(name string) string {
	if h, ok := a.hashes[name]; ok {
		return "/static/" + name + "?v=" + h
	}
	return "/static/" + name
}

// Handler serves the files under /static/. A request that names the current version may be cached for a year;
// any other is revalidated.
func (a *Assets) Handler() http.Handler {
	fileServer := http.StripPrefix("/static/", http.FileServerFS(a.fsys))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if v := r.URL.Query().Get("v"); v != "" && v == a.hashes[name] {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		if strings.HasSuffix(name, "/") || name == "" {
			http.NotFound(w, r)
			return
		}
		fileServer.ServeHTTP(w, r)
	})
}
