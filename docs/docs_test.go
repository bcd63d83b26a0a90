// Package docs holds the project's documentation; its test keeps the
// documentation whole: every relative link in it, and in the README, leads
// to a file in the repository, and nothing in the repository points to a
// design document outside it.
package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// mdLink is a Markdown link's target: [text](target).
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestLinksLeadToFiles: each relative link of README.md and docs/*.md names
// a file or folder of the repository.
func TestLinksLeadToFiles(t *testing.T) {
	pages, err := filepath.Glob("*.md")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages in docs/: %v", err)
	}
	pages = append(pages, filepath.Join("..", "README.md"))
	for _, page := range pages {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(data), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			if _, err := os.Stat(filepath.Join(filepath.Dir(page), target)); err != nil {
				t.Errorf("%s links to %s, which is not in the repository", page, m[1])
			}
		}
	}
}

// TestNothingPointsOutside: no source file or page refers to the design
// document the project started from, which a clone does not have; the
// contract lives in docs/.
func TestNothingPointsOutside(t *testing.T) {
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".md")) || strings.HasSuffix(path, "docs_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, outside := range []string{"DESIGN.md", "../shared"} {
			if strings.Contains(string(data), outside) {
				t.Errorf("%s refers to %s, outside the repository: point into docs/ instead", path, outside)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
